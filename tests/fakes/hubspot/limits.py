"""The three HubSpot request budgets: 10-second burst, daily, and search per second."""

from __future__ import annotations

from collections import deque

__all__ = ["DailyBudget", "RollingWindow"]


class RollingWindow:
    """At most ``limit`` requests in any ``window`` seconds (a rolling window)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._times: deque[float] = deque()

    def _expire(self, now: float) -> None:
        while self._times and self._times[0] <= now - self.window:
            self._times.popleft()

    def try_acquire(self, now: float) -> bool:
        """Count a request at ``now`` if the window has room."""
        self._expire(now)
        if len(self._times) >= self.limit:
            return False
        self._times.append(now)
        return True

    def remaining(self, now: float) -> int:
        """Requests still allowed in the current window."""
        self._expire(now)
        return self.limit - len(self._times)

    def frees_in(self, now: float) -> float:
        """Seconds until the oldest request leaves the window."""
        self._expire(now)
        if len(self._times) < self.limit:
            return 0.0
        return self._times[0] + self.window - now


class DailyBudget:
    """Requests per day, reset at midnight (UTC here; real portals use their zone)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self._day: int | None = None

    def _roll(self, now: float) -> None:
        day = int(now // 86_400)
        if day != self._day:
            self._day = day
            self.used = 0

    def try_acquire(self, now: float) -> bool:
        """Count a request if today's budget has room."""
        self._roll(now)
        if self.used >= self.limit:
            return False
        self.used += 1
        return True

    def remaining(self, now: float) -> int:
        """Requests left today."""
        self._roll(now)
        return self.limit - self.used
