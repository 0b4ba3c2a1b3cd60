"""The daemon in-process: scheduling rules, leases around runs, stopping."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from apscheduler.events import EVENT_JOB_MAX_INSTANCES
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select

from connector.app import App
from connector.daemon import Daemon
from connector.errors import LeaseLostError
from connector.leases import acquire_lease
from connector.store.runs import last_runs
from connector.store.schema import runs
from tests.daemon.standin import StandinFlow, StandinSummary, target

AppFactory = Callable[..., App]


def _targets(app: App, flow: str = "handoff") -> list[int]:
    with app.store.read() as conn:
        rows = conn.execute(select(target).where(target.c.flow == flow))
        return sorted(row.item for row in rows)


def test_jobs_never_overlap_coalesce_and_follow_the_schedule(
    make_app: AppFactory,
) -> None:
    """Each enabled flow is one job with max_instances=1, coalescing, its trigger."""
    app = make_app(
        handoff="every 90s",
        outcomes="cron */10 * * * *",
        extra="misfire_grace_seconds = 120",
    )
    daemon = Daemon(app, runner=StandinFlow(total=1, batch=1))
    daemon.start()
    try:
        jobs = {job.id: job for job in daemon.scheduler.get_jobs()}
        assert sorted(jobs) == ["handoff", "outcomes"]
        for job in jobs.values():
            assert (job.max_instances, job.coalesce, job.misfire_grace_time) == (
                1,
                True,
                120,
            )
        assert isinstance(jobs["handoff"].trigger, IntervalTrigger)
        assert jobs["handoff"].trigger.interval == timedelta(seconds=90)
        assert isinstance(jobs["outcomes"].trigger, CronTrigger)
        assert str(jobs["outcomes"].trigger.fields[6]) == "*/10"
    finally:
        daemon.scheduler.shutdown(wait=True)


def test_a_flow_is_never_run_twice_at_once(make_app: AppFactory) -> None:
    """A tick that fires while the flow still runs is skipped, not run in parallel."""
    app = make_app(handoff="cron 0 0 1 1 *")
    entered, release, refused = threading.Event(), threading.Event(), threading.Event()

    def work() -> None:
        entered.set()
        assert release.wait(10)

    flow = StandinFlow(total=2, batch=2, work=work)
    daemon = Daemon(app, runner=flow)
    daemon.start()
    daemon.scheduler.add_listener(lambda _e: refused.set(), EVENT_JOB_MAX_INSTANCES)
    try:
        job = daemon.scheduler.get_job("handoff")
        job.modify(next_run_time=datetime.now(UTC))
        assert entered.wait(10)
        job.modify(next_run_time=datetime.now(UTC))
        assert refused.wait(10)
        release.set()
    finally:
        release.set()
        assert daemon.shutdown() is True
    assert flow.calls == [daemon.replica]
    assert _targets(app) == [1, 2]


def test_run_once_takes_and_gives_back_the_lease(make_app: AppFactory) -> None:
    """The one-shot mode runs each flow under a lease, then releases it."""
    app = make_app(outcomes="every 1h")
    flow = StandinFlow(total=5, batch=2)
    daemon = Daemon(app, runner=flow, replica_id="r1")
    assert daemon.run_once() == 0
    assert flow.calls == ["r1", "r1"]
    assert _targets(app) == [1, 2, 3, 4, 5]
    assert acquire_lease(app.store, "handoff", "r2", ttl=timedelta(seconds=5))


def test_flow_held_by_another_replica_is_skipped(make_app: AppFactory) -> None:
    """While another replica holds the lease this one does not run the flow."""
    app = make_app()
    assert acquire_lease(app.store, "handoff", "other", ttl=timedelta(hours=1))
    flow = StandinFlow(total=3, batch=3)
    daemon = Daemon(app, runner=flow, replica_id="me")
    assert daemon.run_flow_once("handoff") is None
    assert daemon.run_once() == 0
    assert flow.calls == []
    assert daemon.health_record()["flows"]["handoff"]["held_by_other"] is True


def test_stop_request_finishes_the_batch_in_hand(make_app: AppFactory) -> None:
    """A stop during a batch lets it commit, then the run ends as stopped."""
    app = make_app()
    daemon: Daemon
    flow = StandinFlow(total=10, batch=3, work=lambda: daemon.request_stop("test"))
    daemon = Daemon(app, runner=flow, replica_id="r1")
    result = daemon.run_flow_once("handoff")
    assert result is not None
    assert result.status == "stopped"
    assert _targets(app) == [1, 2, 3]
    with app.store.read() as conn:
        assert last_runs(conn)["handoff"]["status"] == "stopped"


def test_lost_lease_stops_the_run_and_refuses_its_commit(
    make_app: AppFactory,
) -> None:
    """When another replica takes the flow over mid-batch nothing more is committed."""
    app = make_app(extra="lease_ttl_seconds = 30\nheartbeat_seconds = 10")
    clock_now = [datetime(2024, 4, 1, tzinfo=UTC)]
    daemon: Daemon

    def paused_past_ttl() -> None:
        clock_now[0] += timedelta(seconds=31)
        assert acquire_lease(
            app.store,
            "handoff",
            "thief",
            ttl=timedelta(seconds=30),
            clock=lambda: clock_now[0],
        )

    flow = StandinFlow(total=6, batch=3, work=paused_past_ttl)
    daemon = Daemon(app, runner=flow, replica_id="r1", lease_clock=lambda: clock_now[0])
    with pytest.raises(LeaseLostError, match="replica thief holds it now"):
        daemon.run_flow_once("handoff")
    assert _targets(app) == []
    assert daemon.health_record()["flows"]["handoff"]["last_status"] == "failed"
    assert daemon.run_once() == 0  # the thief holds it: skipped, not failed


def test_take_over_closes_the_dead_replicas_run(make_app: AppFactory) -> None:
    """A run left 'running' by a replica whose lease lapsed is marked failed."""
    app = make_app(extra="lease_ttl_seconds = 30\nheartbeat_seconds = 10")
    clock_now = [datetime(2024, 4, 1, tzinfo=UTC)]
    dead = acquire_lease(
        app.store,
        "handoff",
        "dead",
        ttl=timedelta(seconds=30),
        clock=lambda: clock_now[0],
    )
    assert dead is not None
    from connector.store import runs as run_rows

    with app.store.transaction() as conn:
        orphan = run_rows.start_run(conn, "handoff", "sync", holder="dead")
    clock_now[0] += timedelta(seconds=31)
    daemon = Daemon(
        app,
        runner=StandinFlow(total=2, batch=2),
        replica_id="r1",
        lease_clock=lambda: clock_now[0],
    )
    assert daemon.run_once() == 0
    with app.store.read() as conn:
        row = conn.execute(select(runs).where(runs.c.id == orphan)).one()
    assert row.status == "failed"
    assert "replica dead stopped renewing" in row.error
    assert _targets(app) == [1, 2]


def test_run_once_exit_code_reflects_failures(make_app: AppFactory) -> None:
    """The one-shot mode exits 1 when a run failed or dead-lettered records."""
    app = make_app()

    standin = StandinFlow(total=1, batch=1)

    def partial(app: App, flow: str, **kwargs: Any) -> StandinSummary:
        summary = standin(app, flow, **kwargs)
        summary.status = "partial"
        return summary

    assert Daemon(app, runner=partial, replica_id="r1").run_once() == 1
    assert standin.calls == ["r1"]
