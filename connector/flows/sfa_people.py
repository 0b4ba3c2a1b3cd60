"""Keeping the SFA's people in the identity index before anything is handed off.

The handoff can only avoid duplicates it knows about: every SFA person changed
since the last run is resolved to a canonical person (by link or by matching) and
its native values are remembered for the sync rules. A record that says which
ids the SFA merged into it (Salesforce: merged leads, and the lead a contact was
converted from) makes those ids aliases of it, so the person keeps one history.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from adapters.protocol import Adapter
from connector.errors import RecordInvalidError
from connector.flows.common import (
    continue_incremental,
    cursor_source,
    dead_letter_invalid,
    dead_letter_rows,
    stored_cursor,
)
from connector.flows.context import FlowContext
from connector.flows.keys import record_key
from connector.flows.merges import apply_merge
from connector.flows.resolve import Resolver
from connector.flows.unreadable_twins import letters_fixed_by

__all__ = ["refresh_sfa_people"]


def refresh_sfa_people(ctx: FlowContext, sfa: Adapter, resolver: Resolver) -> None:
    """Pull SFA persons changed since the cursor and link each one."""
    source = cursor_source(ctx, "sfa", "persons")
    cursor = stored_cursor(ctx, source)
    # A backfill lists everything once; killed, it resumes from its checkpoint.
    for page in sfa.pull("persons", cursor, full=ctx.full and cursor is None):
        batch = ctx.new_batch()
        dead_letter_rows(ctx, batch, page, "sfa")
        with (
            ctx.app.store.read() as conn,
            resolver.preloaded(conn, "sfa", "persons", [r.id for r in page.records]),
        ):
            clean: list[str] = []
            for record in page.records:
                ctx.summary.counts["sfa_people_seen"] += 1
                key = record_key("sfa", record.id)
                try:
                    person = ctx.mappings.to_person(record)
                except RecordInvalidError as exc:
                    dead_letter_invalid(ctx, batch, key, record, exc)
                    continue
                clean.append(record.id)
                resolution = resolver.resolve(conn, "sfa", "persons", record.id, person)
                canonical = resolution.canonical_id
                if resolution.rule != "identity_map":
                    ctx.summary.counts["sfa_people_linked"] += 1
                    batch.link(
                        "sfa",
                        "persons",
                        record.id,
                        canonical,
                        resolution.rule,
                        resolution.score,
                    )
                if resolution.is_new:
                    # Sales' own lead: known to matching, stage owned by outcomes.
                    batch.person(canonical, replace(person, stage=None))
                if record.merged_ids:
                    batch.do(
                        partial(
                            apply_merge,
                            ctx=ctx,
                            system="sfa",
                            entity="persons",
                            survivor_id=record.id,
                            merged_ids=list(record.merged_ids),
                        )
                    )
                batch.snapshot(
                    "sfa", "persons", record.id, record.fields, record.updated_at
                )
                if ctx.dry_run:
                    ctx.dry_snapshots["sfa", "persons", record.id] = (
                        dict(record.fields),
                        record.updated_at,
                    )
            # A row or record that failed before and now reads cleanly is fixed.
            for fixed in letters_fixed_by(conn, ctx.flow, clean):
                ctx.summary.counts["sfa_rows_fixed"] += 1
                batch.release(fixed)
        if page.cursor is not None:
            batch.cursor(source, page.cursor)
        ctx.commit(batch)
    continue_incremental(ctx, "sfa", "persons")
