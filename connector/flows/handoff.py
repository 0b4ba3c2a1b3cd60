"""Flow ``handoff`` (MA -> SFA): qualified leads go to sales, never twice.

Per page of changed MA persons: map, resolve identity, qualify, attach the
marketing context, create or update the SFA lead (an existing SFA person is
updated, never duplicated), write the SFA id and handoff time back to the MA
person, then commit the page's state and cursor in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import Connection

from adapters.protocol import Adapter, Page, Record
from connector.errors import RecordInvalidError
from connector.flows.batch import Batch
from connector.flows.common import (
    closing_pages,
    cursor_source,
    dead_letter_invalid,
    dead_letter_rows,
    in_window,
    pages_with_retries,
    sample_change,
    stage_of_row,
    stored_cursor,
)
from connector.flows.context import FlowContext
from connector.flows.handoff_choice import PendingLead, newest_per_person, superseded
from connector.flows.handoff_push import push_leads, remember_twins
from connector.flows.keys import record_key
from connector.flows.merges import apply_merge
from connector.flows.page_reads import PageReads
from connector.flows.pipeline import (
    HANDLED,
    Resolved,
    Skip,
    admitted,
    link_resolution,
    prepare_page,
    refused_payload,
    unchanged,
)
from connector.flows.resolve import Resolver
from connector.flows.sfa_people import refresh_sfa_people
from connector.flows.unreadable_twins import Hold, UnreadableTwins
from connector.matching import Matcher, load_match_rules
from connector.qualification import (
    Qualification,
    RuleResult,
    explain,
    load_qualification,
    marketing_context,
)
from connector.records import Person, Stage
from connector.store import fingerprints

__all__ = ["run_handoff"]


def run_handoff(ctx: FlowContext) -> None:
    """Run the handoff flow until the MA source is drained or a stop is asked."""
    app = ctx.app
    ma, sfa = app.adapter("ma"), app.adapter("sfa")
    resolver = Resolver(Matcher(load_match_rules(app.mappings_dir / "matching.toml")))
    with app.store.read() as conn:
        indexed = resolver.load(conn)
    ctx.log.info("identity_index_loaded", persons=indexed)
    rule = load_qualification(app.mappings_dir / "qualification.toml")
    ma.select_fields(
        "persons", [*ctx.mappings.native_fields("ma", "persons"), *rule.native_fields()]
    )
    sfa.select_fields("persons", ctx.mappings.native_fields("sfa", "persons"))
    source = cursor_source(ctx, "ma", "persons")
    cursor = stored_cursor(ctx, source)
    # A backfill lists everything once; killed, it resumes from its checkpoint.
    pulled = ma.pull("persons", cursor, full=ctx.full and cursor is None)
    # Closed on a stop or an error too: an adapter reading ahead stops its thread.
    with closing_pages(pulled):
        _handle_pages(ctx, pulled, source, resolver, rule, ma, sfa)


def _handle_pages(
    ctx: FlowContext,
    pulled: Iterator[Page],
    source: str,
    resolver: Resolver,
    rule: Qualification,
    ma: Adapter,
    sfa: Adapter,
) -> None:
    app = ctx.app
    twins: UnreadableTwins | None = None
    for page in pages_with_retries(ctx, pulled, "ma", "persons"):
        if page.records and twins is None:
            # Sales' people are indexed before the first lead is matched, and
            # only then: a run with nothing to hand off asks the SFA nothing.
            refresh_sfa_people(ctx, sfa, resolver)
            with app.store.read() as conn:
                twins = UnreadableTwins.load(
                    conn,
                    ctx.flow,
                    hold_unidentified=timedelta(
                        hours=ctx.settings.unidentified_sfa_hold_hours
                    ),
                )
        _handle_page(ctx, page, source, resolver, rule, ma, sfa, twins)
        if ctx.stop.is_set():
            ctx.summary.status = "stopped"
            ctx.summary.message = "stopped after committing the batch in hand"
            break


def _handle_page(
    ctx: FlowContext,
    page: Page,
    source: str,
    resolver: Resolver,
    rule: Qualification,
    ma: Adapter,
    sfa: Adapter,
    twins: UnreadableTwins | None,
) -> None:
    batch = ctx.new_batch()
    dead_letter_rows(ctx, batch, page, "ma")
    records = [r for r in page.records if in_window(r, ctx.since, ctx.until)]
    reads = PageReads()
    with ctx.app.store.read() as conn:
        known = fingerprints.get_fingerprints(
            conn, ctx.flow, [record_key("ma", r.id) for r in records]
        )
        # Resolve the whole page first (in order: a record sees the links of
        # those before it), then read what the records need in a few queries.
        with resolver.preloaded(conn, "ma", "persons", [r.id for r in records]):
            resolved = [_resolve(ctx, conn, record, resolver) for record in records]
        people = [r.resolution.canonical_id for r in resolved if r.resolution]
        reads.load(conn, people, snapshots_of="sfa")
        if ctx.dry_run:
            # A dry run's own links are only in the resolver: read their targets'
            # snapshots in one query too, not one per lead.
            linked = [i for c in people for i in resolver.pending_ids(c, "sfa")]
            reads.load_snapshots(conn, "sfa", "persons", linked)
        step = partial(
            _prepare,
            ctx,
            conn,
            batch,
            resolver=resolver,
            rule=rule,
            known=known,
            reads=reads,
            ma=ma,
            twins=twins,
        )
        prepared = prepare_page(ctx, batch, resolved, step, _key)
        chosen = newest_per_person(prepared, ctx.summary.counts)
        outdated = superseded(conn, ctx.flow, reads, chosen)
    pending: list[PendingLead] = []
    unlinked: list[PendingLead] = []
    for item in chosen:
        if item.key in outdated:
            # The lead already has a newer record's values: keep them.
            ctx.summary.counts["superseded_in_source"] += 1
            ctx.log.info("record_superseded", key=item.key, newer=outdated[item.key])
            for key in (item.key, *(twin_key for twin_key, _ in item.twins)):
                batch.release(key)
        elif item.unchanged:
            ctx.summary.counts["unchanged"] += 1
            batch.release(item.key)
            remember_twins(batch, item, item.target)
            if item.target and item.person.attributes.get("sfa_id") != item.target:
                # The lead is there but marketing never heard its id (a run
                # killed between the SFA's answer and the write-back).
                unlinked.append(item)
        else:
            pending.append(item)
    if ctx.dry_run:
        for item in pending:
            action = "update" if item.target else "create"
            sample_change(
                ctx,
                action,
                item.key,
                item.current,
                item.fields,
                target=f"sfa persons {item.target}" if item.target else None,
            )
        return
    push_leads(ctx, batch, pending, ma, sfa, resolver, unlinked=unlinked)
    if page.cursor is not None:
        batch.cursor(source, page.cursor)
    ctx.commit(batch)


def _judge(
    ctx: FlowContext,
    rule: Qualification,
    person: Person,
    record: Record,
    ma: Adapter,
) -> tuple[Mapping[str, Any], list[RuleResult]]:
    """The lead's native values (with event-counted signals) and the rules failed.

    Events cost requests per lead, so they are read only for a lead that passes
    every rule but the signals, and only when the rule counts signals from them.
    """
    handoff = ctx.mappings.handoff_stage
    failed = [
        r
        for r in explain(rule, person, record.fields, handoff_stage=handoff)
        if not r.passed
    ]
    if not rule.activities or any(not r.rule.startswith("any of") for r in failed):
        return record.fields, failed
    days = max(signal.lookback_days for signal in rule.activities)
    since = datetime.now(UTC) - timedelta(days=days)
    found = ma.activities_for(record.id, since)
    if found is None:
        return record.fields, failed
    ctx.summary.counts["activities_read"] += 1
    native = rule.with_activities(record.fields, found)
    verdict = explain(rule, person, native, handoff_stage=handoff)
    return native, [r for r in verdict if not r.passed]


def _not_qualified(
    ctx: FlowContext,
    batch: Batch,
    key: str,
    record: Record,
    failed: list[RuleResult],
) -> None:
    """Count why a lead stays with marketing; hold it when only data is missing.

    A lead that meets every rule but lacks a required field (a contact without a
    company) is what sales would want once the field is filled: it becomes a dead
    letter naming the field, so the admin finds it in `connector dlq list`. Any
    other miss is marketing's business and only counted, by rule.
    """
    ctx.summary.counts["not_qualified"] += 1
    ctx.summary.counts[f"not_qualified: {failed[0].rule}"] += 1
    missing = [r for r in failed if r.rule.endswith(" present")]
    if len(missing) != len(failed):
        return
    fields = ", ".join(r.rule.removesuffix(" present") for r in missing)
    dead_letter_invalid(
        ctx,
        batch,
        key,
        record,
        RecordInvalidError(
            f"qualifies for sales but has no {fields}",
            hint=f"fill in {fields} in the MA; the lead is sent on the next sync "
            "after the edit",
            context={"reason": "missing_required_field"},
        ),
    )


def _key(record: Record) -> str:
    return record_key("ma", record.id)


def _resolve(
    ctx: FlowContext, conn: Connection, record: Record, resolver: Resolver
) -> Resolved:
    ctx.summary.counts["pulled"] += 1
    if record.deleted:
        ctx.summary.counts["deleted_in_source"] += 1
        ctx.log.info("record_deleted_in_source", key=record_key("ma", record.id))
        return Resolved(record)
    try:
        person = ctx.mappings.to_person(record)
    except RecordInvalidError as exc:
        return Resolved(record, error=exc)
    resolution = resolver.resolve(conn, "ma", "persons", record.id, person)
    return Resolved(record, person, resolution)


def _prepare(
    ctx: FlowContext,
    conn: Connection,
    batch: Batch,
    entry: Resolved,
    *,
    resolver: Resolver,
    rule: Qualification,
    known: dict[str, tuple[str, str | None]],
    reads: PageReads,
    ma: Adapter,
    twins: UnreadableTwins | None = None,
) -> PendingLead | Skip:
    """The lead one MA person makes, or why it makes none."""
    record = entry.record
    key = _key(record)
    if (skip := admitted(ctx, batch, entry, key)) is not None:
        return skip
    person, resolution = entry.person, entry.resolution
    if person is None or resolution is None:
        return HANDLED
    canonical = resolution.canonical_id
    row = _remember_person(ctx, conn, batch, entry, person, canonical, reads)
    native, failed = _judge(ctx, rule, person, record, ma)
    if failed:
        _not_qualified(ctx, batch, key, record, failed)
        return HANDLED
    target = _sfa_target(ctx, conn, resolver, reads, canonical)
    if target is None and twins and (hold := twins.row_of(person)):
        _hold_for_unreadable_twin(ctx, batch, key, record, hold)
        return HANDLED
    current, current_updated = _target_values(ctx, conn, reads, target)
    outgoing = replace(
        person,
        attributes={
            **person.attributes,
            "marketing_context": marketing_context(rule, person, native),
        },
    )
    fields = ctx.mappings.to_native(
        "sfa",
        "persons",
        outgoing,
        current=current,
        canonical_updated_at=person.updated_at,
        current_updated_at=current_updated,
    )
    refused = refused_payload(ctx, batch, key, record, fields, _email_problem(person))
    if refused is not None:
        return refused
    # The fingerprint is of everything the record says, not of the part the
    # target lacks: that part shrinks as twins fill the lead, and a replay must
    # find an unchanged record unchanged whatever its twins did since.
    said = (
        fields
        if current is None
        else ctx.mappings.to_native("sfa", "persons", outgoing, current=None)
    )
    digest = fingerprints.fingerprint(said)
    return PendingLead(
        record,
        outgoing,
        resolution,
        fields,
        digest,
        handed_off_before=bool(row and row.get("handed_off_at")),
        target=target,
        unchanged=unchanged(fields, digest, known.get(key, ("", None))[0], current),
        twins=[],
        current=current,
    )


def _remember_person(
    ctx: FlowContext,
    conn: Connection,
    batch: Batch,
    entry: Resolved,
    person: Person,
    canonical: str,
    reads: PageReads,
) -> Mapping[str, Any] | None:
    """Record what the MA person says (links, merges, stage, values) in the state.

    Done whether or not the person qualifies: reports and later matches need
    every person marketing has. Returns the canonical person's stored row as it
    was before this record.
    """
    record = entry.record
    link_resolution(batch, entry)
    if record.merged_ids:
        batch.do(
            partial(
                apply_merge,
                ctx=ctx,
                system="ma",
                entity="persons",
                survivor_id=record.id,
                merged_ids=list(record.merged_ids),
            )
        )
    row = reads.person(conn, canonical)
    previous = stage_of_row(row)
    if person.stage is not None and person.stage != previous:
        batch.stage_event(
            system="ma",
            entity="persons",
            record_id=record.id,
            canonical_id=canonical,
            from_stage=previous,
            to_stage=person.stage,
            occurred_at=record.updated_at,
        )
    reached_mql = (person.stage is not None) and (
        (person.stage.rank or 0) >= (Stage.MQL.rank or 0)
    )
    batch.person(canonical, person, reached_mql=reached_mql)
    batch.snapshot("ma", "persons", record.id, record.fields, record.updated_at)
    return row


def _sfa_target(
    ctx: FlowContext,
    conn: Connection,
    resolver: Resolver,
    reads: PageReads,
    canonical: str,
) -> str | None:
    """The SFA lead this person already is, if sales has one."""
    sfa_ids = reads.person_ids(conn, canonical, "sfa")
    if not sfa_ids and ctx.dry_run:
        # A dry run commits no links: those it made itself live in the resolver.
        sfa_ids = resolver.pending_ids(canonical, "sfa")
    return sfa_ids[0] if sfa_ids else None


def _target_values(
    ctx: FlowContext, conn: Connection, reads: PageReads, target: str | None
) -> tuple[dict[str, Any] | None, datetime | None]:
    """The SFA lead's last known native values and their time (None: new lead)."""
    if target is None:
        return None, None
    found = reads.snapshot(conn, "sfa", "persons", target)
    if found is None and ctx.dry_run:
        found = ctx.dry_snapshots.get(("sfa", "persons", target))
    return found if found is not None else (None, None)


