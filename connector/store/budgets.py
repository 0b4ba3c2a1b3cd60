"""Requests counted per system and budget window (the ``request_budgets`` table).

Claims are compare-and-set updates, so two replicas sharing one PostgreSQL store
never claim the same requests twice, and a claim can never pass the ceiling.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from connector.store.schema import request_budgets

__all__ = ["claim_requests", "release_requests", "used_requests"]

_CAS_ATTEMPTS = 20


def used_requests(conn: Connection, system: str, window_start: datetime) -> int:
    """Requests counted for ``system`` in the window starting at ``window_start``."""
    row = conn.execute(
        select(request_budgets.c.used).where(
            request_budgets.c.system == system,
            request_budgets.c.window_start == window_start,
        )
    ).first()
    return int(row[0]) if row else 0


def claim_requests(
    conn: Connection, system: str, window_start: datetime, wanted: int, ceiling: int
) -> tuple[int, int]:
    """Add up to ``wanted`` requests to the window's count without passing ``ceiling``.

    Rows of earlier windows of the system are dropped on the way: only the
    current window matters and the table stays one row per system.

    Returns:
        (granted, used before the claim); granted is 0 when the ceiling is reached.
    """
    now = datetime.now(UTC)
    conn.execute(
        delete(request_budgets).where(
            request_budgets.c.system == system,
            request_budgets.c.window_start < window_start,
        )
    )
    _ensure_row(conn, system, window_start, now)
    for _ in range(_CAS_ATTEMPTS):
        used = used_requests(conn, system, window_start)
        granted = max(0, min(wanted, ceiling - used))
        if granted == 0:
            return 0, used
        changed = conn.execute(
            update(request_budgets)
            .where(
                request_budgets.c.system == system,
                request_budgets.c.window_start == window_start,
                request_budgets.c.used == used,
            )
            .values(used=used + granted, updated_at=now)
        ).rowcount
        if changed == 1:
            return granted, used
    return 0, used_requests(conn, system, window_start)


def release_requests(
    conn: Connection, system: str, window_start: datetime, count: int
) -> None:
    """Give back claimed requests that were not sent (a run ending early)."""
    if count <= 0:
        return
    conn.execute(
        update(request_budgets)
        .where(
            request_budgets.c.system == system,
            request_budgets.c.window_start == window_start,
            request_budgets.c.used >= count,
        )
        .values(used=request_budgets.c.used - count, updated_at=datetime.now(UTC))
    )


def _ensure_row(
    conn: Connection, system: str, window_start: datetime, now: datetime
) -> None:
    """Create the window's row at 0 unless it exists (races are harmless)."""
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(
        insert(request_budgets)
        .values(system=system, window_start=window_start, used=0, updated_at=now)
        .on_conflict_do_nothing(index_elements=["system", "window_start"])
    )
