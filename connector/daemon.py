"""``connector run``: run each flow on its schedule until told to stop.

APScheduler 3 fires each enabled flow on its interval or crontab, with
``max_instances=1`` (a flow never overlaps itself), ``coalesce=True`` (runs missed
while the process was busy or asleep become one) and a ``misfire_grace_time``.

Before each run the replica takes the flow's lease (:mod:`connector.leases`) and
renews it while the run lasts, so with a PostgreSQL store several replicas share
the flows and a dead replica's flow is picked up once its lease lapses. A run
whose lease is lost is asked to stop, and its next commit is refused anyway.

SIGTERM or SIGINT: stop scheduling, ask running flows to stop after the batch in
hand (they commit it and its cursor), wait at most ``daemon.grace_seconds``, exit 0.
Meanwhile the main thread rewrites the health record every heartbeat.
:meth:`Daemon.run_once` is the one-shot mode: every enabled flow once, then exit.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import tempfile
import threading
import weakref
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any, Protocol

import structlog
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import update

from connector.app import App
from connector.errors import ConnectorError, StateError
from connector.leases import Clock, Lease, acquire_lease, keep_alive
from connector.mapping import MappingReloader
from connector.schedule import parse_schedule
from connector.server import Probes, StatusServer
from connector.status import (
    FLOW_NAMES,
    collect_status,
    health_path,
    mapping_version_source,
    metrics_exposition,
    readiness,
    remove_health,
    write_health,
)
from connector.store.schema import runs

__all__ = ["Daemon", "RunResult", "Runner"]

log = structlog.get_logger("connector.daemon")


def in_container() -> bool:
    """Whether this process runs in a container (Docker's or Podman's marker file)."""
    return Path("/.dockerenv").exists() or Path("/run/.containerenv").exists()


class RunResult(Protocol):
    """What the daemon needs from a run's summary."""

    @property
    def status(self) -> str:
        """ok, partial, failed or stopped."""
        ...


class Runner(Protocol):
    """Runs one flow once; :func:`connector.flows.runner.run_flow` in production."""

    def __call__(
        self,
        app: App,
        flow: str,
        *,
        stop: threading.Event | None = None,
        lease: Lease | None = None,
    ) -> RunResult:
        """Run ``flow``, stopping after the batch in hand once ``stop`` is set."""
        ...


def _reloading_runner(reloader: MappingReloader, after: Callable[[], None]) -> Runner:
    """The production runner: current mappings in, SLA gauges refreshed after."""
    from connector.flows.runner import run_flow

    def run(
        app: App,
        flow: str,
        *,
        stop: threading.Event | None = None,
        lease: Lease | None = None,
    ) -> RunResult:
        mappings = reloader.current()
        if reloader.snapshot_dir is not None:
            app.mappings_snapshot = reloader.snapshot_dir
        result = run_flow(app, flow, stop=stop, lease=lease, mappings=mappings)
        after()
        return result

    return run


@dataclass
class _FlowState:
    running: bool = False
    last_status: str | None = None
    last_finished_at: datetime | None = None
    last_error: str | None = None
    held_by_other: bool = False


