"""One Salesforce API session on :mod:`connector.http`, with Salesforce's own rules.

Every request of the adapter goes through :meth:`SalesforceClient.request`. The
shared :class:`connector.http.HttpClient` sends, retries (5xx, dropped
connections, the 403 ConcurrentRequests variant) and raises the shared error
classes; this module adds what is Salesforce's:

- requests go to ``{instance_url}/services/data/vXX.X`` of the current token;
- 401 ``INVALID_SESSION_ID`` (the session expired mid-run): one new login, then
  the same request again (§2);
- 403 ``REQUEST_LIMIT_EXCEEDED`` (the org's daily allocation): never a new
  login; the run stops with :class:`RequestLimitExceededError`, whose hint names
  when to retry (§11);
- ``Sforce-Limit-Info`` on every answer feeds :class:`OrgBudget`, which stops a
  run before the org's reserve is touched;
- other 4xx answers are returned: a 400 from a collection or a 404 from
  describe is data for the caller (:meth:`SalesforceClient.expect`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from adapters.salesforce.auth import Session, Signer, TokenSource
from adapters.salesforce.limits import (
    OrgBudget,
    is_concurrency_limit,
    limit_exceeded,
)
from adapters.salesforce.settings import SalesforceSettings
from connector.budget import RequestCounter
from connector.errors import AdapterError, AuthError, BudgetExhaustedError
from connector.http import Action, HttpClient, RetryPolicy, StatusKey
from connector.logging import scrub

__all__ = [
    "API_ACTIONS",
    "LOGIN_ACTIONS",
    "SalesforceClient",
    "error_codes",
    "error_text",
]

API_ACTIONS: Mapping[StatusKey, Action] = {
    (200, 399): Action.OK,
    401: Action.AUTH,
    403: Action.AUTH,
    429: Action.RATE_LIMITED,
    # 400/404/409/410 carry per-request meaning here: callers decide.
    (400, 499): Action.OK,
    501: Action.FAIL,
    (500, 599): Action.RETRY,
}
"""The API's status table; 403 REQUEST_LIMIT_EXCEEDED is refined by the body."""

LOGIN_ACTIONS: Mapping[StatusKey, Action] = {
    (200, 299): Action.OK,
    429: Action.RATE_LIMITED,
    (400, 499): Action.AUTH,
    (500, 599): Action.RETRY,
}
"""The token endpoint's: any refusal there is about the credentials."""


def error_codes(response: httpx.Response) -> list[str]:
    """The ``errorCode`` values of a Salesforce error body (an array)."""
    try:
        body = response.json()
    except ValueError:
        return []
    items = body if isinstance(body, list) else [body]
    return [
        str(i.get("errorCode"))
        for i in items
        if isinstance(i, dict) and i.get("errorCode")
    ]


def error_text(response: httpx.Response) -> str:
    """``CODE: message`` of each error in the body, or the body's start."""
    try:
        body = response.json()
    except ValueError:
        return scrub(response.text[:300])
    items = body if isinstance(body, list) else [body]
    parts = [
        f"{i.get('errorCode')}: {i.get('message')}"
        for i in items
        if isinstance(i, dict) and (i.get("errorCode") or i.get("message"))
    ]
    return scrub("; ".join(parts)) if parts else scrub(response.text[:300])


def _classify(response: httpx.Response) -> Action | None:
    if response.status_code == 403 and "REQUEST_LIMIT_EXCEEDED" in response.text:
        return Action.RETRY if is_concurrency_limit(response) else Action.BUDGET
    return None


