"""Timestamps as HubSpot writes them (ISO 8601, ms, Z) and reads them (ISO or ms).

Kept apart so the store, the routes and the saved state format them one way.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

__all__ = ["iso", "parse_ms"]


def iso(ms: int) -> str:
    """HubSpot's response timestamp format (ISO 8601, ms, Z)."""
    moment = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def parse_ms(value: str) -> int | None:
    """Epoch ms of an ISO 8601 or epoch-ms string, None if neither."""
    if re.fullmatch(r"-?\d+", value):
        return int(value)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)
