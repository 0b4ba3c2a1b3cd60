"""``connector run [--once]`` (the daemon) and ``connector status [--json]``."""

from __future__ import annotations

import json
import os
import sys
from typing import Annotated, Any

import typer
from rich.table import Table

from connector.cli.console import make_console
from connector.cli.context import load_app
from connector.daemon import Daemon
from connector.status import collect_status, health_path, read_health

__all__ = ["run", "status"]


def run(
    ctx: typer.Context,
    once: Annotated[
        bool,
        typer.Option(
            "--once", help="Run every enabled flow once, then exit (no server)."
        ),
    ] = False,
) -> None:
    """Run the flows on their schedules and serve /healthz /readyz /metrics /status.

    SIGTERM finishes the batch in hand, commits its cursor and exits 0 within
    daemon.grace_seconds. With --once: exit 1 if a run failed or dead-lettered.
    """
    app = load_app(ctx)
    daemon = Daemon(app)
    try:
        if once:
            daemon.install_signal_handlers()
            code = daemon.run_once()
        else:
            code = daemon.serve()
    finally:
        app.close()
    if not once and code != 0:
        # A run overran the grace period; its thread cannot be interrupted and
        # would keep the interpreter alive. Its uncommitted batch rolls back.
        sys.stderr.flush()
        os._exit(code)
    raise typer.Exit(code)


def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    health: Annotated[
        bool,
        typer.Option(
            "--health",
            help="Only check the daemon's health record (Docker HEALTHCHECK): "
            "exit 1 unless a live daemon wrote it in time.",
        ),
    ] = False,
) -> None:
    """Last run per flow, cursors, dead letters, mapping version, daemon health.

    Exits 1 when the daemon's health record is stale (it hung or was killed);
    with --health also when there is none.
    """
    app = load_app(ctx, read_only=True)
    check = read_health(health_path(app))
    if health:
        typer.echo(check.detail, err=not check.healthy)
        raise typer.Exit(0 if check.healthy else 1)
    try:
        data = collect_status(app, daemon=check.record)
    finally:
        app.close()
    data["health"] = {"state": check.state, "detail": check.detail}
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, sort_keys=True))
    else:
        _print(data)
    raise typer.Exit(1 if check.state in ("stale", "unreadable") else 0)


def _print(data: dict[str, Any]) -> None:
    console = make_console()
    table = Table(show_header=True)
    for column in ("flow", "schedule", "last run", "counts", "cursors", "dead letters"):
        table.add_column(column)
    for name, flow in data["flows"].items():
        last = flow["last_run"]
        run_text = (
            "never"
            if last is None
            else f"{last['status']} {last['started_at']}"
            + (f"\n{last['error']}" if last.get("error") else "")
        )
        counts = "" if last is None else _pairs(last["counts"])
        cursors = "\n".join(
            f"{c['source']}: {_cursor_text(c['value'])}" for c in flow["cursors"]
        )
        dead = flow["dead_letters"]
        table.add_row(
            name,
            flow["schedule"] if flow["enabled"] else "disabled",
            run_text,
            counts,
            cursors or "-",
            f"{dead['pending']} pending, {dead['parked']} parked",
        )
    console.print(table)
    version = data["mapping_version"] or data.get("mapping_error") or "unknown"
    console.print(f"mapping version: {version}", markup=False)
    console.print(f"state store: {data['state']['url']}", markup=False)
    console.print(f"daemon: {data['health']['detail']}", markup=False)


def _cursor_text(value: Any) -> str:
    """A cursor as a person reads it: its position, not the adapter's JSON."""
    if not isinstance(value, dict):
        text = str(value)
        return text if len(text) <= 40 else text[:39] + "…"
    for key in ("updated", "ts", "since", "line", "after"):
        if value.get(key) not in (None, ""):
            return f"{key} {value[key]}"
    return "(start)"


def _pairs(counts: dict[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "-"
