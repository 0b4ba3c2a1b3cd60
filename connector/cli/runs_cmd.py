"""``connector runs [--flow F] [--limit N] [--json]``: the run history.

``status`` shows only the latest run of each flow; when a flow misbehaves the
admin wants the runs before it too (which one first failed, how counts moved),
and those are all in the runs table already.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from connector.cli.console import make_console
from connector.cli.context import check_flow, load_app
from connector.logging import scrub
from connector.store.runs import recent_runs

__all__ = ["runs"]


def runs(
    ctx: typer.Context,
    flow: Annotated[
        str | None, typer.Option("--flow", help="Only this flow (handoff or outcomes).")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="How many runs to show.")
    ] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """Recent runs from the runs table, newest first (all flows or one).

    Times are UTC. An unknown --flow exits 2.
    """
    check_flow(flow, "--flow")
    connector = load_app(ctx, read_only=True)
    try:
        with connector.store.read() as conn:
            rows = recent_runs(conn, limit, flow=flow)
    finally:
        connector.close()
    if as_json:
        for row in rows:
            typer.echo(
                scrub(json.dumps(_jsonable(row), ensure_ascii=False, sort_keys=True))
            )
        return
    table = Table(title=f"runs ({len(rows)}, newest first, UTC)")
    for column in ("started", "flow", "mode", "status", "took"):
        table.add_column(column, no_wrap=True)
    for column in ("counts", "error"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            f"{row['started_at']:%Y-%m-%d %H:%M:%S}",
            row["flow"],
            row["mode"],
            row["status"],
            _took(row["started_at"], row["ended_at"]),
            ", ".join(f"{k}={v}" for k, v in sorted(row["counts"].items())) or "-",
            scrub(row["error"] or "")[:200],
        )
    make_console().print(table)


def _took(started: datetime, ended: datetime | None) -> str:
    if ended is None:
        return "running"
    return f"{(ended - started).total_seconds():.1f} s"


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()}
