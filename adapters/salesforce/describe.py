"""What an org's objects look like, from describe (fact sheet §10), cached.

Field lists decide which of the configured and mapped fields each object can
return (a mapping may name ``Company``, which only Lead has); picklist entries
turn a label a user sees into the API value a write must send; ``externalId``
says whether an upsert can match on a field; ``keyPrefix`` says which object an
id belongs to. Answers are reused for ``describe_ttl_seconds``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from adapters.salesforce.client import SalesforceClient
from connector.errors import AdapterError

__all__ = ["Describer", "FieldInfo", "ObjectInfo", "PicklistEntry"]


@dataclass(frozen=True, slots=True)
class PicklistEntry:
    """One picklist value: ``value`` is written, ``label`` is shown."""

    value: str
    label: str
    active: bool


@dataclass(frozen=True, slots=True)
class FieldInfo:
    """The parts of a describe field the adapter acts on."""

    name: str
    type: str
    createable: bool
    updateable: bool
    external_id: bool
    restricted: bool
    picklist: tuple[PicklistEntry, ...] = ()
    relationship_name: str | None = None

    def api_value(self, given: str) -> str | None:
        """The API value ``given`` stands for: itself, or the value of its label.

        None when ``given`` is neither an active value nor an active label.
        """
        active = [p for p in self.picklist if p.active]
        for entry in active:
            if entry.value == given:
                return entry.value
        for entry in active:
            if entry.label == given:
                return entry.value
        folded = given.casefold()
        for entry in active:
            if folded in (entry.value.casefold(), entry.label.casefold()):
                return entry.value
        return None


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    """One sObject: its fields by name and its id key prefix."""

    name: str
    key_prefix: str | None
    queryable: bool
    createable: bool
    updateable: bool
    fields: dict[str, FieldInfo] = field(default_factory=dict)

    @property
    def relationships(self) -> set[str]:
        """Relationship names usable in ``Rel.Field`` selections."""
        return {
            f.relationship_name for f in self.fields.values() if f.relationship_name
        }

    def has(self, name: str) -> bool:
        """Whether ``name`` (a field, or ``Relationship.Field``) can be selected."""
        if "." in name:
            return name.split(".", 1)[0] in self.relationships
        return name in self.fields


class Describer:
    """Describe answers of one org, cached per object for ``ttl`` seconds."""

    def __init__(
        self,
        client: SalesforceClient,
        *,
        ttl: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.ttl = ttl
        self._clock = clock
        self._objects: dict[str, tuple[float, ObjectInfo]] = {}
        self._prefixes: tuple[float, dict[str, str]] | None = None

    def _fresh(self, stamp: float) -> bool:
        return self._clock() - stamp < self.ttl

    def describe(self, sobject: str) -> ObjectInfo:
        """The object's describe (one request, then cached).

        Raises:
            AdapterError: the object does not exist or the user cannot see it.
        """
        cached = self._objects.get(sobject)
        if cached is not None and self._fresh(cached[0]):
            return cached[1]
        response = self.client.request("GET", f"/sobjects/{sobject}/describe")
        if response.status_code == 404:
            raise AdapterError(
                f"Salesforce has no {sobject} object the connector's user can see",
                hint=f"give the run-as user read access to {sobject} (profile or "
                "permission set)",
                context={"system": self.client.name, "sobject": sobject},
                status=404,
            )
        body = self.client.expect(response, (200,), f"describe {sobject}")
        info = _object(body)
        self._objects[sobject] = (self._clock(), info)
        return info

    def object_of(self, record_id: str) -> str | None:
        """The sObject an id belongs to, by its key prefix (global describe)."""
        if self._prefixes is None or not self._fresh(self._prefixes[0]):
            response = self.client.request("GET", "/sobjects/")
            body = self.client.expect(response, (200,), "describe global")
            prefixes = {
                str(o["keyPrefix"]): str(o["name"])
                for o in body.get("sobjects") or []
                if isinstance(o, dict) and o.get("keyPrefix")
            }
            self._prefixes = (self._clock(), prefixes)
        return self._prefixes[1].get(record_id[:3])


def _object(body: dict[str, object]) -> ObjectInfo:
    fields: dict[str, FieldInfo] = {}
    for raw in body.get("fields") or []:  # type: ignore[attr-defined]
        if not isinstance(raw, dict):
            continue
        picklist = tuple(
            PicklistEntry(
                str(p.get("value")), str(p.get("label")), bool(p.get("active"))
            )
            for p in raw.get("picklistValues") or []
            if isinstance(p, dict) and p.get("value") is not None
        )
        info = FieldInfo(
            name=str(raw["name"]),
            type=str(raw.get("type")),
            createable=bool(raw.get("createable")),
            updateable=bool(raw.get("updateable")),
            external_id=bool(raw.get("externalId")),
            restricted=bool(raw.get("restrictedPicklist")),
            picklist=picklist,
            relationship_name=raw.get("relationshipName") or None,
        )
        fields[info.name] = info
    return ObjectInfo(
        name=str(body.get("name")),
        key_prefix=str(body["keyPrefix"]) if body.get("keyPrefix") else None,
        queryable=bool(body.get("queryable", True)),
        createable=bool(body.get("createable")),
        updateable=bool(body.get("updateable")),
        fields=fields,
    )
