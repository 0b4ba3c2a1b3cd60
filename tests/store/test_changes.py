"""Bulk state changes, on SQLite and PostgreSQL: the same rows as single writes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Table, select

from connector.records import Deal, Person, SourceRef, Stage
from connector.store import (
    StateStore,
    deadletters,
    fingerprints,
    identity,
    people,
    schema,
)
from connector.store.changes import Change, apply_changes
from connector.store.deadletters import DeadLetterWrite, Release
from connector.store.events import StageEvent
from connector.store.fingerprints import FingerprintWrite
from connector.store.identity import LinkWrite
from connector.store.people import DealSave, PersonSave, StageSet
from connector.store.provenance import FieldWrites
from connector.store.schema import dead_letters, provenance, stage_events
from connector.store.snapshots import SnapshotWrite, get_snapshots

T0 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
T1 = T0 + timedelta(days=1)

# Columns whose value is "now" at write time (or a serial): they differ between
# two runs of the same changes.
VOLATILE = {
    "id",
    "linked_at",
    "seen_at",
    "written_at",
    "first_seen",
    "last_seen",
    "next_attempt_at",
}
VOLATILE_UPDATED_AT = {"persons", "fingerprints"}  # stamped now by stage/fingerprint
APPENDED = {"stage_events", "provenance"}  # their order is the id order


def _letter(p: str, key: str, run: str) -> DeadLetterWrite:
    return DeadLetterWrite(
        flow="handoff",
        record_key=f"{p}{key}",
        system="ma",
        entity="persons",
        kind="invalid",
        reason="unmapped_stage",
        error=f"{key} failed in {run}",
        payload={"id": key},
        run_id=run,
        max_attempts=3,
    )


def _person(p: str, record: str, **values: Any) -> Person:
    return Person(source=SourceRef("ma", f"{p}{record}"), updated_at=T0, **values)


def _deal(p: str, deal_id: str, stage: Stage, amount: str) -> Deal:
    return Deal(
        source=SourceRef("sfa", f"{p}{deal_id}"),
        name=f"deal {deal_id}",
        stage=stage,
        amount=Decimal(amount),
        updated_at=T0,
    )


def _seed(p: str) -> list[Change]:
    """Rows that exist before the batch (written by an earlier run)."""
    return [
        LinkWrite("ma", "persons", f"{p}1", f"{p}c1", "email", 1.0, "run-0"),
        PersonSave(
            f"{p}c1",
            _person(p, "1", email="a@x.jp", campaign="spring", stage=Stage.NURTURING),
        ),
        SnapshotWrite("sfa", "persons", f"{p}L1", {"a": "1", "b": "2"}, T0),
        FingerprintWrite("handoff", f"{p}k1", "old", "L-1"),
        _letter(p, "failing", "run-0"),
        _letter(p, "healed-then-failing", "run-0"),
        _letter(p, "failing-then-healed", "run-0"),
        DealSave(_deal(p, "D1", Stage.SQL, "100"), f"{p}c1", "person"),
    ]


def _batch(p: str) -> list[Change]:
    """One page's changes, touching most keys more than once, in flow order."""
    return [
        LinkWrite("ma", "persons", f"{p}1", f"{p}c2", "handoff", None, "run-1"),
        LinkWrite("ma", "persons", f"{p}2", f"{p}c1", "email", 0.9, "run-1"),
        LinkWrite("ma", "persons", f"{p}2", f"{p}c2", "name", 0.8, "run-1"),
        PersonSave(
            f"{p}c1",
            _person(p, "1", email="a@x.jp", campaign="summer", stage=Stage.MQL),
            reached_mql=True,
        ),
        StageSet(f"{p}c9", Stage.LOST, "nobody"),  # no such person: nothing
        PersonSave(f"{p}c1", _person(p, "1", email="a@x.jp"), handed_off_at=T1),
        StageSet(f"{p}c1", Stage.WON, "signed"),
        PersonSave(f"{p}c3", _person(p, "3", email="new@x.jp", campaign="fall")),
        StageSet(f"{p}c3", Stage.LOST, "budget"),
        PersonSave(f"{p}c3", _person(p, "3", phone="03-1111-2222")),
        SnapshotWrite("sfa", "persons", f"{p}L1", {"b": "3", "c": None}, None),
        SnapshotWrite("sfa", "persons", f"{p}L2", {"x": "1"}, None),
        SnapshotWrite("sfa", "persons", f"{p}L2", {"y": "2", "x": "9"}, T1),
        FingerprintWrite("handoff", f"{p}k1", "mid", "L-1"),
        FingerprintWrite("handoff", f"{p}k1", "new", "L-2"),
        FingerprintWrite("handoff", f"{p}k2", "first", None),
        _letter(p, "failing", "run-1"),
        _letter(p, "failing", "run-1"),  # again in the same run: one attempt
        Release("handoff", f"{p}healed-then-failing"),
        _letter(p, "healed-then-failing", "run-1"),
        _letter(p, "failing-then-healed", "run-1"),
        Release("handoff", f"{p}failing-then-healed"),
        _letter(p, "new", "run-1"),
        Release("handoff", f"{p}never-failed"),
        DealSave(_deal(p, "D1", Stage.OPPORTUNITY, "200"), f"{p}c1", "person"),
        DealSave(_deal(p, "D1", Stage.WON, "300"), f"{p}c1", "person"),
        DealSave(_deal(p, "D2", Stage.LOST, "50"), None, "none"),
        StageEvent("ma", "persons", f"{p}1", Stage.MQL, None, f"{p}c1", None, T0),
        StageEvent("sfa", "persons", f"{p}L1", Stage.SQL, Stage.MQL, f"{p}c1", "x", T0),
        StageEvent("sfa", "deals", f"{p}D1", Stage.WON, Stage.SQL, f"{p}c1", "y", T0),
        FieldWrites(f"{p}c1", "sfa", f"{p}L1", {"姓": "山田", "n": 3}, "ma", "r", "x"),
        FieldWrites(
            f"{p}c1", "sfa", f"{p}L1", {"姓": "山本", "m": None}, "ma", "r", "x"
        ),
    ]


