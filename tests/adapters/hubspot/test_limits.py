"""Client-side limits, 429 policies, daily budget, retries and token hygiene."""

from __future__ import annotations

import httpx
import pytest
from structlog.testing import capture_logs

from adapters.hubspot.limits import SlidingWindowLimiter
from adapters.protocol import WriteOp
from connector.errors import AuthError, BudgetExhaustedError, TransientAdapterError
from tests.adapters.hubspot.conftest import TOKEN
from tests.fakes.hubspot import FakeHubSpot


def _ops(n):
    return [
        WriteOp(f"k{i}", {"email": f"l{i}@example.com"}, match_field="email")
        for i in range(n)
    ]


def test_burst_limiter_keeps_under_the_10_second_bucket(clock, make_adapter):
    """250 requests against a 100-per-10-s portal get no 429 and take >= 20 s."""
    fake = FakeHubSpot(token=TOKEN, clock=clock, burst_limit=100)
    adapter = make_adapter(fake, limits={"burst_per_10s": 100})
    start = clock.time()
    adapter.push(
        "persons", [WriteOp(f"k{i}", {"firstname": "x"}) for i in range(25_000)]
    )
    assert fake.statuses(429) == 0
    assert len(fake.log) == 250
    assert clock.time() - start >= 20


def test_search_limiter_keeps_under_5_per_second(clock, make_adapter):
    """Many small search pages stay within 5 per second and carry no rate headers."""
    fake = FakeHubSpot(token=TOKEN, clock=clock)
    adapter = make_adapter(fake, search_page_size=1, lookback_seconds=0)
    for i in range(30):
        fake.seed(
            "contacts", {"email": f"s{i}@example.com"}, at_ms=1_777_000_000_000 + i
        )
    pages = list(adapter.pull("persons", None))
    assert sum(len(p.records) for p in pages) == 30
    assert fake.statuses(429) == 0
    searches = [e.at for e in fake.log if e.search]
    assert all(b - a >= 0.999 for a, b in zip(searches, searches[5:], strict=False))


def test_burst_429_waits_to_the_end_of_the_window(clock, make_adapter):
    """A TEN_SECONDLY_ROLLING 429 without Retry-After is retried after the window."""
    fake = FakeHubSpot(token=TOKEN, clock=clock, burst_limit=10)
    adapter = make_adapter(fake, limits={"burst_per_10s": 50})
    result = adapter.push(
        "persons", [WriteOp(f"k{i}", {"firstname": "x"}) for i in range(1500)]
    )
    assert len(result.succeeded) == 1500
    assert fake.statuses(429) >= 1
    assert clock.slept >= 10


def test_retry_after_is_honoured(clock, make_adapter):
    """When HubSpot sends Retry-After, the client waits exactly that long."""
    fake = FakeHubSpot(token=TOKEN, clock=clock, burst_limit=1, retry_after=True)
    adapter = make_adapter(fake, limits={"burst_per_10s": 50})
    adapter.push("persons", [WriteOp("a", {"firstname": "x"})])
    before = clock.slept
    adapter.push("persons", [WriteOp("b", {"firstname": "y"})])
    assert fake.statuses(429) == 1
    assert clock.slept - before == pytest.approx(10, abs=0.01)


def test_daily_budget_stops_before_the_reserve(clock, make_adapter):
    """The run stops with BudgetExhaustedError once remaining reaches the reserve."""
    fake = FakeHubSpot(token=TOKEN, clock=clock, daily_limit=20)
    adapter = make_adapter(fake, limits={"daily_reserve": 15})
    for i in range(5):
        adapter.push("persons", [WriteOp(f"k{i}", {"firstname": "x"})])
    with pytest.raises(BudgetExhaustedError, match="daily API budget"):
        adapter.push("persons", [WriteOp("last", {"firstname": "x"})])
    assert fake.daily.remaining(clock.time()) == 15
    assert fake.statuses(429) == 0


