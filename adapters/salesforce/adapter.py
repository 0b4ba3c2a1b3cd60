"""The Salesforce adapter: the sales side of the sync, speaking Salesforce natively.

Entities: ``persons`` are Leads and Contacts (one entity; ``sObjectType`` and
the id's key prefix say which), ``deals`` are Opportunities with their contact
roles. See :mod:`adapters.salesforce.pull` for reading, ``push`` for writing,
``vocabulary`` for stages and ``setup`` for the fields the connector needs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import ClassVar

import httpx
from typing_extensions import override

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
from adapters.salesforce.auth import Signer
from adapters.salesforce.bulk import BulkQuery
from adapters.salesforce.campaigns import MEMBER_OBJECT
from adapters.salesforce.client import SalesforceClient
from adapters.salesforce.describe import Describer
from adapters.salesforce.pull import Puller
from adapters.salesforce.push import Pusher
from adapters.salesforce.settings import SalesforceSettings
from adapters.salesforce.setup import required_fields
from adapters.salesforce.vocabulary import StageInfo, Vocabulary
from connector.errors import ConfigError, ConnectorError
from connector.records import Activity

__all__ = ["SalesforceAdapter"]


class SalesforceAdapter:
    """Adapter over one Salesforce org (``adapter = "salesforce"``).

    Args:
        name: the system's config name (``sfa``).
        settings: validated :class:`SalesforceSettings`.
        transport: httpx transport to use (tests pass the fake's).
        base_dir: the config file's folder (a relative JWT key file).
        sleep: how retries and Bulk polls wait (tests pass a fake clock's).
        clock: epoch seconds.
        signer: JWT signer override (tests).
    """

    settings_model: ClassVar[type[SalesforceSettings]] = SalesforceSettings

    def __init__(
        self,
        name: str,
        settings: SalesforceSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        ledger: FileLedger | None = None,
        base_dir: Path | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        signer: Signer | None = None,
    ) -> None:
        del ledger  # an API reads no inbox files
        self.name = name
        self.settings = settings
        self.client = SalesforceClient(
            name,
            settings,
            transport=transport,
            base_dir=base_dir,
            sleep=sleep,
            clock=clock,
            signer=signer,
        )
        self.describer = Describer(
            self.client, ttl=settings.describe_ttl_seconds, clock=clock
        )
        self.bulk = BulkQuery(
            self.client,
            page_size=settings.bulk_page_size,
            poll_seconds=settings.bulk_poll_seconds,
            timeout=settings.bulk_timeout_seconds,
        )
        self._selected: dict[Entity, tuple[str, ...]] = {}
        self.vocabulary_reader = Vocabulary(
            self.client,
            self.describer,
            (*settings.persons.objects, "Opportunity"),
        )
        self._pusher = Pusher(
            self.client,
            self.describer,
            sobjects=settings.persons.objects,
            create_as=settings.persons.create_as,
            allow_save=settings.save_alerted_duplicates,
        )

    def _sobjects(self, entity: Entity) -> tuple[str, ...]:
        if entity == "persons":
            return tuple(self.settings.persons.objects)
        if entity == "deals":
            return ("Opportunity",)
        raise ConfigError(
            f"the Salesforce adapter does not read or write {entity!r}",
            hint="Salesforce syncs persons (Lead, Contact) and deals (Opportunity)",
            context={"system": self.name, "entity": entity},
        )

    def _requested(self, entity: Entity) -> Callable[[str], Sequence[str]]:
        configured = (
            self.settings.persons.fields
            if entity == "persons"
            else self.settings.deals.fields
        )
        wanted = (*configured, *self._selected.get(entity, ()))
        return lambda sobject: wanted

    def check(self) -> CheckResult:
        """Log in, confirm the API version, object access and the external-id field.

        Reads no records: the versions list, describe of each object, and the
        stage list. Never raises; a problem is a failed result saying what.
        """
        try:
            offered = self.client.versions()
            version = self.settings.api_version
            if version not in offered:
                newest = offered[-1] if offered else "none"
                return CheckResult(
                    False,
                    f"the org does not offer API version {version} (it offers "
                    f"{offered[0] if offered else '-'} to {newest}): set [sfa] "
                    f"api_version to one of them",
                    {"oldest": offered[0] if offered else None, "newest": newest},
                )
            problems = self._access_problems()
            stages = self.vocabulary_reader.stages()
        except ConnectorError as exc:
            return CheckResult(False, exc.one_line())
        usage = self.client.budget.usage
        details = {
            "api_version": version,
            "instance_url": self.client.tokens.session().instance_url,
            "api_used": usage.used if usage else None,
            "api_limit": usage.limit if usage else None,
        }
        if problems:
            return CheckResult(False, "; ".join(problems), details)
        return CheckResult(
            True,
            f"Salesforce reachable (v{version}); "
            f"{sum(s.active for s in stages)} active opportunity stage(s); "
            f"{self.settings.external_id_field} on "
            f"{self.settings.persons.create_as}",
            details,
        )

    def _access_problems(self) -> list[str]:
        """What the run-as user cannot do that the sync needs."""
        problems = []
        writes = set(self.settings.persons.objects)
        for sobject in (*self.settings.persons.objects, "Opportunity"):
            info = self.describer.describe(sobject)
            if not info.queryable:
                problems.append(f"the user cannot read {sobject}")
            if sobject in writes and not (info.createable and info.updateable):
                problems.append(f"the user cannot create and edit {sobject}")
        if self.settings.campaigns.enabled:
            for sobject in ("Campaign", MEMBER_OBJECT):
                if not self.describer.describe(sobject).queryable:
                    problems.append(
                        f"the user cannot read {sobject} ([sfa.campaigns] enabled)"
                    )
        key = self.settings.external_id_field
        target = self.settings.persons.create_as
        spec = self.describer.describe(target).fields.get(key)
        if spec is None:
            problems.append(
                f"{target} has no field {key}: create it as a Text External ID "
                "(see `connector setup salesforce --dry-run`)"
            )
        elif not spec.external_id:
            problems.append(f"{target}.{key} exists but is not marked External ID")
        return problems

    def pull(
        self, entity: Entity, cursor: Cursor | None, *, full: bool = False
    ) -> Iterator[Page]:
        """Changed records of ``entity`` since ``cursor`` (every record when ``full``).

        Deleted rows come as ``deleted=True``; merged and converted records name
        their aliases in ``merged_ids`` (see :mod:`adapters.salesforce.links`).
        """
        puller = Puller(
            self.client,
            self.describer,
            self.bulk,
            entity=entity,
            sobjects=self._sobjects(entity),
            requested=self._requested(entity),
            external_id=self.settings.external_id_field,
            page_size=self.settings.page_size,
            bulk_threshold=self.settings.bulk_threshold,
            campaigns=self.settings.campaigns,
        )
        return puller.pull(cursor, full=full)

    def push(self, entity: Entity, batch: Sequence[WriteOp]) -> PushResult:
        """Write persons through sObject Collections (see :mod:`.push`).

        Raises:
            ConfigError: ``entity`` is not persons.
            AdapterError: the whole batch could not be written (auth, outage).
        """
        if entity != "persons":
            raise ConfigError(
                f"the Salesforce adapter writes persons, not {entity!r}",
                hint="deals flow from Salesforce to marketing, never back",
                context={"system": self.name, "entity": entity},
            )
        return self._pusher.push(batch)

    def capabilities(self) -> Capabilities:
        """Persons and deals pulled, persons written; deletes, merges, record errors.

        Campaign influence only when ``[sfa.campaigns] enabled``.
        """
        return Capabilities.of(
            pull=("persons", "deals"),
            push=("persons",),
            upsert=("persons",),
            deletes=True,
            merges=True,
            record_errors=True,
            setup=True,
            campaign_influence=self.settings.campaigns.enabled,
        )

    def select_fields(self, entity: Entity, fields: Sequence[str]) -> None:
        """Read these fields too, from each object that has them (SOQL lists fields)."""
        if entity in ("persons", "deals"):
            self._selected[entity] = tuple(f for f in fields if f)

    def vocabulary(self, field: str) -> list[str]:
        """Live API values of ``StageName``, ``Status`` or another picklist."""
        return self.vocabulary_reader.values(field)

    def stage_info(self) -> list[StageInfo]:
        """Every opportunity stage with ``closed`` and ``won`` (never by name)."""
        return self.vocabulary_reader.stages()

    def setup(self, *, dry_run: bool = False) -> list[str]:
        """List the fields the connector needs and whether they exist.

        Creates nothing, ``dry_run`` or not: Salesforce fields are metadata an
        admin creates (see :mod:`adapters.salesforce.setup`).
        """
        del dry_run  # the REST API cannot create fields: every run only reports
        persons = self.settings.persons
        return required_fields(
            self.describer,
            persons=persons.objects,
            create_as=persons.create_as,
            external_id=self.settings.external_id_field,
            person_fields=(*persons.fields, *self._selected.get("persons", ())),
            deal_fields=(*self.settings.deals.fields, *self._selected.get("deals", ())),
        )

    def activities_for(self, record_id: str, since: datetime) -> list[Activity] | None:
        """Salesforce activities are not read: the MA reports behaviour."""
        return None

    @property
    def requests_sent(self) -> int:
        """API requests sent so far (retries included), for benchmarks."""
        return self.client.sent

    def close(self) -> None:
        """Close the HTTP sessions."""
        self.client.close()

    @override
    def __repr__(self) -> str:
        return f"SalesforceAdapter({self.name!r}, {self.settings.login_url})"
