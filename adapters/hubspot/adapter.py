"""The HubSpot adapter: the marketing side of the sync, speaking the real API.

Entities: ``persons`` are contacts, ``deals`` are deals. Activities for a handoff
are read per contact with :meth:`HubSpotAdapter.activities_for` (a portal-wide
activity pull would spend the daily budget on people nobody hands off).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import ClassVar

import httpx
from typing_extensions import override

from adapters.hubspot.activities import ActivityReader
from adapters.hubspot.client import HubSpotClient
from adapters.hubspot.paths import ObjectType, api_path
from adapters.hubspot.pull import Puller
from adapters.hubspot.push import Pusher
from adapters.hubspot.settings import HubSpotSettings
from adapters.hubspot.setup import ensure_properties
from adapters.hubspot.vocabulary import Vocabulary
from adapters.protocol import (
    Capabilities,
    CheckResult,
    Cursor,
    Entity,
    FileLedger,
    Page,
    PushResult,
    WriteOp,
)
from connector.errors import ConfigError, ConnectorError
from connector.records import Activity

__all__ = ["HubSpotAdapter"]

_OBJECT_TYPES: dict[Entity, ObjectType] = {"persons": "contacts", "deals": "deals"}


class HubSpotAdapter:
    """Adapter over one HubSpot portal (``adapter = "hubspot"``).

    Args:
        name: the system's config name (``ma``).
        settings: validated :class:`HubSpotSettings`.
        transport: httpx transport to use (tests pass the fake's).
        clock: monotonic seconds for the rate limiters (tests pass a fake clock).
        sleep: how to wait between retries and for limiters.
        wall_clock: epoch seconds, used to stamp where a backfill started.
    """

    settings_model: ClassVar[type[HubSpotSettings]] = HubSpotSettings

    def __init__(
        self,
        name: str,
        settings: HubSpotSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        ledger: FileLedger | None = None,
        base_dir: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        del ledger, base_dir  # an API reads no files
        self.name = name
        self.settings = settings
        self.client = HubSpotClient(
            name, settings, transport=transport, clock=clock, sleep=sleep
        )
        self._wall = wall_clock
        self._vocabulary = Vocabulary(self.client)
        self._pusher = Pusher(self.client, self._vocabulary.stage_ids)
        self._activities = ActivityReader(self.client)
        self._selected: dict[Entity, tuple[str, ...]] = {}

    def _object_type(self, entity: Entity) -> ObjectType:
        if entity not in _OBJECT_TYPES:
            hint = (
                "read handoff activities with activities_for(contact_id, since)"
                if entity == "activities"
                else "HubSpot syncs persons (contacts) and deals"
            )
            raise ConfigError(
                f"the HubSpot adapter does not pull or push {entity!r}",
                hint=hint,
                context={"system": self.name, "entity": entity},
            )
        return _OBJECT_TYPES[entity]

    def _puller(self, entity: Entity) -> Puller:
        object_type = self._object_type(entity)
        configured: tuple[str, ...] = getattr(self.settings.properties, entity)
        properties = tuple(
            dict.fromkeys((*configured, *self._selected.get(entity, ())))
        )
        return Puller(
            self.client,
            entity=entity,
            object_type=object_type,
            properties=properties,
            wall_clock=self._wall,
        )

    def check(self) -> CheckResult:
        """Read one contact and the deal pipelines: token, scopes and reachability."""
        try:
            path = api_path("objects", self.settings.api_version, "contacts")
            response = self.client.request("GET", path, params={"limit": 1})
            self.client.expect(response, (200,), "read contacts")
            pipelines = self._vocabulary.pipelines()
        except ConnectorError as exc:
            return CheckResult(False, exc.one_line())
        budget = self.client.budget
        return CheckResult(
            True,
            f"HubSpot reachable ({self.settings.api_version}); "
            f"{len(pipelines)} deal pipeline(s)",
            {"daily_remaining": budget.remaining, "daily_limit": budget.limit},
        )

    def pull(
        self, entity: Entity, cursor: Cursor | None, *, full: bool = False
    ) -> Iterator[Page]:
        """Changed records by search (incremental) or every record by list (full).

        The cursor is JSON text (see :mod:`adapters.hubspot.pull`). Archived records
        come as ``deleted=True``; merged contacts carry the absorbed ids in
        ``merged_ids`` and appear under their new id.
        """
        puller = self._puller(entity)
        return puller.full(cursor) if full else puller.incremental(cursor)

    def push(self, entity: Entity, batch: Sequence[WriteOp]) -> PushResult:
        """Batch upsert/update/create; per-record failures become failed outcomes."""
        return self._pusher.push(self._object_type(entity), batch)

    def capabilities(self) -> Capabilities:
        """Contacts and deals both ways (upsert by email for contacts only).

        HubSpot campaigns are not written by this adapter, and activities are
        read per contact with :meth:`activities_for`, not pulled.
        """
        return Capabilities.of(
            pull=_OBJECT_TYPES,
            push=_OBJECT_TYPES,
            upsert=("persons",),
            deletes=True,
            merges=True,
            record_errors=True,
            activities=True,
            setup=True,
        )

    def select_fields(self, entity: Entity, fields: Sequence[str]) -> None:
        """Pull these properties too: HubSpot returns only the ones asked for."""
        if entity in _OBJECT_TYPES:
            self._selected[entity] = tuple(f for f in fields if f)

    def vocabulary(self, field: str) -> list[str]:
        """Live values: lifecycle options, or ``pipeline:stage`` ids for dealstage."""
        return self._vocabulary.values(field)

    def activities_for(self, record_id: str, since: datetime) -> list[Activity]:
        """Handoff context of one contact: key page views, forms, webinars, clicks."""
        return self._activities.for_contact(record_id, since)

    def setup(self, *, dry_run: bool = False) -> list[str]:
        """Create the connector's property group and properties (idempotent)."""
        return ensure_properties(
            self.client, group=self.settings.property_group, dry_run=dry_run
        )

    @property
    def requests_sent(self) -> int:
        """HTTP requests sent so far, retries included."""
        return self.client.sent

    def close(self) -> None:
        """Close the HTTP session."""
        self.client.close()

    @override
    def __repr__(self) -> str:
        return f"HubSpotAdapter({self.name!r}, {self.settings.base_url})"