def test_daily_429_stops_the_run(clock, make_adapter):
    """A DAILY 429 is not retried: the run stops until the reset."""
    # Other integrations used up the day; search sends no budget headers.
    fake = FakeHubSpot(token=TOKEN, clock=clock, daily_limit=0)
    adapter = make_adapter(fake, limits={"daily_reserve": 0})
    with pytest.raises(BudgetExhaustedError, match="429 DAILY"):
        list(adapter.pull("persons", None))
    assert len(fake.log) == 1


class _Flaky(httpx.BaseTransport):
    def __init__(self, inner, failures):
        self.inner = inner
        self.failures = list(failures)

    def handle_request(self, request):
        if self.failures:
            kind = self.failures.pop(0)
            if kind == "connect":
                raise httpx.ConnectError("reset", request=request)
            return httpx.Response(kind, request=request)
        return self.inner.handle_request(request)


def test_5xx_and_connection_errors_are_retried_with_backoff(clock, fake):
    """502, a reset and 503 are retried with growing waits, then the call succeeds."""
    from adapters.hubspot import HubSpotAdapter, HubSpotSettings

    transport = _Flaky(fake.transport(), [502, "connect", 503])
    adapter = HubSpotAdapter(
        "ma",
        HubSpotSettings(token=TOKEN),
        transport=transport,
        clock=clock.monotonic,
        sleep=clock.sleep,
    )
    result = adapter.push("persons", _ops(1))
    assert result.outcomes[0].ok
    assert clock.slept > 0.5 + 1 + 2 - 1.75  # three jittered waits (>= half each)
    adapter.close()


def test_persistent_5xx_raises_transient_error(clock, fake):
    """After max_attempts 5xx answers the call fails as a retriable error."""
    from adapters.hubspot import HubSpotAdapter, HubSpotSettings

    transport = _Flaky(fake.transport(), [500] * 3)
    adapter = HubSpotAdapter(
        "ma",
        HubSpotSettings(token=TOKEN, limits={"max_attempts": 3}),
        transport=transport,
        clock=clock.monotonic,
        sleep=clock.sleep,
    )
    with pytest.raises(TransientAdapterError):
        adapter.push("persons", _ops(1))
    adapter.close()


def test_bad_token_is_an_auth_error_and_never_logged(clock, make_adapter):
    """A refused token raises AuthError; neither token appears in logs or the error."""
    fake = FakeHubSpot(token="pat-na1-the-real-one", clock=clock, burst_limit=1)
    adapter = make_adapter(fake)
    with capture_logs() as logs, pytest.raises(AuthError) as info:
        adapter.push("persons", _ops(1))
    assert TOKEN not in str(info.value.one_line())
    assert TOKEN not in repr(logs)


def test_rate_limit_retries_log_without_the_token(clock, make_adapter):
    """Retry logs name the policy and path but never the bearer token."""
    fake = FakeHubSpot(token=TOKEN, clock=clock, burst_limit=1)
    adapter = make_adapter(fake, limits={"burst_per_10s": 50})
    with capture_logs() as logs:
        adapter.push("persons", _ops(1))
        adapter.push("persons", _ops(1))
    assert any(e["event"] == "http_retry" and e["reason"] == "429" for e in logs)
    assert TOKEN not in repr(logs)


def test_a_slot_frees_one_window_after_the_response_not_the_send(clock):
    """Send at 0, answered at 3: with 2 per 10 s the third send waits until 13."""
    limiter = SlidingWindowLimiter(2, 10.0, clock.monotonic, clock.sleep)
    start = clock.monotonic()
    limiter.acquire()
    clock.advance(3.0)  # the request's round trip
    limiter.release()
    limiter.acquire()
    limiter.release()
    waited = limiter.acquire()
    assert clock.monotonic() - start == 13.0
    assert waited == 10.0


def test_an_attempt_without_response_frees_its_slot_at_the_next_attempt(clock):
    """A thread that acquires again (a retry) ends its previous attempt first."""
    limiter = SlidingWindowLimiter(1, 10.0, clock.monotonic, clock.sleep)
    limiter.acquire()
    clock.advance(1.0)
    waited = limiter.acquire()  # no release: the connection failed
    assert waited == 10.0
