"""Timestamps as CSV exports write them: ISO 8601, epoch ms, or 2026/10/01 09:30.

Epoch numbers are bounded before they are converted: ``datetime.fromtimestamp``
raises OSError or OverflowError (not ValueError) past the platform's range, and
one such cell used to crash every run that read the file.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

__all__ = ["EPOCH_DIGITS", "parse_timestamp"]

EPOCH_DIGITS = (10, 13)
"""Epoch seconds have 10 digits and epoch milliseconds 13 for every date from
2001 to 2286; any other run of digits is not read as an epoch time."""

_FORMATS = (
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日",
)


def parse_timestamp(text: str, zone: ZoneInfo) -> datetime:
    """Parse a timestamp; values without an offset are taken in ``zone``.

    Raises:
        ValueError: saying which forms are accepted.
    """
    value = text.strip()
    if value.isdigit() and len(value) >= 10:
        if not value.isascii() or len(value) not in EPOCH_DIGITS:
            raise ValueError(
                f"{value[:40]!r} is not a date (epoch times have 10 digits for "
                "seconds or 13 for milliseconds)"
            )
        seconds = int(value) / (1000 if len(value) == 13 else 1)
        return datetime.fromtimestamp(seconds, UTC)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None and "/" in value:
        # Fast path for zero-padded 2026/10/01 09:30: strptime costs ~10x more and
        # dominated reading time (see bench/README.md).
        try:
            parsed = datetime.fromisoformat(value.replace("/", "-"))
        except ValueError:
            parsed = None
    if parsed is None:
        for fmt in _FORMATS:
            try:
                parsed = datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
        else:
            raise ValueError(
                f"{value!r} is not a date (use ISO 8601, epoch ms or 2026/10/01 09:30)"
            ) from None
    if not 1900 <= parsed.year <= 2999:
        # Years 1 and 9999 with an offset overflow when turned into UTC.
        raise ValueError(f"{value[:40]!r} is not a date between 1900 and 2999")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
