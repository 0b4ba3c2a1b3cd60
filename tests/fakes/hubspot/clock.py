"""A settable clock shared by the fake and the adapter under test.

Rate-limit windows, search-index delay and simulated latency all read this clock, so
tests and benchmarks cover seconds or hours of HubSpot behaviour without sleeping.
"""

from __future__ import annotations

import time

__all__ = ["FakeClock", "RealClock"]

START = 1_777_593_600.0
"""2026-05-01T00:00:00Z: a fixed epoch so timestamps in tests are reproducible."""


class FakeClock:
    """Wall and monotonic time that only moves when told to (or when slept on)."""

    def __init__(self, start: float = START) -> None:
        self.now = start
        self.slept = 0.0

    def time(self) -> float:
        """Epoch seconds, like :func:`time.time`."""
        return self.now

    def monotonic(self) -> float:
        """Same value as :meth:`time`; the fake never jumps backwards."""
        return self.now

    def sleep(self, seconds: float) -> None:
        """Advance instead of sleeping, and remember how long was 'slept'."""
        if seconds > 0:
            self.now += seconds
            self.slept += seconds

    def advance(self, seconds: float) -> None:
        """Let time pass (index delay, window expiry) without counting it as sleep."""
        self.now += seconds


class RealClock(FakeClock):
    """Real time with the FakeClock interface, for benchmarks where requests overlap.

    A simulated clock cannot show two requests in flight at once (each one's
    latency advances the one shared clock); real time can.
    """

    def __init__(self) -> None:
        super().__init__(start=time.time())

    @property  # type: ignore[override]
    def now(self) -> float:
        """The current epoch time."""
        return time.time()

    @now.setter
    def now(self, value: float) -> None:
        """Ignored: real time cannot be set."""

    def sleep(self, seconds: float) -> None:
        """Really sleep (and count it)."""
        if seconds > 0:
            time.sleep(seconds)
            self.slept += seconds

    def advance(self, seconds: float) -> None:
        """Really let the time pass."""
        if seconds > 0:
            time.sleep(seconds)
