"""Turning Python values into HubSpot property strings.

HubSpot stores every property value as a string; ``date`` properties must be
midnight UTC and datetimes are sent as ISO 8601 with milliseconds.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from adapters.hubspot.dates import format_date, format_datetime

__all__ = ["to_property_value"]


def to_property_value(value: Any) -> str:
    """The string HubSpot expects for a value (None clears the property)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list | tuple | set | frozenset):
        # Multi-select values are semicolon-separated.
        return ";".join(to_property_value(v) for v in value)
    return str(value)
