"""Pacing: how fast we send (rate limiters) and how long we wait (retry policy).

:class:`connector.http.HttpClient` waits on every limiter given to it before each
attempt; several can apply to one request (a per-app window plus a search bucket).
Adapters with their own budgets implement :class:`Limiter` and pass those in.
Between retries it waits what :class:`RetryPolicy` says, or what the system asked
for in ``Retry-After``. Both are re-exported by :mod:`connector.http`.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Protocol

__all__ = ["Limiter", "RateLimiter", "RetryPolicy", "parse_retry_after"]


class Limiter(Protocol):
    """Anything that can hold a request back until the system allows it."""

    def acquire(self) -> float:
        """Block until one request may be sent; return the seconds waited."""
        ...


class RateLimiter:
    """At most ``requests`` sends in any rolling ``interval`` seconds; thread-safe.

    A rolling log instead of a token bucket, because a bucket lets twice the limit
    through around a window edge and the APIs we talk to count rolling windows.

    Args:
        requests: sends allowed per interval.
        interval: the interval in seconds.
        clock: monotonic seconds (tests pass a fake clock).
        sleep: how to wait (tests pass a function that advances the fake clock).
        margin: extra seconds to wait past a window edge, for servers whose clock
            rounds differently from ours.
    """

    def __init__(
        self,
        requests: int,
        interval: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        margin: float = 0.0,
    ) -> None:
        if requests < 1 or interval <= 0:
            raise ValueError("a rate limit needs requests >= 1 and interval > 0")
        self.requests = requests
        self.interval = interval
        self.margin = margin
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Wait until a send is allowed, record it, and return the seconds waited."""
        waited = 0.0
        with self._lock:
            while True:
                now = self._clock()
                while self._sent and self._sent[0] <= now - self.interval:
                    self._sent.popleft()
                if len(self._sent) < self.requests:
                    self._sent.append(now)
                    return waited
                pause = max(self._sent[0] + self.interval - now, 0.0) + self.margin
                self._sleep(pause)
                waited += pause

    def window_end(self) -> float:
        """Seconds until the oldest recorded send leaves the window."""
        with self._lock:
            if not self._sent:
                return 0.0
            return max(self._sent[0] + self.interval - self._clock(), 0.0)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date).

    Args:
        value: the header value, if any.
        now: the current epoch time, for HTTP-dates (defaults to ``time.time()``).
    """
    if not value:
        return None
    text = value.strip()
    try:
        return max(float(text), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    current = time.time() if now is None else now
    return max(when.timestamp() - current, 0.0)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently a retriable request is repeated.

    Attributes:
        attempts: total tries, the first included (1 disables retries).
        backoff_base: seconds before the first retry; doubles per retry.
        backoff_max: cap of the exponential part.
        jitter: up to this many random seconds added, so replicas do not retry in
            lockstep.
        max_retry_after: a ``Retry-After`` longer than this is not slept through:
            the error is raised so the run ends and the scheduler comes back later.
    """

    attempts: int = 5
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    jitter: float = 0.5
    max_retry_after: float = 120.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("RetryPolicy.attempts must be at least 1")
        if min(self.backoff_base, self.backoff_max, self.jitter) < 0:
            raise ValueError("RetryPolicy waits must not be negative")

    def backoff(self, retry_number: int) -> float:
        """Seconds to wait before retry ``retry_number`` (1 = the first retry)."""
        exponential = min(self.backoff_max, self.backoff_base * 2 ** (retry_number - 1))
        spread = secrets.SystemRandom().uniform(0, self.jitter) if self.jitter else 0.0
        return float(exponential + spread)
