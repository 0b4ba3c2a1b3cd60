"""Native field values last seen per record, so sync rules know the target's state.

``if_blank`` and ``latest_wins`` need the target's current values; the flows keep
them from every pull (and every write they make) instead of re-reading the target.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from connector.store.schema import snapshots
from connector.store.upsert import upsert_many

__all__ = ["SnapshotWrite", "get_snapshots", "put_snapshot", "put_snapshots"]

_CHUNK = 500  # ids per IN list: far below every backend's parameter limit


@dataclass(frozen=True, slots=True)
class SnapshotWrite:
    """A record's native values as pulled or written (None values say nothing)."""

    system: str
    entity: str
    record_id: str
    fields: Mapping[str, Any]
    updated_at: datetime | None


def put_snapshot(
    conn: Connection,
    system: str,
    entity: str,
    record_id: str,
    fields: Mapping[str, Any],
    updated_at: datetime | None,
) -> None:
    """Store the record's native fields (merged over what was known before)."""
    put_snapshots(
        conn, [SnapshotWrite(system, entity, record_id, dict(fields), updated_at)]
    )


def put_snapshots(conn: Connection, writes: Sequence[SnapshotWrite]) -> None:
    """Store many snapshots as if one after the other, in two statements per entity.

    Each write is merged over what was known before it, the stored row or an
    earlier write of the batch: two writes of one record keep the fields of both,
    the later one's where they differ.
    """
    known: dict[tuple[str, str, str], tuple[dict[str, Any], datetime | None]] = {}
    wanted: dict[tuple[str, str], set[str]] = {}
    for write in writes:
        wanted.setdefault((write.system, write.entity), set()).add(write.record_id)
    for (system, entity), ids in wanted.items():
        for record_id, found in get_snapshots(conn, system, entity, ids).items():
            known[system, entity, record_id] = found
    for write in writes:
        key = (write.system, write.entity, write.record_id)
        fields, updated_at = known.get(key, ({}, None))
        merged = {**fields, **{k: v for k, v in write.fields.items() if v is not None}}
        known[key] = (merged, write.updated_at or updated_at)
    now = datetime.now(UTC)
    written = dict.fromkeys((w.system, w.entity, w.record_id) for w in writes)
    rows = [
        {
            "system": system,
            "entity": entity,
            "record_id": record_id,
            "fields": json.dumps(
                known[system, entity, record_id][0], ensure_ascii=False, default=str
            ),
            "updated_at": known[system, entity, record_id][1],
            "seen_at": now,
        }
        for system, entity, record_id in written
    ]
    upsert_many(
        conn,
        snapshots,
        rows,
        keys=("system", "entity", "record_id"),
        update=("fields", "updated_at", "seen_at"),
    )


def get_snapshots(
    conn: Connection, system: str, entity: str, record_ids: Iterable[str]
) -> dict[str, tuple[dict[str, Any], datetime | None]]:
    """Record id -> (native fields, updated_at) for the ids that have a snapshot."""
    wanted = list(record_ids)
    result: dict[str, tuple[dict[str, Any], datetime | None]] = {}
    for start in range(0, len(wanted), _CHUNK):
        rows = conn.execute(
            select(
                snapshots.c.record_id, snapshots.c.fields, snapshots.c.updated_at
            ).where(
                snapshots.c.system == system,
                snapshots.c.entity == entity,
                snapshots.c.record_id.in_(wanted[start : start + _CHUNK]),
            )
        )
        for record_id, fields, updated_at in rows:
            result[record_id] = (json.loads(fields), updated_at)
    return result
