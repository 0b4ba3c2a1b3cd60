"""Push contract: create, update, upsert, per-record errors, batches above the cap."""

from __future__ import annotations

import pytest

from adapters.protocol import WriteOp
from tests.contract.conftest import require
from tests.contract.target import Target


def _pushable(target: Target) -> None:
    if not target.adapter.capabilities().can_push(target.entity):
        pytest.skip(f"{target.adapter!r} declares no push of {target.entity}")


def test_create_returns_ids_in_batch_order(target: Target) -> None:
    """Creates succeed in order, each with the system's id, and are stored."""
    _pushable(target)
    ops = [WriteOp(key=f"k{i}", fields=target.person(i)) for i in range(3)]
    result = target.adapter.push(target.entity, ops)
    assert [o.key for o in result.outcomes] == ["k0", "k1", "k2"]
    assert all(o.ok and o.id for o in result.outcomes)
    assert all(o.created for o in result.outcomes)
    for op, outcome in zip(ops, result.outcomes, strict=True):
        stored = target.stored(str(outcome.id))
        assert stored is not None
        assert stored[target.match_field] == op.fields[target.match_field]


def test_update_by_id_changes_the_record(target: Target) -> None:
    """An update by id writes the new value to the same record."""
    _pushable(target)
    created = target.adapter.push(
        target.entity, [WriteOp(key="a", fields=target.person(1))]
    ).outcomes[0]
    assert created.ok
    target.settle()
    field = target.match_field
    op = WriteOp(key="a", fields={field: "changed@example.jp"}, id=created.id)
    outcome = target.adapter.push(target.entity, [op]).outcomes[0]
    assert outcome.ok
    assert outcome.id == created.id
    assert not outcome.created
    stored = target.stored(str(created.id))
    assert stored is not None
    assert stored[field] == "changed@example.jp"


def test_upsert_matches_an_existing_record(target: Target) -> None:
    """An upsert on the match field finds the record it created before."""
    capabilities = require(target, "upsert")
    if target.entity not in capabilities.upsert:
        pytest.skip(f"no upsert of {target.entity}")
    field = target.match_field
    first = WriteOp(key="u", fields=target.person(7), match_field=field)
    created = target.adapter.push(target.entity, [first]).outcomes[0]
    assert created.ok
    target.settle()
    again = target.adapter.push(target.entity, [first]).outcomes[0]
    assert again.ok
    assert again.id == created.id
    assert not again.created


def test_a_refused_record_fails_alone(target: Target) -> None:
    """One invalid record is a failed outcome with a reason; the others are written."""
    require(target, "record_errors")
    ops = [
        WriteOp(key="good1", fields=target.person(1)),
        WriteOp(key="bad", fields=target.invalid_person()),
        WriteOp(key="good2", fields=target.person(2)),
    ]
    result = target.adapter.push(target.entity, ops)
    by_key = {o.key: o for o in result.outcomes}
    assert by_key["good1"].ok
    assert by_key["good2"].ok
    assert not by_key["bad"].ok
    assert by_key["bad"].error
    assert [o.key for o in result.failed] == ["bad"]


def test_a_batch_above_the_cap_is_split(target: Target) -> None:
    """More records than one call takes are all written, in order."""
    _pushable(target)
    count = min(target.batch_cap, 500) + 5
    ops = [WriteOp(key=f"b{i}", fields=target.person(i)) for i in range(count)]
    result = target.adapter.push(target.entity, ops)
    assert [o.key for o in result.outcomes] == [op.key for op in ops]
    assert all(o.ok for o in result.outcomes), result.failed[:3]
    assert len({o.id for o in result.outcomes}) == count
