"""A batch commits in bulk yet keeps its order: barriers in place, the cursor last."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection

from connector.flows.batch import Batch
from connector.records import Person, SourceRef, Stage
from connector.store import StateStore, cursors, deadletters, fingerprints, people
from connector.store.snapshots import get_snapshots

T0 = datetime(2026, 10, 1, tzinfo=UTC)


def _batch() -> Batch:
    return Batch("handoff", "run-1")


def test_a_barrier_sees_the_changes_before_it_and_not_the_cursor(
    store: StateStore,
) -> None:
    """Changes made before a barrier are written before it runs; the cursor is not."""
    seen: list[object] = []

    def barrier(conn: Connection) -> None:
        seen.append(fingerprints.get_fingerprints(conn, "handoff", ["ma:1"]))
        seen.append(cursors.get_cursor(conn, "handoff", "ma.persons"))
        fingerprints.set_fingerprint(conn, "handoff", "ma:1", "barrier", None)
        people.save_person(conn, "c1", Person(SourceRef("ma", "1"), email="b@x.jp"))

    batch = _batch()
    batch.cursor("ma.persons", "page-1")
    batch.fingerprint("ma:1", "before", "L-1")
    batch.do(barrier)
    batch.person("c1", Person(SourceRef("ma", "1"), stage=Stage.MQL))
    with store.transaction() as conn:
        batch.apply(conn)
    assert seen == [{"ma:1": ("before", "L-1")}, None]
    with store.read() as conn:
        assert fingerprints.get_fingerprints(conn, "handoff", ["ma:1"]) == {
            "ma:1": ("barrier", None)
        }
        row = people.get_person(conn, "c1")
        assert cursors.get_cursor(conn, "handoff", "ma.persons") == "page-1"
    assert row is not None
    assert (row["email"], row["stage"]) == ("b@x.jp", "mql")
    assert len(batch) == 0


def test_changes_after_a_barrier_are_written_after_it(store: StateStore) -> None:
    """A dead letter the barrier wrote is released by a change that follows it."""

    def fail(conn: Connection) -> None:
        deadletters.add_dead_letter(
            conn,
            flow="handoff",
            record_key="ma:2",
            system="ma",
            entity="persons",
            kind="invalid",
            reason="invalid_value",
            error="bad",
            payload={},
        )

    batch = _batch()
    batch.release("ma:2")
    batch.do(fail)
    batch.snapshot("ma", "persons", "2", {"a": "1"}, T0)
    batch.release("ma:2")
    batch.snapshot("ma", "persons", "2", {"b": "2"}, None)
    with store.transaction() as conn:
        batch.apply(conn)
    with store.read() as conn:
        assert deadletters.list_dead_letters(conn) == []
        assert get_snapshots(conn, "ma", "persons", ["2"]) == {
            "2": ({"a": "1", "b": "2"}, T0)
        }


def test_a_failing_write_leaves_nothing_of_the_batch(store: StateStore) -> None:
    """One failure rolls back every change of the batch, bulk ones and the cursor."""

    class Boom(Exception):
        pass

    def explode(conn: Connection) -> None:
        raise Boom

    batch = _batch()
    batch.fingerprint("ma:1", "f", "L-1")
    batch.link("ma", "persons", "1", "c1", "email", 1.0)
    batch.person("c1", Person(SourceRef("ma", "1"), email="a@x.jp"))
    batch.cursor("ma.persons", "page-1")
    batch.do(explode)
    batch.snapshot("ma", "persons", "1", {"a": "1"}, None)
    with pytest.raises(Boom), store.transaction() as conn:
        batch.apply(conn)
    with store.read() as conn:
        assert fingerprints.get_fingerprints(conn, "handoff", ["ma:1"]) == {}
        assert people.get_person(conn, "c1") is None
        assert cursors.get_cursor(conn, "handoff", "ma.persons") is None
        assert get_snapshots(conn, "ma", "persons", ["1"]) == {}


def test_clear_forgets_changes_and_cursor() -> None:
    """A dry run's batch is cleared: nothing, the cursor included, is left to write."""
    batch = _batch()
    batch.cursor("ma.persons", "page-1")
    batch.release("ma:1")
    batch.clear()
    assert len(batch) == 0
