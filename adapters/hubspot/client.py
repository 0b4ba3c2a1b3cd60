"""One HubSpot HTTP session on :mod:`connector.http`, with HubSpot's own limits.

Every request of the adapter goes through :meth:`HubSpotClient.request`. The shared
:class:`connector.http.HttpClient` does the sending, retries (5xx and connection
errors with backoff and jitter, 429 after ``Retry-After``) and error classes; this
module adds what is specific to HubSpot:

- the burst limiter (rolling 10 s, by tier) on every request except search, and the
  separate 5-per-second limiter on search;
- the daily budget read from ``X-HubSpot-RateLimit-Daily-Remaining``, checked
  before each attempt so the run stops cleanly above the configured reserve;
- 429 policies: HubSpot rarely sends ``Retry-After``, so when it is missing the
  wait is set to the end of the 10 s window (burst) or one second (search), and a
  DAILY 429 stops the run (:class:`BudgetExhaustedError`);
- 4xx answers are returned to the caller, because a 207, 404 or 409 is data here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from adapters.hubspot.limits import (
    DailyBudget,
    SlidingWindowLimiter,
    classify_429,
)
from adapters.hubspot.settings import HubSpotSettings
from connector.errors import AdapterError, AuthError, BudgetExhaustedError
from connector.http import Action, HttpClient, RetryPolicy, StatusKey
from connector.logging import register_secret, scrub

__all__ = ["STATUS_ACTIONS", "HubSpotClient", "error_message"]

STATUS_ACTIONS: Mapping[StatusKey, Action] = {
    (200, 399): Action.OK,
    401: Action.AUTH,
    429: Action.RATE_LIMITED,
    # 207/400/403/404/409 carry per-record or per-endpoint meaning: callers decide.
    (400, 499): Action.OK,
    501: Action.FAIL,
    (500, 599): Action.RETRY,
}
"""HubSpot's override of the shared status table."""


def error_message(response: httpx.Response) -> str:
    """HubSpot's own error message, or the start of the body."""
    try:
        body = response.json()
    except ValueError:
        return scrub(response.text[:300])
    if isinstance(body, dict) and body.get("message"):
        return scrub(str(body["message"]))
    return scrub(response.text[:300])


def _body(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


class _BudgetGuard:
    """A limiter that never waits: it stops the run when the budget is too low."""

    def __init__(self, client: HubSpotClient) -> None:
        self._client = client
        # Pushes send from several threads; ``+=`` alone could lose a count.
        self._lock = threading.Lock()

    def acquire(self) -> float:
        self._client.budget.check(self._client.name)
        with self._lock:
            self._client.sent += 1
        return 0.0


class HubSpotClient:
    """A rate-limited, retrying HubSpot session.

    Args:
        name: the system's config name, for errors and metrics.
        settings: the adapter settings.
        transport: injected httpx transport (tests use the fake).
        clock: monotonic seconds for the limiters.
        sleep: how to wait; tests pass a fake clock's sleep.
    """

    def __init__(
        self,
        name: str,
        settings: HubSpotSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.name = name
        self.settings = settings
        token = settings.token.get_secret_value()
        register_secret(token)
        limits = settings.limits
        margin = limits.window_margin_seconds
        self.burst = SlidingWindowLimiter(
            limits.burst_per_10s, 10.0, clock, sleep, margin=margin
        )
        self.search = SlidingWindowLimiter(
            limits.search_per_second, 1.0, clock, sleep, margin=margin
        )
        self.budget = DailyBudget(limits.daily_reserve)
        self.sent = 0
        """Requests sent (including retries), for benchmarks and run summaries."""
        self._throttled = 0
        """429s in a row: each one waits a window longer than the last."""
        self._guard = _BudgetGuard(self)
        self._http = HttpClient(
            name,
            base_url=settings.base_url,
            timeout=limits.timeout,
            transport=transport,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            retry=RetryPolicy(
                attempts=limits.max_attempts,
                backoff_base=limits.backoff_base,
                backoff_max=limits.backoff_max,
            ),
            status_actions=STATUS_ACTIONS,
            classifier=self._classify,
            on_response=self._on_response,
            sleep=sleep,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    @staticmethod
    def _classify(response: httpx.Response) -> Action | None:
        if response.status_code == 429:
            body = _body(response)
            if body.get("policyName") == "DAILY" or "daily limit" in str(
                body.get("message", "")
            ):
                return Action.BUDGET
        return None

    def _on_response(self, response: httpx.Response) -> None:
        # The request has surely arrived: its window starts now (see limits.py).
        # Only the limiter this thread acquired holds a slot; the other no-ops.
        self.burst.release()
        self.search.release()
        self.budget.observe(response.headers)
        if response.status_code != 429:
            self._throttled = 0
            return
        self._throttled += 1
        if "retry-after" in response.headers:
            return
        decision = classify_429(
            _body(response),
            response.headers,
            search=response.request.url.path.endswith("/search"),
            repeats=self._throttled,
        )
        if decision.wait is not None:
            # HubSpot rarely sends Retry-After; supply the documented wait so the
            # shared retry loop sleeps exactly that long.
            response.headers["Retry-After"] = f"{decision.wait:.3f}"

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        search: bool = False,
    ) -> httpx.Response:
        """Send one request within every limit; return any non-retriable response.

        Callers handle 4xx themselves (a 207 or 409 is data, not an exception).

        Raises:
            AuthError: 401 (bad or revoked token).
            BudgetExhaustedError: the daily budget is down to the reserve, or
                HubSpot answered 429 DAILY.
            RateLimitedError: still rate limited after every attempt.
            TransientAdapterError: 5xx or connection errors after every attempt.
        """
        limiter = self.search if search else self.burst
        context = {"system": self.name, "method": method, "path": path}
        try:
            try:
                return self._http.request(
                    method,
                    path,
                    json=json,
                    params=params,
                    limiters=(self._guard, limiter),
                )
            finally:
                # A last attempt that ended without a response frees its slot too.
                limiter.release()
        except AuthError as exc:
            raise AuthError(
                f"HubSpot refused the token ({exc.status})",
                hint="set a valid private app or Service Key token in [ma].token "
                "(or CONNECTOR_MA__TOKEN)",
                context=context,
                status=exc.status,
                body=exc.body,
            ) from None
        except BudgetExhaustedError as exc:
            if exc.status != 429:
                raise
            raise BudgetExhaustedError(
                "HubSpot's daily API limit is reached (429 DAILY)",
                hint="the run stopped; it resumes after the daily reset at midnight "
                "in the portal's time zone",
                context=context,
                status=429,
                body=exc.body,
            ) from None

    def expect(self, response: httpx.Response, ok: tuple[int, ...], what: str) -> Any:
        """Return the JSON body of an expected status, or raise a clear error.

        Raises:
            AuthError: 403 (a scope is missing).
            AdapterError: any other unexpected status.
        """
        if response.status_code in ok:
            return response.json() if response.content else None
        message = error_message(response)
        context = {"system": self.name, "request": what}
        if response.status_code == 403:
            raise AuthError(
                f"HubSpot denied {what}: {message}",
                hint="give the private app / Service Key the scopes listed in "
                "docs/hubspot.md",
                context=context,
                status=403,
            )
        raise AdapterError(
            f"HubSpot answered {response.status_code} to {what}: {message}",
            context=context,
            status=response.status_code,
            body=scrub(response.text[:1000]),
        )
