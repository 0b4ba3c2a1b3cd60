"""Per-flow, per-source resume points."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, delete, select

from connector.store.schema import cursors
from connector.store.upsert import upsert

__all__ = ["delete_cursors", "get_cursor", "list_cursors", "set_cursor"]


def get_cursor(conn: Connection, flow: str, source: str) -> str | None:
    """Return the stored cursor, or None when the flow never committed one."""
    row = conn.execute(
        select(cursors.c.value).where(
            cursors.c.flow == flow, cursors.c.source == source
        )
    ).first()
    return None if row is None else str(row[0])


def set_cursor(
    conn: Connection, flow: str, source: str, value: str, *, run_id: str | None = None
) -> None:
    """Store the cursor; call it in the same transaction as what it covers."""
    upsert(
        conn,
        cursors,
        keys={"flow": flow, "source": source},
        values={"value": value, "updated_at": datetime.now(UTC), "run_id": run_id},
    )


def list_cursors(conn: Connection) -> list[dict[str, object]]:
    """Every stored cursor, for `connector status`."""
    rows = conn.execute(select(cursors).order_by(cursors.c.flow, cursors.c.source))
    return [dict(row._mapping) for row in rows]


def delete_cursors(conn: Connection, flow: str, source: str | None = None) -> int:
    """Forget a flow's cursors (one source, or all); return how many were dropped.

    The flow's next run then reads its sources from the beginning; fingerprints
    keep it from rewriting records whose values did not change.
    """
    statement = delete(cursors).where(cursors.c.flow == flow)
    if source is not None:
        statement = statement.where(cursors.c.source == source)
    return int(conn.execute(statement).rowcount or 0)
