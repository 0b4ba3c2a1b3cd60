"""``connector sync FLOW`` and ``connector backfill FLOW --since DATE``."""

from __future__ import annotations

import json
import signal
import threading
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from connector.app import App
from connector.cli.console import make_console
from connector.cli.context import check_flow, load_app
from connector.cli.progress_view import progress_display
from connector.errors import UsageError
from connector.flows import RunSummary, run_flow
from connector.flows.progress import ProgressListener
from connector.leases import acquire_lease, cli_holder, dead_cli_holder, keep_alive

__all__ = ["backfill", "exit_code", "print_summary", "sync"]

FlowArg = Annotated[
    str, typer.Argument(help="handoff (MA -> SFA) or outcomes (SFA -> MA).")
]
DryRun = Annotated[
    bool,
    typer.Option("--dry-run", help="Show what would change; write nothing anywhere."),
]
JsonOut = Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")]


def _parse_date(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(value), time())
        except ValueError:
            raise UsageError(
                f"{option} {value!r} is not a date",
                hint="use YYYY-MM-DD or an ISO 8601 timestamp",
            ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def print_summary(summary: RunSummary, *, as_json: bool = False) -> None:
    """Print a run's counts (and dry-run samples) for a person or a script."""
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "flow": summary.flow,
                    "run_id": summary.run_id,
                    "mode": summary.mode,
                    "dry_run": summary.dry_run,
                    "status": summary.status,
                    "message": summary.message,
                    "counts": dict(sorted(summary.counts.items())),
                    "samples": summary.samples,
                },
                ensure_ascii=False,
                default=str,
            )
        )
        return
    console = make_console()
    title = f"{summary.flow} ({summary.mode}{', dry run' if summary.dry_run else ''})"
    table = Table(title=title, show_header=True)
    table.add_column("count")
    table.add_column("records", justify="right")
    for name, value in sorted(summary.counts.items()):
        table.add_row(name, f"{value:,}")
    console.print(table)
    console.print(_headline(summary), markup=False)
    for sample in summary.samples:
        _print_sample(console, sample)
    console.print(
        Text.assemble("status: ", (summary.status, "bold"), f"  run: {summary.run_id}")
    )
    if summary.message:
        console.print(summary.message, markup=False)
    if summary.dead_lettered:
        console.print(
            f"{summary.dead_lettered} record(s) went to the dead-letter store: "
            "see `connector dlq list`",
            markup=False,
        )


def _headline(summary: RunSummary) -> str:
    """Counts of created, updated, unchanged and dead-lettered in one line."""
    counts = summary.counts
    if summary.dry_run:
        parts = [
            f"would create {counts['would_create']:,}",
            f"would update {counts['would_update']:,}",
        ]
    else:
        parts = [f"created {counts['created']:,}", f"updated {counts['updated']:,}"]
    parts += [
        f"unchanged {counts['unchanged']:,}",
        f"dead-lettered {summary.dead_lettered:,}",
    ]
    requests = [
        f"{name.partition(':')[2]} {value:,}"
        for name, value in sorted(counts.items())
        if name.startswith("requests:")
    ]
    if requests:
        parts.append(f"API requests: {', '.join(requests)}")
    return " | ".join(parts)


def _print_sample(console: Console, sample: dict[str, object]) -> None:
    """One sampled change as field-level diffs: current value -> new value."""
    target = sample.get("target")
    where = f" ({target})" if target else ""
    console.print(
        f"would {sample.get('action')} {sample.get('key')}{where}:", markup=False
    )
    changes = sample.get("changes")
    if not isinstance(changes, dict) or not changes:
        console.print("  (no field changes)", markup=False)
        return
    for name, change in changes.items():
        before, after = change.get("from"), change.get("to")
        shown = "(blank)" if before in (None, "") else repr(before)
        console.print(f"  {name}: {shown} -> {after!r}", markup=False)


