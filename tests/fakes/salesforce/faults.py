"""Faults a test can inject: 5xx, dropped connections, latency, 403 bursts.

The sheet's "Notes for the strict fake" ask for them.

``drop`` loses the request before Salesforce sees it; ``drop_after`` serves it
and loses the answer, so a client that retries a create makes a duplicate
unless it upserts. Faults match on method and a path pattern, and either fire a
given number of times or at a seeded random rate.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Literal

import httpx

from tests.fakes.salesforce.errors import error_response
from tests.fakes.salesforce.limits import CONCURRENT_MESSAGE

__all__ = ["Fault", "FaultKind", "Faults", "fault_response"]

FaultKind = Literal["error", "drop", "drop_after", "latency", "concurrency"]
"""What an injected fault does."""


@dataclass
class Fault:
    """One injected fault: ``times`` left, and which requests it hits."""

    kind: FaultKind
    status: int = 503
    seconds: float = 0.0
    times: int = 1
    method: str | None = None
    path: str | None = None
    """A regular expression searched in the request path."""
    _pattern: re.Pattern[str] | None = field(default=None, repr=False)

    def matches(self, request: httpx.Request) -> bool:
        """Whether this fault applies to ``request``."""
        if self.method is not None and request.method != self.method.upper():
            return False
        if self.path is None:
            return True
        if self._pattern is None:
            self._pattern = re.compile(self.path)
        return self._pattern.search(request.url.path) is not None


class Faults:
    """Pending faults and an optional random fault rate."""

    def __init__(self) -> None:
        self.pending: list[Fault] = []
        self.rate = 0.0
        self.kinds: tuple[Fault, ...] = ()
        self._rng = random.Random(0)
        self.fired: list[tuple[str, str, FaultKind]] = []

    def add(self, fault: Fault) -> None:
        """Queue a fault."""
        self.pending.append(fault)

    def at_random(self, rate: float, kinds: tuple[Fault, ...], seed: int = 0) -> None:
        """Hit a share ``rate`` of requests with one of ``kinds`` (seeded)."""
        self.rate = rate
        self.kinds = kinds
        self._rng = random.Random(seed)

    def take(self, request: httpx.Request) -> Fault | None:
        """The fault for this request, if any (consuming one of its ``times``)."""
        for fault in self.pending:
            if fault.times > 0 and fault.matches(request):
                fault.times -= 1
                if fault.times == 0:
                    self.pending.remove(fault)
                return self._fire(request, fault)
        if self.rate and self.kinds and self._rng.random() < self.rate:
            return self._fire(request, self._rng.choice(self.kinds))
        return None

    def _fire(self, request: httpx.Request, fault: Fault) -> Fault:
        self.fired.append((request.method, request.url.path, fault.kind))
        return fault


def fault_response(fault: Fault) -> httpx.Response:
    """The answer of an ``error`` or ``concurrency`` fault."""
    if fault.kind == "concurrency":
        return error_response(403, "REQUEST_LIMIT_EXCEEDED", CONCURRENT_MESSAGE)
    if fault.status == 500:
        return error_response(
            500,
            "UNKNOWN_EXCEPTION",
            "An unexpected error occurred. Please include this ErrorId if you "
            "contact support: 1234567890-12345 (-1234567890)",
        )
    if fault.status == 503:
        return error_response(503, "SERVER_UNAVAILABLE", "Server is unavailable")
    return httpx.Response(
        fault.status,
        content=b"<html><body>Service Unavailable</body></html>",
        headers={"content-type": "text/html"},
    )
