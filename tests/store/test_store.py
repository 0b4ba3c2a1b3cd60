"""State store behaviour, on SQLite and on PostgreSQL (the `store` fixture)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from connector.errors import StateError
from connector.records import Stage
from connector.store import (
    SCHEMA_VERSION,
    StateStore,
    cursors,
    deadletters,
    events,
    fingerprints,
    runs,
    snapshots,
)
from connector.store.schema import meta


def test_migrate_is_idempotent(store: StateStore) -> None:
    """Migrating an up-to-date store again changes nothing and keeps the version."""
    assert store.migrate() == SCHEMA_VERSION
    assert store.migrate() == SCHEMA_VERSION


def test_newer_schema_is_refused(store: StateStore) -> None:
    """A store written by a newer connector is refused with a hint, not corrupted."""
    with store.transaction() as conn:
        conn.execute(
            update(meta).where(meta.c.key == "schema_version").values(value="999")
        )
    with pytest.raises(StateError, match="newer") as info:
        store.migrate()
    assert info.value.hint


def test_cursor_roundtrip_and_overwrite(store: StateStore) -> None:
    """A cursor reads back as last written, per flow and source."""
    with store.transaction() as conn:
        assert cursors.get_cursor(conn, "handoff", "ma.persons") is None
        cursors.set_cursor(conn, "handoff", "ma.persons", "a")
        cursors.set_cursor(conn, "handoff", "ma.persons", "b")
        cursors.set_cursor(conn, "outcomes", "ma.persons", "z")
    with store.read() as conn:
        assert cursors.get_cursor(conn, "handoff", "ma.persons") == "b"
        assert cursors.get_cursor(conn, "outcomes", "ma.persons") == "z"
        assert len(cursors.list_cursors(conn)) == 2


def test_transaction_rolls_back_everything_on_error(store: StateStore) -> None:
    """A failure inside a transaction leaves neither the cursor nor anything else."""

    class Boom(Exception):
        pass

    def write_then_fail() -> None:
        with store.transaction() as conn:
            cursors.set_cursor(conn, "handoff", "ma.persons", "moved")
            fingerprints.set_fingerprint(conn, "handoff", "ma:1", "f", "L-1")
            raise Boom

    with pytest.raises(Boom):
        write_then_fail()
    with store.read() as conn:
        assert cursors.get_cursor(conn, "handoff", "ma.persons") is None
        assert fingerprints.get_fingerprints(conn, "handoff", ["ma:1"]) == {}


def test_dead_letter_attempts_backoff_and_parking(store: StateStore) -> None:
    """A record failing again updates its one row; after max attempts it is parked."""
    with store.transaction() as conn:
        for _ in range(3):
            deadletters.add_dead_letter(
                conn,
                flow="handoff",
                record_key="ma:1",
                system="ma",
                entity="persons",
                kind="invalid",
                reason="unmapped_stage",
                error="lifecyclestage 'x' has no mapping",
                payload={"record": {"id": "1"}},
                max_attempts=3,
            )
    with store.read() as conn:
        rows = deadletters.list_dead_letters(conn)
        assert len(rows) == 1
        assert rows[0]["attempts"] == 3
        assert rows[0]["status"] == "parked"
        assert rows[0]["payload"] == {"record": {"id": "1"}}
        assert deadletters.count_dead_letters(conn) == {
            "handoff": {"pending": 0, "parked": 1}
        }
        assert deadletters.due_dead_letters(conn, "handoff") == []


def test_dead_letter_retry_drop_and_release(store: StateStore) -> None:
    """Retry makes a letter due now, drop deletes it, release removes it on success."""
    with store.transaction() as conn:
        for key in ("a", "b", "c"):
            deadletters.add_dead_letter(
                conn,
                flow="outcomes",
                record_key=key,
                system="sfa",
                entity="deals",
                kind="rejected",
                reason="rejected_by_target",
                error="400",
                payload={},
            )
    with store.read() as conn:
        ids = {r["record_key"]: r["id"] for r in deadletters.list_dead_letters(conn)}
        assert deadletters.due_dead_letters(conn, "outcomes") == []
        later = datetime.now(UTC) + timedelta(hours=1)
        assert len(deadletters.due_dead_letters(conn, "outcomes", now=later)) == 3
    with store.transaction() as conn:
        assert deadletters.schedule_retry(conn, [ids["a"]]) == 1
        assert deadletters.drop_dead_letters(conn, [ids["b"]]) == 1
        assert deadletters.release_dead_letter(conn, "outcomes", "c") is True
    with store.read() as conn:
        due = deadletters.due_dead_letters(conn, "outcomes")
        assert [d["record_key"] for d in due] == ["a"]


def test_runs_record_last_run_per_flow(store: StateStore) -> None:
    """The last run of each flow is found with its status and counts."""
    with store.transaction() as conn:
        first = runs.start_run(conn, "handoff", "sync")
        runs.finish_run(conn, first, "ok", {"created": 2})
    with store.transaction() as conn:
        second = runs.start_run(conn, "handoff", "sync")
        runs.finish_run(conn, second, "partial", {"invalid": 1}, error=None)
    with store.read() as conn:
        last = runs.last_runs(conn)
    assert last["handoff"]["id"] == second
    assert last["handoff"]["status"] == "partial"
    assert last["handoff"]["counts"] == {"invalid": 1}
    assert last["handoff"]["ended_at"].tzinfo is not None


def test_a_run_left_running_is_closed_by_the_next_leased_run(
    store: StateStore,
) -> None:
    """A run killed with -9 stays 'running' until the next leased run closes it."""
    with store.transaction() as conn:
        killed = runs.start_run(conn, "handoff", "sync", holder="cli-1")
        other_flow = runs.start_run(conn, "outcomes", "sync", holder="cli-1")
    with store.transaction() as conn:
        runs.start_run(conn, "handoff", "sync", holder="cli-2")
    with store.read() as conn:
        by_id = {r["id"]: r for r in runs.recent_runs(conn)}
    assert by_id[killed]["status"] == "interrupted"
    assert "killed or crashed" in by_id[killed]["error"]
    assert by_id[killed]["ended_at"] is not None
    assert by_id[other_flow]["status"] == "running"


def test_stage_events_keep_order(store: StateStore) -> None:
    """Stage history comes back oldest first with aware timestamps."""
    t0 = datetime(2026, 10, 1, tzinfo=UTC)
    with store.transaction() as conn:
        events.record_stage_event(
            conn,
            system="ma",
            entity="persons",
            record_id="1",
            canonical_id="c1",
            to_stage=Stage.MQL,
            occurred_at=t0,
        )
        events.record_stage_event(
            conn,
            system="sfa",
            entity="deals",
            record_id="D",
            canonical_id="c1",
            from_stage=Stage.MQL,
            to_stage=Stage.WON,
            occurred_at=t0 + timedelta(days=3),
        )
    with store.read() as conn:
        history = events.stage_history(conn, canonical_id="c1")
    assert [h["to_stage"] for h in history] == ["mql", "won"]
    assert history[1]["occurred_at"] == t0 + timedelta(days=3)


def test_snapshots_merge_known_fields(store: StateStore) -> None:
    """A later snapshot keeps fields it does not mention."""
    with store.transaction() as conn:
        snapshots.put_snapshot(
            conn, "sfa", "persons", "L-1", {"a": "1", "b": "2"}, None
        )
        snapshots.put_snapshot(conn, "sfa", "persons", "L-1", {"b": "3"}, None)
    with store.read() as conn:
        fields, _ = snapshots.get_snapshots(conn, "sfa", "persons", ["L-1"])["L-1"]
    assert fields == {"a": "1", "b": "3"}


def test_fingerprint_ignores_key_order() -> None:
    """Two payloads with the same content hash the same, whatever the key order."""
    assert fingerprints.fingerprint({"a": 1, "b": "x"}) == fingerprints.fingerprint(
        {"b": "x", "a": 1}
    )
    assert fingerprints.fingerprint({"a": 1}) != fingerprints.fingerprint({"a": 2})


def test_unreachable_store_is_a_state_error(tmp_path) -> None:
    """A store that cannot be opened is a StateError naming the URL, not a traceback."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    state = StateStore(f"sqlite:///{tmp_path}/missing-dir/../file/state.db")
    with pytest.raises(StateError, match="cannot open"):
        state.migrate()


def test_safe_url_hides_password() -> None:
    """The URL shown in messages never carries the password."""
    state = StateStore("postgresql+psycopg://u:hunter22@127.0.0.1:5432/test")
    assert "hunter22" not in state.safe_url
    state.close()
