"""Field rules for leads and deals, checked one record at a time.

Batch upserts answer per record, so validation raises :class:`RecordError`
carrying the vendor's error code and offending field instead of failing a
whole request. Checks that need the stored data (does ``lead_id`` exist, is an
``external_id`` taken) belong to the store; everything here is pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from .vocab import (
    DEAL_STAGE_VALUES,
    DEFAULT_DEAL_STAGE,
    DEFAULT_LEAD_STATUS,
    LEAD_STATUS_VALUES,
)

TEXT_MAX = 255
NOTES_MAX = 10_000
AMOUNT_MAX = 10**13  # ten trillion yen: far beyond any B2B deal


class RecordError(Exception):
    """One record was refused; becomes that record's ``error`` object."""

    def __init__(self, code: str, field: str | None, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.field = field
        self.message = message

    def payload(self) -> dict[str, Any]:
        """The JSON form used in batch results and admin answers."""
        return {"code": self.code, "field": self.field, "message": self.message}


@dataclass(frozen=True)
class FieldRule:
    """How one writable field is checked."""

    kind: str  # text | email | status | stage | amount | date | ref
    nullable: bool = True
    max_len: int = TEXT_MAX
    allow_empty: bool = True


LEAD_RULES: dict[str, FieldRule] = {
    "external_id": FieldRule("text", allow_empty=False),
    "email": FieldRule("email"),
    "last_name": FieldRule("text", nullable=False, allow_empty=False),
    "first_name": FieldRule("text"),
    "company": FieldRule("text"),
    "phone": FieldRule("text"),
    "status": FieldRule("status", nullable=False),
    "rejected_reason": FieldRule("text", max_len=NOTES_MAX),
    "notes": FieldRule("text", nullable=False, max_len=NOTES_MAX),
    "owner": FieldRule("text"),
}

DEAL_RULES: dict[str, FieldRule] = {
    "lead_id": FieldRule("ref", nullable=False, allow_empty=False),
    "name": FieldRule("text", nullable=False, allow_empty=False),
    "stage": FieldRule("stage", nullable=False),
    "amount": FieldRule("amount"),
    "close_date": FieldRule("date"),
    "lost_reason": FieldRule("text", max_len=NOTES_MAX),
}

READ_ONLY = frozenset({"created_at", "updated_at"})
LEAD_REQUIRED_ON_CREATE = ("last_name",)
DEAL_REQUIRED_ON_CREATE = ("lead_id", "name")


def _check_value(name: str, rule: FieldRule, value: Any) -> Any:
    """Return the value to store, or raise a ``validation_error``."""
    if value is None:
        if rule.nullable:
            return None
        raise RecordError("validation_error", name, f"{name} may not be null")
    if rule.kind == "amount":
        if isinstance(value, bool) or not isinstance(value, int):
            raise RecordError("validation_error", name, "amount must be an integer")
        if not 0 <= value <= AMOUNT_MAX:
            raise RecordError("validation_error", name, "amount out of range")
        return value
    if not isinstance(value, str):
        raise RecordError("validation_error", name, f"{name} must be a string")
    if not rule.allow_empty and not value.strip():
        raise RecordError("validation_error", name, f"{name} may not be empty")
    if len(value) > rule.max_len:
        raise RecordError(
            "validation_error", name, f"{name} longer than {rule.max_len} characters"
        )
    if rule.kind == "email" and "@" not in value:
        raise RecordError("validation_error", name, "email must contain '@'")
    if rule.kind == "status" and value not in LEAD_STATUS_VALUES:
        raise RecordError("validation_error", name, f"unknown lead status {value!r}")
    if rule.kind == "stage" and value not in DEAL_STAGE_VALUES:
        raise RecordError("validation_error", name, f"unknown deal stage {value!r}")
    if rule.kind == "date":
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is None or len(value) != len("2026-01-31"):
            raise RecordError("validation_error", name, "close_date must be YYYY-MM-DD")
    return value


def clean_fields(
    record: dict[str, Any], rules: dict[str, FieldRule], *, keys: tuple[str, ...]
) -> dict[str, Any]:
    """Validate every field of ``record`` except the addressing ``keys``.

    Unknown fields are reported before bad values so a client that maps a
    field wrongly learns the field name first; fields are checked in input
    order so the answer is deterministic.
    """
    for name in record:
        if name in keys or name in rules:
            continue
        if name in READ_ONLY:
            raise RecordError("read_only_field", name, f"{name} is set by the server")
        raise RecordError("unknown_field", name, f"unknown field {name!r}")
    return {
        name: _check_value(name, rules[name], value)
        for name, value in record.items()
        if name in rules
    }


def require(changes: dict[str, Any], names: tuple[str, ...]) -> None:
    """Refuse a create that lacks a mandatory field."""
    for name in names:
        if changes.get(name) is None:
            raise RecordError("validation_error", name, f"{name} is required")


def new_lead(lead_id: str, changes: dict[str, Any], stamp: str) -> dict[str, Any]:
    """A complete lead record, defaults filled in, in the published field order."""
    return {
        "id": lead_id,
        "external_id": changes.get("external_id"),
        "email": changes.get("email"),
        "last_name": changes["last_name"],
        "first_name": changes.get("first_name"),
        "company": changes.get("company"),
        "phone": changes.get("phone"),
        "status": changes.get("status", DEFAULT_LEAD_STATUS),
        "rejected_reason": changes.get("rejected_reason"),
        "notes": changes.get("notes", ""),
        "owner": changes.get("owner"),
        "created_at": stamp,
        "updated_at": stamp,
    }


def new_deal(deal_id: str, changes: dict[str, Any], stamp: str) -> dict[str, Any]:
    """A complete deal record, defaults filled in, in the published field order."""
    return {
        "id": deal_id,
        "lead_id": changes["lead_id"],
        "name": changes["name"],
        "stage": changes.get("stage", DEFAULT_DEAL_STAGE),
        "amount": changes.get("amount"),
        "close_date": changes.get("close_date"),
        "lost_reason": changes.get("lost_reason"),
        "created_at": stamp,
        "updated_at": stamp,
    }