class Daemon:
    """One replica of the connector: scheduler, leases, health, status server.

    Args:
        app: the configured connector.
        runner: runs one flow once (tests pass a stand-in).
        replica_id: overrides ``daemon.replica_id`` (default ``hostname-pid``).
        lease_clock: clock for lease expiry (tests); default: the store's clock.
    """

    def __init__(
        self,
        app: App,
        *,
        runner: Runner | None = None,
        replica_id: str | None = None,
        lease_clock: Clock | None = None,
    ) -> None:
        self.app = app
        self.settings = app.settings.daemon
        self.replica = (
            replica_id
            or self.settings.replica_id
            or f"{socket.gethostname()}-{os.getpid()}"
        )
        self._reloader: MappingReloader | None = None
        self._snapshots: Path | None = None
        if runner is None:
            # Production: reload edited mapping files before each run, keeping the
            # last good version when an edit is broken (the reloader logs it).
            self._snapshots = Path(tempfile.mkdtemp(prefix="connector-mappings-"))
            weakref.finalize(self, shutil.rmtree, self._snapshots, True)
            self._reloader = MappingReloader(
                app.live_mappings_dir, snapshot_root=self._snapshots
            )
            runner = _reloading_runner(self._reloader, after=self._update_sla_gauges)
        self._runner = runner
        self._lease_clock = lease_clock
        self._stop = threading.Event()
        self._lock = threading.Condition()
        self._active: dict[str, threading.Event] = {}
        self._flows = {flow: _FlowState() for flow in self.flows}
        self._started_at = datetime.now(UTC)
        self._mapping_version = (
            self._active_mapping_version
            if self._reloader is not None
            else mapping_version_source(app)
        )
        self.scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(max(1, len(self.flows)))},
            job_defaults={
                "max_instances": 1,
                "coalesce": True,
                "misfire_grace_time": self.settings.misfire_grace_seconds,
            },
        )
        self.server: StatusServer | None = None

    def _active_mapping_version(self) -> str | None:
        return self._reloader.active_version if self._reloader else None

    def _update_sla_gauges(self) -> None:
        """Refresh the SLA gauges from the store after a run (never fails a run)."""
        from connector.reports import load_reporting, update_sla_gauges

        try:
            settings = load_reporting(self.app.mappings_dir / "reporting.toml")
            with self.app.store.read() as conn:
                update_sla_gauges(conn, settings)
        except ConnectorError as exc:
            log.warning("sla_gauges_not_updated", error=exc.one_line())

    def _write_back_campaigns(self) -> None:
        """Scheduled job: campaign results onto the MA side (closed loop)."""
        from connector.reports import load_reporting, write_back_campaigns

        try:
            settings = load_reporting(self.app.mappings_dir / "reporting.toml")
            summary = write_back_campaigns(
                self.app.store, self.app.adapter("ma"), settings
            )
            log.info("campaign_writeback_done", summary=str(summary))
        except ConnectorError as exc:
            log.warning("campaign_writeback_failed", error=exc.one_line())

    @property
    def flows(self) -> list[str]:
        """The enabled flows, in a stable order."""
        return [f for f in FLOW_NAMES if getattr(self.app.settings.flows, f).enabled]

    @property
    def stopping(self) -> bool:
        """True once a stop was requested."""
        return self._stop.is_set()

    # --- running flows -------------------------------------------------------------

    def run_flow_once(self, flow: str) -> RunResult | None:
        """Run ``flow`` now under its lease; None when another replica holds it.

        Raises:
            ConnectorError: the run failed (its run row says why).
        """
        ttl = timedelta(seconds=self.settings.lease_ttl_seconds)
        lease = acquire_lease(
            self.app.store, flow, self.replica, ttl=ttl, clock=self._lease_clock
        )
        state = self._flows.setdefault(flow, _FlowState())
        if lease is None:
            state.held_by_other = True
            log.info("flow_held_elsewhere", flow=flow, replica=self.replica)
            return None
        state.held_by_other = False
        if lease.taken_over_from:
            self._close_abandoned_runs(flow, lease.taken_over_from)
        run_stop = threading.Event()
        with self._lock:
            self._active[flow] = run_stop
            state.running = True
            if self._stop.is_set():
                run_stop.set()
        try:
            with keep_alive(
                lease,
                every=self.settings.heartbeat_seconds,
                on_lost=lambda _exc: run_stop.set(),
            ):
                result = self._runner(self.app, flow, stop=run_stop, lease=lease)
        except ConnectorError as exc:
            state.last_status, state.last_error = "failed", exc.one_line()
            raise
        else:
            state.last_status, state.last_error = result.status, None
            return result
        finally:
            state.last_finished_at = datetime.now(UTC)
            self._release(lease)
            with self._lock:
                self._active.pop(flow, None)
                state.running = False
                self._lock.notify_all()

    def _release(self, lease: Lease) -> None:
        try:
            lease.release()
        except StateError as exc:
            # It lapses on its own within the TTL; nothing else to do.
            log.warning("lease_release_failed", flow=lease.flow, error=exc.one_line())

    def _close_abandoned_runs(self, flow: str, previous: str) -> None:
        # The previous holder died mid-run: its run row would say "running" forever.
        with self.app.store.transaction() as conn:
            conn.execute(
                update(runs)
                .where(
                    runs.c.flow == flow,
                    runs.c.status == "running",
                    runs.c.holder == previous,
                )
                .values(
                    status="failed",
                    ended_at=datetime.now(UTC),
                    error=f"replica {previous} stopped renewing its lease mid-run; "
                    f"replica {self.replica} took the flow over",
                )
            )

    def _scheduled(self, flow: str) -> None:
        if self._stop.is_set():
            return
        try:
            self.run_flow_once(flow)
        except ConnectorError as exc:
            # Recorded in the run row and in the flow state; the next tick retries.
            log.warning("scheduled_run_failed", flow=flow, error=exc.one_line())

    def run_once(self) -> int:
        """The one-shot mode: run each enabled flow once; 0 when all synced.

        Returns 1 when a run failed or dead-lettered records. A flow held by
        another replica is skipped: it is being run.
        """
        code = 0
        for flow in self.flows:
            if self._stop.is_set():
                break
            try:
                result = self.run_flow_once(flow)
            except ConnectorError as exc:
                log.warning("run_failed", flow=flow, error=exc.one_line())
                code = 1
                continue
            if result is not None and result.status not in ("ok", "stopped"):
                code = 1
        return code

    # --- lifecycle -----------------------------------------------------------------

    def start(self) -> None:
        """Schedule the flows and start the status server (when enabled).

        Raises:
            ConfigError: the status port cannot be bound; nothing has run yet.
        """
        server = self.app.settings.server
        if server.enabled and self.server is None:
            # Bind first: a port in use must stop start-up before any flow runs.
            self.server = StatusServer(server.host, server.port, self.probes())
        try:
            self._start_scheduler()
        except BaseException:
            if self.server is not None:
                self.server.stop()
                self.server = None
            raise
        if self.server is not None:
            self.server.start()
            if in_container() and server.host in ("127.0.0.1", "localhost", "::1"):
                log.warning(
                    "status_server_on_loopback_in_container",
                    host=server.host,
                    hint="probes from outside cannot reach it: set [server] host = "
                    '"0.0.0.0" (the image\'s own config does)',
                )
        log.info("daemon_started", replica=self.replica, flows=self.flows)

    def _start_scheduler(self) -> None:
        # Open (and migrate) the store now: App.store is lazy and not thread-safe,
        # and scheduler and server threads would race to open it.
        self.app.store.migrate()
        now = datetime.now(UTC)
        for flow in self.flows:
            schedule = parse_schedule(getattr(self.app.settings.flows, flow).schedule)
            if schedule.interval is not None:
                trigger: Any = IntervalTrigger(
                    seconds=schedule.interval.total_seconds()
                )
                first: datetime | None = now  # an interval flow runs at start-up too
            else:
                trigger, first = CronTrigger.from_crontab(str(schedule.crontab)), None
            self.scheduler.add_job(
                self._scheduled,
                trigger,
                args=[flow],
                id=flow,
                name=flow,
                **({"next_run_time": first} if first else {}),
            )
        self._schedule_campaign_writeback()
        self.scheduler.start()

    def _schedule_campaign_writeback(self) -> None:
        if self._reloader is None:  # a stand-in runner: tests of the scheduler only
            return
        from connector.reports import load_reporting

        try:
            settings = load_reporting(self.app.mappings_dir / "reporting.toml")
        except ConnectorError as exc:
            log.warning("campaign_writeback_not_scheduled", error=exc.one_line())
            return
        if not settings.writeback.enabled:
            return
        from connector.reports.writeback import writeback_refusal

        refusal = writeback_refusal(self.app.adapter("ma"), settings)
        if refusal is not None:
            log.error("campaign_writeback_refused", error=refusal)
            return
        schedule = parse_schedule(settings.writeback.schedule)
        trigger: Any = (
            IntervalTrigger(seconds=schedule.interval.total_seconds())
            if schedule.interval is not None
            else CronTrigger.from_crontab(str(schedule.crontab))
        )
        self.scheduler.add_job(
            self._write_back_campaigns, trigger, id="campaign_writeback"
        )

    def request_stop(self, reason: str) -> None:
        """Stop taking work and ask running flows to stop after their batch."""
        if self._stop.is_set():
            return
        log.info("daemon_stopping", reason=reason, replica=self.replica)
        self._stop.set()
        with self._lock:
            for run_stop in self._active.values():
                run_stop.set()
            self._lock.notify_all()

    def shutdown(self) -> bool:
        """Wait up to the grace period for running flows; True if all finished."""
        self.request_stop("shutdown")
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        with self._lock:
            finished = self._lock.wait_for(
                lambda: not self._active, timeout=self.settings.grace_seconds
            )
        if self.server is not None:
            self.server.stop()
        if finished:
            if self._snapshots is not None:
                self.app.mappings_snapshot = None
                shutil.rmtree(self._snapshots, ignore_errors=True)
            log.info("daemon_stopped", replica=self.replica)
        else:
            log.error(
                "shutdown_grace_exceeded",
                flows=sorted(self._active),
                grace_seconds=self.settings.grace_seconds,
            )
        return finished

    def serve(self, *, now: Callable[[], datetime] | None = None) -> int:
        """Run until SIGTERM/SIGINT; 0 when every run finished within the grace.

        Must be called from the main thread (signal handlers live there).
        """
        clock = now or (lambda: datetime.now(UTC))
        self.install_signal_handlers()
        path = health_path(self.app)
        ttl = timedelta(seconds=3 * self.settings.heartbeat_seconds)
        self.start()
        try:
            while self.scheduler.running and not self._stop.is_set():
                write_health(path, self.health_record(), ttl=ttl, now=clock())
                self._stop.wait(self.settings.heartbeat_seconds)
        finally:
            finished = self.shutdown()
            if finished:
                remove_health(path)
        return 0 if finished else 1

    def install_signal_handlers(self) -> None:
        """Make SIGTERM and SIGINT request a graceful stop (main thread only)."""
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._on_signal)

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        # Locks taken here could already be held by the interrupted main thread;
        # a short-lived thread takes them instead.
        name = signal.Signals(signum).name
        threading.Thread(target=self.request_stop, args=(name,), daemon=True).start()

    # --- probes --------------------------------------------------------------------

    def health_record(self) -> dict[str, Any]:
        """What this replica is doing, for the health file and ``/status``."""
        jobs = {job.id: job for job in self.scheduler.get_jobs()}
        flows = {}
        for flow, state in self._flows.items():
            job = jobs.get(flow)
            flows[flow] = {
                **asdict(state),
                "next_run_at": getattr(job, "next_run_time", None),
            }
        return {
            "replica": self.replica,
            "pid": os.getpid(),
            "started_at": self._started_at,
            "scheduler_running": self.scheduler.running,
            "stopping": self.stopping,
            "flows": flows,
            **({"mappings": self._mapping_state()} if self._reloader else {}),
        }

    def _mapping_state(self) -> dict[str, Any]:
        """Which mapping version runs, and the rejected edit if there is one."""
        reloader = self._reloader
        assert reloader is not None  # noqa: S101 (only called with a reloader)
        state: dict[str, Any] = {"active_version": reloader.active_version}
        if reloader.failed_version is not None:
            state["rejected_version"] = reloader.failed_version
            state["problems"] = reloader.problems
            state["note"] = (
                "the last edit of the mapping files was refused; the active "
                "version keeps running until the problems are fixed"
            )
        return state

    def probes(self) -> Probes:
        """The endpoint callbacks for :class:`~connector.server.StatusServer`."""
        return Probes(
            health=self._health,
            ready=self._ready,
            status=lambda: collect_status(
                self.app,
                mapping_version=self._mapping_version,
                daemon=self.health_record(),
            ),
            metrics=lambda: metrics_exposition(self.app),
        )

    def _health(self) -> tuple[bool, dict[str, Any]]:
        running = self.scheduler.running
        return running, {"scheduler_running": running, "replica": self.replica}

    def _ready(self) -> tuple[bool, dict[str, Any]]:
        if self.stopping:
            return False, {"reason": "shutting down"}
        return readiness(self.app, self.flows)
