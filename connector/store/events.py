"""Stage events: every canonical stage move, the funnel's history for reports."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from connector.records import Stage
from connector.store.schema import stage_events

__all__ = ["record_stage_event", "stage_history"]


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
    conn.execute(
        insert(stage_events).values(
            canonical_id=canonical_id,
            system=system,
            entity=entity,
            record_id=record_id,
            from_stage=from_stage.value if from_stage else None,
            to_stage=to_stage.value,
            reason=reason,
            occurred_at=occurred_at or datetime.now(UTC),
            run_id=run_id,
        )
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
