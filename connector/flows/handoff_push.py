"""The handoff's writes: push a page's leads to the SFA, then write back the ids.

A lead the SFA accepted gets its link, fingerprint, snapshot and provenance in
the page's batch, and the MA person gets the SFA id and first handoff time back.
A refused lead is dead-lettered with the SFA's reason; the rest of the page goes on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from adapters.protocol import Adapter, WriteOp
from connector.flows.batch import Batch
from connector.flows.common import dead_letter_rejected
from connector.flows.context import FlowContext
from connector.flows.handoff_choice import PendingLead
from connector.flows.keys import writeback_key
from connector.flows.push import push_isolating
from connector.flows.resolve import Resolver
from connector.metrics import RECORDS_PUSHED
from connector.records import Person

__all__ = ["push_leads", "remember_twins"]


def push_leads(
    ctx: FlowContext,
    batch: Batch,
    pending: list[PendingLead],
    ma: Adapter,
    sfa: Adapter,
    resolver: Resolver,
    *,
    unlinked: Sequence[PendingLead] = (),
) -> None:
    """Push ``pending`` in chunks of ``batch_size``; record outcomes in ``batch``.

    ``unlinked`` leads need no SFA write, but their MA records lack the SFA id:
    only the write-back is sent for them.
    """
    size = ctx.settings.batch_size
    now = datetime.now(UTC)
    writebacks: list[WriteOp] = []
    for item in unlinked:
        if item.target is None:
            continue
        writebacks.extend(_writeback(ctx, item, item.target, now))
        if not item.handed_off_before:
            batch.person(item.resolution.canonical_id, item.person, handed_off_at=now)
    for start in range(0, len(pending), size):
        chunk = pending[start : start + size]
        ops = [_write_op(ctx, item) for item in chunk]
        for item, outcome in zip(
            chunk, push_isolating(sfa, "persons", ops), strict=True
        ):
            key = item.key
            canonical = item.resolution.canonical_id
            if not outcome.ok or outcome.id is None:
                dead_letter_rejected(
                    ctx,
                    batch,
                    key,
                    item.record,
                    outcome,
                    target="sfa",
                    what="SFA refused the lead",
                )
                continue
            action = "created" if outcome.created else "updated"
            ctx.summary.counts[action] += 1
            RECORDS_PUSHED.labels(ctx.flow, "sfa", "persons", action).inc()
            sfa_id = outcome.id
            resolver.remember("sfa", "persons", sfa_id, canonical)
            if sfa_id != item.target:
                batch.link("sfa", "persons", sfa_id, canonical, "handoff")
            batch.fingerprint(key, item.fingerprint, sfa_id)
            remember_twins(batch, item, sfa_id)
            batch.snapshot("sfa", "persons", sfa_id, item.fields, now)
            batch.provenance(
                canonical_id=canonical,
                target_system="sfa",
                record_id=sfa_id,
                fields=item.fields,
                origin_system="ma",
                rule="fields.toml: sfa.persons",
            )
            batch.release(key)
            if not item.handed_off_before:
                batch.person(canonical, item.person, handed_off_at=now)
                batch.stage_event(
                    system="sfa",
                    entity="persons",
                    record_id=sfa_id,
                    canonical_id=canonical,
                    from_stage=None,
                    to_stage=item.person.stage or ctx.mappings.handoff_stage,
                    reason="handoff",
                    occurred_at=now,
                )
            writebacks.extend(_writeback(ctx, item, sfa_id, now))
    for outcome in push_isolating(ma, "persons", writebacks):
        if outcome.ok:
            ctx.summary.counts["written_back"] += 1
            continue
        ctx.summary.counts["rejected"] += 1
        batch.dead_letter(
            key=outcome.key,
            system="ma",
            entity="persons",
            kind="rejected",
            reason="writeback_rejected",
            error=f"MA refused the SFA id write-back: {outcome.error}",
            payload={"response": outcome.body},
        )


def remember_twins(batch: Batch, item: PendingLead, sfa_id: str | None) -> None:
    """The older twins' payloads are settled with the lead the newer one made."""
    for twin_key, twin_fp in item.twins:
        batch.fingerprint(twin_key, twin_fp, sfa_id)
        batch.release(twin_key)


def _write_op(ctx: FlowContext, item: PendingLead) -> WriteOp:
    """An update of the known lead, else a create keyed so a replay is harmless.

    A create whose response was lost (timeout after the SFA wrote it) is retried,
    and a crash before the batch's commit replays it; only an upsert on a key the
    SFA holds makes either harmless instead of a second lead. The connector's own
    key (``sfa_key_field`` = the MA record id) is sure; the e-mail is the fallback
    where the SFA keeps e-mails unique.
    """
    if item.target is not None:
        return WriteOp(key=item.key, fields=item.fields, id=item.target)
    key_field = ctx.settings.sfa_key_field
    if key_field:
        return WriteOp(
            key=item.key,
            fields={**item.fields, key_field: item.record.id},
            match_field=key_field,
        )
    return WriteOp(
        key=item.key, fields=item.fields, match_field=_email_field(ctx, item)
    )


def _email_field(ctx: FlowContext, item: PendingLead) -> str | None:
    """The SFA email field, when the lead has an e-mail to upsert on."""
    for rule in ctx.mappings.fields.get(("sfa", "persons"), ()):
        if rule.canonical == ("email",) and len(rule.native) == 1:
            name: str = rule.native[0]
            return name if item.fields.get(name) else None
    return None


def _writeback(
    ctx: FlowContext, item: PendingLead, sfa_id: str, now: datetime
) -> list[WriteOp]:
    """The MA write carrying the SFA id (and the first handoff time), if any.

    Only these two canonical attributes are mapped, so the write-back never
    touches a field marketing owns.
    """
    attributes: dict[str, Any] = {"sfa_id": sfa_id}
    if not item.handed_off_before:
        attributes["handoff_at"] = now
    only_ids = Person(source=item.person.source, attributes=attributes)
    native = ctx.mappings.to_native("ma", "persons", only_ids, current=None)
    fields = {k: v for k, v in native.items() if v not in (None, "")}
    if not fields or _already_there(item.record.fields, fields):
        return []
    return [WriteOp(key=writeback_key(item.key), fields=fields, id=item.record.id)]


def _already_there(current: Mapping[str, Any], fields: Mapping[str, Any]) -> bool:
    """Whether the MA record as pulled holds every value the write-back would set.

    A lead whose SFA record is updated in place keeps its id: writing it back
    again would cost an MA write per push and change nothing.
    """
    return all(
        k in current and current[k] is not None and str(current[k]) == str(v)
        for k, v in fields.items()
    )