def _rows(conn: Connection, table: Table, p: str) -> list[tuple[Any, ...]]:
    """The table's rows of prefix ``p``, with the prefix and volatile columns gone."""
    volatile = VOLATILE | (
        {"updated_at"} if table.name in VOLATILE_UPDATED_AT else set()
    )
    kept = [c for c in table.columns if c.name not in volatile]
    if table.name in APPENDED:
        order = [table.c.id]
    elif table is dead_letters:
        order = [table.c.flow, table.c.record_key]
    else:
        order = list(table.primary_key.columns)
    result = []
    for row in conn.execute(select(*kept).order_by(*order)):
        values = tuple(v.replace(p, "") if isinstance(v, str) else v for v in row)
        if any(isinstance(v, str) and v != o for v, o in zip(values, row, strict=True)):
            result.append(values)
    return result


TABLES = [
    schema.identities,
    schema.persons,
    schema.deals,
    schema.snapshots,
    schema.fingerprints,
    schema.dead_letters,
    schema.stage_events,
    schema.provenance,
]


def _write(store: StateStore, how: Callable[[Connection, list[Change]], None]) -> None:
    for p in ("bulk:", "single:"):
        with store.transaction() as conn:
            for change in _seed(p):
                apply_changes(conn, [change])
    with store.transaction() as conn:
        how(conn, _batch("bulk:"))
    with store.transaction() as conn:
        for change in _batch("single:"):
            apply_changes(conn, [change])


def test_a_batch_leaves_the_rows_of_its_changes_written_one_by_one(
    store: StateStore,
) -> None:
    """Every table holds the same rows after one bulk write as after single writes."""
    _write(store, apply_changes)
    with store.read() as conn:
        for table in TABLES:
            bulk, single = _rows(conn, table, "bulk:"), _rows(conn, table, "single:")
            assert bulk == single, table.name
            assert bulk, f"the scenario writes to {table.name}"


