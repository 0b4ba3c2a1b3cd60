"""One record on its way through a push, and the outcomes it can end with.

Shared by :mod:`adapters.salesforce.push` (sending) and
:mod:`adapters.salesforce.redirects` (where a refused write goes instead).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from adapters.protocol import PushOutcome, WriteOp

__all__ = [
    "Action",
    "WriteItem",
    "duplicate_ids",
    "errors_of",
    "invalid",
    "rejected",
]

Action = Literal["create", "update", "upsert"]
"""What a collection call does with a record."""


@dataclass
class WriteItem:
    """A WriteOp prepared for Salesforce: object, action, encoded fields."""

    index: int
    op: WriteOp
    sobject: str
    action: Action
    fields: dict[str, Any]
    key_field: str | None = None
    target: str | None = None
    via: list[str] = field(default_factory=list)
    """How the record was redirected (duplicate, converted lead)."""


def duplicate_ids(error: dict[str, Any]) -> list[str]:
    """Ids of the existing records a DUPLICATES_DETECTED error names."""
    result = error.get("duplicateResult") or {}
    found: list[str] = []
    for match in result.get("matchResults") or []:
        for candidate in (match or {}).get("matchRecords") or []:
            record = (candidate or {}).get("record") or {}
            record_id = record.get("Id") or record.get("id")
            if record_id and str(record_id) not in found:
                found.append(str(record_id))
    return found


def errors_of(response: httpx.Response) -> list[dict[str, Any]]:
    """The error objects of a refused request's body."""
    try:
        body = response.json()
    except ValueError:
        return []
    return [
        e for e in (body if isinstance(body, list) else [body]) if isinstance(e, dict)
    ]


def invalid(op: WriteOp, reason: str) -> PushOutcome:
    """Refused before sending: the record cannot be written as it is."""
    return PushOutcome(op.key, False, id=op.id, error=reason, kind="invalid")


def rejected(
    op: WriteOp, status: int, errors: list[dict[str, Any]], note: str | None = None
) -> PushOutcome:
    """Refused by Salesforce: ``statusCode: message (fields)`` per error."""
    parts = []
    for error in errors:
        code = error.get("statusCode") or error.get("errorCode")
        text = f"{code}: {error.get('message')}"
        if error.get("fields"):
            text += f" ({', '.join(map(str, error['fields']))})"
        parts.append(text)
    message = "; ".join(parts) or "Salesforce refused the record"
    if note:
        message = f"{message} ({note})" if parts else note
    return PushOutcome(
        op.key,
        False,
        id=op.id,
        error=message,
        kind="rejected",
        status=status,
        body=json.dumps(errors, ensure_ascii=False)[:2000] if errors else None,
    )
