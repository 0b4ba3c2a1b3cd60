"""Flow leases on SQLite and PostgreSQL: exclusivity, take-over, fencing."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import insert, select

from connector.config import FlowSettings
from connector.errors import LeaseLostError, StateError
from connector.flows.batch import Batch
from connector.flows.context import FlowContext
from connector.flows.summary import RunSummary
from connector.leases import Lease, acquire_lease, keep_alive, list_leases
from connector.store import StateStore
from connector.store.schema import cursors

TTL = timedelta(seconds=30)


class FakeClock:
    """A clock that only moves when the test moves it."""

    def __init__(self) -> None:
        self.now = datetime(2024, 4, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def _write_cursor(store: StateStore, lease: Lease, value: str) -> None:
    with store.transaction() as conn:
        lease.assert_held(conn)
        conn.execute(
            insert(cursors).values(
                flow=lease.flow, source=value, value=value, updated_at=datetime.now(UTC)
            )
        )


def _cursor_sources(store: StateStore) -> list[str]:
    with store.read() as conn:
        return [row[0] for row in conn.execute(select(cursors.c.source))]


def test_second_replica_cannot_take_a_live_lease(store: StateStore) -> None:
    """While replica a holds a live lease, replica b gets nothing."""
    clock = FakeClock()
    first = acquire_lease(store, "handoff", "a", ttl=TTL, clock=clock)
    clock.advance(29)
    assert first is not None
    assert acquire_lease(store, "handoff", "b", ttl=TTL, clock=clock) is None
    assert acquire_lease(store, "outcomes", "b", ttl=TTL, clock=clock) is not None


def test_lapsed_lease_is_taken_over_with_a_larger_token(store: StateStore) -> None:
    """After the TTL passes without a heartbeat another replica takes the flow."""
    clock = FakeClock()
    first = acquire_lease(store, "handoff", "a", ttl=TTL, clock=clock)
    clock.advance(31)
    second = acquire_lease(store, "handoff", "b", ttl=TTL, clock=clock)
    assert first is not None
    assert second is not None
    assert second.token > first.token
    assert second.taken_over_from == "a"


def test_fenced_replica_cannot_commit(store: StateStore) -> None:
    """A replica that wakes up after a take-over has its whole transaction refused."""
    clock = FakeClock()
    stale = acquire_lease(store, "handoff", "a", ttl=TTL, clock=clock)
    assert stale is not None
    _write_cursor(store, stale, "before-pause")
    clock.advance(45)  # paused (SIGSTOP) past its TTL
    fresh = acquire_lease(store, "handoff", "b", ttl=TTL, clock=clock)
    assert fresh is not None
    with pytest.raises(LeaseLostError, match="replica b holds it now"):
        _write_cursor(store, stale, "after-pause")
    _write_cursor(store, fresh, "by-b")
    assert sorted(_cursor_sources(store)) == ["before-pause", "by-b"]


def test_lapsed_lease_refuses_commit_even_before_a_take_over(store: StateStore) -> None:
    """A lease past its expiry cannot commit although nobody took the flow yet."""
    clock = FakeClock()
    lease = acquire_lease(store, "handoff", "a", ttl=TTL, clock=clock)
    assert lease is not None
    clock.advance(30)
    with pytest.raises(LeaseLostError, match="lapsed"):
        _write_cursor(store, lease, "late")
    assert _cursor_sources(store) == []


def test_renew_extends_and_detects_loss(store: StateStore) -> None:
    """Heartbeats keep a lease alive past its TTL; after a take-over they fail."""
    clock = FakeClock()
    lease = acquire_lease(store, "handoff", "a", ttl=TTL, clock=clock)
    assert lease is not None
    for _ in range(4):
        clock.advance(20)
        lease.renew()
    assert acquire_lease(store, "handoff", "b", ttl=TTL, clock=clock) is None
    clock.advance(31)
    assert acquire_lease(store, "handoff", "b", ttl=TTL, clock=clock) is not None
    with pytest.raises(LeaseLostError):
        lease.renew()


def test_late_heartbeat_revives_a_lapsed_lease_nobody_took(store: StateStore) -> None:
    """A heartbeat that comes after the expiry still renews: no rival has run."""
    clock = FakeClock()
    lease = acquire_lease(store, "handoff", "a", ttl=TTL, clock=clock)
    assert lease is not None
    clock.advance(45)
    lease.renew()
    assert acquire_lease(store, "handoff", "b", ttl=TTL, clock=clock) is None
    _write_cursor(store, lease, "after-late-beat")
    assert _cursor_sources(store) == ["after-late-beat"]


def test_release_hands_over_without_waiting_and_tokens_keep_growing(
    store: StateStore,
) -> None:
    """A released lease is free at once, and the next token is still larger."""
    clock = FakeClock()
    tokens = []
    for holder in ["a", "b", "a", "b"]:
        lease = acquire_lease(store, "handoff", holder, ttl=TTL, clock=clock)
        assert lease is not None
        assert lease.taken_over_from is None
        tokens.append(lease.token)
        assert lease.release() is True
    assert tokens == sorted(set(tokens))
    with store.read() as conn:
        (row,) = list_leases(conn)
    assert (row["flow"], row["holder"], row["token"]) == ("handoff", "", tokens[-1])


def test_release_after_loss_changes_nothing(store: StateStore) -> None:
    """A fenced replica's release does not free the new holder's lease."""
    clock = FakeClock()
    stale = acquire_lease(store, "handoff", "a", ttl=TTL, clock=clock)
    clock.advance(31)
    fresh = acquire_lease(store, "handoff", "b", ttl=TTL, clock=clock)
    assert stale is not None
    assert fresh is not None
    assert stale.release() is False
    assert acquire_lease(store, "handoff", "c", ttl=TTL, clock=clock) is None


def test_database_clock_is_used_without_an_injected_clock(store: StateStore) -> None:
    """Without a test clock a fresh lease is live and a zero TTL lapses at once."""
    live = acquire_lease(store, "handoff", "a", ttl=TTL)
    assert live is not None
    with store.transaction() as conn:
        live.assert_held(conn)
    brief = acquire_lease(store, "outcomes", "a", ttl=timedelta(0))
    assert brief is not None
    with pytest.raises(LeaseLostError), store.transaction() as conn:
        brief.assert_held(conn)


def test_keep_alive_reports_loss_through_the_callback(store: StateStore) -> None:
    """The heartbeat thread notices a take-over and says so through on_lost."""
    clock = FakeClock()
    lease = acquire_lease(store, "handoff", "a", ttl=TTL, clock=clock)
    assert lease is not None
    clock.advance(31)
    assert acquire_lease(store, "handoff", "b", ttl=TTL, clock=clock) is not None
    called = threading.Event()
    errors: list[StateError] = []

    def on_lost(exc: LeaseLostError) -> None:
        errors.append(exc)
        called.set()

    with keep_alive(lease, every=0.001, on_lost=on_lost) as lost:
        assert called.wait(10)
        assert lost.is_set()
    assert isinstance(errors[0], LeaseLostError)


@pytest.mark.postgres
def test_postgres_take_over_waits_for_the_commit_in_hand(pg_schema_url: str) -> None:
    """On PostgreSQL a batch's lease check locks the row until its commit ends."""
    clock = FakeClock()
    holder_store = StateStore(pg_schema_url)
    holder_store.migrate()
    rival_store = StateStore(pg_schema_url + "%20-clock_timeout%3D200")
    try:
        lease = acquire_lease(holder_store, "handoff", "a", ttl=TTL, clock=clock)
        assert lease is not None
        with holder_store.transaction() as conn:
            lease.assert_held(conn)
            clock.advance(31)  # the lease lapses while the batch commits
            with pytest.raises(StateError, match=r"LockNotAvailable|lock timeout"):
                acquire_lease(rival_store, "handoff", "b", ttl=TTL, clock=clock)
        rival = acquire_lease(rival_store, "handoff", "b", ttl=TTL, clock=clock)
        assert rival is not None
        assert rival.token == lease.token + 1
    finally:
        holder_store.close()
        rival_store.close()