def _run_leased(
    app: App,
    flow: str,
    *,
    dry_run: bool,
    mode: Literal["sync", "backfill"] = "sync",
    since: datetime | None = None,
    until: datetime | None = None,
    progress: ProgressListener | None = None,
    received: list[int],
) -> RunSummary:
    """Run a flow under its lease, so a command never races the daemon.

    A dry run writes nothing, the lease table included, so it takes no lease.
    SIGTERM/SIGINT ask the run to stop after the batch in hand; the signals that
    arrived are appended to ``received`` (see :func:`exit_code`).
    """
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        received.append(signum)
        stop.set()

    previous = {
        sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)
    }
    try:
        if dry_run:
            return run_flow(
                app,
                flow,
                mode=mode,
                dry_run=True,
                since=since,
                until=until,
                stop=stop,
                progress=progress,
            )
        daemon = app.settings.daemon
        holder = daemon.replica_id or cli_holder()
        lease = acquire_lease(
            app.store,
            flow,
            holder,
            ttl=timedelta(seconds=daemon.lease_ttl_seconds),
            is_dead=dead_cli_holder,
        )
        if lease is None:
            raise UsageError(
                f"flow {flow!r} is running elsewhere (its lease is held)",
                hint="wait for that run to finish (`connector status` shows the "
                "holder); a run that was killed frees it within "
                f"{daemon.lease_ttl_seconds:g} s (daemon.lease_ttl_seconds)",
            )
        try:
            with keep_alive(
                lease, every=daemon.heartbeat_seconds, on_lost=lambda _: stop.set()
            ):
                return run_flow(
                    app,
                    flow,
                    mode=mode,
                    since=since,
                    until=until,
                    stop=stop,
                    lease=lease,
                    progress=progress,
                )
        finally:
            lease.release()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def exit_code(summary: RunSummary, received: list[int]) -> int:
    """The process exit code of a sync or backfill run.

    A run stopped by Ctrl-C or SIGTERM exits 128 + the signal (130, 143), as a
    shell does, so ``connector backfill ... && next`` does not carry on after an
    interrupted backfill; a run stopped by its API budget still exits 0.
    """
    if received and summary.status == "stopped":
        return 128 + received[0]
    return summary.exit_code


def sync(
    ctx: typer.Context,
    flow: FlowArg,
    dry_run: DryRun = False,
    as_json: JsonOut = False,
) -> None:
    """Run one flow once, from its cursor (exit 1 if records were dead-lettered)."""
    check_flow(flow)
    app = load_app(ctx)
    received: list[int] = []
    try:
        summary = _run_leased(app, flow, dry_run=dry_run, received=received)
    finally:
        app.close()
    print_summary(summary, as_json=as_json)
    raise typer.Exit(exit_code(summary, received))


def backfill(
    ctx: typer.Context,
    flow: FlowArg,
    since: Annotated[
        str, typer.Option("--since", help="Oldest change to include (YYYY-MM-DD).")
    ],
    until: Annotated[
        str | None, typer.Option("--until", help="Stop before this date.")
    ] = None,
    dry_run: DryRun = False,
    as_json: JsonOut = False,
) -> None:
    """Re-sync history through full listings, checkpointing after every batch.

    Killed and started again with the same dates, it resumes from its checkpoint.
    Interrupted (Ctrl-C, SIGTERM) it exits 130 or 143 after its last checkpoint.
    Progress shows as a bar on a terminal and as log lines otherwise; a backfill
    that meets an API budget stops cleanly with a forecast of the runs left.
    """
    check_flow(flow)
    start, end = _parse_date(since, "--since"), _parse_date(until, "--until")
    app = load_app(ctx)
    received: list[int] = []
    try:
        with progress_display(make_console(stderr=True)) as listener:
            summary = _run_leased(
                app,
                flow,
                mode="backfill",
                dry_run=dry_run,
                since=start,
                until=end,
                progress=listener,
                received=received,
            )
    finally:
        app.close()
    print_summary(summary, as_json=as_json)
    raise typer.Exit(exit_code(summary, received))
