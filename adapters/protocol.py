"""The one interface every adapter implements, and the values it trades in.

An adapter speaks one system's native field names; the mapping layer turns its
:class:`Record` into canonical records and back into :class:`WriteOp`. Adapters
never see the state store: the flow decides what to push and when a cursor moves.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Literal, Protocol, TypeAlias, runtime_checkable

import httpx
from pydantic import BaseModel

from connector.records import Activity

__all__ = [
    "Adapter",
    "AdapterFactory",
    "CheckResult",
    "Cursor",
    "Entity",
    "Page",
    "PushOutcome",
    "PushResult",
    "Record",
    "RowError",
    "WriteOp",
]

Entity: TypeAlias = Literal["persons", "deals", "activities", "campaigns"]
"""What a system holds that we sync: people (leads/contacts), deals, activities,
and campaigns (closed-loop results written back to marketing)."""

Cursor: TypeAlias = str
"""An adapter's opaque resume point: the flow stores it and hands it back."""


@dataclass(frozen=True, slots=True)
class Record:
    """One record as the source system has it (native field names and values).

    Attributes:
        system: the config name of the system it came from (``ma`` or ``sfa``).
        entity: what kind of record it is.
        id: the system's id for it.
        fields: native field name -> value.
        updated_at: the system's last-modified time, when it has one.
        deleted: the system archived or deleted it.
        merged_ids: ids that the system merged into this record (aliases).
        location: where it was read from (``file.csv:12``), for error messages.
    """

    system: str
    entity: Entity
    id: str
    fields: Mapping[str, Any]
    updated_at: datetime | None = None
    deleted: bool = False
    merged_ids: tuple[str, ...] = ()
    location: str | None = None


@dataclass(frozen=True, slots=True)
class RowError:
    """A source row that could not even be read as a record (bad bytes, columns...).

    It is dead-lettered with its location and raw text; the rest of the page goes on.
    """

    location: str
    reason: str
    raw: str


@dataclass(frozen=True, slots=True)
class Page:
    """A batch of pulled records and the cursor to resume *after* this page."""

    records: list[Record]
    cursor: Cursor | None
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class WriteOp:
    """One create or update to send to a target system.

    Attributes:
        key: the flow's key for this record (echoed in the outcome).
        fields: native field name -> value to write.
        id: the target's id to update; None means create (or upsert by
            ``match_field`` when the adapter supports it).
        match_field: for upserts, the field whose value identifies the record.
        associations: other records to link, as (entity, target id).
    """

    key: str
    fields: Mapping[str, Any]
    id: str | None = None
    match_field: str | None = None
    associations: tuple[tuple[Entity, str], ...] = ()


@dataclass(frozen=True, slots=True)
class PushOutcome:
    """What happened to one :class:`WriteOp`.

    ``kind`` separates records we refused before sending (``invalid``) from those
    the target refused (``rejected``); ``body`` keeps the target's response.
    """

    key: str
    ok: bool
    id: str | None = None
    created: bool = False
    error: str | None = None
    kind: Literal["invalid", "rejected"] | None = None
    status: int | None = None
    body: str | None = None


@dataclass(frozen=True, slots=True)
class PushResult:
    """Per-record outcomes of one push, in the order of the batch."""

    outcomes: list[PushOutcome]

    @property
    def succeeded(self) -> list[PushOutcome]:
        """Outcomes that were written."""
        return [o for o in self.outcomes if o.ok]

    @property
    def failed(self) -> list[PushOutcome]:
        """Outcomes that go to the dead-letter store."""
        return [o for o in self.outcomes if not o.ok]


@dataclass(frozen=True, slots=True)
class CheckResult:
    """Whether the adapter can reach and use its system, and why not."""

    ok: bool
    message: str
    details: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Adapter(Protocol):
    """A system we pull from and push to.

    Adapters are built by :mod:`connector.registry` from their own settings model.
    """

    name: str
    """The system's config name (``ma`` / ``sfa``), used in records and errors."""

    def check(self) -> CheckResult:
        """Test connectivity and permissions without reading any data."""
        ...

    def pull(
        self, entity: Entity, cursor: Cursor | None, *, full: bool = False
    ) -> Iterator[Page]:
        """Yield pages of records changed since ``cursor`` (all when ``full``).

        Each page carries the cursor to resume after it, so a flow that commits a
        page's cursor never re-reads or skips what came before it.

        Raises:
            AdapterError: the system failed in a way retries did not cure.
        """
        ...

    def push(self, entity: Entity, batch: Sequence[WriteOp]) -> PushResult:
        """Write a batch; one bad record yields a failed outcome, not an exception.

        Raises:
            AdapterError: the whole batch could not be written (auth, outage).
        """
        ...

    def vocabulary(self, field: str) -> list[str]:
        """Return the live values of a stage-like field, for mapping checks."""
        ...

    def activities_for(self, record_id: str, since: datetime) -> list[Activity] | None:
        """The behavioural events of one person since ``since``, oldest first.

        The handoff counts signals from them (pricing-page visits, downloads,
        webinars, e-mail clicks). None means this system reports no events (a CSV
        export carries its counts as columns), so the record's fields stand.
        """
        ...

    def can_push(self, entity: Entity) -> bool:
        """Whether :meth:`push` accepts ``entity`` as configured.

        Asked before scheduling work that needs it (campaign write-back), so an
        unsupported entity is refused once at start, not on every run.
        """
        ...

    def select_fields(self, entity: Entity, fields: Sequence[str]) -> None:
        """Ask for at least these native fields in later pulls of ``entity``.

        Flows call it with every field the mapping and qualification files read,
        so an API that returns only the fields it is asked for (HubSpot's
        ``properties=``) never drops one an admin mapped. Adapters whose records
        always carry every field (CSV, most REST APIs) ignore it.
        """
        ...

    def close(self) -> None:
        """Release connections and flush files."""
        ...


class AdapterFactory(Protocol):
    """An adapter class: its settings model and how to build it from settings."""

    settings_model: ClassVar[type[BaseModel]]

    def __call__(
        self,
        name: str,
        settings: Any,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> Adapter:
        """Build the adapter for the system configured as ``name``."""
        ...
