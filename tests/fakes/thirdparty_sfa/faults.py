"""Deterministic fault injection in front of the public API.

Real SFA endpoints sit behind gateways that time out, shed load and cut
connections. A connector that survives this fake should survive those, but a
failing end-to-end test is only debuggable if the same seed reproduces the
same faults, so every decision comes from one seeded RNG consumed in request
order (sequential clients therefore see an identical fault sequence).
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from typing import Any

KINDS = (
    "502",
    "503",
    "504",
    "429",
    "slow",
    "drop_before_write",
    "drop_after_write",
)
BURST_MIN, BURST_MAX = 3, 6
DEFAULT_SLOW = (0.5, 2.0)


@dataclass(frozen=True)
class Fault:
    """What to do to one request; ``delay`` is only used by ``slow``."""

    kind: str
    delay: float = 0.0


class FaultPlan:
    """The current fault settings plus the RNG and any 429 burst in progress."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.configure(rate=0.0, seed=0)

    def configure(
        self,
        *,
        rate: float,
        seed: int,
        kinds: list[str] | None = None,
        slow_seconds: tuple[float, float] = DEFAULT_SLOW,
    ) -> None:
        """Replace the settings and restart the RNG from ``seed``."""
        chosen = list(KINDS) if kinds is None else list(kinds)
        unknown = sorted(set(chosen) - set(KINDS))
        if unknown:
            raise ValueError(f"unknown fault kinds {unknown}; known: {list(KINDS)}")
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        if rate > 0 and not chosen:
            raise ValueError("kinds may not be empty when rate > 0")
        low, high = slow_seconds
        if not 0 <= low <= high:
            raise ValueError("slow_seconds must be [min, max] with 0 <= min <= max")
        with self._lock:
            self.rate = rate
            self.seed = seed
            self.kinds = chosen
            self.slow_seconds = (float(low), float(high))
            self._rng = random.Random(seed)
            self._burst_left = 0

    def draw(self) -> Fault | None:
        """The fault for the next public request, or None to serve it cleanly."""
        with self._lock:
            if self._burst_left > 0:
                self._burst_left -= 1
                return Fault("429")
            if self.rate <= 0 or self._rng.random() >= self.rate:
                return None
            kind = self._rng.choice(self.kinds)
            if kind == "429":
                self._burst_left = self._rng.randint(BURST_MIN, BURST_MAX) - 1
            if kind == "slow":
                return Fault(kind, self._rng.uniform(*self.slow_seconds))
            return Fault(kind)

    def describe(self) -> dict[str, Any]:
        """The settings as JSON, for ``GET /__admin/faults``."""
        with self._lock:
            return {
                "rate": self.rate,
                "seed": self.seed,
                "kinds": list(self.kinds),
                "slow_seconds": list(self.slow_seconds),
            }
