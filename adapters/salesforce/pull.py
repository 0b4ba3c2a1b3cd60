"""Reading persons (Lead, Contact) and deals (Opportunity) page by page.

Each sObject is read with::

    SELECT <fields> FROM X WHERE SystemModstamp >= <watermark>
    ORDER BY SystemModstamp, Id

through ``queryAll``, so deleted rows arrive as ``deleted=True`` records and
merged losers as the master's ``merged_ids`` (:mod:`adapters.salesforce.links`).
Every batch is a page whose cursor holds the ``(SystemModstamp, Id)`` watermark
reached (:mod:`adapters.salesforce.cursor`): a flow that commits a page's cursor
resumes exactly after it, even inside a second that many rows share. A refused
``nextRecordsUrl`` re-runs the query from the watermark reached.

A read from no watermark (a backfill, or a first sync) whose first batch reports
more than ``bulk_threshold`` rows switches to a Bulk API 2.0 job; the first
batch's request is the price of knowing the count. The job's pages are
checkpoints too, and afterwards the object is read by REST from the job's
creation time, so what changed during the backfill is not lost.

Contacts carry the leads converted into them as aliases, looked up by the ids
of each batch's contacts (a read of every contact asks for every converted lead
once instead); a run in which nothing changed costs one query per object.

Deals read a second object, OpportunityContactRole, only for its changes: an
opportunity whose contact roles changed is read again so its person link is
current.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import structlog

from adapters.protocol import Entity, Page, Record
from adapters.salesforce.bulk import BulkJobGone, BulkQuery
from adapters.salesforce.campaigns import (
    MEMBER_OBJECT,
    CampaignNames,
    member_key,
    person_fields,
    touches,
)
from adapters.salesforce.client import SalesforceClient
from adapters.salesforce.cursor import (
    BulkState,
    MarkTracker,
    ObjectMark,
    SalesforceCursor,
)
from adapters.salesforce.describe import Describer, ObjectInfo
from adapters.salesforce.links import (
    conversions,
    converted_into,
    deal_links,
    fetch_by_id,
)
from adapters.salesforce.query import LocatorLost, run_query
from adapters.salesforce.records import flatten, parse_datetime, to_record
from adapters.salesforce.settings import CampaignSettings
from adapters.salesforce.soql import select, since_filter
from connector.errors import TransientAdapterError

__all__ = ["BASE_FIELDS", "ROLE_OBJECT", "Puller"]

log = structlog.get_logger(__name__)

BASE_FIELDS: dict[str, tuple[str, ...]] = {
    "Lead": (
        "IsConverted",
        "ConvertedContactId",
        "ConvertedAccountId",
        "ConvertedOpportunityId",
        "ConvertedDate",
    ),
    "Contact": ("AccountId",),
    "Opportunity": ("StageName", "IsClosed", "IsWon"),
}
"""Fields read from each object whatever the mappings ask for (aliases, stages)."""

_SYSTEM = (
    "Id",
    "IsDeleted",
    "MasterRecordId",
    "SystemModstamp",
    "CreatedDate",
    "LastModifiedDate",
)
ROLE_OBJECT = "OpportunityContactRole"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_LOCATOR_RETRIES = 3
"""Re-queries after a refused locator that made no progress before giving up."""

Pages = Generator[Page, None, SalesforceCursor]


class Puller:
    """Pulls one entity: its sObjects in order, each from its own watermark.

    Args:
        client: the session.
        describer: describe answers (which fields each object has).
        bulk: Bulk API 2.0 query jobs, for big reads from no watermark.
        entity: ``persons`` or ``deals``.
        sobjects: the objects the entity reads, in order.
        requested: the fields asked for per object (settings and mappings);
            those an object lacks are skipped.
        external_id: the connector's external-id field, read where it exists.
        page_size: rows per batch asked for.
        bulk_threshold: rows above which a read from no watermark uses Bulk.
        campaigns: campaign influence settings, None when it is off.
    """

    def __init__(
        self,
        client: SalesforceClient,
        describer: Describer,
        bulk: BulkQuery,
        *,
        entity: Entity,
        sobjects: Sequence[str],
        requested: Callable[[str], Sequence[str]],
        external_id: str,
        page_size: int,
        bulk_threshold: int,
        campaigns: CampaignSettings | None = None,
    ) -> None:
        self.client = client
        self.describer = describer
        self.bulk = bulk
        self.entity = entity
        self.sobjects = tuple(sobjects)
        self.requested = requested
        self.external_id = external_id
        self.page_size = page_size
        self.bulk_threshold = bulk_threshold
        self.campaigns = campaigns if campaigns and campaigns.enabled else None
        self._names = CampaignNames(client)
        self._merged: dict[str, list[str]] = {}
        """Master id -> the merged losers seen in this pull."""
        self._every_conversion = False
        """Whether this Contact read starts from nothing (every contact)."""
        self._aliases: dict[str, list[str]] | None = None
        """Contact id -> the leads converted into it, every converted lead, once
        a read of every contact needs it (None: not read yet)."""
        self._last_state = SalesforceCursor()
        """The state after the last page handed out (where a re-query starts)."""

    # -- the entity ----------------------------------------------------------------

    def pull(self, cursor: str | None, *, full: bool) -> Iterator[Page]:
        """Every page of the entity since ``cursor`` (from nothing when ``full``)."""
        where = f"{self.client.name}.{self.entity}"
        state = (
            SalesforceCursor() if full else SalesforceCursor.decode(cursor, where=where)
        )
        self._merged = {}
        members = self.campaigns is not None and self.entity == "persons"
        if members and state.mark(MEMBER_OBJECT).at is None and self._first(state):
            # Every person is read now with its memberships: later pulls need
            # only the memberships changed from here.
            state = state.with_mark(MEMBER_OBJECT, self._newest(MEMBER_OBJECT))
        for sobject in self.sobjects:
            state = yield from self._read(sobject, state)
        if self.entity == "deals":
            yield from self._roles(state)
        if members:
            yield from self._members(state)

    def _first(self, state: SalesforceCursor) -> bool:
        """Whether this pull reads every object of the entity from nothing."""
        return state.bulk is None and all(
            state.mark(s).at is None for s in self.sobjects
        )

    def _newest(self, sobject: str) -> ObjectMark:
        """A watermark at the newest row of ``sobject`` (the epoch when empty)."""
        soql = select(
            ("Id", "SystemModstamp"),
            sobject,
            order="SystemModstamp DESC, Id DESC",
            limit=1,
        )
        top = next(iter(run_query(self.client, soql, what=f"query {sobject}")), None)
        stamp = (
            parse_datetime(top.rows[0].get("SystemModstamp"))
            if top and top.rows
            else None
        )
        return ObjectMark(stamp or _EPOCH)

    def fields(self, sobject: str, info: ObjectInfo) -> list[str]:
        """What the SOQL selects from ``sobject``: system, base and asked-for fields."""
        wanted = (
            *_SYSTEM,
            *BASE_FIELDS.get(sobject, ()),
            *(("CampaignId",) if self.campaigns and sobject == "Opportunity" else ()),
            self.external_id,
            *self.requested(sobject),
        )
        chosen = [f for f in dict.fromkeys(wanted) if info.has(f)]
        return chosen

    # -- one object ----------------------------------------------------------------

    def _read(self, sobject: str, state: SalesforceCursor) -> Pages:
        info = self.describer.describe(sobject)
        fields = self.fields(sobject, info)
        self._aliases = None
        self._every_conversion = state.mark(sobject).at is None and state.bulk is None
        if state.bulk is not None and state.bulk.sobject == sobject:
            state = yield from self._bulk(sobject, info, fields, state, state.bulk)
        stalled = 0
        while True:
            try:
                return (yield from self._rest(sobject, info, fields, state))
            except LocatorLost:
                # Salesforce dropped the open query: ask again from where the
                # last handed-out page left the watermark.
                stalled = stalled + 1 if self._last_state == state else 0
                if stalled >= _LOCATOR_RETRIES:
                    raise TransientAdapterError(
                        f"Salesforce refused the next batch of the {sobject} "
                        f"query {stalled} times without progress "
                        "(INVALID_QUERY_LOCATOR)",
                        hint="the run stops; the next run reads again from its "
                        "last checkpoint",
                        context={"system": self.client.name, "sobject": sobject},
                    ) from None
                state = self._last_state
                log.info("query_locator_lost", sobject=sobject)

    def _rest(
        self,
        sobject: str,
        info: ObjectInfo,
        fields: list[str],
        state: SalesforceCursor,
    ) -> Pages:
        self._last_state = state
        start = state.mark(sobject)
        tracker = MarkTracker(start)
        where = since_filter(start.at, start.after_id)
        batches = run_query(
            self.client,
            select(fields, sobject, where=where, order="SystemModstamp, Id"),
            what=f"query {sobject}",
            batch_size=self.page_size,
        )
        for number, batch in enumerate(batches):
            if (
                number == 0
                and start.at is None
                and state.bulk is None
                and batch.total > self.bulk_threshold
            ):
                log.info("bulk_backfill", sobject=sobject, rows=batch.total)
                begun = self.bulk.start(sobject, select(fields, sobject))
                state = yield from self._bulk(sobject, info, fields, state, begun)
                return (yield from self._rest(sobject, info, fields, state))
            fresh: list[dict[str, Any]] = []
            for raw in batch.rows:
                row = _complete(flatten(raw), fields)
                stamp = parse_datetime(row.get("SystemModstamp"))
                if not start.is_seen(str(row["Id"]), stamp):
                    fresh.append(row)
                tracker.advance(str(row["Id"]), stamp)
            state = state.with_mark(sobject, tracker.snapshot())
            records = self._records(sobject, fields, fresh)
            self._last_state = state
            if records or batch.rows:
                yield Page(records, state.encode())
        return state

    def _bulk(
        self,
        sobject: str,
        info: ObjectInfo,
        fields: list[str],
        state: SalesforceCursor,
        job: BulkState,
    ) -> Pages:
        """Read a Bulk job from its stored locator; then its start is the mark."""
        for attempt in (1, 2):
            try:
                state = yield from self._bulk_pages(sobject, info, fields, state, job)
            except BulkJobGone:
                if attempt == 2:
                    raise
                # The job expired (7 days) or was deleted: start the backfill of
                # this object again; what was handed out is simply re-read.
                log.warning("bulk_job_gone", sobject=sobject, job=job.job)
                job = self.bulk.start(sobject, select(fields, sobject))
                state = state.with_bulk(job)
            else:
                break
        return state

    def _bulk_pages(
        self,
        sobject: str,
        info: ObjectInfo,
        fields: list[str],
        state: SalesforceCursor,
        job: BulkState,
    ) -> Pages:
        self.bulk.wait(job)
        for page in self.bulk.pages(job, info):
            if page.next_locator is None:
                state = state.with_bulk(None).with_mark(
                    sobject, ObjectMark(job.started)
                )
            else:
                job = BulkState(sobject, job.job, job.started, page.next_locator)
                state = state.with_bulk(job)
            rows = [_complete(r, fields) for r in page.rows]
            yield Page(self._records(sobject, fields, rows), state.encode())
        return state

    # -- rows to records -----------------------------------------------------------

    def _records(
        self, sobject: str, fields: list[str], rows: list[dict[str, Any]]
    ) -> list[Record]:
        """Records of one page; merged losers folded into their masters."""
        losers = [r for r in rows if r.get("IsDeleted") and r.get("MasterRecordId")]
        for row in losers:
            merged = self._merged.setdefault(str(row["MasterRecordId"]), [])
            if str(row["Id"]) not in merged:
                merged.append(str(row["Id"]))
        kept = [r for r in rows if not (r.get("IsDeleted") and r.get("MasterRecordId"))]
        present = {str(r["Id"]) for r in kept}
        missing = {str(r["MasterRecordId"]) for r in losers} - present
        if missing:
            fetched = fetch_by_id(self.client, sobject, fields, sorted(missing))
            kept.extend(_complete(r, fields) for r in fetched)
            found = {str(r["Id"]) for r in fetched}
            # A master that is gone for good (purged): report its losers deleted.
            kept.extend(r for r in losers if str(r["MasterRecordId"]) not in found)
        if sobject == "Opportunity":
            live = [str(r["Id"]) for r in kept if not r.get("IsDeleted")]
            links = deal_links(self.client, live) if live else {}
            for row in kept:
                row.update(links.get(str(row["Id"]), {}))
        if self.campaigns is not None:
            self._add_campaigns(self.campaigns, sobject, kept)
        converted = self._converted(sobject, kept)
        out = []
        for row in kept:
            record_id = str(row["Id"])
            merged = self._merged.get(record_id, [])
            # A merged-away contact takes its converted leads along: their
            # ConvertedContactId still names the loser, never the master.
            aliases = (
                *merged,
                *converted.get(record_id, ()),
                *(lead for loser in merged for lead in converted.get(loser, ())),
            )
            out.append(
                to_record(
                    self.client.name,
                    self.entity,
                    sobject,
                    row,
                    merged_ids=tuple(dict.fromkeys(aliases)),
                )
            )
        return out

    def _add_campaigns(
        self, settings: CampaignSettings, sobject: str, rows: list[dict[str, Any]]
    ) -> None:
        """Campaign fields onto a page's live rows (:mod:`.campaigns`)."""
        live = [r for r in rows if not r.get("IsDeleted")]
        if not live:
            return
        if sobject == "Opportunity":
            ids = [str(r["CampaignId"]) for r in live if r.get("CampaignId")]
            names = self._names.names(ids) if ids else {}
            for row in live:
                row["CampaignName"] = names.get(str(row.get("CampaignId") or ""))
            return
        found = touches(
            self.client,
            sobject,
            [str(r["Id"]) for r in live],
            responded_only=settings.responded_only,
        )
        campaign_ids = [t.campaign_id for mine in found.values() for t in mine]
        names = self._names.names(campaign_ids) if campaign_ids else {}
        for row in live:
            mine = found.get(str(row["Id"]), [])
            row.update(person_fields(mine, names, settings.pick))

    def _converted(
        self, sobject: str, rows: list[dict[str, Any]]
    ) -> dict[str, list[str]]:
        """Contact id -> the leads converted into it, for one page's contacts."""
        live = [str(r["Id"]) for r in rows if not r.get("IsDeleted")]
        if sobject != "Contact" or "Lead" not in self.sobjects or not live:
            return {}
        if not self._every_conversion:
            # The contacts merged into these too: their leads' ConvertedContactId
            # keeps naming the merged-away contact.
            losers = [loser for c in live for loser in self._merged.get(c, ())]
            return converted_into(self.client, list(dict.fromkeys(live + losers)))
        if self._aliases is None:
            # Every contact is read: one query over the converted leads costs
            # less than a lookup per batch (a Bulk page holds 50,000 contacts).
            self._aliases = conversions(self.client)
        return self._aliases

    # -- deals: contact-role changes -----------------------------------------------

    def _roles(self, state: SalesforceCursor) -> Iterator[Page]:
        """Opportunities whose contact roles changed since the roles' watermark.

        With no watermark yet (the first pull read every opportunity with its
        roles), only the newest role stamp is read, to start from there.
        """
        start = state.mark(ROLE_OBJECT)
        if start.at is None:
            # No role at all yet: every role made from now on is new.
            state = state.with_mark(ROLE_OBJECT, self._newest(ROLE_OBJECT))
            yield Page([], state.encode())
            return
        info = self.describer.describe("Opportunity")
        fields = self.fields("Opportunity", info)
        tracker = MarkTracker(start)
        soql = select(
            ("Id", "OpportunityId", "SystemModstamp"),
            ROLE_OBJECT,
            where=since_filter(start.at, start.after_id),
            order="SystemModstamp, Id",
        )
        for batch in run_query(self.client, soql, what="query roles"):
            touched: list[str] = []
            for row in batch.rows:
                stamp = parse_datetime(row.get("SystemModstamp"))
                if not start.is_seen(str(row["Id"]), stamp) and row.get(
                    "OpportunityId"
                ):
                    touched.append(str(row["OpportunityId"]))
                tracker.advance(str(row["Id"]), stamp)
            state = state.with_mark(ROLE_OBJECT, tracker.snapshot())
            rows = (
                fetch_by_id(self.client, "Opportunity", fields, touched)
                if touched
                else []
            )
            records = self._records(
                "Opportunity", fields, [_complete(r, fields) for r in rows]
            )
            yield Page(records, state.encode())

    # -- persons: campaign-membership changes ----------------------------------

    def _members(self, state: SalesforceCursor) -> Iterator[Page]:
        """Persons whose campaign memberships changed since the members' watermark.

        A membership is its own object: adding a person to a campaign, or a
        response, leaves the person's stamp alone, so the changed rows (deleted
        ones too, through queryAll) name the persons to read again.
        """
        start = state.mark(MEMBER_OBJECT)
        tracker = MarkTracker(start)
        soql = select(
            ("Id", "LeadId", "ContactId", "SystemModstamp"),
            MEMBER_OBJECT,
            where=since_filter(start.at, start.after_id),
            order="SystemModstamp, Id",
        )
        self._every_conversion = False
        for batch in run_query(self.client, soql, what="query campaign members"):
            touched: dict[str, list[str]] = {s: [] for s in self.sobjects}
            for row in batch.rows:
                stamp = parse_datetime(row.get("SystemModstamp"))
                if not start.is_seen(str(row["Id"]), stamp):
                    for sobject, ids in touched.items():
                        person = row.get(member_key(sobject))
                        if person:
                            ids.append(str(person))
                tracker.advance(str(row["Id"]), stamp)
            state = state.with_mark(MEMBER_OBJECT, tracker.snapshot())
            records: list[Record] = []
            for sobject, ids in touched.items():
                if not ids:
                    continue
                fields = self.fields(sobject, self.describer.describe(sobject))
                rows = fetch_by_id(self.client, sobject, fields, ids)
                records.extend(
                    self._records(sobject, fields, [_complete(r, fields) for r in rows])
                )
            yield Page(records, state.encode())


def _complete(row: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """Every selected field present (a null relationship drops its dotted fields)."""
    for name in fields:
        row.setdefault(name, None)
    return row
