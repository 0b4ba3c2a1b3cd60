"""The seeded decisions behind the fault proxy, kept free of sockets and threads.

Why a separate module: the acceptance suite is only worth something if a failing
run can be replayed, so every random choice the proxy makes (whether to fault a
request, which fault, which status, how long to stall, how long a 429 burst
lasts) is drawn here from one ``random.Random(seed)`` in a fixed order.  The
same seed and the same sequence of requests therefore give the same faults,
whatever the timing, and the plan can be tested without any network at all.
"""

from __future__ import annotations

import random
import re
import uuid
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

HTTP_5XX = "http_5xx"
RATE_LIMIT_BURST = "rate_limit_burst"
SLOW = "slow"
DROP_BEFORE = "drop_before"
DROP_AFTER = "drop_after"

#: Every fault kind the proxy can inject, in the order used for the RNG choice.
KINDS: tuple[str, ...] = (HTTP_5XX, RATE_LIMIT_BURST, SLOW, DROP_BEFORE, DROP_AFTER)

#: Gateway errors a load balancer in front of a SaaS API really answers with.
GATEWAY_STATUSES: tuple[int, ...] = (502, 503, 504)

#: How many consecutive requests one rate-limit burst answers with 429.
BURST_LENGTH = (3, 6)

#: Default stall for ``slow``, in seconds: long enough to trip tight timeouts.
SLOW_RANGE = (0.3, 1.5)

#: Decisions kept for inspection; old ones are forgotten in long runs.
LOG_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class Decision:
    """What the proxy does with one request, with every random detail fixed.

    ``kind`` is ``None`` for a request forwarded untouched.  ``seq`` numbers
    the decisions that consumed randomness; requests on excluded paths or made
    while paused get ``seq == -1`` and draw nothing, so they never shift the
    sequence that follows.
    """

    seq: int
    method: str
    path: str
    kind: str | None = None
    status: int | None = None
    body_format: str = ""
    delay: float = 0.0
    burst_position: int = 0
    burst_length: int = 0
    correlation_id: str = ""


class FaultPlan:
    """Decides, request by request, which fault (if any) to inject.

    Not thread-safe on its own: the proxy calls :meth:`decide` under its lock,
    which is also what makes the order of draws equal the order of arrival.
    """

    def __init__(
        self,
        *,
        rate: float = 0.2,
        seed: int = 0,
        kinds: Iterable[str] | None = None,
        exclude: str | None = None,
        slow_range: tuple[float, float] = SLOW_RANGE,
    ) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"rate must be within [0, 1], got {rate}")
        chosen = tuple(KINDS if kinds is None else dict.fromkeys(kinds))
        unknown = [kind for kind in chosen if kind not in KINDS]
        if unknown or not chosen:
            raise ValueError(
                f"kinds must be a non-empty subset of {KINDS}, got {chosen}"
            )
        low, high = slow_range
        if not 0.0 <= low <= high:
            raise ValueError(f"slow_range must be 0 <= low <= high, got {slow_range}")
        self.rate = rate
        self.seed = seed
        self.kinds = chosen
        self.slow_range = (low, high)
        self.exclude = re.compile(exclude) if exclude else None
        self.paused = False
        self._rng = random.Random(seed)
        self._seq = 0
        self._burst_length = 0
        self._burst_position = 0
        self.log: deque[Decision] = deque(maxlen=LOG_LIMIT)

    def is_excluded(self, path: str) -> bool:
        """Whether ``path`` (without query) is on the never-faulted list."""
        return self.exclude is not None and self.exclude.search(path) is not None

    def decide(self, method: str, path: str) -> Decision:
        """The decision for the next request; draws randomness only if faultable."""
        if self.paused or self.is_excluded(path):
            return Decision(seq=-1, method=method, path=path)
        seq = self._seq
        self._seq += 1
        if self._burst_position < self._burst_length:
            decision = self._burst_step(seq, method, path)
        elif self._rng.random() < self.rate:
            decision = self._fault(seq, method, path, self._rng.choice(self.kinds))
        else:
            decision = Decision(seq=seq, method=method, path=path)
        self.log.append(decision)
        return decision

    def _fault(self, seq: int, method: str, path: str, kind: str) -> Decision:
        rng = self._rng
        if kind == HTTP_5XX:
            return Decision(
                seq=seq,
                method=method,
                path=path,
                kind=kind,
                status=rng.choice(GATEWAY_STATUSES),
                body_format=rng.choice(("html", "json")),
            )
        if kind == RATE_LIMIT_BURST:
            self._burst_length = rng.randint(*BURST_LENGTH)
            self._burst_position = 0
            return self._burst_step(seq, method, path)
        if kind == SLOW:
            delay = round(rng.uniform(*self.slow_range), 3)
            return Decision(seq=seq, method=method, path=path, kind=kind, delay=delay)
        return Decision(seq=seq, method=method, path=path, kind=kind)

    def _burst_step(self, seq: int, method: str, path: str) -> Decision:
        self._burst_position += 1
        # Drawn here rather than derived from seq so replays match byte for byte
        # and two bursts never share an id, as with the real API.
        correlation = uuid.UUID(int=self._rng.getrandbits(128), version=4)
        return Decision(
            seq=seq,
            method=method,
            path=path,
            kind=RATE_LIMIT_BURST,
            status=429,
            burst_position=self._burst_position,
            burst_length=self._burst_length,
            correlation_id=str(correlation),
        )
