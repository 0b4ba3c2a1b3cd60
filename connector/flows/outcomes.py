"""Flow ``outcomes`` (SFA -> MA): what became of each lead goes back to marketing.

SFA leads (status, sales-rejected with reason) and deals (stage, won/lost, amount,
close date, loss reason) are mapped to the canonical funnel, resolved to the
canonical person, and written onto the MA person. Lifecycle moves are checked
against the declared transitions: nothing moves backwards unless the mapping says
so, and a lost or rejected lead is recycled to nurturing with its reason when the
mapping declares that path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

from sqlalchemy import Connection

from adapters.protocol import Adapter, Entity, Page, Record, WriteOp
from connector.flows.batch import Batch
from connector.flows.common import (
    cursor_source,
    dead_letter_rejected,
    dead_letter_rows,
    in_window,
    pages_with_retries,
    sample_change,
    stage_of_row,
    stored_cursor,
)
from connector.flows.context import FlowContext
from connector.flows.keys import record_key, source_of
from connector.flows.outcome_reads import PageState, out_key, resolve_page
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
from connector.flows.push import push_isolating
from connector.flows.resolve import Resolver
from connector.matching import Matcher, load_match_rules
from connector.metrics import RECORDS_PUSHED
from connector.records import Deal, Person, SourceRef, Stage, outcome_of
from connector.store import fingerprints, runs

__all__ = ["run_outcomes"]


@dataclass
class _Outcome:
    """One MA person update derived from an SFA lead or deal."""

    key: str
    record: Record
    canonical: str
    ma_id: str
    person: Person
    fields: dict[str, Any]
    fingerprint: str
    moves: list[tuple[Stage | None, Stage, str | None, str]] = field(
        default_factory=list
    )
    current: dict[str, Any] | None = None
    """The MA person's last known native values (the dry run's "from" side)."""
    allow_backward: bool = False
    """The lifecycle stage moves back down the funnel (a declared recycle)."""


def run_outcomes(ctx: FlowContext) -> None:
    """Run the outcomes flow over SFA leads, then SFA deals."""
    app = ctx.app
    if not _marketing_was_read(ctx):
        # Whose outcome a deal is can only be told once marketing's people are
        # known; reading the SFA now would move its cursor past deals that then
        # never reach marketing (the daemon starts both flows on one tick).
        ctx.summary.counts["waiting_for_handoff"] += 1
        ctx.summary.message = (
            "nothing read: the handoff flow has not read marketing's people yet; "
            "outcomes follow its first completed run"
        )
        ctx.log.info("outcomes_wait_for_handoff")
        return
    ma, sfa = app.adapter("ma"), app.adapter("sfa")
    resolver = Resolver(Matcher(load_match_rules(app.mappings_dir / "matching.toml")))
    with app.store.read() as conn:
        resolver.load(conn)
    entity: Entity
    for entity in ("persons", "deals"):
        sfa.select_fields(entity, ctx.mappings.native_fields("sfa", entity))
        source = cursor_source(ctx, "sfa", entity)
        cursor = stored_cursor(ctx, source)
        # A backfill lists everything once; killed, it resumes from its checkpoint.
        pulled = sfa.pull(entity, cursor, full=ctx.full and cursor is None)
        for page in pages_with_retries(ctx, pulled, "sfa", entity):
            _handle_page(ctx, page, source, resolver, ma)
            if ctx.stop.is_set():
                ctx.summary.status = "stopped"
                ctx.summary.message = "stopped after committing the batch in hand"
                return


def _marketing_was_read(ctx: FlowContext) -> bool:
    if not ctx.app.settings.flows.handoff.enabled:
        return True
    with ctx.app.store.read() as conn:
        return runs.ever_completed(conn, "handoff")


def _handle_page(
    ctx: FlowContext, page: Page, source: str, resolver: Resolver, ma: Adapter
) -> None:
    batch = ctx.new_batch()
    dead_letter_rows(ctx, batch, page, "sfa")
    pending: list[_Outcome] = []
    # Stages planned earlier in this page, so a person's lead and deal records
    # are judged against each other, not against the committed state only.
    stages: dict[str, Stage] = {}
    records = [r for r in page.records if in_window(r, ctx.since, ctx.until)]
    with ctx.app.store.read() as conn:
        resolved = resolve_page(ctx, conn, records, resolver)
        reads = PageState.load(ctx, conn, resolved)
        step = partial(_prepare, ctx, conn, batch, stages=stages, state=reads)
        pending.extend(prepare_page(ctx, batch, resolved, step, _key))
    if ctx.dry_run:
        for item in pending:
            sample_change(
                ctx,
                "update",
                item.key,
                item.current,
                item.fields,
                target=f"ma persons {item.ma_id}",
            )
        return
    _push(ctx, batch, pending, ma)
    if page.cursor is not None:
        batch.cursor(source, page.cursor)
    ctx.commit(batch)


def _prepare(
    ctx: FlowContext,
    conn: Connection,
    batch: Batch,
    entry: Resolved,
    *,
    stages: dict[str, Stage],
    state: PageState,
) -> _Outcome | Skip:
    """The MA person update one SFA lead or deal makes, or why it makes none."""
    record = entry.record
    key = _key(record)
    if (skip := admitted(ctx, batch, entry, key)) is not None:
        return skip
    said = _stage_said(entry)
    if said is None:
        return HANDLED
    stage, reason = said
    canonical = entry.canonical
    if entry.deal is not None:
        _track_deal(batch, entry.deal, canonical, state)
    batch.snapshot("sfa", record.entity, record.id, record.fields, record.updated_at)
    if entry.resolution is None or canonical is None:
        return Skip.because(f"{record.entity}_without_person")
    link_resolution(batch, entry)
    ma_ids = state.people.person_ids(conn, canonical, "ma")
    if not ma_ids or stage is None:
        return Skip.because("no_marketing_person")
    current_stage = stages.get(canonical) or stage_of_row(
        state.people.person(conn, canonical)
    )
    if _moves_backward(ctx, key, current_stage, stage):
        return Skip.because("backward_moves_blocked")
    moves = _plan_moves(ctx, current_stage, stage, reason)
    final = moves[-1][1] if moves else current_stage or stage
    stages[canonical] = final
    ma_id = ma_ids[0]
    current, current_updated = state.people.snapshot(conn, "ma", "persons", ma_id) or (
        None,
        None,
    )
    outgoing = Person(
        source=SourceRef("ma", ma_id),
        stage=final,
        stage_reason=reason,
        attributes={
            **_attributes(ctx, record, entry.deal, stage, reason),
            **_sfa_link(conn, state, canonical),
        },
        updated_at=record.updated_at,
    )
    fields = ctx.mappings.to_native(
        "ma",
        "persons",
        outgoing,
        current=current,
        canonical_updated_at=record.updated_at,
        current_updated_at=current_updated,
    )
    fields = {k: v for k, v in fields.items() if v is not None}
    if (refused := refused_payload(ctx, batch, key, record, fields)) is not None:
        return refused
    write_key = out_key(record, ma_id)
    digest = fingerprints.fingerprint(fields)
    known = state.fingerprints.get(write_key)
    if unchanged(fields, digest, known[0] if known else None, current):
        return Skip.because("unchanged")
    # Some systems (HubSpot) silently keep a later lifecycle stage; a recycle
    # says it moves back so such an adapter forces the move.
    backward = (
        current_stage is not None
        and final.rank is not None
        and final.is_backward_from(current_stage)
    )
    return _Outcome(
        write_key,
        record,
        canonical,
        ma_id,
        outgoing,
        fields,
        digest,
        moves,
        current,
        allow_backward=backward,
    )


def _stage_said(entry: Resolved) -> tuple[Stage | None, str | None] | None:
    """The stage and reason the deal (or else the lead) gives; None: neither."""
    if entry.deal is not None:
        return entry.deal.stage, entry.deal.stage_reason
    if entry.person is not None:
        return entry.person.stage, entry.person.stage_reason
    return None


def _moves_backward(
    ctx: FlowContext, key: str, current: Stage | None, stage: Stage
) -> bool:
    """Whether moving from ``current`` to ``stage`` is a move the mapping forbids.

    An older or lesser status (a lead still "アポ取得" after its deal was won)
    must not overwrite what marketing already knows.
    """
    if current is None or stage == current:
        return False
    if ctx.mappings.check_move(current, stage).allowed:
        return False
    ctx.log.info(
        "backward_move_blocked", key=key, current=current.value, new=stage.value
    )
    return True


def _attributes(
    ctx: FlowContext,
    record: Record,
    deal: Deal | None,
    stage: Stage,
    reason: str | None,
) -> dict[str, Any]:
    """The outcome values marketing gets: stage, won/lost, amounts, reasons."""
    stage_field = ctx.mappings.stage_field("sfa", record.entity) or ""
    attributes: dict[str, Any] = {
        "canonical_stage": stage.value,
        "outcome": outcome_of(stage),
        "sfa_stage": str(record.fields.get(stage_field, "")),
    }
    if deal is not None:
        attributes["deal_name"] = deal.name
        attributes["close_date"] = deal.close_date
        attributes["amount_won"] = deal.amount if stage is Stage.WON else None
        attributes["deal_amount"] = deal.amount
    if stage is Stage.LOST:
        attributes["loss_reason"] = reason
    if stage is Stage.REJECTED:
        attributes["rejected_reason"] = reason
    return attributes


def _sfa_link(conn: Connection, state: PageState, canonical: str) -> dict[str, Any]:
    """The SFA record marketing should link to: the one the handoff targets.

    A converted lead lives on as its contact. Writing that id with the outcome
    lets the loop settle in one round; otherwise the next handoff would see
    marketing's outdated lead id and write it back on its own.
    """
    sfa_ids = state.people.person_ids(conn, canonical, "sfa")
    return {"sfa_id": sfa_ids[0]} if sfa_ids else {}


def _key(record: Record) -> str:
    return record_key("sfa", record.id, record.entity)


def _track_deal(
    batch: Batch, deal: Deal, canonical: str | None, state: PageState
) -> None:
    """Keep the canonical deal view and its stage history for reports."""
    previous = state.deal_stages.get((deal.source.system, deal.source.id))
    if deal.stage is not None and deal.stage != previous:
        batch.stage_event(
            system="sfa",
            entity="deals",
            record_id=deal.source.id,
            canonical_id=canonical,
            from_stage=previous,
            to_stage=deal.stage,
            reason=deal.stage_reason,
            occurred_at=deal.updated_at,
        )
    batch.deal(deal, canonical, "person" if canonical else "none")


def _plan_moves(
    ctx: FlowContext, current: Stage | None, new: Stage, reason: str | None
) -> list[tuple[Stage | None, Stage, str | None, str]]:
    """The lifecycle moves to make: (from, to, reason, why), possibly none.

    A lost or rejected lead is then recycled to nurturing when the mapping declares
    those transitions, so marketing keeps nurturing it with the reason attached.
    """
    if current == new:
        return []
    moves: list[tuple[Stage | None, Stage, str | None, str]] = [
        (current, new, reason, "sfa")
    ]
    if new in (Stage.LOST, Stage.REJECTED):
        stage: Stage = new
        for step in (Stage.RECYCLED, Stage.NURTURING):
            follow = ctx.mappings.check_move(stage, step)
            if not follow.allowed:
                break
            moves.append((stage, step, follow.reason or reason, "recycle_rule"))
            stage = step
    return moves


def _push(ctx: FlowContext, batch: Batch, pending: list[_Outcome], ma: Adapter) -> None:
    size = ctx.settings.batch_size
    now = datetime.now(UTC)
    for start in range(0, len(pending), size):
        chunk = pending[start : start + size]
        ops = [
            WriteOp(
                key=i.key,
                fields=i.fields,
                id=i.ma_id,
                allow_backward=i.allow_backward,
            )
            for i in chunk
        ]
        for item, outcome in zip(
            chunk, push_isolating(ma, "persons", ops), strict=True
        ):
            source_key = source_of(item.key)
            if not outcome.ok:
                dead_letter_rejected(
                    ctx,
                    batch,
                    source_key,
                    item.record,
                    outcome,
                    target="ma",
                    what="MA refused the outcome",
                )
                continue
            ctx.summary.counts["updated"] += 1
            RECORDS_PUSHED.labels(ctx.flow, "ma", "persons", "updated").inc()
            batch.fingerprint(item.key, item.fingerprint, item.ma_id)
            batch.release(source_key)
            batch.snapshot("ma", "persons", item.ma_id, item.fields, now)
            batch.provenance(
                canonical_id=item.canonical,
                target_system="ma",
                record_id=item.ma_id,
                fields=item.fields,
                origin_system="sfa",
                rule=f"fields.toml: ma.persons (from sfa.{item.record.entity})",
            )
            for before, after, reason, why in item.moves:
                batch.stage_event(
                    system="sfa" if why == "sfa" else "connector",
                    entity="persons",
                    record_id=item.ma_id,
                    canonical_id=item.canonical,
                    from_stage=before,
                    to_stage=after,
                    reason=reason if why == "sfa" else f"{why}: {reason or ''}".strip(),
                    occurred_at=item.record.updated_at or now,
                )
            if item.moves:
                final = item.moves[-1][1]
                batch.person_stage(item.canonical, final, item.person.stage_reason)