@pytest.mark.postgres
def test_heartbeat_is_not_held_up_by_the_batch_being_committed(
    pg_schema_url: str,
) -> None:
    """A batch locks the lease row only at its end, so heartbeats go on meanwhile.

    A big page can take longer to write than the lease lives; were the row
    locked from the start, the heartbeat would wait behind it and a healthy run
    would lose its lease.
    """
    store = StateStore(pg_schema_url)
    store.migrate()
    beat_store = StateStore(pg_schema_url + "%20-clock_timeout%3D200")
    try:
        lease = acquire_lease(store, "handoff", "a", ttl=TTL)
        assert lease is not None
        heartbeat = Lease(
            store=beat_store,
            flow="handoff",
            holder="a",
            token=lease.token,
            ttl=TTL,
            expires_at=lease.expires_at,
        )
        renewed: list[bool] = []

        def write_while_the_heartbeat_runs(conn: object) -> None:
            heartbeat.renew()  # another connection, mid-transaction
            renewed.append(True)

        batch = Batch("handoff", "run-1")
        batch.writes.append(write_while_the_heartbeat_runs)
        ctx = FlowContext(
            app=SimpleNamespace(store=store),  # type: ignore[arg-type]
            flow="handoff",
            run_id="run-1",
            settings=FlowSettings(),
            mappings=None,
            summary=RunSummary(flow="handoff", run_id="run-1", mode="sync"),
            lease=lease,
        )
        ctx.commit(batch)
        assert renewed == [True]
    finally:
        store.close()
        beat_store.close()
