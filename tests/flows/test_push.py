"""Batch isolation and pre-send validation of write payloads."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from adapters.protocol import (
    ENTITIES,
    Capabilities,
    CheckResult,
    Cursor,
    Entity,
    Page,
    PushOutcome,
    PushResult,
    WriteOp,
)
from connector.errors import RecordRejectedError
from connector.flows.push import MAX_FIELD_BYTES, invalid_reason, push_isolating
from connector.records import Activity


class AllOrNothingTarget:
    """A target that fails a whole batch when any record in it is bad."""

    name = "sfa"

    def __init__(self, bad: set[str]) -> None:
        self.bad = bad
        self.requests: list[list[str]] = []
        self.stored: dict[str, dict[str, object]] = {}

    def check(self) -> CheckResult:
        return CheckResult(True, "ok")

    def pull(
        self, entity: Entity, cursor: Cursor | None, *, full: bool = False
    ) -> Iterator[Page]:
        return iter(())

    def push(self, entity: Entity, batch: Sequence[WriteOp]) -> PushResult:
        self.requests.append([op.key for op in batch])
        if any(op.key in self.bad for op in batch):
            raise RecordRejectedError("batch refused", status=400, body='{"bad":1}')
        for op in batch:
            self.stored[op.key] = dict(op.fields)
        return PushResult([PushOutcome(op.key, ok=True, id=op.key) for op in batch])

    def vocabulary(self, field: str) -> list[str]:
        return []

    def select_fields(self, entity: Entity, fields: Sequence[str]) -> None:
        pass

    def capabilities(self) -> Capabilities:
        return Capabilities.of(push=ENTITIES)

    def activities_for(self, record_id: str, since: datetime) -> list[Activity] | None:
        return None

    def close(self) -> None:
        pass


def test_bisection_isolates_the_bad_record() -> None:
    """One bad record in 16 is isolated; the other 15 are written."""
    target = AllOrNothingTarget(bad={"k7"})
    ops = [WriteOp(key=f"k{i}", fields={"n": i}) for i in range(16)]
    outcomes = push_isolating(target, "persons", ops)
    assert [o.key for o in outcomes] == [op.key for op in ops]
    failed = [o for o in outcomes if not o.ok]
    assert [o.key for o in failed] == ["k7"]
    assert failed[0].kind == "rejected"
    assert failed[0].status == 400
    assert failed[0].body == '{"bad":1}'
    assert set(target.stored) == {f"k{i}" for i in range(16)} - {"k7"}
    assert len(target.requests) <= 1 + 2 * 4  # about 2·log2(16) extra requests


def test_clean_batch_is_one_request() -> None:
    """Without bad records, a batch costs exactly one request."""
    target = AllOrNothingTarget(bad=set())
    push_isolating(target, "persons", [WriteOp(key="a", fields={}), WriteOp("b", {})])
    assert target.requests == [["a", "b"]]


def test_invalid_payloads_are_named() -> None:
    """Oversized fields, control characters and bad emails each get a reason."""
    assert invalid_reason({"a": "x" * (MAX_FIELD_BYTES + 1)}, email_field=None)
    assert "control" in (invalid_reason({"a": "bell\x07"}, email_field=None) or "")
    assert "email" in (invalid_reason({"mail": "no-at"}, email_field="mail") or "")
    assert (
        invalid_reason({"a": "ok\tfine\n", "mail": "a@b.jp"}, email_field="mail")
        is None
    )
