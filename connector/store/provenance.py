"""Provenance: which value the connector wrote where, from where, by which rule."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from connector.store.schema import provenance

__all__ = ["FieldWrites", "field_history", "record_many", "record_writes"]


@dataclass(frozen=True, slots=True)
class FieldWrites:
    """The fields of one write to one record (see :func:`record_writes`)."""

    canonical_id: str | None
    target_system: str
    record_id: str
    fields: Mapping[str, Any]
    origin_system: str
    rule: str
    run_id: str | None


def record_writes(
    conn: Connection,
    *,
    canonical_id: str | None,
    target_system: str,
    record_id: str,
    fields: Mapping[str, Any],
    origin_system: str,
    rule: str,
    run_id: str | None,
) -> None:
    """Log every field of one write (one row per field)."""
    record_many(
        conn,
        [
            FieldWrites(
                canonical_id,
                target_system,
                record_id,
                dict(fields),
                origin_system,
                rule,
                run_id,
            )
        ],
    )


def record_many(conn: Connection, writes: Sequence[FieldWrites]) -> None:
    """Log the fields of many writes, in order, in one executemany."""
    now = datetime.now(UTC)
    rows = [
        {
            "canonical_id": w.canonical_id,
            "target_system": w.target_system,
            "record_id": w.record_id,
            "field": name,
            "value": None if value is None else str(value)[:4000],
            "origin_system": w.origin_system,
            "rule": w.rule,
            "run_id": w.run_id,
            "written_at": now,
        }
        for w in writes
        for name, value in w.fields.items()
    ]
    if rows:
        conn.execute(insert(provenance), rows)


def field_history(
    conn: Connection, *, canonical_id: str | None = None, record_id: str | None = None
) -> list[dict[str, Any]]:
    """Writes to one person or record, oldest first."""
    query = select(provenance).order_by(provenance.c.written_at, provenance.c.id)
    if canonical_id is not None:
        query = query.where(provenance.c.canonical_id == canonical_id)
    if record_id is not None:
        query = query.where(provenance.c.record_id == record_id)
    return [dict(row._mapping) for row in conn.execute(query)]
