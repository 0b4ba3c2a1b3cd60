"""HubSpot's three request budgets, enforced on our side before HubSpot does.

HubSpot counts a rolling 10-second window per app (100/190/250 by tier), a separate
5 requests per second for search (which sends no rate-limit headers), and a daily
budget shared by every integration in the portal. A token bucket would allow twice
the burst inside one rolling window, so the limiters keep a rolling log of the last
``limit`` requests instead, counted the way HubSpot sees them (see
:class:`SlidingWindowLimiter`).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from connector.errors import BudgetExhaustedError

__all__ = ["DailyBudget", "RateLimitPolicy", "SlidingWindowLimiter", "classify_429"]

Clock = Callable[[], float]
Sleep = Callable[[float], None]


class SlidingWindowLimiter:
    """At most ``limit`` requests in any rolling ``window`` as HubSpot counts them.

    HubSpot counts a request when it *arrives*, which we cannot see: with several
    requests in flight, one sent early may arrive late and share a window with
    sends ``window`` seconds after it (the shared send-time limiter earned 429s
    that way). Every arrival lies between its send and its response, so here a
    request holds its slot from its send until ``window`` seconds after its
    response (:meth:`release`). Then send ``i + limit`` leaves at least
    ``window`` after response ``i``, hence after arrival ``i``: no jitter can put
    ``limit + 1`` arrivals in one window. It costs one round trip per window
    (150 ms of 10 s: 1.5 %). A thread has at most one request in flight (the
    client is synchronous), so slots are held per thread.

    Args:
        limit: requests per window.
        window: the window in seconds.
        clock: monotonic seconds (tests pass a fake clock).
        sleep: how to wait for a slot to expire (tests advance a fake clock).
        margin: extra seconds past a window edge, for a server clock that
            rounds differently from ours.
    """

    def __init__(
        self,
        limit: int,
        window: float,
        clock: Clock,
        sleep: Sleep,
        margin: float = 0.0,
    ) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("a rate limit needs limit >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self.margin = margin
        self._clock = clock
        self._sleep = sleep
        self._done: deque[float] = deque()  # response times, oldest first
        self._in_flight: set[int] = set()  # threads with a request out
        self._state = threading.Condition()
        # One waiter at a time, so waiters are served in turn and nobody holds
        # the state lock while sleeping (responses must be able to release).
        self._turn = threading.Lock()

    def acquire(self) -> float:
        """Wait for a free slot, hold it for this thread; return seconds waited."""
        me = threading.get_ident()
        waited = 0.0
        with self._turn:
            while True:
                with self._state:
                    now = self._clock()
                    if me in self._in_flight:
                        # The thread's last attempt ended without a response
                        # (connection error): it is over by now.
                        self._release(me, now)
                    self._expire(now)
                    if len(self._done) + len(self._in_flight) < self.limit:
                        self._in_flight.add(me)
                        return waited
                    if not self._done:
                        # Every slot is in flight: only a response can free one.
                        self._state.wait()
                        continue
                    pause = self._frees_at() - now
                self._sleep(pause)
                waited += pause

    def release(self) -> None:
        """Start the window of this thread's request: it was answered (or failed)."""
        with self._state:
            self._release(threading.get_ident(), self._clock())

    def _release(self, thread: int, now: float) -> None:
        if thread in self._in_flight:
            self._in_flight.discard(thread)
            self._done.append(now)
            self._state.notify_all()

    def _frees_at(self) -> float:
        # One expression for both "expired?" and "how long to wait", so float
        # rounding can never make a wait of zero that does not free the slot.
        return self._done[0] + self.window + self.margin

    def _expire(self, now: float) -> None:
        while self._done and self._frees_at() <= now:
            self._done.popleft()


class DailyBudget:
    """The daily request budget, as last reported by HubSpot's response headers.

    Args:
        reserve: requests to leave for the customer's other integrations.
    """

    def __init__(self, reserve: int) -> None:
        self.reserve = reserve
        self.remaining: int | None = None
        self.limit: int | None = None

    def observe(self, headers: Mapping[str, str]) -> None:
        """Remember ``X-HubSpot-RateLimit-Daily[-Remaining]`` when present."""
        remaining = headers.get("x-hubspot-ratelimit-daily-remaining")
        if remaining is not None and remaining.lstrip("-").isdigit():
            self.remaining = int(remaining)
        limit = headers.get("x-hubspot-ratelimit-daily")
        if limit is not None and limit.isdigit():
            self.limit = int(limit)

    def check(self, system: str) -> None:
        """Stop the run before it eats into the reserve.

        Raises:
            BudgetExhaustedError: the last known remaining budget is at or below
                the reserve.
        """
        if self.remaining is not None and self.remaining <= self.reserve:
            raise BudgetExhaustedError(
                f"HubSpot daily API budget nearly used up: {self.remaining} requests "
                f"left, {self.reserve} kept in reserve for other integrations",
                hint="the run stopped cleanly and resumes after the daily reset "
                "(midnight in the portal's time zone); lower limits.daily_reserve "
                "only if no other integration needs the budget",
                context={"system": system, "remaining": self.remaining},
            )


@dataclass(frozen=True, slots=True)
class RateLimitPolicy:
    """What a 429 means: which bucket, and how long to wait before trying again."""

    policy: str
    wait: float | None
    """Seconds to wait; None for DAILY (stop until the reset)."""


def classify_429(
    body: Mapping[str, object],
    headers: Mapping[str, str],
    *,
    search: bool,
    repeats: int = 1,
) -> RateLimitPolicy:
    """Decide how to react to a 429 from its body, headers and the endpoint.

    ``Retry-After`` wins when HubSpot sends it. Otherwise a 429 means the portal's
    window is full, whatever this client counted: its buckets are shared with the
    customer's other integrations. So wait one whole window
    (``X-HubSpot-RateLimit-Interval-Milliseconds``, 10 s by default; one second for
    search, which sends no headers), times the number of 429s in a row.
    """
    policy = str(body.get("policyName") or ("SECONDLY" if search else "UNKNOWN"))
    message = str(body.get("message") or "")
    if policy == "DAILY" or "daily limit" in message:
        return RateLimitPolicy("DAILY", None)
    retry_after = headers.get("retry-after")
    if retry_after is not None:
        try:
            return RateLimitPolicy(policy, max(float(retry_after), 0.0))
        except ValueError:
            pass
    if search or "secondly limit" in message:
        window = 1.0
    else:
        window = _interval_seconds(headers) or 10.0
    return RateLimitPolicy(policy, window * max(repeats, 1))


def _interval_seconds(headers: Mapping[str, str]) -> float | None:
    raw = headers.get("x-hubspot-ratelimit-interval-milliseconds")
    try:
        value = float(raw) / 1000.0 if raw is not None else None
    except ValueError:
        return None
    return value if value is not None and 0 < value <= 3600 else None
