"""The one HTTP layer every API adapter shares: client, rate limits, retries, errors.

Adapters never build ``httpx.Client`` themselves. They build one :class:`HttpClient`
and call :meth:`HttpClient.request`, which, per attempt, waits for every rate
limiter, sends, classifies the response through a status -> :class:`Action` table
(data, overridable per adapter, plus an optional classifier that may read the body)
and either returns the response or raises a :mod:`connector.errors` class. Only
``Retriable`` errors are retried (exponential backoff with jitter, ``Retry-After``
honoured); everything else surfaces at once with status, scrubbed body and a hint.

Tests inject an ``httpx.MockTransport`` and ``sleep``/``clock`` functions, so no test
opens a socket or really sleeps.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from enum import StrEnum
from typing import Any, NoReturn, TypeAlias

import httpx
import structlog
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from connector.errors import (
    AdapterError,
    AuthError,
    BudgetExhaustedError,
    RateLimitedError,
    RecordRejectedError,
    Retriable,
    TransientAdapterError,
)
from connector.logging import scrub
from connector.metrics import HTTP_REQUESTS, HTTP_RETRIES, RATE_LIMIT_WAIT
from connector.pacing import Limiter, RateLimiter, RetryPolicy, parse_retry_after

__all__ = [
    "DEFAULT_STATUS_ACTIONS",
    "Action",
    "Classifier",
    "HttpClient",
    "Limiter",
    "RateLimiter",
    "RetryPolicy",
    "StatusKey",
    "build_client",
    "classify",
    "parse_retry_after",
    "run_limiters",
]

log = structlog.get_logger(__name__)

_BODY_LIMIT = 4000

_RUN_LIMITERS: ContextVar[Mapping[str, Sequence[Limiter]] | None] = ContextVar(
    "_RUN_LIMITERS", default=None
)


@contextmanager
def run_limiters(limiters: Mapping[str, Sequence[Limiter]]) -> Iterator[None]:
    """Apply ``limiters[system]`` to every attempt of that system in this context.

    This is how a flow run counts its requests against a system's budget without
    any adapter knowing: every API adapter sends through :class:`HttpClient`, and
    a run in another thread (the daemon's other flow) keeps its own context.
    They run before the client's own limiters, so a spent budget stops a request
    without first waiting for a rate limiter.
    """
    token = _RUN_LIMITERS.set(limiters)
    try:
        yield
    finally:
        _RUN_LIMITERS.reset(token)


class Action(StrEnum):
    """What to do with a response; each non-OK action maps to one error class."""

    OK = "ok"
    RETRY = "retry"  # TransientAdapterError, retried
    RATE_LIMITED = "rate_limited"  # RateLimitedError, retried after Retry-After
    AUTH = "auth"  # AuthError: credentials or scopes are wrong
    BUDGET = "budget"  # BudgetExhaustedError: the window's budget is used up
    REJECT_RECORD = "reject_record"  # RecordRejectedError: dead-letter this record
    FAIL = "fail"  # AdapterError: the request itself is wrong


StatusKey: TypeAlias = int | tuple[int, int]
"""A status code, or an inclusive ``(low, high)`` range of them."""

Classifier: TypeAlias = Callable[[httpx.Response], "Action | None"]
"""Adapter hook that may look at the body; None falls back to the status table."""

DEFAULT_STATUS_ACTIONS: Mapping[StatusKey, Action] = {
    (200, 399): Action.OK,
    401: Action.AUTH,
    403: Action.AUTH,
    407: Action.AUTH,
    408: Action.RETRY,
    425: Action.RETRY,
    429: Action.RATE_LIMITED,
    (400, 499): Action.REJECT_RECORD,
    501: Action.FAIL,
    (500, 599): Action.RETRY,
}
"""The default table; exact codes win over ranges, narrower ranges over wider."""


def classify(
    response: httpx.Response,
    table: Mapping[StatusKey, Action] = DEFAULT_STATUS_ACTIONS,
    classifier: Classifier | None = None,
) -> Action:
    """Decide what a response means: classifier first, then the table, else FAIL."""
    if classifier is not None:
        decided = classifier(response)
        if decided is not None:
            return decided
    status = response.status_code
    if status in table:
        return table[status]
    ranges = [
        (high - low, action)
        for key, action in table.items()
        if isinstance(key, tuple)
        for low, high in (key,)
        if low <= status <= high
    ]
    return min(ranges, key=lambda item: item[0])[1] if ranges else Action.FAIL


def build_client(
    *,
    base_url: str = "",
    timeout: float | httpx.Timeout = 30.0,
    transport: httpx.BaseTransport | None = None,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str] | None = None,
    auth: httpx.Auth | None = None,
) -> httpx.Client:
    """Build the one ``httpx.Client`` of an adapter (pooled connections, timeouts)."""
    return httpx.Client(
        base_url=base_url,
        timeout=timeout,
        transport=transport,
        headers=dict(headers or {}),
        params=dict(params or {}),
        auth=auth,
        follow_redirects=True,
    )


_HINTS = {
    Action.RETRY: "the system is failing; the run retries later on its own",
    Action.RATE_LIMITED: "lower the configured rate limit or run less often",
    Action.AUTH: "check the credentials and scopes configured for this system",
    Action.BUDGET: "the API budget is used up; the next window continues the sync",
    Action.REJECT_RECORD: "fix the record (see the response body) and retry it",
    Action.FAIL: "check the configured path, method and parameters",
}


class HttpClient:
    """One adapter's HTTP access: limiters, retries and error mapping in one place.

    Args:
        adapter: the system's config name, used in metrics, logs and errors.
        retry: the retry policy.
        limiters: rate limiters applied to every request.
        status_actions: status -> action table (default :data:`DEFAULT_STATUS_ACTIONS`).
        classifier: adapter hook run before the table (e.g. Salesforce's 403
            ``REQUEST_LIMIT_EXCEEDED`` is a budget, not a permission problem).
        on_response: called with every response before it is classified, so an
            adapter can read headers such as remaining-budget counters.
        sleep: how retries wait; clock: epoch seconds for HTTP-date Retry-After.
        The other arguments go to :func:`build_client`.
    """

    def __init__(
        self,
        adapter: str,
        *,
        base_url: str = "",
        timeout: float | httpx.Timeout = 30.0,
        transport: httpx.BaseTransport | None = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        auth: httpx.Auth | None = None,
        retry: RetryPolicy | None = None,
        limiters: Sequence[Limiter] = (),
        status_actions: Mapping[StatusKey, Action] = DEFAULT_STATUS_ACTIONS,
        classifier: Classifier | None = None,
        on_response: Callable[[httpx.Response], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.adapter = adapter
        self.retry = retry or RetryPolicy()
        self.limiters = tuple(limiters)
        self.status_actions = status_actions
        self.classifier = classifier
        self.client = build_client(
            base_url=base_url,
            timeout=timeout,
            transport=transport,
            headers=headers,
            params=params,
            auth=auth,
        )
        self._on_response = on_response
        self._sleep = sleep
        self._clock = clock

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        limiters: Sequence[Limiter] = (),
        record_level: bool = False,
    ) -> httpx.Response:
        """Send a request with limits and retries; return the OK response.

        Args:
            method: the HTTP method.
            url: relative to the base URL, or absolute (next-page links).
            params: query parameters added to the client's own.
            json: the JSON body, if any.
            data: a form body (``application/x-www-form-urlencoded``), e.g. an
                OAuth token request; not together with ``json``.
            headers: headers added to the client's own.
            limiters: extra limiters for this request only (e.g. a search bucket).
            record_level: the request writes one record, so a record-level 4xx is
                a :class:`RecordRejectedError`; otherwise a plain ``AdapterError``.

        Raises:
            TransientAdapterError: 5xx/timeouts/resets after the last attempt.
            RateLimitedError: 429 after the last attempt, or a too long Retry-After.
            AuthError: credentials or scopes refused.
            BudgetExhaustedError: the system's budget for the window is used up.
            RecordRejectedError: ``record_level`` and the system refused the record.
            AdapterError: any other refusal (wrong path, method, parameters).
        """

        def attempt() -> httpx.Response:
            return self._attempt(
                method,
                url,
                params=params,
                json=json,
                data=data,
                headers=headers,
                limiters=(*self.limiters, *limiters),
                record_level=record_level,
            )

        retrying = Retrying(
            stop=stop_after_attempt(self.retry.attempts),
            wait=self._wait,
            retry=retry_if_exception(self._should_retry),
            before_sleep=self._before_sleep,
            sleep=self._sleep,
            reraise=True,
        )
        return retrying(attempt)

    def close(self) -> None:
        """Close the pooled connections."""
        self.client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _attempt(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None,
        json: Any,
        data: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
        limiters: Sequence[Limiter],
        record_level: bool,
    ) -> httpx.Response:
        ambient = _RUN_LIMITERS.get() or {}
        for limiter in (*ambient.get(self.adapter, ()), *limiters):
            waited = limiter.acquire()
            if waited > 0:
                RATE_LIMIT_WAIT.labels(self.adapter).inc(waited)
        request = self.client.build_request(
            method, url, params=params, json=json, data=data, headers=headers
        )
        where = scrub(str(request.url.copy_with(query=None)))
        started = time.monotonic()
        try:
            response = self.client.send(request)
        except httpx.TransportError as exc:
            HTTP_REQUESTS.labels(self.adapter, "0").inc()
            log.warning(
                "http_attempt",
                adapter=self.adapter,
                method=method,
                url=where,
                error=scrub(repr(exc)),
            )
            raise TransientAdapterError(
                f"{self.adapter}: {method} {where} failed: {scrub(str(exc)) or exc!r}",
                hint="the system is unreachable or slow; the request is retried",
                context={"system": self.adapter, "url": where},
            ) from exc
        HTTP_REQUESTS.labels(self.adapter, str(response.status_code)).inc()
        log.debug(
            "http_attempt",
            adapter=self.adapter,
            method=method,
            url=where,
            status=response.status_code,
            elapsed_ms=round((time.monotonic() - started) * 1000, 1),
        )
        if self._on_response is not None:
            self._on_response(response)
        action = classify(response, self.status_actions, self.classifier)
        if action is Action.OK:
            return response
        if action is Action.REJECT_RECORD and not record_level:
            action = Action.FAIL
        self._raise(action, method, where, response)

    def _raise(
        self, action: Action, method: str, where: str, response: httpx.Response
    ) -> NoReturn:
        status = response.status_code
        body = scrub(response.text[:_BODY_LIMIT])
        message = f"{self.adapter}: {method} {where} answered {status}"
        context: dict[str, Any] = {"system": self.adapter, "status": status}
        retry_after = parse_retry_after(
            response.headers.get("Retry-After"), self._clock()
        )
        if retry_after is not None:
            context["retry_after"] = retry_after
        hint = _HINTS[action]
        kwargs: dict[str, Any] = {
            "hint": hint,
            "context": context,
            "status": status,
            "body": body,
        }
        if action is Action.RATE_LIMITED:
            raise RateLimitedError(message, retry_after=retry_after, **kwargs)
        error_class: type[AdapterError] = {
            Action.RETRY: TransientAdapterError,
            Action.AUTH: AuthError,
            Action.BUDGET: BudgetExhaustedError,
            Action.REJECT_RECORD: RecordRejectedError,
        }.get(action, AdapterError)
        raise error_class(message, **kwargs)

    def _should_retry(self, exc: BaseException) -> bool:
        if not isinstance(exc, Retriable):
            return False
        delay = _retry_after(exc)
        return delay is None or delay <= self.retry.max_retry_after

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        delay = _retry_after(exc) if exc is not None else None
        if delay is not None:
            return delay
        return self.retry.backoff(state.attempt_number)

    def _before_sleep(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        status = getattr(exc, "status", None)
        reason = str(status) if status else "connection"
        HTTP_RETRIES.labels(self.adapter, reason).inc()
        if exc is not None and _retry_after(exc) is not None:
            RATE_LIMIT_WAIT.labels(self.adapter).inc(wait)
        log.warning(
            "http_retry",
            adapter=self.adapter,
            attempt=state.attempt_number,
            of=self.retry.attempts,
            wait_seconds=round(wait, 3),
            reason=reason,
            error=str(exc),
        )


def _retry_after(exc: BaseException) -> float | None:
    if isinstance(exc, RateLimitedError) and exc.retry_after is not None:
        return exc.retry_after
    if isinstance(exc, AdapterError):
        value = exc.context.get("retry_after")
        return float(value) if value is not None else None
    return None
