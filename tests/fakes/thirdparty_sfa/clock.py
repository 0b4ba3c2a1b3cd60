"""The server clock: JST, second precision, monotonic, and movable by tests.

AcmeSFA stamps ``updated_at`` from one server-wide clock. It never runs
backwards (not even across a restart, because its last reading is persisted),
tests may push it forward or freeze it (so that several writes surely share
one second), and a record written twice within one second still
gets a strictly later ``updated_at`` because the clock is then nudged one
second ahead of the wall clock.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

JST = timezone(timedelta(hours=9), "JST")


def format_ts(epoch: int) -> str:
    """Render epoch seconds the way the API publishes them: JST with offset."""
    return datetime.fromtimestamp(epoch, JST).isoformat(timespec="seconds")


def format_date(epoch: int) -> str:
    """The JST calendar day of an instant, as YYYY-MM-DD."""
    return datetime.fromtimestamp(epoch, JST).date().isoformat()


def parse_instant(text: str) -> datetime:
    """Parse an ISO 8601 instant that must carry an offset (or ``Z``).

    A naive time is refused rather than guessed: a client that forgets the
    offset would otherwise silently be nine hours off.
    """
    parsed = datetime.fromisoformat(text)
    offset = parsed.utcoffset()
    if offset is None:
        raise ValueError("timestamp needs an offset such as +09:00 or Z")
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        # e.g. 0001-01-01T00:00:00+09:00: before the first representable UTC
        # instant (or after the last one); such a bound means "everything".
        edge = datetime.min if offset > timedelta(0) else datetime.max
        return edge.replace(tzinfo=UTC)


class ServerClock:
    """Monotonic epoch-second clock = max(wall clock + offset, last reading)."""

    def __init__(
        self, offset: int = 0, last: int = 0, frozen_at: int | None = None
    ) -> None:
        self._offset = offset
        self._last = last
        self._frozen_at = frozen_at
        self._lock = threading.Lock()

    def _wall(self) -> int:
        if self._frozen_at is not None:
            return self._frozen_at + self._offset
        return int(time.time()) + self._offset

    def now(self) -> int:
        """Current server time; never smaller than any earlier reading."""
        with self._lock:
            self._last = max(self._last, self._wall())
            return self._last

    def tick_after(self, previous: int) -> int:
        """A reading strictly later than ``previous`` (a record's old stamp)."""
        with self._lock:
            self._last = max(self._last, self._wall(), previous + 1)
            return self._last

    def advance(self, seconds: int) -> int:
        """Move the clock forward by ``seconds`` (tests simulate waiting)."""
        if seconds < 0:
            raise ValueError("the server clock only moves forward")
        with self._lock:
            self._offset += seconds
            self._last += seconds
        return self.now()

    def freeze(self, frozen: bool) -> int:
        """Stop (or resume) following the wall clock; ``advance`` still works.

        Resuming jumps forward to the real time again; should the host's
        clock have been set back meanwhile, the offset absorbs the difference
        so the server clock still never rewinds.
        """
        with self._lock:
            wall = int(time.time())
            if frozen and self._frozen_at is None:
                self._frozen_at = wall
            elif not frozen and self._frozen_at is not None:
                self._offset += max(0, self._frozen_at - wall)
                self._frozen_at = None
        return self.now()

    @property
    def frozen(self) -> bool:
        """Whether the clock ignores the wall clock."""
        return self._frozen_at is not None

    def dump(self) -> dict[str, Any]:
        """What the state file keeps so a restart cannot rewind time."""
        with self._lock:
            return {
                "offset": self._offset,
                "last": self._last,
                "frozen_at": self._frozen_at,
            }

    @classmethod
    def load(cls, data: dict[str, Any]) -> ServerClock:
        """Rebuild the clock from :meth:`dump` output."""
        frozen_at = data.get("frozen_at")
        return cls(
            offset=int(data.get("offset", 0)),
            last=int(data.get("last", 0)),
            frozen_at=None if frozen_at is None else int(frozen_at),
        )
