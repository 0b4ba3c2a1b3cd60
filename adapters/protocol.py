"""The one interface every adapter implements, and the values it trades in.

An adapter speaks one system's native field names; the mapping layer turns its
:class:`Record` into canonical records and back into :class:`WriteOp`. Adapters
never see the state store: the flow decides what to push and when a cursor moves.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol, TypeAlias, runtime_checkable

import httpx
from pydantic import BaseModel

from connector.records import Activity

__all__ = [
    "ENTITIES",
    "Adapter",
    "AdapterFactory",
    "Capabilities",
    "CheckResult",
    "ColumnCheckingAdapter",
    "Cursor",
    "Entity",
    "FileLedger",
    "Page",
    "PushOutcome",
    "PushResult",
    "Record",
    "RowError",
    "SetupAdapter",
    "WriteOp",
]

Entity: TypeAlias = Literal["persons", "deals", "activities", "campaigns"]
"""What a system holds that we sync: people (leads/contacts), deals, activities,
and campaigns (closed-loop results written back to marketing)."""

ENTITIES: tuple[Entity, ...] = ("persons", "deals", "activities", "campaigns")
"""Every entity, in the order flows and checks walk them."""

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
        allow_backward: the flow decided this write moves a lifecycle stage
            backwards (a recycle the mapping declares). Systems that keep the
            later stage unless told otherwise (HubSpot) must force the move;
            others ignore it.
    """

    key: str
    fields: Mapping[str, Any]
    id: str | None = None
    match_field: str | None = None
    associations: tuple[tuple[Entity, str], ...] = ()
    allow_backward: bool = False


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


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What an adapter, as configured, can do: the flows ask this, never guess.

    Declared by :meth:`Adapter.capabilities`; the contract suite in
    ``tests/contract`` skips a test only when the adapter declares it lacks the
    feature, and checks that each declared feature works.

    Attributes:
        pull: entities :meth:`Adapter.pull` reads.
        push: entities :meth:`Adapter.push` writes.
        upsert: entities whose push matches on ``WriteOp.match_field``.
        deletes: pulls report deleted or archived records (``deleted=True``).
        merges: pulls report merged records (``merged_ids``).
        record_errors: the system validates writes and refuses single records,
            which push reports as failed outcomes (a file accepts anything).
        activities: :meth:`Adapter.activities_for` returns events, not None.
        setup: the adapter is a :class:`SetupAdapter` (``connector setup``).
        files: it reads inbox files and remembers them in a :class:`FileLedger`.
        webhooks: the system can push change notifications to the connector.
        column_check: it is a :class:`ColumnCheckingAdapter`: told which columns
            the mappings read, it stops a file whose header misspells one.
        campaign_influence: pulled persons (and deals) carry the campaign that
            influenced them, read from the system's own campaign objects.
    """

    pull: frozenset[Entity] = frozenset()
    push: frozenset[Entity] = frozenset()
    upsert: frozenset[Entity] = frozenset()
    deletes: bool = False
    merges: bool = False
    record_errors: bool = False
    activities: bool = False
    setup: bool = False
    files: bool = False
    webhooks: bool = False
    column_check: bool = False
    campaign_influence: bool = False

    @classmethod
    def of(
        cls,
        *,
        pull: Iterable[Entity] = (),
        push: Iterable[Entity] = (),
        upsert: Iterable[Entity] = (),
        **features: bool,
    ) -> Capabilities:
        """Build from plain iterables (``Capabilities.of(pull=["persons"])``)."""
        return cls(
            pull=frozenset(pull),
            push=frozenset(push),
            upsert=frozenset(upsert),
            **features,
        )

    def can_pull(self, entity: Entity) -> bool:
        """Whether :meth:`Adapter.pull` reads ``entity``."""
        return entity in self.pull

    def can_push(self, entity: Entity) -> bool:
        """Whether :meth:`Adapter.push` accepts ``entity``.

        Asked before scheduling work that needs it (campaign write-back), so an
        unsupported entity is refused once at start, not on every run.
        """
        return entity in self.push


@runtime_checkable
class FileLedger(Protocol):
    """Remembers inbox files by content checksum, per system.

    Adapters never see the state store; an inbox is the exception, because
    "this file was already imported" must outlive any cursor. The connector hands
    every adapter a ledger; only those declaring ``Capabilities.files`` use it.
    """

    def is_processed(self, system: str, checksum: str) -> bool:
        """Whether a file with this content was fully processed for ``system``."""
        ...

    def mark_processed(self, system: str, checksum: str, path: str, rows: int) -> None:
        """Record that the file was fully processed (idempotent).

        Only called for files whose last page's cursor the flow has committed.
        """
        ...


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

    def capabilities(self) -> Capabilities:
        """What this adapter, as configured, can pull, push and do."""
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


@runtime_checkable
class SetupAdapter(Adapter, Protocol):
    """An adapter that can prepare its system (``connector setup``).

    Declared with ``Capabilities.setup``; the contract suite checks the two agree.
    """

    def setup(self, *, dry_run: bool = False) -> list[str]:
        """Create what the connector needs in the system; one line per item.

        Idempotent: what exists is left alone. ``dry_run`` changes nothing.
        """
        ...


@runtime_checkable
class ColumnCheckingAdapter(Adapter, Protocol):
    """An adapter that checks an export's header against the mapped columns.

    Declared with ``Capabilities.column_check``; the contract suite checks the
    two agree. The app calls it once the adapter is built.
    """

    def expect_columns(self, entity: Entity, columns: tuple[str, ...]) -> None:
        """Name the columns the field mappings read from ``entity``'s records."""
        ...


class AdapterFactory(Protocol):
    """An adapter class: its settings model and how to build it from settings.

    Every factory takes the same keywords, so the registry never inspects
    signatures: a keyword an adapter has no use for is accepted and ignored.
    """

    settings_model: ClassVar[type[BaseModel]]

    def __call__(
        self,
        name: str,
        settings: Any,
        *,
        transport: httpx.BaseTransport | None = None,
        ledger: FileLedger | None = None,
        base_dir: Path | None = None,
    ) -> Adapter:
        """Build the adapter for the system configured as ``name``.

        Args:
            name: the config section (``ma`` / ``sfa``).
            settings: an instance of ``settings_model``.
            transport: the httpx transport to use (tests pass a fake's).
            ledger: where file adapters remember processed inbox files.
            base_dir: the folder relative paths in the settings are relative to
                (the config file's); None means the working directory.
        """
        ...