def _hold_for_unreadable_twin(
    ctx: FlowContext, batch: Batch, key: str, record: Record, hold: Hold
) -> None:
    """Dead-letter a new lead that may be the person of an unreadable SFA row."""
    if hold.unidentified:
        hours = ctx.settings.unidentified_sfa_hold_hours
        error = RecordInvalidError(
            f"not created yet: {hold.where} in the SFA could not be read and names "
            "no one, so sales may already have this person there",
            hint=f"fix {hold.where} in the SFA, or discard its dead letter "
            "(`connector dlq list`); held leads are then linked or created on the "
            f"next sync, and created anyway {hours} h after the row was first seen",
            context={"reason": "sfa_row_unidentified"},
        )
    else:
        error = RecordInvalidError(
            f"not created: sales may already have this person in {hold.where}, "
            "which could not be read",
            hint=f"fix {hold.where} in the SFA (see `connector dlq list`); the lead "
            "is then linked to it, or created, on the next sync",
            context={"reason": "sfa_twin_unreadable"},
        )
    dead_letter_invalid(ctx, batch, key, record, error, waiting=True)


def _email_problem(person: Person) -> str | None:
    email = (person.email or "").strip()
    if not email:
        return None
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email:
        return f"email {email!r} is not a valid address"
    return None
