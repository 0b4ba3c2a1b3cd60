"""The fake portal's CRM records: validation, writes, archive, merge, search index.

Writes are validated like HubSpot does (unknown or read-only property, enumeration
option, midnight-UTC dates, string values, lifecycle stage forward-only) and each
write becomes visible to search only after the configured index delay.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from tests.fakes.hubspot.schema import (
    READ_ONLY,
    default_pipelines,
    default_properties,
)
from tests.fakes.hubspot.timefmt import iso, parse_ms

__all__ = [
    "CrmStore",
    "LifecyclePolicy",
    "StoredObject",
    "WriteRejected",
    "iso",
    "parse_ms",
]

LifecyclePolicy = Literal["ignore", "error", "apply"]
"""What a backward ``lifecyclestage`` write does: kept silently, refused, applied."""

BACKWARD_LIFECYCLE = "LIFECYCLE_STAGE_BACKWARDS"
"""Error code of a refused backward write (``error`` policy): the fake's own name,
since HubSpot's answer to this write on v3 is not confirmed."""

MODIFIED_PROPERTY = {"contacts": "lastmodifieddate", "deals": "hs_lastmodifieddate"}


class WriteRejected(Exception):
    """A write HubSpot would refuse; carries the status, category and body parts."""

    def __init__(
        self,
        status: int,
        category: str,
        message: str,
        problems: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.category = category
        self.message = message
        self.problems = problems


@dataclass
class StoredObject:
    """One CRM record as the fake holds it (property values are strings)."""

    id: str
    type: str
    properties: dict[str, str]
    created_ms: int
    updated_ms: int
    archived: bool = False
    archived_ms: int | None = None
    associations: dict[str, set[str]] = field(default_factory=dict)
    index: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    """(visible to search at, snapshot): search reads the newest visible one."""

    def snapshot(self) -> dict[str, Any]:
        """What search would return for this record now."""
        return {
            "id": self.id,
            "properties": dict(self.properties),
            "created_ms": self.created_ms,
            "updated_ms": self.updated_ms,
            "archived": self.archived,
        }


class CrmStore:
    """Every record of the fake portal, keyed by type and id, plus merge aliases."""

    def __init__(
        self,
        now_ms: Callable[[], int],
        now_s: Callable[[], float],
        *,
        index_delay: float = 0.0,
        lifecycle_policy: LifecyclePolicy = "ignore",
    ) -> None:
        self._now_ms = now_ms
        self._now_s = now_s
        self.index_delay = index_delay
        self.lifecycle_policy = lifecycle_policy
        self.objects: dict[str, dict[str, StoredObject]] = {
            "contacts": {},
            "deals": {},
            "companies": {},
        }
        self.aliases: dict[str, dict[str, str]] = {k: {} for k in self.objects}
        self.properties = default_properties()
        self.groups: dict[str, dict[str, dict[str, Any]]] = {
            k: {} for k in self.objects
        }
        self.pipelines = default_pipelines()
        self._next_id = 1001
        self._emails: dict[str, str] = {}
        """Lower-cased email -> contact id, so duplicate checks stay O(1)."""
        self._by_id: dict[str, tuple[object, int, str, list[tuple[int, str]]]] = {}
        """Per type: the id-sorted keys, with what they were computed from."""

    # -- ids and lookup ----------------------------------------------------------

    def new_id(self) -> str:
        """A fresh record id (HubSpot ids are numeric strings)."""
        value = self._next_id
        self._next_id += 1
        return str(value)

    def in_id_order(self, type_: str) -> list[tuple[int, str]]:
        """Every record key of a type as ``(numeric id, key)``, ascending.

        Lists page in id order; sorting the whole portal for every page made a
        20,000-record list cost the fake 40 ms a page. The order is kept until
        the set of keys changes: records are only ever added at the end of the
        dict (create, merge, register) or removed by a merge, which adds one,
        so the dict, its size and its last key tell whether it changed.
        """
        objects = self.objects[type_]
        last = next(reversed(objects), "")
        cached = self._by_id.get(type_)
        if (
            cached is None
            or cached[0] is not objects
            or cached[1] != len(objects)
            or cached[2] != last
        ):
            order = sorted((int(key), key) for key in objects)
            cached = (objects, len(objects), last, order)
            self._by_id[type_] = cached
        return cached[3]

    def resolve(self, type_: str, record_id: str) -> StoredObject | None:
        """The live record for an id, following merge aliases (old id -> new)."""
        target = record_id
        seen = 0
        while target in self.aliases[type_] and seen < 100:
            target = self.aliases[type_][target]
            seen += 1
        return self.objects[type_].get(target)

    def by_email(self, email: str) -> StoredObject | None:
        """The unarchived contact with this email (case-insensitive)."""
        found = self.objects["contacts"].get(
            self._emails.get(email.strip().lower(), "")
        )
        if found is None or found.archived:
            return None
        if found.properties.get("email", "").lower() != email.strip().lower():
            return None
        return found

    # -- validation --------------------------------------------------------------

    def _stage_ids(self, pipeline: str) -> set[str] | None:
        for p in self.pipelines:
            if p["id"] == pipeline:
                return {s["id"] for s in p["stages"]}
        return None

    def validate(
        self, type_: str, props: dict[str, Any], current: StoredObject | None
    ) -> dict[str, str]:
        """Check a write's properties; return them normalised to strings.

        Raises:
            WriteRejected: with HubSpot's VALIDATION_ERROR problems list.
        """
        problems: list[dict[str, Any]] = []
        clean: dict[str, str] = {}
        defs = self.properties[type_]
        for name, value in props.items():
            definition = defs.get(name)
            if definition is None:
                problems.append(
                    _problem(
                        name,
                        "PROPERTY_DOESNT_EXIST",
                        f'Property "{name}" does not exist',
                    )
                )
                continue
            if name in READ_ONLY:
                problems.append(
                    _problem(name, "READ_ONLY_VALUE", f"{name} is a read only property")
                )
                continue
            if value is None:
                value = ""
            if not isinstance(value, str):
                # Stricter than HubSpot, which coerces; the adapter must send strings.
                problems.append(
                    _problem(name, "INVALID_TYPE", f"{value!r} is not a string")
                )
                continue
            problem = self._check_value(type_, name, value, definition, props, current)
            if problem:
                problems.append(problem)
                continue
            clean[name] = self._normalise(definition, value)
        if problems:
            raise WriteRejected(400, "VALIDATION_ERROR", "invalid", problems)
        return clean

    def _check_value(
        self,
        type_: str,
        name: str,
        value: str,
        definition: dict[str, Any],
        props: dict[str, Any],
        current: StoredObject | None,
    ) -> dict[str, Any] | None:
        if value == "":
            return None
        kind = definition["type"]
        if name == "lifecyclestage" and current is not None:
            before = current.properties.get("lifecyclestage", "")
            if (
                self.lifecycle_policy == "error"
                and before
                and _rank(value) < _rank(before)
            ):
                return _problem(
                    name,
                    BACKWARD_LIFECYCLE,
                    f"lifecyclestage cannot move backwards from {before} to "
                    f'{value}; set it to "" first, in a separate request',
                )
        if name == "dealstage" and type_ == "deals":
            pipeline = str(
                props.get("pipeline")
                or (current.properties.get("pipeline") if current else None)
                or "default"
            )
            stages = self._stage_ids(pipeline) or set()
            if value not in stages:
                return _problem(
                    name,
                    "INVALID_OPTION",
                    f"{value} was not one of the allowed options: {sorted(stages)}",
                )
            return None
        if name == "pipeline" and type_ == "deals":
            if self._stage_ids(value) is None:
                return _problem(
                    name, "INVALID_OPTION", f"{value} is not a valid pipeline"
                )
            return None
        if kind == "enumeration" and definition["options"]:
            allowed = [o["value"] for o in definition["options"]]
            values = (
                value.split(";") if definition["fieldType"] == "checkbox" else [value]
            )
            bad = [v for v in values if v not in allowed]
            if bad:
                return _problem(
                    name,
                    "INVALID_OPTION",
                    f"{bad[0]} was not one of the allowed options: {allowed}",
                )
        if kind in ("date", "datetime"):
            ms = parse_ms(value)
            if ms is None:
                return _problem(name, "INVALID_DATE", f"{value} is not a valid date")
            if kind == "date" and ms % 86_400_000:
                moment = iso(ms)[11:23]
                return _problem(
                    name, "INVALID_DATE", f"{ms} is at {moment} UTC, not midnight!"
                )
        if kind == "number":
            try:
                float(value)
            except ValueError:
                return _problem(name, "INVALID_FLOAT", f"{value} is not a number")
        return None

    @staticmethod
    def _normalise(definition: dict[str, Any], value: str) -> str:
        if value and definition["type"] == "datetime":
            ms = parse_ms(value)
            return iso(ms) if ms is not None else value
        if value and definition["type"] == "date":
            ms = parse_ms(value)
            return iso(ms)[:10] if ms is not None else value
        return value

    # -- writes ------------------------------------------------------------------

    def _touch(self, obj: StoredObject, at_ms: int | None = None) -> None:
        obj.updated_ms = at_ms if at_ms is not None else self._now_ms()
        stamp = iso(obj.updated_ms)
        obj.properties["hs_object_id"] = obj.id
        if obj.type in MODIFIED_PROPERTY:
            obj.properties[MODIFIED_PROPERTY[obj.type]] = stamp
        obj.index.append((self._now_s() + self.index_delay, obj.snapshot()))
        if obj.type == "contacts" and obj.properties.get("email"):
            self._emails[obj.properties["email"].lower()] = obj.id

    def create(
        self, type_: str, props: dict[str, Any], *, at_ms: int | None = None
    ) -> StoredObject:
        """Create a record after validation; 409 CONFLICT on a duplicate email."""
        clean = self.validate(type_, props, None)
        if type_ == "contacts" and clean.get("email"):
            existing = self.by_email(clean["email"])
            if existing is not None:
                raise WriteRejected(
                    409,
                    "CONFLICT",
                    f"Contact already exists. Existing ID: {existing.id}",
                )
        now = at_ms if at_ms is not None else self._now_ms()
        obj = StoredObject(self.new_id(), type_, clean, now, now)
        obj.properties["createdate"] = iso(now)
        self.objects[type_][obj.id] = obj
        self._touch(obj, now)
        return obj

    def update(
        self, obj: StoredObject, props: dict[str, Any], *, at_ms: int | None = None
    ) -> StoredObject:
        """Apply a validated update, keeping lifecycle stage forward-only."""
        clean = self.validate(obj.type, props, obj)
        if obj.type == "contacts" and clean.get("email"):
            other = self.by_email(clean["email"])
            if other is not None and other.id != obj.id:
                raise WriteRejected(
                    409, "CONFLICT", f"Contact already exists. Existing ID: {other.id}"
                )
        stage = clean.get("lifecyclestage")
        if stage and self.lifecycle_policy == "ignore":
            current = obj.properties.get("lifecyclestage", "")
            if current and _rank(stage) < _rank(current):
                # HubSpot answers success and keeps the later stage.
                del clean["lifecyclestage"]
        obj.properties.update(clean)
        self._touch(obj, at_ms)
        return obj

    def archive(self, obj: StoredObject) -> None:
        """Archive (soft-delete) a record: gone from search and normal lists."""
        obj.archived = True
        obj.archived_ms = self._now_ms()
        self._touch(obj)

    def merge(self, type_: str, primary_id: str, other_id: str) -> StoredObject:
        """Merge two records into a NEW record; both old ids then resolve to it."""
        primary = self.resolve(type_, primary_id)
        other = self.resolve(type_, other_id)
        if primary is None or other is None or primary is other:
            raise WriteRejected(400, "VALIDATION_ERROR", "invalid merge request")
        merged_ids = [primary.id, other.id]
        for source in (primary, other):
            prior = source.properties.get("hs_merged_object_ids", "")
            merged_ids.extend(i for i in prior.split(";") if i)
        props = copy.deepcopy(primary.properties)
        for key, value in other.properties.items():
            props.setdefault(key, value)
        now = self._now_ms()
        new = StoredObject(self.new_id(), type_, props, primary.created_ms, now)
        new.properties["hs_merged_object_ids"] = ";".join(
            sorted(set(merged_ids), key=int)
        )
        for source in (primary, other):
            for kind, ids in source.associations.items():
                new.associations.setdefault(kind, set()).update(ids)
            del self.objects[type_][source.id]
            self.aliases[type_][source.id] = new.id
        self.objects[type_][new.id] = new
        self._touch(new, now)
        return new

    def register(self, obj: StoredObject) -> None:
        """Put back a record saved earlier, as it was (no new timestamps)."""
        self.objects[obj.type][obj.id] = obj
        obj.index.append((0.0, obj.snapshot()))  # already indexed
        if obj.type == "contacts" and obj.properties.get("email"):
            self._emails[obj.properties["email"].lower()] = obj.id
        self.register_id(int(obj.id))

    def register_id(self, used: int) -> None:
        """Never hand out ``used`` (or a lower id) again."""
        self._next_id = max(self._next_id, used + 1)

    def set_modified(self, objs: list[StoredObject], at_ms: int) -> None:
        """A bulk edit: every record gets the same last-modified timestamp."""
        for obj in objs:
            self._touch(obj, at_ms)

    def search_view(self, obj: StoredObject) -> dict[str, Any] | None:
        """The newest snapshot search can see (None if not yet indexed)."""
        now = self._now_s()
        visible = [snap for at, snap in obj.index if at <= now]
        return visible[-1] if visible else None


def _rank(stage: str) -> int:
    from tests.fakes.hubspot.schema import LIFECYCLE_ORDER

    return LIFECYCLE_ORDER.index(stage) if stage in LIFECYCLE_ORDER else -1


def _problem(name: str, code: str, message: str) -> dict[str, Any]:
    return {"isValid": False, "message": message, "error": code, "name": name}
