"""Payload fingerprints: what we last pushed per record, so unchanged ones are skipped.

The fingerprint is also how echoes are recognised: a record that comes back from
the other side with the exact payload we wrote produces the same hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from connector.store.schema import fingerprints
from connector.store.upsert import upsert

__all__ = ["fingerprint", "get_fingerprints", "set_fingerprint"]


def fingerprint(payload: Mapping[str, Any]) -> str:
    """Stable hash of a payload (key order and value types do not matter)."""
    text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def get_fingerprints(
    conn: Connection, flow: str, keys: Iterable[str]
) -> dict[str, tuple[str, str | None]]:
    """Return record key -> (fingerprint, target id) for the keys that have one."""
    wanted = list(keys)
    result: dict[str, tuple[str, str | None]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = conn.execute(
            select(
                fingerprints.c.record_key,
                fingerprints.c.fingerprint,
                fingerprints.c.target_id,
            ).where(fingerprints.c.flow == flow, fingerprints.c.record_key.in_(chunk))
        )
        for key, value, target_id in rows:
            result[key] = (value, target_id)
    return result


def set_fingerprint(
    conn: Connection, flow: str, key: str, value: str, target_id: str | None
) -> None:
    """Remember what was pushed for ``key`` and where it landed."""
    upsert(
        conn,
        fingerprints,
        keys={"flow": flow, "record_key": key},
        values={
            "fingerprint": value,
            "target_id": target_id,
            "updated_at": datetime.now(UTC),
        },
    )
