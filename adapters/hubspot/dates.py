"""HubSpot timestamps: read ISO 8601 or epoch milliseconds, write ISO with ms.

Responses of v3 and date-based endpoints use ISO 8601 with varying precision, older
values and some properties use epoch milliseconds as a string, so parsing accepts
both. ``date`` properties must be written as midnight UTC or HubSpot answers
400 INVALID_DATE.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

__all__ = ["format_date", "format_datetime", "parse_timestamp", "to_epoch_ms"]


def parse_timestamp(value: str | int | float | None) -> datetime | None:
    """Parse an ISO 8601 string or epoch milliseconds into an aware UTC datetime.

    Returns None for an empty value. Naive ISO values are taken as UTC, which is how
    HubSpot stores every timestamp.

    Raises:
        ValueError: the value is neither ISO 8601 nor a number.
    """
    if value is None or value == "":
        return None
    if isinstance(value, int | float) or (
        isinstance(value, str) and value.lstrip("-").isdigit()
    ):
        return datetime.fromtimestamp(int(value) / 1000, tz=UTC)
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def to_epoch_ms(moment: datetime) -> int:
    """Epoch milliseconds of an aware datetime (search filters compare these)."""
    return int(moment.timestamp() * 1000)


def format_datetime(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, e.g. ``2026-03-01T09:30:00.000Z``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def format_date(day: date | datetime) -> str:
    """A ``date`` property value: midnight UTC of that calendar day, ISO with ms.

    A datetime keeps its own calendar day (the day the user saw), not the UTC day,
    so a close date picked at 08:00 in Tokyo is not shifted to the day before.
    """
    calendar_day = day.date() if isinstance(day, datetime) else day
    return f"{calendar_day.isoformat()}T00:00:00.000Z"
