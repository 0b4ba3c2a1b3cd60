"""The fake org's state in one place: metadata, records, ids, clock, users.

Routes, admin helpers and the Bulk API all work on one :class:`Org`, so what a
test seeds is what the API reads. Its constructor writes the metadata rows
(OpportunityStage, LeadStatus, User) that SOQL can query.
"""

from __future__ import annotations

from typing import Any, Protocol

from tests.fakes.salesforce.catalog import build_catalog
from tests.fakes.salesforce.ids import IdFactory
from tests.fakes.salesforce.metadata import FORECAST_NAMES, StageDef
from tests.fakes.salesforce.options import Options
from tests.fakes.salesforce.schema import ObjectDef
from tests.fakes.salesforce.store import Record, Store

__all__ = ["Clock", "Org"]


class Clock(Protocol):
    """What the fake needs of a clock (FakeClock and RealClock both fit)."""

    def time(self) -> float:
        """Epoch seconds."""
        ...

    def advance(self, seconds: float) -> None:
        """Let time pass."""
        ...


class Org:
    """Metadata, records and the clock of one fake org."""

    def __init__(self, options: Options, clock: Clock) -> None:
        self.options = options
        self.clock = clock
        self.ids = IdFactory()
        self.catalog: dict[str, ObjectDef] = build_catalog(
            options.stages,
            options.lead_statuses,
            options.custom_fields,
            unique_external_ids=options.unique_external_ids,
        )
        self.by_prefix = {o.key_prefix: o for o in self.catalog.values()}
        indexed: dict[str, list[str]] = {}
        for obj in self.catalog.values():
            names = [f.name for f in obj.fields if f.external_id]
            if obj.field("Email") is not None:
                names.append("Email")
            if obj.name == "User":
                names.append("Username")
            indexed[obj.name] = names
        self.store = Store(indexed)
        self.org_id = self.ids.new("00D")
        self.stages: dict[str, StageDef] = {s.api_name: s for s in options.stages}
        self.run_as_id = self.add_user(
            options.run_as_username, "Integration", "User", "integration@example.com"
        )
        self._seed_metadata()

    def now_ms(self) -> int:
        """The clock as epoch ms, at the precision SystemModstamp has [U]."""
        ms = int(self.clock.time() * 1000)
        if self.options.timestamp_precision == "second":
            ms -= ms % 1000
        return ms

    def object(self, name: str) -> ObjectDef | None:
        """The object called ``name`` (any case), or None."""
        found = self.catalog.get(name)
        if found is not None:
            return found
        lower = name.lower()
        return next((o for o in self.catalog.values() if o.name.lower() == lower), None)

    def add_user(
        self, username: str, first: str, last: str, email: str, *, active: bool = True
    ) -> str:
        """Create a User row (the API cannot); returns its id."""
        values = {
            "Username": username,
            "FirstName": first,
            "LastName": last,
            "Name": f"{first} {last}",
            "Email": email,
            "Alias": (first[:1] + last[:4]).lower(),
            "IsActive": active,
        }
        return self.insert_raw("User", values).id

    def insert_raw(
        self, sobject: str, values: dict[str, Any], *, at_ms: int | None = None
    ) -> Record:
        """A row with audit fields filled, bypassing validation (metadata, seeds)."""
        now = self.now_ms() if at_ms is None else at_ms
        user = getattr(self, "run_as_id", None)
        record_id = self.ids.new(self.catalog[sobject].key_prefix)
        base: dict[str, Any] = {
            "Id": record_id,
            "IsDeleted": False,
            "CreatedDate": now,
            "CreatedById": user,
            "LastModifiedDate": now,
            "LastModifiedById": user,
            "SystemModstamp": now,
        }
        record = Record(sobject, record_id, {**base, **values})
        if user is None:
            record.values["CreatedById"] = record.values["LastModifiedById"] = record_id
        self.store.insert(record)
        return record

    def _seed_metadata(self) -> None:
        for order, stage in enumerate(self.options.stages, start=1):
            self.insert_raw(
                "OpportunityStage",
                {
                    "MasterLabel": stage.label,
                    "ApiName": stage.api_name,
                    "IsActive": stage.active,
                    "IsClosed": stage.closed,
                    "IsWon": stage.won,
                    "ForecastCategory": stage.forecast,
                    "ForecastCategoryName": FORECAST_NAMES[stage.forecast],
                    "DefaultProbability": float(stage.probability),
                    "SortOrder": order,
                    "Description": None,
                },
            )
        for order, status in enumerate(self.options.lead_statuses, start=1):
            self.insert_raw(
                "LeadStatus",
                {
                    "MasterLabel": status.label,
                    "ApiName": status.api_name,
                    "IsConverted": status.converted,
                    "IsDefault": status.default,
                    "SortOrder": order,
                },
            )
