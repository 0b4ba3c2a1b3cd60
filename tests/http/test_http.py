"""The shared HTTP layer: status table, retries, Retry-After, limiters, scrubbing."""

from __future__ import annotations

import threading
from email.utils import formatdate

import httpx
import pytest
from structlog.testing import capture_logs

import connector.http
from connector.errors import (
    AdapterError,
    AuthError,
    BudgetExhaustedError,
    RateLimitedError,
    RecordRejected,
    RecordRejectedError,
    TransientAdapterError,
)
from connector.http import (
    DEFAULT_STATUS_ACTIONS,
    Action,
    HttpClient,
    RateLimiter,
    RetryPolicy,
    classify,
    parse_retry_after,
)
from connector.logging import MASK, register_secret
from connector.metrics import REGISTRY
from tests.fakes.sfa import FakeClock


class Script:
    """A transport handler answering from a list of canned responses, in order."""

    def __init__(self, *responses: httpx.Response | Exception) -> None:
        self.responses = list(responses)
        self.calls: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request)
        item = self.responses.pop(0) if len(self.responses) > 1 else self.responses[0]
        if isinstance(item, Exception):
            raise item
        return item


def client(script: Script, clock: FakeClock, **kwargs: object) -> HttpClient:
    return HttpClient(
        "test-sys",
        base_url="https://api.test",
        transport=httpx.MockTransport(script),
        sleep=clock.sleep,
        clock=clock.time,
        retry=kwargs.pop("retry", RetryPolicy(attempts=4, backoff_base=1, jitter=0)),  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


def metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_public_api_is_pinned() -> None:
    """The names other adapters build on stay exported."""
    assert set(connector.http.__all__) == {
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
    }


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (200, Action.OK),
        (204, Action.OK),
        (401, Action.AUTH),
        (403, Action.AUTH),
        (404, Action.REJECT_RECORD),
        (422, Action.REJECT_RECORD),
        (429, Action.RATE_LIMITED),
        (408, Action.RETRY),
        (500, Action.RETRY),
        (501, Action.FAIL),
        (503, Action.RETRY),
        (600, Action.FAIL),
    ],
)
def test_default_table_maps_status_to_action(status: int, action: Action) -> None:
    """Exact codes win over ranges, and unknown codes fail without retry."""
    assert classify(httpx.Response(status)) is action


def test_classifier_sees_the_body_and_overrides_the_table() -> None:
    """Salesforce's 403 REQUEST_LIMIT_EXCEEDED can be a budget, other 403s stay auth."""

    def salesforce(response: httpx.Response) -> Action | None:
        return Action.BUDGET if b"REQUEST_LIMIT_EXCEEDED" in response.content else None

    limit = httpx.Response(403, json=[{"errorCode": "REQUEST_LIMIT_EXCEEDED"}])
    denied = httpx.Response(403, json=[{"errorCode": "INSUFFICIENT_ACCESS"}])
    assert classify(limit, DEFAULT_STATUS_ACTIONS, salesforce) is Action.BUDGET
    assert classify(denied, DEFAULT_STATUS_ACTIONS, salesforce) is Action.AUTH


def test_table_override_is_plain_data() -> None:
    """An adapter can pass its own table, e.g. treating 409 as a retry."""
    table = {**DEFAULT_STATUS_ACTIONS, 409: Action.RETRY}
    assert classify(httpx.Response(409), table) is Action.RETRY


def test_retry_after_parses_seconds_and_http_dates() -> None:
    """Delta-seconds and HTTP-dates both become seconds to wait; junk is ignored."""
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(formatdate(1_000_030, usegmt=True), now=1_000_000) == 30
    assert parse_retry_after(formatdate(999_000, usegmt=True), now=1_000_000) == 0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_backoff_doubles_is_capped_and_jittered() -> None:
    """Waits grow exponentially up to the cap plus at most the jitter."""
    policy = RetryPolicy(backoff_base=1, backoff_max=5, jitter=0.5)
    waits = [policy.backoff(n) for n in range(1, 6)]
    for wait, floor in zip(waits, [1, 2, 4, 5, 5], strict=True):
        assert floor <= wait <= floor + 0.5
    with pytest.raises(ValueError, match="attempts"):
        RetryPolicy(attempts=0)


def test_rate_limiter_holds_requests_beyond_the_window() -> None:
    """The third request in a 2-per-10s window waits until the first leaves it."""
    clock = FakeClock(0)
    limiter = RateLimiter(2, 10, clock=clock.time, sleep=clock.sleep)
    assert limiter.acquire() == 0
    clock.advance(3)
    assert limiter.acquire() == 0
    assert limiter.acquire() == pytest.approx(7)
    assert clock.now == pytest.approx(10)


def test_rate_limiter_is_thread_safe() -> None:
    """Many threads never get more sends into one window than allowed."""
    clock = FakeClock(0)
    lock = threading.Lock()

    def sleep(seconds: float) -> None:
        with lock:
            clock.sleep(seconds)

    limiter = RateLimiter(5, 1, clock=clock.time, sleep=sleep)
    stamps: list[float] = []

    def work() -> None:
        for _ in range(10):
            limiter.acquire()
            with lock:
                stamps.append(clock.now)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stamps.sort()
    assert len(stamps) == 40
    for i in range(len(stamps) - 5):
        assert stamps[i + 5] - stamps[i] >= 1 - 1e-9


