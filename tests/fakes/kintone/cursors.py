"""The cursor API: a snapshot of a query's records, paged out ``size`` at a time.

At most 10 cursors live per domain; one is removed after its last page or on
``DELETE``. Expiry after idle time and the answer to deleting a freed cursor
are unconfirmed in the fact sheet, so both are settings.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Literal

from .errors import CURSOR_GONE_MESSAGE, KintoneError, validation
from .store import Record

__all__ = ["Cursor", "Cursors", "FreedCursor"]

FreedCursor = Literal["GAIA_CN01", "ok"]
"""What ``DELETE`` of a freed cursor answers: the measured 404, or success."""


@dataclass
class Cursor:
    """Records still to hand out, the fields asked for, and when last used."""

    app: int
    records: list[Record]
    fields: list[str] | None
    size: int
    last_used: float


class Cursors:
    """All cursors of one domain."""

    def __init__(self, limit: int = 10, ttl: float | None = 600.0) -> None:
        self.limit = limit
        self.ttl = ttl
        self.live: dict[str, Cursor] = {}
        self._ids = itertools.count(1)

    def expire(self, now: float) -> None:
        """Drop cursors idle longer than ``ttl`` seconds."""
        if self.ttl is None:
            return
        for key in [k for k, c in self.live.items() if now - c.last_used > self.ttl]:
            del self.live[key]

    def open(self, cursor: Cursor) -> str:
        """Register ``cursor``; refuse an eleventh."""
        if len(self.live) >= self.limit:
            raise validation("id", f"作成できるカーソルは{self.limit}個までです。")
        key = f"{next(self._ids):08x}-1234-4abc-9def-{len(self.live):012x}"
        self.live[key] = cursor
        return key

    def take(self, key: str, now: float) -> tuple[Cursor, list[Record], bool]:
        """The next page and whether more follow; the last page frees the cursor."""
        cursor = self.live.get(key)
        if cursor is None:
            raise gone()
        page, cursor.records = (
            cursor.records[: cursor.size],
            cursor.records[cursor.size :],
        )
        cursor.last_used = now
        more = bool(cursor.records)
        if not more:
            del self.live[key]
        return cursor, page, more

    def close(self, key: str, freed: FreedCursor) -> None:
        """``DELETE``: free early; a freed id answers per ``freed``."""
        if self.live.pop(key, None) is None and freed == "GAIA_CN01":
            raise gone()


def gone() -> KintoneError:
    """The third-party-measured answer for an unknown or expired cursor."""
    return KintoneError(404, "GAIA_CN01", CURSOR_GONE_MESSAGE)
