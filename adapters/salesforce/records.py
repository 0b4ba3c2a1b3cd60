"""Salesforce rows as :class:`~adapters.protocol.Record` values.

Rows keep Salesforce's own field names and JSON values; relationship fields
(``Owner.Name``) are flattened to dotted names, and ``attributes`` become the
``sObjectType`` field, so one entity (persons) can hold Leads and Contacts and
a mapping can tell them apart. Whole numbers come as ints: Salesforce sends a
currency of 1200000 as ``1200000.0``, which would reach marketing as
"1200000.0". ``SystemModstamp`` is the record's ``updated_at``:
it moves on every change, system ones included, where ``LastModifiedDate`` may
not (a conversion, §3).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from adapters.protocol import Entity, Record

__all__ = ["TYPE_FIELD", "flatten", "parse_datetime", "to_record"]

TYPE_FIELD = "sObjectType"
"""The field naming a record's sObject (``Lead``, ``Contact``, ``Opportunity``)."""


def parse_datetime(value: Any) -> datetime | None:
    """``2013-05-20T20:49:32.000+0000`` (REST) or ``...000Z`` (Bulk) as UTC."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value).astimezone(UTC)
    except ValueError:
        return None


def flatten(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested relationship objects as dotted names; ``attributes`` dropped."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key == "attributes":
            continue
        if isinstance(value, dict) and "attributes" in value:
            out.update(flatten(value, f"{prefix}{key}."))
        elif isinstance(value, float) and value.is_integer():
            out[f"{prefix}{key}"] = int(value)
        else:
            out[f"{prefix}{key}"] = value
    return out


def to_record(
    system: str,
    entity: Entity,
    sobject: str,
    fields: dict[str, Any],
    *,
    merged_ids: tuple[str, ...] = (),
) -> Record:
    """A record from a flattened row (``Id``, ``SystemModstamp``, ``IsDeleted``)."""
    record_id = str(fields["Id"])
    return Record(
        system=system,
        entity=entity,
        id=record_id,
        fields={TYPE_FIELD: sobject, **fields},
        updated_at=parse_datetime(fields.get("SystemModstamp")),
        deleted=bool(fields.get("IsDeleted")),
        merged_ids=merged_ids,
        location=f"salesforce:{sobject}/{record_id}",
    )