def test_5xx_is_retried_with_backoff_then_succeeds() -> None:
    """Two 503s are retried with growing waits and counted; the 200 is returned."""
    clock = FakeClock()
    before = metric("connector_http_retries_total", adapter="test-sys", reason="503")
    script = Script(
        httpx.Response(503), httpx.Response(503), httpx.Response(200, json=[1])
    )
    response = client(script, clock).request("GET", "/x")
    assert response.json() == [1]
    assert clock.sleeps == [1, 2]
    after = metric("connector_http_retries_total", adapter="test-sys", reason="503")
    assert after - before == 2


def test_429_honours_retry_after_and_counts_the_wait() -> None:
    """A 429 with Retry-After: 3 waits exactly 3 seconds, recorded as limiter wait."""
    clock = FakeClock()
    before = metric("connector_rate_limit_wait_seconds_total", adapter="test-sys")
    script = Script(
        httpx.Response(429, headers={"Retry-After": "3"}), httpx.Response(200)
    )
    client(script, clock).request("GET", "/x")
    assert clock.sleeps == [3]
    after = metric("connector_rate_limit_wait_seconds_total", adapter="test-sys")
    assert after - before == pytest.approx(3)


def test_exhausted_retries_raise_the_last_error() -> None:
    """After the last attempt the retriable error itself surfaces, with status."""
    clock = FakeClock()
    script = Script(httpx.Response(429, headers={"Retry-After": "1"}, text="slow down"))
    with pytest.raises(RateLimitedError) as caught:
        client(script, clock).request("GET", "/x")
    assert len(script.calls) == 4
    assert caught.value.retry_after == 1
    assert caught.value.body == "slow down"


def test_too_long_retry_after_is_not_slept_through() -> None:
    """A Retry-After beyond max_retry_after raises at once instead of blocking."""
    clock = FakeClock()
    script = Script(httpx.Response(503, headers={"Retry-After": "3600"}))
    with pytest.raises(TransientAdapterError) as caught:
        client(script, clock).request("GET", "/x")
    assert len(script.calls) == 1
    assert clock.sleeps == []
    assert caught.value.context["retry_after"] == 3600


def test_connection_errors_are_retried_as_transient() -> None:
    """A reset connection is retried; if it persists it is a TransientAdapterError."""
    clock = FakeClock()
    script = Script(httpx.ConnectError("reset by peer"))
    with pytest.raises(TransientAdapterError, match="reset by peer"):
        client(script, clock).request("GET", "/x")
    assert len(script.calls) == 4


@pytest.mark.parametrize(
    ("status", "record_level", "error"),
    [
        (400, True, RecordRejectedError),
        (422, True, RecordRejectedError),
        (404, False, AdapterError),
        (401, True, AuthError),
        (403, False, AuthError),
    ],
)
def test_other_4xx_are_not_retried(
    status: int, record_level: bool, error: type[Exception]
) -> None:
    """Non-retriable 4xx raise after one request; record-level ones are rejections."""
    clock = FakeClock()
    script = Script(httpx.Response(status, json={"error": "no"}))
    with pytest.raises(error) as caught:
        client(script, clock).request("POST", "/x", json={}, record_level=record_level)
    assert len(script.calls) == 1
    assert isinstance(caught.value, RecordRejected) == (error is RecordRejectedError)
    assert caught.value.status == status  # type: ignore[attr-defined]


def test_classifier_turns_a_403_into_budget_exhausted() -> None:
    """The adapter's classifier decides before the table, without retrying."""
    clock = FakeClock()
    script = Script(httpx.Response(403, json=[{"errorCode": "REQUEST_LIMIT_EXCEEDED"}]))
    http = client(
        script,
        clock,
        classifier=lambda r: Action.BUDGET if b"LIMIT_EXCEEDED" in r.content else None,
    )
    with pytest.raises(BudgetExhaustedError):
        http.request("GET", "/x")
    assert len(script.calls) == 1


def test_secrets_are_scrubbed_from_error_bodies_and_urls() -> None:
    """A registered secret echoed by the server never reaches the error text."""
    secret = "sk-live-echoed-0001"
    register_secret(secret)
    clock = FakeClock()
    script = Script(httpx.Response(400, text=f"bad key {secret}"))
    with pytest.raises(AdapterError) as caught:
        client(script, clock, params={"api_key": secret}).request("GET", "/x")
    assert secret not in caught.value.body  # type: ignore[operator]
    assert MASK in caught.value.body  # type: ignore[operator]
    assert secret not in caught.value.one_line()


def test_every_attempt_is_logged_and_the_hook_sees_headers() -> None:
    """Each attempt logs an event, and on_response observes every response."""
    clock = FakeClock()
    seen: list[str] = []
    script = Script(
        httpx.Response(502, headers={"X-Remaining": "9"}),
        httpx.Response(200, headers={"X-Remaining": "8"}),
    )
    http = client(
        script, clock, on_response=lambda r: seen.append(r.headers["X-Remaining"])
    )
    with capture_logs() as logs:
        http.request("GET", "/x")
    assert seen == ["9", "8"]
    events = [e["event"] for e in logs]
    assert events == ["http_attempt", "http_retry", "http_attempt"]
    assert logs[1]["reason"] == "502"


def test_limiters_of_the_client_and_of_the_call_all_apply() -> None:
    """A per-call limiter (search bucket) adds to the client's own limiter."""
    clock = FakeClock(0)
    general = RateLimiter(10, 1, clock=clock.time, sleep=clock.sleep)
    search = RateLimiter(1, 1, clock=clock.time, sleep=clock.sleep)
    script = Script(httpx.Response(200))
    http = client(script, clock, limiters=[general])
    http.request("GET", "/a", limiters=[search])
    http.request("GET", "/a", limiters=[search])
    http.request("GET", "/b")
    assert clock.now == pytest.approx(1)
    assert len(script.calls) == 3
