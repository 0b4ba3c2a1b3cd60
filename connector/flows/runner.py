"""Running one flow: run bookkeeping, logging context, metrics, and the outcome.

Everything that is the same for every flow lives here; the flows themselves only
move records.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Literal

import structlog
from structlog.contextvars import bound_contextvars

from connector.app import App
from connector.errors import (
    BudgetExhaustedError,
    ConnectorError,
    UsageError,
)
from connector.flows.budgeting import RunBudgets, forecast
from connector.flows.context import FlowContext, LeaseGuard
from connector.flows.handoff import run_handoff
from connector.flows.outcomes import run_outcomes
from connector.flows.progress import Progress, ProgressListener
from connector.flows.summary import RunSummary
from connector.mapping import Mappings, load_mappings
from connector.metrics import RUN_DURATION
from connector.store import runs

__all__ = ["FLOWS", "run_flow"]

FLOWS: dict[str, Callable[[FlowContext], None]] = {
    "handoff": run_handoff,
    "outcomes": run_outcomes,
}
"""Flow name -> the function that runs it."""

log = structlog.get_logger("connector.flows")


def run_flow(
    app: App,
    flow: str,
    *,
    mode: Literal["sync", "backfill"] = "sync",
    stop: threading.Event | None = None,
    lease: LeaseGuard | None = None,
    dry_run: bool = False,
    since: datetime | None = None,
    until: datetime | None = None,
    mappings: Mappings | None = None,
    progress: ProgressListener | None = None,
    clock: Callable[[], datetime] | None = None,
) -> RunSummary:
    """Run ``flow`` once and return what it did.

    A dry run reads both systems and computes every change but writes nothing,
    the state store included. Budget exhaustion ends the run as ``stopped`` with a
    message; it resumes from the last committed batch next time, and a backfill
    adds a forecast of the runs still needed (see :mod:`connector.flows.budgeting`).
    ``progress`` hears about every handled page; ``clock`` is the wall clock that
    budget windows follow (tests pass a fake one).

    Raises:
        UsageError: unknown flow name.
        ConnectorError: the run failed; the run row says why.
    """
    if flow not in FLOWS:
        raise UsageError(
            f"unknown flow {flow!r}", hint=f"use one of: {', '.join(sorted(FLOWS))}"
        )
    settings = getattr(app.settings.flows, flow)
    active = mappings or load_mappings(app.mappings_dir)
    version = active.version
    if dry_run:
        run_id = f"dry-{uuid.uuid4()}"
    else:
        with app.store.transaction() as conn:
            run_id = runs.start_run(
                conn,
                flow,
                mode,
                mapping_version=version,
                holder=getattr(lease, "holder", None),
            )
    summary = RunSummary(flow=flow, run_id=run_id, mode=mode, dry_run=dry_run)
    tracker = Progress(flow, since=since if mode == "backfill" else None, until=until)
    if progress is not None:
        tracker.listeners.append(progress)
    budgets = RunBudgets(app, mode, dry_run=dry_run, clock=clock)
    ctx = FlowContext(
        app=app,
        flow=flow,
        run_id=run_id,
        settings=settings,
        mappings=active,
        summary=summary,
        dry_run=dry_run,
        stop=stop or threading.Event(),
        lease=lease,
        full=mode == "backfill",
        since=since,
        until=until,
        progress=tracker,
    )
    started = time.monotonic()
    error: str | None = None
    with bound_contextvars(run_id=run_id, flow=flow):
        log.info("run_started", mode=mode, dry_run=dry_run, mapping_version=version)
        try:
            try:
                with budgets.applied():
                    FLOWS[flow](ctx)
            finally:
                for system, sent in budgets.sent.items():
                    summary.counts[f"requests:{system}"] = sent
        except BudgetExhaustedError as exc:
            summary.status = "stopped"
            summary.message = f"{exc.message} ({exc.hint})" if exc.hint else exc.message
            if mode == "backfill":
                summary.message = forecast(exc, tracker.snapshot(), budgets)
            log.warning("run_stopped_budget", error=exc.one_line())
        except ConnectorError as exc:
            summary.status = "failed"
            error = exc.one_line()
            log.warning("run_failed", error=error)
            _finish(app, summary, error, started)
            raise
        except BaseException as exc:
            summary.status = "failed"
            error = f"{exc.__class__.__name__}: {exc}"
            log.exception("run_crashed")
            _finish(app, summary, error, started)
            raise
        summary.finish()
        tracker.finish()
        _finish(app, summary, summary.message, started)
        log.info(
            "run_finished",
            status=summary.status,
            **{k.replace(":", "_"): v for k, v in sorted(summary.counts.items())},
        )
    return summary


def _finish(app: App, summary: RunSummary, error: str | None, started: float) -> None:
    RUN_DURATION.labels(summary.flow, summary.status).observe(
        time.monotonic() - started
    )
    if summary.dry_run:
        return
    try:
        with app.store.transaction() as conn:
            runs.finish_run(
                conn, summary.run_id, summary.status, summary.counts, error=error
            )
    except ConnectorError:
        log.exception("run_row_not_updated")
