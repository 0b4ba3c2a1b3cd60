"""Turning records into dead-letter payloads and back, so retries can replay them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from adapters.protocol import Record, RowError

__all__ = ["record_from_payload", "record_payload", "row_error_payload"]


def record_payload(record: Record) -> dict[str, Any]:
    """Everything needed to process the record again later."""
    return {
        "record": {
            "system": record.system,
            "entity": record.entity,
            "id": record.id,
            "fields": dict(record.fields),
            "updated_at": record.updated_at.isoformat() if record.updated_at else None,
            "deleted": record.deleted,
            "merged_ids": list(record.merged_ids),
            "location": record.location,
        }
    }


def row_error_payload(error: RowError) -> dict[str, Any]:
    """An unreadable row: kept as raw text for a human."""
    return {"location": error.location, "raw": error.raw}


def record_from_payload(payload: dict[str, Any]) -> Record | None:
    """Rebuild a record from a dead letter (None for unreadable rows)."""
    data = payload.get("record")
    if not isinstance(data, dict):
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
