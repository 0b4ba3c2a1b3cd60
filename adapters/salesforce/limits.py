"""The org's API allocation, as ``Sforce-Limit-Info`` reports it (fact sheet §11).

Salesforce counts every integration's requests against one rolling 24 h
allocation and answers 403 ``REQUEST_LIMIT_EXCEEDED`` once it is spent, for
every integration at once. So the adapter reads ``api-usage=used/limit`` from
each answer and stops its own run while ``reserve`` of the allocation is still
left for the others, before Salesforce has to refuse anyone.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx

from connector.errors import BudgetExhaustedError, RequestLimitExceededError

__all__ = [
    "ApiUsage",
    "OrgBudget",
    "is_concurrency_limit",
    "limit_exceeded",
    "parse_limit_info",
]

_USAGE = re.compile(r"api-usage\s*=\s*(\d+)\s*/\s*(\d+)")


@dataclass(frozen=True, slots=True)
class ApiUsage:
    """Requests used and allowed in the org's rolling 24 hours."""

    used: int
    limit: int

    @property
    def share(self) -> float:
        """Used as a share of the limit (0.0 .. 1.0+)."""
        return self.used / self.limit if self.limit else 1.0


def parse_limit_info(headers: Mapping[str, str]) -> ApiUsage | None:
    """``Sforce-Limit-Info: api-usage=10018/100000`` as numbers, if present."""
    value = headers.get("sforce-limit-info")
    match = _USAGE.search(value or "")
    if match is None:
        return None
    return ApiUsage(int(match.group(1)), int(match.group(2)))


class OrgBudget:
    """The latest reported usage, and the guard that stops a run above it.

    A limiter (``acquire``) for :class:`connector.http.HttpClient` that never
    waits: it raises before a request once usage reached ``1 - reserve``. A
    report older than ``max_age`` seconds no longer stops anything (the rolling
    window has moved on since), so a long-lived adapter sends one request to
    learn the new usage instead of refusing forever.
    """

    def __init__(
        self,
        system: str,
        reserve: float,
        *,
        clock: Callable[[], float] = time.time,
        max_age: float = 600.0,
    ) -> None:
        self.system = system
        self.reserve = reserve
        self.usage: ApiUsage | None = None
        self.max_age = max_age
        self._clock = clock
        self._seen_at = 0.0
        self._lock = threading.Lock()

    def observe(self, headers: Mapping[str, str]) -> None:
        """Remember the usage an answer reports (answers without it change nothing)."""
        usage = parse_limit_info(headers)
        if usage is not None:
            with self._lock:
                self.usage, self._seen_at = usage, self._clock()

    def acquire(self) -> float:
        """Let a request through unless the reserve is reached.

        Raises:
            BudgetExhaustedError: the org's usage reached ``1 - reserve``.
        """
        usage = self.usage
        fresh = self._clock() - self._seen_at < self.max_age
        if (
            fresh
            and usage is not None
            and usage.limit
            and usage.share >= 1 - self.reserve
        ):
            raise BudgetExhaustedError(
                f"Salesforce API allocation nearly used up: {usage.used:,} of "
                f"{usage.limit:,} requests in the rolling 24 h, and "
                f"{self.reserve:.0%} is kept for the org's other integrations",
                hint="the run stopped cleanly after its last checkpoint; it "
                "continues once older requests leave the rolling 24 h window. "
                "Lower [sfa.limits] reserve only if nothing else needs the "
                "allocation",
                context={
                    "system": self.system,
                    "used": usage.used,
                    "limit": usage.limit,
                },
            )
        return 0.0


def is_concurrency_limit(response: httpx.Response) -> bool:
    """Whether a 403 REQUEST_LIMIT_EXCEEDED is the concurrent-requests variant.

    Too many long-running requests at once is cured by waiting a little; the
    daily allocation is not.
    """
    return "ConcurrentRequests" in response.text


def limit_exceeded(
    system: str,
    *,
    usage: ApiUsage | None,
    body: str | None,
    now: datetime | None = None,
    retry_after: timedelta = timedelta(minutes=60),
) -> RequestLimitExceededError:
    """The error that stops a run on 403 REQUEST_LIMIT_EXCEEDED, with a retry time."""
    moment = (now or datetime.now(UTC)) + retry_after
    at = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    counted = f" ({usage.used:,} of {usage.limit:,} requests used)" if usage else ""
    return RequestLimitExceededError(
        "Salesforce refused the request: the org's API request limit is "
        f"exceeded (403 REQUEST_LIMIT_EXCEEDED){counted}",
        hint=f"the run stopped after its last checkpoint; retry after {at}: the "
        "limit counts a rolling 24 hours, shared with the org's other "
        "integrations, so capacity returns as older requests age out (see "
        "Setup > Company Information > API Requests). Re-authenticating does "
        "not help",
        context={"system": system, "retry_at": moment.isoformat()},
        status=403,
        body=body,
    )
