"""Stage events: every canonical stage move, the funnel's history for reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from connector.records import Stage
from connector.store.schema import stage_events

__all__ = ["StageEvent", "record_stage_event", "record_stage_events", "stage_history"]


@dataclass(frozen=True, slots=True)
class StageEvent:
    """One stage move (``from_stage`` None: first seen; ``occurred_at`` None: now)."""

    system: str
    entity: str
    record_id: str
    to_stage: Stage
    from_stage: Stage | None = None
    canonical_id: str | None = None
    reason: str | None = None
    occurred_at: datetime | None = None
    run_id: str | None = None


def record_stage_event(
    conn: Connection,
    *,
    system: str,
    entity: str,
    record_id: str,
    to_stage: Stage,
    from_stage: Stage | None = None,
    canonical_id: str | None = None,
    reason: str | None = None,
    occurred_at: datetime | None = None,
    run_id: str | None = None,
) -> None:
    """Append one stage move (``from_stage`` None means first seen)."""
    record_stage_events(
        conn,
        [
            StageEvent(
                system,
                entity,
                record_id,
                to_stage,
                from_stage,
                canonical_id,
                reason,
                occurred_at,
                run_id,
            )
        ],
    )


def record_stage_events(conn: Connection, events: Sequence[StageEvent]) -> None:
    """Append stage moves in the order given (one executemany)."""
    if not events:
        return
    now = datetime.now(UTC)
    conn.execute(
        insert(stage_events),
        [
            {
                "canonical_id": e.canonical_id,
                "system": e.system,
                "entity": e.entity,
                "record_id": e.record_id,
                "from_stage": e.from_stage.value if e.from_stage else None,
                "to_stage": e.to_stage.value,
                "reason": e.reason,
                "occurred_at": e.occurred_at or now,
                "run_id": e.run_id,
            }
            for e in events
        ],
    )


def stage_history(
    conn: Connection, *, canonical_id: str | None = None, record_id: str | None = None
) -> list[dict[str, Any]]:
    """Stage moves of one person or record, oldest first."""
    query = select(stage_events).order_by(stage_events.c.occurred_at, stage_events.c.id)
    if canonical_id is not None:
        query = query.where(stage_events.c.canonical_id == canonical_id)
    if record_id is not None:
        query = query.where(stage_events.c.record_id == record_id)
    return [dict(row._mapping) for row in conn.execute(query)]
