"""Creating, updating, deleting and upserting one record, with Salesforce's checks.

Order of checks, as the platform runs them: a converted lead refuses every write
(CANNOT_UPDATE_CONVERTED_LEAD, §8); read-only fields (INVALID_FIELD_FOR_INSERT_
UPDATE); system validation, all problems at once (required fields, lengths,
restricted picklists by API value only, emails, lookups, unique values); the
admin's validation rules (§10); duplicate rules (§12). Then derived fields and
stamps, so SystemModstamp and LastModifiedDate move on every write (§3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tests.fakes.salesforce.derive import after_write, derived, stamp
from tests.fakes.salesforce.duplicates import check_duplicates
from tests.fakes.salesforce.errors import RecordError, converted_lead
from tests.fakes.salesforce.ids import canonical_id, key_prefix
from tests.fakes.salesforce.member_rules import member_rules
from tests.fakes.salesforce.org import Org
from tests.fakes.salesforce.schema import FieldDef, ObjectDef
from tests.fakes.salesforce.store import Record

__all__ = [
    "MultipleMatches",
    "WriteContext",
    "create",
    "delete",
    "find_by_external_id",
    "update",
    "upsert",
]

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_CASCADE: dict[str, tuple[tuple[str, str], ...]] = {
    "Account": (("Contact", "AccountId"), ("Opportunity", "AccountId")),
    "Opportunity": (("OpportunityContactRole", "OpportunityId"),),
    "Contact": (
        ("OpportunityContactRole", "ContactId"),
        ("CampaignMember", "ContactId"),
    ),
    "Lead": (("CampaignMember", "LeadId"),),
    "Campaign": (
        ("CampaignMember", "CampaignId"),
        ("CampaignMemberStatus", "CampaignId"),
    ),
}
"""Children deleted with their parent (they go to the recycle bin too)."""


@dataclass(frozen=True)
class WriteContext:
    """Who writes, and the duplicate-rule header of the request (§12)."""

    user_id: str
    allow_save: bool = False
    include_details: bool = False
    version: str = "66.0"


class MultipleMatches(RecordError):
    """An upsert key that matches several records (300 in single-record REST)."""

    def __init__(self, field: str, records: list[Record]) -> None:
        ids = ", ".join(r.id for r in records)
        super().__init__(
            "DUPLICATE_EXTERNAL_ID",
            f"{field}: more than one record found for external id field: [{ids}]",
            [field],
            status=300,
        )
        self.records = records


def _readonly(fields: list[str]) -> RecordError:
    return RecordError(
        "INVALID_FIELD_FOR_INSERT_UPDATE",
        f"Unable to create/update fields: {', '.join(fields)}. Please check the "
        "security settings of this field and verify that it is read/write for your "
        "profile or permission set.",
        fields,
    )


def _converted(record: Record, org: Org) -> bool:
    return (
        record.sobject == "Lead"
        and bool(record.values.get("IsConverted"))
        and not org.options.converted_lead_updates
    )


def create(
    org: Org, obj: ObjectDef, values: dict[str, Any], ctx: WriteContext
) -> Record:
    """Insert a record from decoded ``values``; raises :class:`RecordError`."""
    if not obj.createable:
        raise RecordError(
            "INVALID_TYPE_FOR_OPERATION", f"entity type cannot be inserted: {obj.label}"
        )
    if "Id" in values:
        raise RecordError(
            "INVALID_FIELD", "cannot specify Id in an insert call", ["Id"]
        )
    readonly = [n for n in values if not _field(obj, n).createable]
    if readonly:
        raise _readonly(readonly)
    merged: dict[str, Any] = {}
    for field in obj.fields:
        if field.initial is not None:
            merged[field.name] = field.initial
    if obj.field("OwnerId") is not None:
        merged["OwnerId"] = ctx.user_id
    values = _canonical_refs(obj, values)
    merged |= values
    _validate(org, obj, merged, dict(values), None, ctx)
    merged |= derived(org, obj.name, merged, {**merged})
    record_id = org.ids.new(obj.key_prefix)
    merged |= stamp(org, ctx.user_id, created=True)
    merged["Id"] = record_id
    record = Record(obj.name, record_id, merged)
    org.store.insert(record)
    after_write(org, record, ctx.user_id, created=True)
    return record


def update(
    org: Org, obj: ObjectDef, record: Record, values: dict[str, Any], ctx: WriteContext
) -> Record:
    """Change a record with decoded ``values``; raises :class:`RecordError`."""
    if not obj.updateable:
        raise RecordError(
            "INVALID_TYPE_FOR_OPERATION", f"entity type cannot be updated: {obj.label}"
        )
    if record.deleted:
        raise RecordError("ENTITY_IS_DELETED", "entity is deleted", status=404)
    if _converted(record, org):
        raise converted_lead()
    values = dict(values)
    given_id = values.pop("Id", None)
    if given_id is not None and canonical_id(str(given_id)) != record.id:
        raise _readonly(["Id"])
    readonly = [n for n in values if not _field(obj, n).updateable]
    if readonly:
        raise _readonly(readonly)
    values = _canonical_refs(obj, values)
    merged = {**record.values, **values}
    _validate(org, obj, merged, values, record, ctx)
    changes = values | derived(org, obj.name, merged, values)
    changes |= stamp(org, ctx.user_id, created=False)
    org.store.set(record, changes)
    after_write(org, record, ctx.user_id, created=False)
    return record


def delete(org: Org, record: Record, ctx: WriteContext) -> None:
    """Soft-delete a record and its dependent children (recycle bin)."""
    obj = org.catalog[record.sobject]
    if not obj.deletable:
        raise RecordError(
            "INVALID_TYPE_FOR_OPERATION", f"entity type cannot be deleted: {obj.label}"
        )
    if record.deleted:
        raise RecordError("ENTITY_IS_DELETED", "entity is deleted", status=404)
    mark_deleted(org, record, ctx.user_id)


def mark_deleted(
    org: Org, record: Record, user_id: str, extra: dict[str, Any] | None = None
) -> None:
    """IsDeleted true, stamps moved (so queryAll by SystemModstamp sees it)."""
    org.store.set(
        record,
        {"IsDeleted": True, **(extra or {}), **stamp(org, user_id, created=False)},
    )
    for child_type, field in _CASCADE.get(record.sobject, ()):
        for child in org.store.table(child_type):
            if child.values.get(field) == record.id and not child.deleted:
                mark_deleted(org, child, user_id)


def find_by_external_id(
    org: Org, obj: ObjectDef, field: FieldDef, value: str
) -> list[Record]:
    """Live records whose external id equals ``value`` (case per option [U])."""
    if org.store.indexed(obj.name, field.name):
        found = org.store.find(obj.name, field.name, value)
    else:
        found = [
            r
            for r in org.store.table(obj.name)
            if not r.deleted
            and str(r.values.get(field.name, "")).casefold() == value.casefold()
        ]
    if org.options.external_id_case_sensitive:
        found = [r for r in found if r.values.get(field.name) == value]
    return found


def upsert(
    org: Org,
    obj: ObjectDef,
    field: FieldDef,
    value: str,
    values: dict[str, Any],
    ctx: WriteContext,
    *,
    update_only: bool = False,
) -> tuple[Record, bool]:
    """Create or update by external id; returns (record, created).

    Several matches raise :class:`MultipleMatches`; none with ``update_only``
    raises NOT_FOUND.
    """
    matches = find_by_external_id(org, obj, field, value)
    if len(matches) > 1:
        raise MultipleMatches(field.name, matches)
    if matches:
        return update(org, obj, matches[0], values, ctx), False
    if update_only:
        raise RecordError(
            "NOT_FOUND", "The requested resource does not exist", status=404
        )
    return create(org, obj, {**values, field.name: value}, ctx), True


def _canonical_refs(obj: ObjectDef, values: dict[str, Any]) -> dict[str, Any]:
    """Lookups stored in the 18-character form (bad ids are reported later)."""
    out = dict(values)
    for name, value in values.items():
        if value is not None and _field(obj, name).type == "reference":
            out[name] = canonical_id(value) or value
    return out


def _field(obj: ObjectDef, name: str) -> FieldDef:
    field = obj.field(name)
    assert field is not None, name
    return field


def _validate(
    org: Org,
    obj: ObjectDef,
    merged: dict[str, Any],
    changes: dict[str, Any],
    existing: Record | None,
    ctx: WriteContext,
) -> None:
    problems: list[RecordError] = []
    missing = [
        f.name
        for f in obj.fields
        if (f.required or not f.nillable)
        and f.createable
        and merged.get(f.name) is None
        and (existing is None or f.name in changes)
    ]
    if missing:
        problems.append(
            RecordError(
                "REQUIRED_FIELD_MISSING",
                f"Required fields are missing: [{', '.join(missing)}]",
                missing,
            )
        )
    for name, value in changes.items():
        field = _field(obj, name)
        if value is None:
            continue
        problem = _check_value(org, obj, field, value, existing)
        if problem is not None:
            problems.append(problem)
    problems.extend(member_rules(org, obj, merged, changes, existing))
    if problems:
        first = problems[0]
        for other in problems[1:]:
            first.merge(other)
        raise first
    for rule in org.options.validation_rules:
        if rule.sobject == obj.name and rule.violated(merged):
            raise RecordError(
                "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                rule.message,
                [rule.field] if rule.field else [],
            )
    duplicate = check_duplicates(org, obj, merged, existing, ctx)
    if duplicate is not None:
        raise duplicate


def _check_value(
    org: Org, obj: ObjectDef, field: FieldDef, value: Any, existing: Record | None
) -> RecordError | None:
    texty = field.type in ("string", "textarea", "email", "phone", "url", "picklist")
    if texty and field.length and len(value) > field.length:
        return RecordError(
            "STRING_TOO_LONG",
            f"{field.label}: data value too large: {value} (max length={field.length})",
            [field.name],
        )
    if (
        field.type == "picklist"
        and field.restricted
        and value not in field.active_values()
    ):
        return RecordError(
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
            f"{field.label}: bad value for restricted picklist field: {value}",
            [field.name],
        )
    if field.type == "email" and _EMAIL.fullmatch(value) is None:
        return RecordError(
            "INVALID_EMAIL_ADDRESS",
            f"{field.label}: invalid email address: {value}",
            [field.name],
        )
    if field.type == "reference":
        return _check_reference(org, field, value)
    if field.unique and value is not None:
        clash = [
            r
            for r in find_by_external_id(org, obj, field, str(value))
            if existing is None or r.id != existing.id
        ]
        if clash:
            return RecordError(
                "DUPLICATE_VALUE",
                f"duplicate value found: {field.name} duplicates value on record with "
                f"id: {clash[0].id}",
                [field.name],
            )
    return None


def _check_reference(org: Org, field: FieldDef, value: str) -> RecordError | None:
    target_id = canonical_id(value)
    if target_id is None:
        return RecordError(
            "MALFORMED_ID",
            f"{field.label}: id value of incorrect type: {value}",
            [field.name],
        )
    allowed = {org.catalog[t].key_prefix for t in field.reference_to}
    if key_prefix(target_id) not in allowed:
        return RecordError(
            "FIELD_INTEGRITY_EXCEPTION",
            f"{field.label}: id value of incorrect type: {value}",
            [field.name],
        )
    target = org.store.get(target_id)
    if target is None:
        return RecordError(
            "INVALID_CROSS_REFERENCE_KEY",
            "invalid cross reference id",
            [field.name],
        )
    if target.deleted:
        return RecordError("ENTITY_IS_DELETED", "entity is deleted", [field.name])
    return None
