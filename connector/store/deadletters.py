"""Dead letters: records that could not be synced, kept with their reason.

A record is retried automatically on later runs with exponential backoff; after
``max_attempts`` it is parked until a human retries or drops it. One row per
(flow, record key): a record failing again updates its row instead of piling up.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Connection, delete, func, select, update

from connector.store.schema import dead_letters
from connector.store.upsert import upsert_many

__all__ = [
    "DeadLetterKind",
    "DeadLetterWrite",
    "Release",
    "add_dead_letter",
    "apply_dead_letters",
    "count_dead_letters",
    "drop_dead_letters",
    "due_dead_letters",
    "list_dead_letters",
    "missing_ids",
    "open_payloads",
    "release_dead_letter",
    "schedule_retry",
]

DeadLetterKind = Literal["invalid", "rejected", "unreadable"]
"""invalid: failed our validation; rejected: the target refused it; unreadable:
the source row could not be parsed at all."""

_BASE_BACKOFF = timedelta(minutes=5)
_MAX_BACKOFF = timedelta(hours=12)
_CHUNK = 500  # keys per IN list


@dataclass(frozen=True, slots=True)
class DeadLetterWrite:
    """One record failing (see :func:`add_dead_letter` for the fields)."""

    flow: str
    record_key: str
    system: str
    entity: str
    kind: DeadLetterKind
    reason: str
    error: str
    payload: Mapping[str, Any]
    run_id: str | None = None
    max_attempts: int = 5
    waiting: bool = False
    """Not a failure but a wait (a lead held for an unreadable SFA row): due on
    every run, never parked, so it goes as soon as the reason to wait is gone."""


@dataclass(frozen=True, slots=True)
class Release:
    """One record synced: its dead letter, if any, goes."""

    flow: str
    record_key: str


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
    apply_dead_letters(
        conn,
        [
            DeadLetterWrite(
                flow,
                record_key,
                system,
                entity,
                kind,
                reason,
                error,
                payload,
                run_id,
                max_attempts,
            )
        ],
    )


@dataclass(frozen=True, slots=True)
class _Row:
    attempts: int
    run_id: str | None
    first_seen: datetime


def apply_dead_letters(
    conn: Connection, changes: Sequence[DeadLetterWrite | Release]
) -> None:
    """Apply failures and releases in order, as if one after the other.

    A key's changes are folded over its stored row first: a failure after a
    release starts again at one attempt (a new row, as a release deletes it), a
    release after a failure leaves nothing. Then one DELETE for every released
    key and one upsert for every key left failing.
    """
    now = datetime.now(UTC)
    adds = {(c.flow, c.record_key) for c in changes if isinstance(c, DeadLetterWrite)}
    rows: dict[tuple[str, str], _Row | None] = dict(_stored(conn, adds))
    final: dict[tuple[str, str], dict[str, Any] | None] = {}
    released: set[tuple[str, str]] = set()
    for change in changes:
        key = (change.flow, change.record_key)
        if isinstance(change, Release):
            rows[key] = final[key] = None
            released.add(key)
        else:
            rows[key], final[key] = _failed(change, rows.get(key), now)
    for flow, keys in _by_flow(released).items():
        for start in range(0, len(keys), _CHUNK):
            conn.execute(
                delete(dead_letters).where(
                    dead_letters.c.flow == flow,
                    dead_letters.c.record_key.in_(keys[start : start + _CHUNK]),
                )
            )
    upsert_many(
        conn,
        dead_letters,
        [values for values in final.values() if values is not None],
        keys=("flow", "record_key"),
        update=_UPDATED,
    )


_UPDATED = tuple(
    c.name
    for c in dead_letters.columns
    if c.name not in ("id", "flow", "record_key", "first_seen")
)
"""What a repeated failure overwrites: everything but the identity and first_seen."""


def _failed(
    change: DeadLetterWrite, prior: _Row | None, now: datetime
) -> tuple[_Row, dict[str, Any]]:
    """The row after one more failure of a record whose row was ``prior``."""
    # One attempt per run: a record failing as a retry and again from its source
    # in the same run has been tried once, not twice.
    again = (
        prior is not None
        and change.run_id is not None
        and prior.run_id == change.run_id
    )
    attempts = 1 if prior is None else prior.attempts + (0 if again else 1)
    parked = attempts >= change.max_attempts and not change.waiting
    body = json.dumps(
        dict(change.payload), ensure_ascii=False, default=str, sort_keys=True
    )
    row = _Row(attempts, change.run_id, prior.first_seen if prior else now)
    return row, {
        "flow": change.flow,
        "record_key": change.record_key,
        "system": change.system,
        "entity": change.entity,
        "kind": change.kind,
        "reason": change.reason,
        "error": change.error,
        "payload": body,
        "attempts": attempts,
        "status": "parked" if parked else "pending",
        "first_seen": row.first_seen,
        "last_seen": now,
        "next_attempt_at": (
            None if parked else now if change.waiting else now + _backoff(attempts)
        ),
        "run_id": change.run_id,
    }


def _stored(
    conn: Connection, keys: set[tuple[str, str]]
) -> dict[tuple[str, str], _Row]:
    """The stored rows of ``keys`` (flow, record key) that exist."""
    result: dict[tuple[str, str], _Row] = {}
    for flow, wanted in _by_flow(keys).items():
        for start in range(0, len(wanted), _CHUNK):
            rows = conn.execute(
                select(
                    dead_letters.c.record_key,
                    dead_letters.c.attempts,
                    dead_letters.c.run_id,
                    dead_letters.c.first_seen,
                ).where(
                    dead_letters.c.flow == flow,
                    dead_letters.c.record_key.in_(wanted[start : start + _CHUNK]),
                )
            )
            for record_key, attempts, run_id, first_seen in rows:
                result[flow, record_key] = _Row(int(attempts), run_id, first_seen)
    return result


def _by_flow(keys: set[tuple[str, str]]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for flow, record_key in sorted(keys):
        result.setdefault(flow, []).append(record_key)
    return result


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


def missing_ids(conn: Connection, ids: Sequence[int]) -> list[int]:
    """The ids in ``ids`` that name no dead letter, in the order given."""
    found = set(
        conn.execute(
            select(dead_letters.c.id).where(dead_letters.c.id.in_(list(ids)))
        ).scalars()
    )
    return [i for i in dict.fromkeys(ids) if i not in found]


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


def open_payloads(
    conn: Connection, *, flow: str, system: str
) -> list[tuple[str, str, dict[str, Any], datetime]]:
    """(key, error, payload, first seen) of ``system``'s dead letters in ``flow``."""
    rows = conn.execute(
        select(
            dead_letters.c.record_key,
            dead_letters.c.error,
            dead_letters.c.payload,
            dead_letters.c.first_seen,
        ).where(dead_letters.c.flow == flow, dead_letters.c.system == system)
    )
    return [
        (key, error, json.loads(payload), first_seen)
        for key, error, payload, first_seen in rows
    ]
