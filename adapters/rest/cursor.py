"""The REST adapter's cursor: a :class:`~adapters.cursor.Watermark`, nothing more.

Remembering the ids at the boundary timestamp lets the next pull re-read that
timestamp inclusively (a record updated in the same second as the cursor but
listed later is not lost) without handing the flow the same records again. The
stored form is the shared one of :mod:`adapters.cursor`; cursors written before
it (``{"since": ..., "ids": [...]}``) still load.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from adapters.cursor import VersionedCursor, Watermark, decode_cursor
from adapters.rest.settings import TimestampFormat

__all__ = [
    "CURSOR_KIND",
    "EPOCH",
    "decode_rest_cursor",
    "encode_rest_cursor",
    "format_since",
    "parse_timestamp",
    "since_text",
]

CURSOR_KIND = "rest"

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
"""``{since}`` before any cursor exists: a filter from here keeps every record."""

_MS_THRESHOLD = 100_000_000_000  # epoch seconds reach this only in the year 5138


def decode_rest_cursor(text: str | None, *, where: str) -> Watermark:
    """The watermark of a stored cursor (current or unversioned form).

    Raises:
        CursorError: the text is not a REST adapter cursor.
    """
    return decode_cursor(text, kind=CURSOR_KIND, where=where, legacy=_legacy).mark


def encode_rest_cursor(mark: Watermark) -> str:
    """The text the flow stores after a page."""
    return VersionedCursor(CURSOR_KIND, mark).encode()


def _legacy(data: dict[str, Any]) -> VersionedCursor | None:
    """The unversioned form: ``{"since": "<ISO>" | null, "ids": [...]}``."""
    if "v" in data or "since" not in data:
        return None
    since = datetime.fromisoformat(data["since"]) if data["since"] else None
    ids = frozenset(str(i) for i in data.get("ids") or ())
    return VersionedCursor(CURSOR_KIND, Watermark(since, ids))


def parse_timestamp(
    value: Any, fmt: TimestampFormat | str = "auto", zone: str = "UTC"
) -> datetime | None:
    """A timestamp from an API value: ISO text, or epoch seconds/milliseconds.

    Raises:
        ValueError: text that is not ISO 8601.
        TypeError: a value that is neither text nor a number.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise TypeError(f"{value!r} is not a timestamp")
    if isinstance(value, str) and value.strip().lstrip("-").replace(".", "").isdigit():
        value = float(value)
    if isinstance(value, int | float):
        millis = fmt == "epoch_ms" or (fmt == "auto" and abs(value) >= _MS_THRESHOLD)
        return datetime.fromtimestamp(value / 1000 if millis else value, UTC)
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not a timestamp")
    parsed = datetime.fromisoformat(value.strip())
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(zone))
    return parsed.astimezone(UTC)


def format_since(when: datetime, fmt: TimestampFormat, *, inclusive: bool) -> str:
    """The "updated since" parameter; one unit earlier when the API filters with >.

    Values are rounded down, never up: asking from a little earlier re-reads a few
    records (dropped again by the cursor), asking later would skip some.
    """
    if fmt == "epoch_s":
        seconds = int(when.timestamp() // 1)
        return str(seconds if inclusive else seconds - 1)
    if fmt == "epoch_ms":
        millis = int(when.timestamp() * 1000 // 1)
        return str(millis if inclusive else millis - 1)
    start = when if inclusive else when - timedelta(seconds=1)
    return start.astimezone(UTC).isoformat().replace("+00:00", "Z")


def since_text(
    when: datetime | None,
    *,
    fmt: TimestampFormat,
    inclusive: bool,
    strftime: str | None = None,
    zone: str = "UTC",
) -> str:
    """``{since}``: ``when`` (or the epoch) as the API expects it.

    Raises:
        ValueError: ``zone`` is not an IANA time zone.
    """
    moment = EPOCH if when is None else when
    if strftime is None:
        return format_since(moment, fmt, inclusive=inclusive)
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"since_timezone {zone!r} is not a time zone") from None
    start = format_since(moment, "epoch_s", inclusive=inclusive)
    return datetime.fromtimestamp(int(start), tz).strftime(strftime)
