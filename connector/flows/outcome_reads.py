"""What the outcomes flow reads for a page, before it decides anything.

Every record of a page is first mapped and resolved in order (a link made for
one record is seen by the later ones), then the committed state all of them are
compared with is read at once: persons, their links, the MA persons' snapshots,
the deals' stored stages and the fingerprints of the writes they would make.
Each read is of committed state, so reading it in bulk gives every record what
its own queries would have, in a handful of queries per page.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass

from sqlalchemy import Connection

from adapters.protocol import Record
from connector.errors import RecordInvalidError
from connector.flows.context import FlowContext
from connector.flows.keys import outcome_key, record_key
from connector.flows.page_reads import PageReads
from connector.flows.pipeline import Resolved
from connector.flows.resolve import Resolution, Resolver
from connector.records import Deal, Person, Stage
from connector.store import fingerprints, people

__all__ = ["PageState", "Resolved", "out_key", "resolve_page"]


def resolve_page(
    ctx: FlowContext, conn: Connection, records: list[Record], resolver: Resolver
) -> list[Resolved]:
    """Map and resolve every record in order, the identity map read per entity.

    In order, because a link made for one record is seen by the later ones.
    """
    result: list[Resolved] = []
    with ExitStack() as stack:
        for entity in dict.fromkeys(r.entity for r in records):
            ids = [r.id for r in records if r.entity == entity]
            stack.enter_context(resolver.preloaded(conn, "sfa", entity, ids))
        for record in records:
            ctx.summary.counts["pulled"] += 1
            result.append(_resolve(ctx, conn, record, resolver))
    return result


def _resolve(
    ctx: FlowContext, conn: Connection, record: Record, resolver: Resolver
) -> Resolved:
    if record.deleted:
        ctx.summary.counts["deleted_in_source"] += 1
        return Resolved(record)
    try:
        if record.entity == "deals":
            deal: Deal | None = ctx.mappings.to_deal(record)
            person = None
        else:
            deal = None
            person = ctx.mappings.to_person(record)
    except RecordInvalidError as exc:
        return Resolved(record, error=exc)
    if deal is not None:
        if deal.person_id:
            # The SFA's own lead id: sure, and the only link a hand-entered lead
            # without an external id or e-mail match has.
            owner = resolver.linked(conn, "sfa", "persons", deal.person_id)
            if owner is not None:
                resolution = Resolution(owner, "deal_person", None, False)
                return Resolved(record, deal=deal, resolution=resolution)
        probe = Person(
            source=deal.source, email=deal.person_email, company=deal.company
        )
    elif person is not None:
        probe = person
        merged = _merged_owner(conn, record, resolver)
        if merged is not None:
            return Resolved(record, person, merged)
    else:
        return Resolved(record)
    found = resolver.find(conn, "sfa", record.entity, record.id, probe)
    return Resolved(record, person, found, deal=deal)


def _merged_owner(
    conn: Connection, record: Record, resolver: Resolver
) -> Resolution | None:
    """The person an unknown record is through an id the SFA merged into it.

    A merge survivor (or the contact a lead became) may share nothing with
    marketing's contact but the merged id; the handoff records the alias only
    when it next reads the SFA, and the outcome must not wait for that: this
    read moves the cursor past the record.
    """
    if not record.merged_ids:
        return None
    if resolver.linked(conn, "sfa", record.entity, record.id) is not None:
        return None  # known already: the identity map decides
    for alias in record.merged_ids:
        owner = resolver.linked(conn, "sfa", record.entity, alias)
        if owner is not None:
            resolver.remember("sfa", record.entity, record.id, owner)
            return Resolution(owner, "sfa_merge", None, False)
    return None


@dataclass
class PageState:
    """The committed state a page's records are compared with, read in bulk."""

    people: PageReads
    deal_stages: dict[tuple[str, str], Stage | None]
    fingerprints: dict[str, tuple[str, str | None]]

    @classmethod
    def load(
        cls, ctx: FlowContext, conn: Connection, resolved: list[Resolved]
    ) -> PageState:
        """Read the committed state the ``resolved`` records need (a few queries)."""
        reads = PageReads()
        reads.load(
            conn, [r.canonical for r in resolved if r.canonical], snapshots_of="ma"
        )
        deal_stages: dict[tuple[str, str], Stage | None] = {}
        by_system: dict[str, list[str]] = {}
        for entry in resolved:
            if entry.deal is not None:
                source = entry.deal.source
                by_system.setdefault(source.system, []).append(source.id)
        for system, ids in by_system.items():
            stored = people.get_deal_stages(conn, system, ids)
            deal_stages.update({(system, i): stored.get(i) for i in ids})
        out_keys = [
            out_key(entry.record, ma_ids[0])
            for entry in resolved
            if entry.canonical
            and (ma_ids := reads.person_ids(conn, entry.canonical, "ma"))
        ]
        known = fingerprints.get_fingerprints(conn, ctx.flow, out_keys)
        return cls(reads, deal_stages, known)


def out_key(record: Record, ma_id: str) -> str:
    """The fingerprint key of the MA write an SFA record makes."""
    return outcome_key(record_key("sfa", record.id, record.entity), ma_id)
