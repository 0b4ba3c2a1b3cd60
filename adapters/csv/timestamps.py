"""Timestamps as CSV exports write them: ISO 8601, epoch ms, or 2026/10/01 09:30."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

__all__ = ["parse_timestamp"]

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
        seconds = int(value) / (1000 if len(value) >= 13 else 1)
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
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