def test_same_key_twice_and_upserts_over_stored_rows(store: StateStore) -> None:
    """Later writes win, merges keep both, and stored rows are updated in place."""
    _write(store, apply_changes)
    p = "bulk:"
    with store.read() as conn:
        assert identity.resolve(conn, "ma", "persons", f"{p}1") == f"{p}c2"
        assert identity.resolve(conn, "ma", "persons", f"{p}2") == f"{p}c2"
        c1 = people.get_person(conn, f"{p}c1")
        assert c1 is not None
        assert (c1["stage"], c1["stage_reason"]) == ("won", "signed")
        assert (c1["first_touch"], c1["campaign"]) == ("spring", "summer")
        assert c1["handed_off_at"] == T1
        assert people.get_person(conn, f"{p}c9") is None
        c3 = people.get_person(conn, f"{p}c3")
        assert c3 is not None
        assert (c3["email"], c3["phone"], c3["stage"]) == (
            "new@x.jp",
            "03-1111-2222",
            "lost",
        )
        assert get_snapshots(conn, "sfa", "persons", [f"{p}L1", f"{p}L2"]) == {
            f"{p}L1": ({"a": "1", "b": "3"}, T0),
            f"{p}L2": ({"x": "9", "y": "2"}, T1),
        }
        assert fingerprints.get_fingerprints(conn, "handoff", [f"{p}k1"]) == {
            f"{p}k1": ("new", "L-2")
        }
        assert people.get_deal_stages(conn, "sfa", [f"{p}D1", f"{p}D2"]) == {
            f"{p}D1": Stage.WON,
            f"{p}D2": Stage.LOST,
        }
        letters = {
            d["record_key"].removeprefix(p): d
            for d in deadletters.list_dead_letters(conn, flow="handoff")
            if d["record_key"].startswith(p)
        }
    assert {k: v["attempts"] for k, v in letters.items()} == {
        "failing": 2,
        "healed-then-failing": 1,
        "new": 1,
    }
    assert letters["failing"]["error"] == "failing failed in run-1"


def test_an_updated_dead_letter_keeps_its_row_and_first_sighting(
    store: StateStore,
) -> None:
    """A record failing again keeps its id and first_seen; one released starts anew."""
    with store.transaction() as conn:
        apply_changes(conn, _seed("p:"))
    with store.read() as conn:
        before = {d["record_key"]: d for d in deadletters.list_dead_letters(conn)}
    with store.transaction() as conn:
        apply_changes(conn, _batch("p:"))
    with store.read() as conn:
        after = {d["record_key"]: d for d in deadletters.list_dead_letters(conn)}
    kept, renewed = after["p:failing"], after["p:healed-then-failing"]
    assert kept["id"] == before["p:failing"]["id"]
    assert kept["first_seen"] == before["p:failing"]["first_seen"]
    assert kept["last_seen"] > before["p:failing"]["last_seen"]
    assert renewed["id"] != before["p:healed-then-failing"]["id"]
    assert renewed["first_seen"] > before["p:healed-then-failing"]["first_seen"]


def test_stage_events_and_provenance_keep_the_order_they_were_made_in(
    store: StateStore,
) -> None:
    """Rows appended in bulk come back in the order of the changes."""
    p = "o:"
    with store.transaction() as conn:
        apply_changes(conn, _batch(p))
    with store.read() as conn:
        moves = conn.execute(
            select(stage_events.c.record_id).order_by(stage_events.c.id)
        ).all()
        writes = conn.execute(
            select(provenance.c.field, provenance.c.value).order_by(provenance.c.id)
        ).all()
    assert [m[0] for m in moves] == [f"{p}1", f"{p}L1", f"{p}D1"]
    assert [tuple(w) for w in writes] == [
        ("姓", "山田"),
        ("n", "3"),
        ("姓", "山本"),
        ("m", None),
    ]


def test_more_keys_than_one_query_takes(store: StateStore) -> None:
    """Batches of more than 500 keys are read and written completely."""
    keys = [f"big:{n:04d}" for n in range(1234)]
    with store.transaction() as conn:
        apply_changes(conn, [_letter("", k, "run-1") for k in keys])
        apply_changes(
            conn,
            [SnapshotWrite("ma", "persons", k, {"n": k}, None) for k in keys],
        )
    with store.transaction() as conn:
        apply_changes(conn, [_letter("", k, "run-2") for k in keys[:700]])
        apply_changes(conn, [Release("handoff", k) for k in keys[100:]])
        apply_changes(
            conn,
            [SnapshotWrite("ma", "persons", k, {"m": "1"}, None) for k in keys],
        )
    with store.read() as conn:
        letters = deadletters.list_dead_letters(conn)
        found = get_snapshots(conn, "ma", "persons", keys)
    assert [(d["record_key"], d["attempts"]) for d in letters] == [
        (k, 2) for k in keys[:100]
    ]
    assert len(found) == len(keys)
    assert all(found[k][0] == {"n": k, "m": "1"} for k in keys)
