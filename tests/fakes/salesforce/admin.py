"""Admin helpers: what a test does to the org outside the API.

Seeding and inspecting records, users editing in the UI (many rows in one
second), lead conversion and merges (no REST resource, §8), a stage change,
contact roles, expiring tokens and locators, other integrations using the API
budget or long-running slots, and injected faults. Nothing here is counted
against the API budget or logged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from tests.fakes.salesforce.derive import after_write, derived
from tests.fakes.salesforce.errors import RequestError
from tests.fakes.salesforce.faults import Fault
from tests.fakes.salesforce.ids import canonical_id
from tests.fakes.salesforce.platform_ops import Conversion, convert_lead, merge_records
from tests.fakes.salesforce.sobject_routes import record_json
from tests.fakes.salesforce.store import Record
from tests.fakes.salesforce.values import decode_body
from tests.fakes.salesforce.writes import WriteContext, create, mark_deleted

if TYPE_CHECKING:
    import threading

    from tests.fakes.salesforce.auth import Sessions
    from tests.fakes.salesforce.bulk import BulkJobs
    from tests.fakes.salesforce.faults import Faults
    from tests.fakes.salesforce.limits import ApiUsage, LongRunning
    from tests.fakes.salesforce.org import Clock, Org
    from tests.fakes.salesforce.query_routes import Cursors

__all__ = ["AdminHelpers"]


class AdminHelpers:
    """Mixed into :class:`FakeSalesforce`."""

    org: Org
    clock: Clock
    sessions: Sessions
    cursors: Cursors
    bulk: BulkJobs
    usage: ApiUsage
    long_running: LongRunning
    faults: Faults
    log: list[Any]
    _lock: threading.RLock

    # -- auth, budget, faults ----------------------------------------------------

    def issue_token(self, username: str | None = None) -> str:
        """A valid access token for a user (the run-as user by default)."""
        with self._lock:
            user = self.org.run_as_id
            if username is not None:
                found = self.org.store.find("User", "Username", username)
                assert found, f"no user {username}"
                user = found[0].id
            return self.sessions.issue(self.org, user)[0]

    def expire_tokens(self) -> None:
        """Every token issued so far is expired from now on."""
        with self._lock:
            self.sessions.expire_all(self.clock.time())

    def expire_locators(self) -> None:
        """Every open query locator becomes invalid."""
        with self._lock:
            self.cursors.expire_all()

    def use_api(self, requests: int) -> None:
        """Other integrations spend ``requests`` of the rolling 24 h budget now."""
        with self._lock:
            self.usage.add(self.clock.time(), requests)

    def hold_long_running(self, requests: int) -> None:
        """Other clients hold this many long-running (>= 20 s) requests open."""
        with self._lock:
            self.long_running.held_by_others = requests

    def faults_at_random(
        self, rate: float, kinds: Iterable[Fault], *, seed: int = 0
    ) -> None:
        """A seeded share of requests meets one of ``kinds``."""
        with self._lock:
            self.faults.at_random(rate, tuple(kinds), seed)

    def statuses(self, status: int) -> int:
        """How many logged requests got this status."""
        return sum(1 for entry in self.log if entry.status == status)

    # -- records ---------------------------------------------------------------

    def _at_ms(self, at: float | None) -> int:
        if at is None:
            return self.org.now_ms()
        ms = int(at * 1000)
        if self.org.options.timestamp_precision == "second":
            ms -= ms % 1000
        return ms

    def _record(self, record_id: str) -> Record:
        record = self.org.store.get(canonical_id(record_id))
        assert record is not None, f"no record {record_id}"
        return record

    def seed(
        self, sobject: str, fields: Mapping[str, Any], *, at: float | None = None
    ) -> str:
        """Create a record directly (no rules run, stamps at ``at``); its id.

        Unknown fields and wrongly typed values still fail (ValueError); required
        fields, picklists and duplicate rules are not checked, so tests can
        build states the API would refuse (two leads with one external id).
        """
        return self.seed_many(sobject, [fields], at=at)[0]

    def seed_many(
        self,
        sobject: str,
        rows: Iterable[Mapping[str, Any]],
        *,
        at: float | None = None,
    ) -> list[str]:
        """Seed many records; with ``at`` they all share one SystemModstamp."""
        with self._lock:
            obj = self.org.object(sobject)
            assert obj is not None, f"no object {sobject}"
            ids = []
            ms = self._at_ms(at)
            start = {f.name: f.initial for f in obj.fields if f.initial is not None}
            if obj.field("OwnerId") is not None:
                start["OwnerId"] = self.org.run_as_id
            refs = {f.name for f in obj.fields if f.type == "reference"}
            for row in rows:
                try:
                    given = decode_body(obj, row)
                except RequestError as exc:
                    raise ValueError(exc.errors[0]["message"]) from exc
                for name in refs & given.keys():
                    if given[name]:
                        given[name] = canonical_id(given[name]) or given[name]
                values = {**start, **given}
                values |= derived(self.org, obj.name, values, dict(values))
                record = self.org.insert_raw(obj.name, values, at_ms=ms)
                after_write(self.org, record, self.org.run_as_id, created=True)
                ids.append(record.id)
            return ids

    def edit(
        self,
        record_ids: str | Iterable[str],
        fields: Mapping[str, Any],
        *,
        at: float | None = None,
        move_last_modified: bool = True,
    ) -> None:
        """A user's edit in the UI (no rules run).

        A list of ids is a bulk edit: every record gets the same second.
        """
        ids = [record_ids] if isinstance(record_ids, str) else list(record_ids)
        with self._lock:
            ms = self._at_ms(at)
            for record_id in ids:
                record = self._record(record_id)
                obj = self.org.catalog[record.sobject]
                try:
                    values = decode_body(obj, fields)
                except RequestError as exc:
                    raise ValueError(exc.errors[0]["message"]) from exc
                merged = {**record.values, **values}
                values |= derived(self.org, obj.name, merged, values)
                values["SystemModstamp"] = ms
                if move_last_modified:
                    values["LastModifiedDate"] = ms
                self.org.store.set(record, values)

    def delete_record(self, record_id: str) -> None:
        """Delete as a user would (to the recycle bin, children too)."""
        with self._lock:
            mark_deleted(self.org, self._record(record_id), self.org.run_as_id)

    def purge(self, record_id: str) -> None:
        """Empty a deleted record from the recycle bin (queryAll no longer sees it)."""
        with self._lock:
            self.org.store.purge(self._record(record_id))

    def record(self, record_id: str, version: str = "66.0") -> dict[str, Any]:
        """A record as GET would show it, deleted or not (ground truth)."""
        with self._lock:
            record = self._record(record_id)
            return record_json(record, self.org.catalog[record.sobject], version)

    def records(
        self, sobject: str, *, include_deleted: bool = False
    ) -> list[dict[str, Any]]:
        """Every record of an object, in creation order."""
        with self._lock:
            obj = self.org.catalog[sobject]
            return [
                record_json(r, obj, "66.0")
                for r in self.org.store.table(sobject)
                if include_deleted or not r.deleted
            ]

    def add_user(self, username: str, first: str, last: str, email: str) -> str:
        """A new active user (an owner); returns its id."""
        with self._lock:
            return self.org.add_user(username, first, last, email)

    # -- platform actions (no REST resource) ------------------------------------

    def convert_lead(
        self,
        lead_id: str,
        *,
        with_opportunity: bool = True,
        account_id: str | None = None,
        contact_id: str | None = None,
        status: str | None = None,
        opportunity_name: str | None = None,
    ) -> Conversion:
        """Convert a lead as sales would in the UI (§8)."""
        with self._lock, self.org.store.transaction():
            return convert_lead(
                self.org,
                self._record(lead_id),
                with_opportunity=with_opportunity,
                account=self._record(account_id) if account_id else None,
                contact=self._record(contact_id) if contact_id else None,
                status=status,
                opportunity_name=opportunity_name,
            )

    def merge(self, master_id: str, loser_ids: Iterable[str]) -> None:
        """Merge records into ``master_id``; the losers become deleted (§8)."""
        with self._lock, self.org.store.transaction():
            merge_records(
                self.org,
                self._record(master_id),
                [self._record(i) for i in loser_ids],
            )

    def set_stage(self, opportunity_id: str, stage: str) -> None:
        """Sales moves an opportunity to a stage (API name), as in the UI."""
        if stage not in self.org.stages:
            raise ValueError(f"no stage {stage!r}")
        self.edit(opportunity_id, {"StageName": stage})

    def add_contact_role(
        self,
        opportunity_id: str,
        contact_id: str,
        *,
        role: str | None = None,
        primary: bool = False,
    ) -> str:
        """Link a contact to an opportunity (one primary per opportunity)."""
        with self._lock:
            values: dict[str, Any] = {
                "OpportunityId": canonical_id(opportunity_id),
                "ContactId": canonical_id(contact_id),
                "IsPrimary": primary,
            }
            if role is not None:
                values["Role"] = role
            ctx = WriteContext(self.org.run_as_id, allow_save=True)
            obj = self.org.catalog["OpportunityContactRole"]
            return create(self.org, obj, values, ctx).id

    def fail_bulk_job(self, job_id: str, message: str) -> None:
        """A Bulk API query job fails (state Failed, ``errorMessage``)."""
        with self._lock:
            job = self.bulk.by_id[job_id]
            job.state = "Failed"
            job.error = message
