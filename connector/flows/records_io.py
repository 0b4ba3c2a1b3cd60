"""Turning records into dead-letter payloads and back, so retries can replay them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from adapters.protocol import Record, RowError

__all__ = [
    "MAX_KEPT_CHARS",
    "record_from_payload",
    "record_payload",
    "row_error_payload",
]

MAX_KEPT_CHARS = 65_536
"""A field longer than this (HubSpot's limit for a text property) is kept cut.

One 10 MB cell in a dead letter grew the state database from 1.3 to 32 MB, and
no target takes such a value anyway. A cut record is not replayed: the admin
fixes it in the source, and it comes back through the next pull."""
_SHOWN_OF_CUT = 2_000


def record_payload(record: Record) -> dict[str, Any]:
    """Everything needed to process the record again later (unless cut)."""
    fields: dict[str, Any] = {}
    cut: dict[str, int] = {}
    for name, value in record.fields.items():
        if isinstance(value, str) and len(value) > MAX_KEPT_CHARS:
            cut[name] = len(value)
            value = value[:_SHOWN_OF_CUT] + f"… [cut: {len(value):,} characters]"
        fields[name] = value
    payload: dict[str, Any] = {
        "record": {
            "system": record.system,
            "entity": record.entity,
            "id": record.id,
            "fields": fields,
            "updated_at": record.updated_at.isoformat() if record.updated_at else None,
            "deleted": record.deleted,
            "merged_ids": list(record.merged_ids),
            "location": record.location,
        }
    }
    if cut:
        payload["cut_fields"] = cut
    return payload


def row_error_payload(error: RowError) -> dict[str, Any]:
    """An unreadable row: kept as raw text for a human."""
    return {"location": error.location, "raw": error.raw}


def record_from_payload(payload: dict[str, Any]) -> Record | None:
    """Rebuild a record from a dead letter (None: unreadable row or cut field)."""
    data = payload.get("record")
    if not isinstance(data, dict) or payload.get("cut_fields"):
        return None
    updated = data.get("updated_at")
    return Record(
        system=data["system"],
        entity=data["entity"],
        id=data["id"],
        fields=data["fields"],
        updated_at=datetime.fromisoformat(updated) if updated else None,
        deleted=bool(data.get("deleted")),
        merged_ids=tuple(data.get("merged_ids") or ()),
        location=data.get("location"),
    )
