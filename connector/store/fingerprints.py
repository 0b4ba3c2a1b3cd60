"""Payload fingerprints: what we last pushed per record, so unchanged ones are skipped.

The fingerprint is also how echoes are recognised: a record that comes back from
the other side with the exact payload we wrote produces the same hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from connector.store.schema import fingerprints
from connector.store.upsert import upsert_many

__all__ = [
    "FingerprintWrite",
    "fingerprint",
    "get_fingerprints",
    "set_fingerprint",
    "set_fingerprints",
]


@dataclass(frozen=True, slots=True)
class FingerprintWrite:
    """The payload pushed for one record key, and where it landed."""

    flow: str
    key: str
    value: str
    target_id: str | None


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
    set_fingerprints(conn, [FingerprintWrite(flow, key, value, target_id)])


def set_fingerprints(conn: Connection, writes: Sequence[FingerprintWrite]) -> None:
    """Remember many pushes at once; of two writes to one key the later wins."""
    now = datetime.now(UTC)
    final = {(w.flow, w.key): w for w in writes}
    rows = [
        {
            "flow": w.flow,
            "record_key": w.key,
            "fingerprint": w.value,
            "target_id": w.target_id,
            "updated_at": now,
        }
        for w in final.values()
    ]
    upsert_many(
        conn,
        fingerprints,
        rows,
        keys=("flow", "record_key"),
        update=("fingerprint", "target_id", "updated_at"),
    )
