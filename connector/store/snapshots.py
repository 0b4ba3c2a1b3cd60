"""Native field values last seen per record, so sync rules know the target's state.

``if_blank`` and ``latest_wins`` need the target's current values; the flows keep
them from every pull (and every write they make) instead of re-reading the target.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from connector.store.schema import snapshots
from connector.store.upsert import upsert

__all__ = ["get_snapshots", "put_snapshot"]


def put_snapshot(
    conn: Connection,
    system: str,
    entity: str,
    record_id: str,
    fields: Mapping[str, Any],
    updated_at: datetime | None,
) -> None:
    """Store the record's native fields (merged over what was known before)."""
    known = get_snapshots(conn, system, entity, [record_id]).get(record_id, ({}, None))
    merged = {**known[0], **{k: v for k, v in fields.items() if v is not None}}
    upsert(
        conn,
        snapshots,
        keys={"system": system, "entity": entity, "record_id": record_id},
        values={
            "fields": json.dumps(merged, ensure_ascii=False, default=str),
            "updated_at": updated_at or known[1],
            "seen_at": datetime.now(UTC),
        },
    )


def get_snapshots(
    conn: Connection, system: str, entity: str, record_ids: Iterable[str]
) -> dict[str, tuple[dict[str, Any], datetime | None]]:
    """Record id -> (native fields, updated_at) for the ids that have a snapshot."""
    wanted = list(record_ids)
    result: dict[str, tuple[dict[str, Any], datetime | None]] = {}
    for start in range(0, len(wanted), 500):
        rows = conn.execute(
            select(
                snapshots.c.record_id, snapshots.c.fields, snapshots.c.updated_at
            ).where(
                snapshots.c.system == system,
                snapshots.c.entity == entity,
                snapshots.c.record_id.in_(wanted[start : start + 500]),
            )
        )
        for record_id, fields, updated_at in rows:
            result[record_id] = (json.loads(fields), updated_at)
    return result
