"""``connector cursors show|reset``: where each flow resumes reading, and a restart.

A cursor that cannot be read (damaged, or left by another adapter after
``[sfa] adapter`` changed) stops its flow with a :class:`~connector.errors.CursorError`
whose hint points here: ``reset`` forgets it, and the next run reads that source
from the beginning (fingerprints keep unchanged records from being rewritten).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from connector.cli.context import check_flow, load_app
from connector.errors import UsageError

__all__ = ["app"]

app = typer.Typer(
    help="Show or reset where each flow resumes reading.", no_args_is_help=True
)


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    from adapters.cursor import describe_cursor

    return {
        "flow": row["flow"],
        "source": row["source"],
        "updated_at": row["updated_at"],
        "run_id": row["run_id"],
        "cursor": describe_cursor(str(row["value"])),
    }


@app.command("show")
def show(
    ctx: typer.Context,
    flow: Annotated[str | None, typer.Argument(help="Only this flow.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """List stored cursors: flow, source, watermark time, ids at it, when stored."""
    from connector.store.cursors import list_cursors

    check_flow(flow)
    connector = load_app(ctx, read_only=True)
    try:
        with connector.store.read() as conn:
            rows = [_shown(r) for r in list_cursors(conn)]
    finally:
        connector.close()
    rows = [r for r in rows if flow is None or r["flow"] == flow]
    if as_json:
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False, default=str))
        return
    if not rows:
        typer.echo("no stored cursors" + (f" for {flow}" if flow else ""))
        return
    for row in rows:
        cursor = row["cursor"]
        at = cursor.get("at") or "-"
        kind = cursor.get("kind", "legacy")
        typer.echo(
            f"{row['flow']}  {row['source']}  {kind} v{cursor.get('v', '?')}  "
            f"at {at}  ids {len(cursor.get('ids') or ())}  "
            f"stored {row['updated_at']}"
        )


@app.command("reset")
def reset(
    ctx: typer.Context,
    flow: Annotated[str, typer.Argument(help="The flow whose cursors to forget.")],
    source: Annotated[
        str | None,
        typer.Option("--source", help="Only this source (e.g. sfa.persons)."),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask first.")] = False,
) -> None:
    """Forget a flow's cursors so its next run reads from the beginning."""
    from connector.store.cursors import delete_cursors

    check_flow(flow)
    what = f"{flow} cursor {source}" if source else f"every {flow} cursor"
    if not yes:
        if not typer.get_text_stream("stdin").isatty():
            raise UsageError(
                f"refusing to reset {what} without confirmation",
                hint="add --yes to reset without asking",
            )
        typer.confirm(f"Reset {what}? The next run re-reads from the start", abort=True)
    connector = load_app(ctx)
    try:
        with connector.store.transaction() as conn:
            dropped = delete_cursors(conn, flow, source)
    finally:
        connector.close()
    if source is not None and dropped == 0:
        raise UsageError(
            f"{flow} has no stored cursor for {source!r}",
            hint=f"see `connector cursors show {flow}` for its sources",
        )
    typer.echo(f"reset {dropped} cursor(s) of {flow}")
