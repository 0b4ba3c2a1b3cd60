"""Dates and datetimes as Salesforce writes them and as it reads them.

REST answers datetimes as ``2013-05-20T20:49:32.000+0000`` (UTC, fact sheet §3);
the fake keeps them as epoch milliseconds and dates as ``YYYY-MM-DD`` strings
(which sort as dates). Bulk API CSV uses ``...000Z`` (unconfirmed, see README).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

__all__ = [
    "format_bulk_datetime",
    "format_datetime",
    "parse_date",
    "parse_datetime",
    "today",
]

_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?"
    r"(Z|[+-]\d{2}:?\d{2})"
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _utc(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def format_datetime(ms: int) -> str:
    """REST's datetime format: milliseconds and ``+0000``."""
    return _utc(ms).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}+0000"


def format_bulk_datetime(ms: int) -> str:
    """Bulk API 2.0 CSV datetime format: milliseconds and ``Z``."""
    return _utc(ms).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def parse_datetime(text: str) -> int | None:
    """Epoch ms of an ISO 8601 datetime with a zone (Z, +0000, +09:00), else None.

    A datetime without a zone is refused: which zone Salesforce would assume is
    not confirmed, and a connector should never send one.
    """
    match = _DATETIME.fullmatch(text)
    if match is None:
        return None
    zone = match.group(8)
    if zone != "Z" and ":" not in zone:
        zone = zone[:3] + ":" + zone[3:]
    fraction = (match.group(7) or "0").ljust(3, "0")
    base = text[: match.start(7) - 1] if match.group(7) else text[: match.start(8)]
    try:
        moment = datetime.fromisoformat(base + ("+00:00" if zone == "Z" else zone))
    except ValueError:
        return None
    return int(moment.timestamp()) * 1000 + int(fraction)


def parse_date(text: str) -> str | None:
    """The date itself if ``text`` is a valid ``YYYY-MM-DD``, else None."""
    if _DATE.fullmatch(text) is None:
        return None
    try:
        date.fromisoformat(text)
    except ValueError:
        return None
    return text


def today(ms: int) -> str:
    """The UTC calendar date of an instant (the fake org's zone is UTC)."""
    return _utc(ms).date().isoformat()
