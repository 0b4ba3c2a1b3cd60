"""Merges seen in a source system: ids re-keyed, history carried over, reported.

When HubSpot merges two contacts, the survivor gets a new id and the old ids
resolve to it. The identity map keeps the old ids as aliases; if they belonged to
different canonical persons, those persons become one, and everything that named
the absorbed person (deals, stage history, provenance) is re-pointed, so
attribution and campaign history carry over. The merge is reported for the other
system, where the person may now have more than one record.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, delete, update

from connector.flows.context import FlowContext
from connector.flows.resolve import person_ids
from connector.store import identity
from connector.store.schema import deals, persons, provenance, stage_events

__all__ = ["apply_merge"]


def apply_merge(
    conn: Connection,
    ctx: FlowContext,
    *,
    system: str,
    entity: str,
    survivor_id: str,
    merged_ids: Sequence[str],
) -> None:
    """Record a source-side merge inside the batch's transaction."""
    outcome = identity.record_merge(
        conn, system, entity, survivor_id, merged_ids, run_id=ctx.run_id
    )
    target = outcome.canonical_id
    for old in outcome.absorbed:
        for table in (deals, stage_events, provenance):
            conn.execute(
                update(table)
                .where(table.c.canonical_id == old)
                .values(canonical_id=target)
            )
        conn.execute(delete(persons).where(persons.c.canonical_id == old))
    ctx.summary.counts["merges_seen"] += 1
    others = {
        other: ids
        for other in outcome.other_systems
        if len(ids := person_ids(conn, target, other)) > 1
    }
    ctx.log.info(
        "source_merge_recorded",
        system=system,
        survivor=survivor_id,
        merged=list(outcome.merged_ids),
        canonical_id=target,
        absorbed=list(outcome.absorbed),
        other_systems=outcome.other_systems,
    )
    if others:
        # Not replayed automatically: merging records in the other system is a
        # decision its owners make; the report says exactly which ids.
        ctx.summary.counts["merges_to_review"] += 1
        ctx.log.warning(
            "merge_needs_review_in_other_system",
            canonical_id=target,
            records=others,
        )