class SalesforceClient:
    """A logged-in, retrying Salesforce API session.

    Args:
        name: the system's config name, for errors and metrics.
        settings: the adapter settings.
        transport: injected httpx transport (tests use the fake's).
        base_dir: where a relative JWT key file is read from.
        sleep: how retries and Bulk polls wait (tests pass a fake clock's).
        clock: epoch seconds (JWT ``exp``, retry times in hints).
        signer: JWT signer override (tests; see :mod:`adapters.salesforce.auth`).
    """

    def __init__(
        self,
        name: str,
        settings: SalesforceSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        base_dir: Path | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        signer: Signer | None = None,
    ) -> None:
        self.name = name
        self.settings = settings
        self.sleep = sleep
        self.clock = clock
        self.budget = OrgBudget(name, settings.limits.reserve, clock=clock)
        self._counter = RequestCounter("salesforce")
        limits = settings.limits
        retry = RetryPolicy(
            attempts=limits.max_attempts,
            backoff_base=limits.backoff_base,
            backoff_max=limits.backoff_max,
        )
        self._http = HttpClient(
            name,
            timeout=limits.timeout,
            transport=transport,
            headers={"Accept": "application/json"},
            retry=retry,
            status_actions=API_ACTIONS,
            classifier=_classify,
            on_response=lambda r: self.budget.observe(r.headers),
            sleep=sleep,
            clock=clock,
        )
        self._login = HttpClient(
            name,
            timeout=limits.timeout,
            transport=transport,
            retry=retry,
            status_actions=LOGIN_ACTIONS,
            sleep=sleep,
            clock=clock,
        )
        self.tokens = TokenSource(
            name,
            settings.auth,
            login=self._login,
            login_url=settings.login_url,
            base_dir=base_dir,
            clock=clock,
            signer=signer,
        )

    @property
    def sent(self) -> int:
        """API requests sent so far (retries included; logins not)."""
        return self._counter.sent

    def api_path(self, path: str) -> str:
        """``/query`` -> ``/services/data/v62.0/query``."""
        return f"/services/data/v{self.settings.api_version}{path}"

    def _url(self, session: Session, path: str) -> str:
        if path.startswith(("https://", "http://")):
            return path
        if not path.startswith("/services/"):
            path = self.api_path(path)
        return f"{session.instance_url.rstrip('/')}{path}"

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send one API request; return any answer that is not an error class.

        ``path`` is relative to the versioned API (``/query``), a server path
        (a ``nextRecordsUrl``) or absolute.

        Raises:
            AuthError: the login failed, or a fresh token was refused too.
            RequestLimitExceededError: 403 REQUEST_LIMIT_EXCEEDED (daily limit).
            BudgetExhaustedError: the org's usage reached the configured reserve.
            TransientAdapterError: 5xx, connection errors or concurrency 403s
                after every attempt.
        """
        session = self.tokens.session()
        for attempt in (1, 2):
            token = session.access_token
            try:
                return self._http.request(
                    method,
                    self._url(session, path),
                    params=params,
                    json=json,
                    headers={**(headers or {}), "Authorization": f"Bearer {token}"},
                    limiters=(self.budget, self._counter),
                )
            except AuthError as exc:
                if exc.status == 401 and attempt == 1:
                    # The session ended (timeout, revoked): log in once more.
                    session = self.tokens.refresh(session)
                    continue
                raise AuthError(
                    f"Salesforce refused the connector's session ({exc.status}): "
                    f"{_short(exc.body)}",
                    hint="check that the run-as user is active, has API Enabled "
                    "and the permission set described in docs/salesforce.md",
                    context={"system": self.name, "path": _no_query(path)},
                    status=exc.status,
                    body=exc.body,
                ) from None
            except BudgetExhaustedError as exc:
                if exc.status != 403:
                    raise
                raise limit_exceeded(
                    self.name,
                    usage=self.budget.usage,
                    body=exc.body,
                    now=datetime.fromtimestamp(self.clock(), UTC),
                    retry_after=timedelta(
                        minutes=self.settings.limits.retry_after_minutes
                    ),
                ) from None
        raise AssertionError("unreachable: the second attempt returns or raises")

    def expect(self, response: httpx.Response, ok: tuple[int, ...], what: str) -> Any:
        """The JSON body of an expected answer, or a clear error.

        Raises:
            AdapterError: any other status, with Salesforce's errorCode and message.
        """
        self.expect_status(response, ok, what)
        return response.json() if response.content else None

    def expect_status(
        self, response: httpx.Response, ok: tuple[int, ...], what: str
    ) -> None:
        """Raise a clear error unless the answer has one of the ``ok`` statuses.

        Raises:
            AdapterError: with Salesforce's errorCode and message.
        """
        if response.status_code in ok:
            return
        problem = error_text(response)
        hint = "see the Salesforce error above"
        if response.status_code == 410:
            hint = (
                f"API version {self.settings.api_version} is retired: set a newer "
                "[sfa] api_version"
            )
        elif response.status_code == 404:
            hint = "check the object and field names, and the user's access to them"
        raise AdapterError(
            f"Salesforce answered {response.status_code} to {what}: {problem}",
            hint=hint,
            context={"system": self.name, "request": what},
            status=response.status_code,
            body=scrub(response.text[:1000]),
        )

    def versions(self) -> list[str]:
        """The API versions the org offers (``GET /services/data/``, no token)."""
        session = self.tokens.session()
        response = self._login.request(
            "GET", f"{session.instance_url.rstrip('/')}/services/data/"
        )
        body = response.json()
        return [str(v.get("version")) for v in body if isinstance(v, dict)]

    def close(self) -> None:
        """Close both connection pools."""
        self._http.close()
        self._login.close()


def _short(body: str | None) -> str:
    return (body or "no body")[:200]


def _no_query(path: str) -> str:
    return path.split("?", 1)[0]
