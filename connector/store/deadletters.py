"""Dead letters: records that could not be synced, kept with their reason.

A record is retried automatically on later runs with exponential backoff; after
``max_attempts`` it is parked until a human retries or drops it. One row per
(flow, record key): a record failing again updates its row instead of piling up.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Connection, delete, func, insert, select, update

from connector.store.schema import dead_letters

__all__ = [
    "DeadLetterKind",
    "add_dead_letter",
    "count_dead_letters",
    "drop_dead_letters",
    "due_dead_letters",
    "list_dead_letters",
    "release_dead_letter",
    "schedule_retry",
]

DeadLetterKind = Literal["invalid", "rejected", "unreadable"]
"""invalid: failed our validation; rejected: the target refused it; unreadable:
the source row could not be parsed at all."""

_BASE_BACKOFF = timedelta(minutes=5)
_MAX_BACKOFF = timedelta(hours=12)


def add_dead_letter(
    conn: Connection,
    *,
    flow: str,
    record_key: str,
    system: str,
    entity: str,
    kind: DeadLetterKind,
    reason: str,
    error: str,
    payload: Mapping[str, Any],
    run_id: str | None = None,
    max_attempts: int = 5,
) -> None:
    """Store (or update) the dead letter of one record and schedule its retry."""
    now = datetime.now(UTC)
    body = json.dumps(dict(payload), ensure_ascii=False, default=str, sort_keys=True)
    existing = conn.execute(
        select(dead_letters.c.id, dead_letters.c.attempts, dead_letters.c.run_id).where(
            dead_letters.c.flow == flow, dead_letters.c.record_key == record_key
        )
    ).first()
    # One attempt per run: a record failing as a retry and again from its source
    # in the same run has been tried once, not twice.
    again = existing is not None and run_id is not None and existing.run_id == run_id
    attempts = 1 if existing is None else int(existing.attempts) + (0 if again else 1)
    parked = attempts >= max_attempts
    values = {
        "system": system,
        "entity": entity,
        "kind": kind,
        "reason": reason,
        "error": error,
        "payload": body,
        "attempts": attempts,
        "status": "parked" if parked else "pending",
        "last_seen": now,
        "next_attempt_at": None if parked else now + _backoff(attempts),
        "run_id": run_id,
    }
    if existing is None:
        conn.execute(
            insert(dead_letters).values(
                flow=flow, record_key=record_key, first_seen=now, **values
            )
        )
    else:
        conn.execute(
            update(dead_letters).where(dead_letters.c.id == existing.id).values(values)
        )


def _backoff(attempts: int) -> timedelta:
    delay: timedelta = _BASE_BACKOFF * (2 ** (attempts - 1))
    return min(delay, _MAX_BACKOFF)


def release_dead_letter(conn: Connection, flow: str, record_key: str) -> bool:
    """Remove a record's dead letter once it synced; True if there was one."""
    result = conn.execute(
        delete(dead_letters).where(
            dead_letters.c.flow == flow, dead_letters.c.record_key == record_key
        )
    )
    return result.rowcount > 0


def list_dead_letters(
    conn: Connection, *, flow: str | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Dead letters, oldest first, optionally for one flow."""
    query = select(dead_letters).order_by(dead_letters.c.id)
    if flow is not None:
        query = query.where(dead_letters.c.flow == flow)
    if limit is not None:
        query = query.limit(limit)
    result = []
    for row in conn.execute(query):
        item = dict(row._mapping)
        item["payload"] = json.loads(item["payload"])
        result.append(item)
    return result


def due_dead_letters(
    conn: Connection, flow: str, *, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Pending dead letters of ``flow`` whose retry time has come."""
    moment = now or datetime.now(UTC)
    query = (
        select(dead_letters)
        .where(
            dead_letters.c.flow == flow,
            dead_letters.c.status == "pending",
            dead_letters.c.next_attempt_at <= moment,
        )
        .order_by(dead_letters.c.id)
    )
    result = []
    for row in conn.execute(query):
        item = dict(row._mapping)
        item["payload"] = json.loads(item["payload"])
        result.append(item)
    return result


def schedule_retry(conn: Connection, ids: Sequence[int] | None = None) -> int:
    """Make dead letters due now (all when ``ids`` is None), parked ones included."""
    statement = update(dead_letters).values(
        status="pending", next_attempt_at=datetime.now(UTC)
    )
    if ids is not None:
        statement = statement.where(dead_letters.c.id.in_(list(ids)))
    return conn.execute(statement).rowcount


def drop_dead_letters(conn: Connection, ids: Sequence[int]) -> int:
    """Delete dead letters a human decided to give up on."""
    return conn.execute(
        delete(dead_letters).where(dead_letters.c.id.in_(list(ids)))
    ).rowcount


def count_dead_letters(conn: Connection) -> dict[str, dict[str, int]]:
    """Flow -> {"pending": n, "parked": m}, for status output and metrics."""
    rows = conn.execute(
        select(dead_letters.c.flow, dead_letters.c.status, func.count()).group_by(
            dead_letters.c.flow, dead_letters.c.status
        )
    )
    result: dict[str, dict[str, int]] = {}
    for flow, status, count in rows:
        result.setdefault(flow, {"pending": 0, "parked": 0})[status] = int(count)
    return result
