"""``connector dlq list|retry|drop``: the records that could not be synced."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import Connection

from connector.cli.console import make_console
from connector.cli.context import check_flow, load_app
from connector.errors import UsageError
from connector.logging import scrub
from connector.store import deadletters

__all__ = ["app"]

app = typer.Typer(
    help="Inspect, retry or drop dead-lettered records.", no_args_is_help=True
)

FlowOption = Annotated[
    str | None, typer.Option("--flow", help="Only this flow (handoff or outcomes).")
]


@app.command("list")
def list_(
    ctx: typer.Context,
    flow: FlowOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 200,
) -> None:
    """List dead letters: id, flow, record, kind, reason, attempts, status, error."""
    check_flow(flow, "--flow")
    connector = load_app(ctx, read_only=True)
    with connector.store.read() as conn:
        rows = deadletters.list_dead_letters(conn, flow=flow, limit=limit)
    if as_json:
        for row in rows:
            typer.echo(scrub(json.dumps(row, ensure_ascii=False, default=str)))
        return
    table = Table(title=f"dead letters ({len(rows)})")
    for column in (
        "id",
        "flow",
        "record",
        "kind",
        "reason",
        "tries",
        "status",
        "error",
    ):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            str(row["id"]),
            row["flow"],
            row["record_key"],
            row["kind"],
            row["reason"],
            str(row["attempts"]),
            row["status"],
            scrub(row["error"])[:300],
        )
    make_console().print(table)


def _refuse_unknown(conn: Connection, ids: list[int]) -> None:
    """Exit 2, changing nothing, when an id names no dead letter (a typo)."""
    missing = deadletters.missing_ids(conn, ids)
    if missing:
        raise UsageError(
            f"no dead letter with id {', '.join(map(str, missing))}",
            hint="see `connector dlq list` for the ids; nothing was changed",
        )


@app.command("retry")
def retry(
    ctx: typer.Context,
    ids: Annotated[list[int] | None, typer.Argument(help="Dead-letter ids.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every dead letter.")] = False,
) -> None:
    """Make dead letters due now (parked ones too); the next run retries them.

    An unknown id exits 2 and changes nothing.
    """
    if not ids and not all_:
        raise UsageError("name dead-letter ids or pass --all", hint="see `dlq list`")
    connector = load_app(ctx)
    with connector.store.transaction() as conn:
        if not all_:
            _refuse_unknown(conn, ids or [])
        count = deadletters.schedule_retry(conn, None if all_ else ids)
    typer.echo(f"{count} dead letter(s) will be retried on the next run")


@app.command("drop")
def drop(
    ctx: typer.Context,
    ids: Annotated[list[int], typer.Argument(help="Dead-letter ids to give up on.")],
) -> None:
    """Delete dead letters a human has dealt with (an unknown id exits 2)."""
    connector = load_app(ctx)
    with connector.store.transaction() as conn:
        _refuse_unknown(conn, ids)
        count = deadletters.drop_dead_letters(conn, ids)
    typer.echo(f"{count} dead letter(s) dropped")
