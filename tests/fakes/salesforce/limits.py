"""The org's API budget: rolling 24 h requests, concurrent long-running cap (§11).

Over the daily allocation every call gets 403 REQUEST_LIMIT_EXCEEDED
"TotalRequests Limit exceeded."; with as many requests as the cap already
running for 20 s or more, a new one gets the ConcurrentRequests variant.
"""

from __future__ import annotations

import itertools
from collections import deque

__all__ = [
    "CONCURRENT_MESSAGE",
    "TOTAL_MESSAGE",
    "ApiUsage",
    "LongRunning",
]

TOTAL_MESSAGE = "TotalRequests Limit exceeded."
CONCURRENT_MESSAGE = "ConcurrentRequests (Concurrent API Requests) Limit exceeded."
_DAY = 86_400.0


class ApiUsage:
    """Requests counted over the last 24 hours (an org-wide rolling allocation)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._calls: deque[tuple[float, int]] = deque()
        self._used = 0

    def _expire(self, now: float) -> None:
        while self._calls and self._calls[0][0] <= now - _DAY:
            _, count = self._calls.popleft()
            self._used -= count

    def used(self, now: float) -> int:
        """Requests in the rolling window ending now."""
        self._expire(now)
        return self._used

    def try_acquire(self, now: float) -> bool:
        """Count one request if the allocation has room."""
        self._expire(now)
        if self._used >= self.limit:
            return False
        self.add(now, 1)
        return True

    def add(self, now: float, count: int) -> None:
        """Count ``count`` requests at ``now`` (other integrations, in tests)."""
        self._calls.append((now, count))
        self._used += count

    def header(self, now: float) -> str:
        """The ``Sforce-Limit-Info`` value (§11)."""
        return f"api-usage={self.used(now)}/{self.limit}"


class LongRunning:
    """Requests in flight with their start times, plus slots held by others."""

    def __init__(self, limit: int, threshold: float) -> None:
        self.limit = limit
        self.threshold = threshold
        self.held_by_others = 0
        self._started: dict[int, float] = {}
        self._tickets = itertools.count()

    def start(self, now: float) -> int:
        """Register a request; returns the ticket to :meth:`finish` it with."""
        ticket = next(self._tickets)
        self._started[ticket] = now
        return ticket

    def finish(self, ticket: int) -> None:
        """A request answered."""
        self._started.pop(ticket, None)

    def full(self, now: float) -> bool:
        """Whether the long-running cap is reached (a new request is refused)."""
        running = sum(1 for t in self._started.values() if now - t >= self.threshold)
        return running + self.held_by_others >= self.limit
