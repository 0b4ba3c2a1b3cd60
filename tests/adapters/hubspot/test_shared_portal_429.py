"""429s from a portal whose window other integrations fill.

HubSpot's 10-second bucket is shared by every app of the customer: a 429 means
the portal's window is full, whatever this client counted. The adapter must wait
out whole windows, longer on repeats, and survive a burst with default settings.
"""

from __future__ import annotations

import itertools

import httpx
import pytest

from adapters.hubspot import HubSpotAdapter, HubSpotSettings
from adapters.hubspot.limits import classify_429
from connector.errors import RateLimitedError
from tests.adapters.hubspot.conftest import TOKEN
from tests.fakes.hubspot import FakeHubSpot

_BODY = {
    "status": "error",
    "message": "You have reached your ten_secondly_rolling limit.",
    "errorType": "RATE_LIMIT",
    "correlationId": "c0",
    "policyName": "TEN_SECONDLY_ROLLING",
}


class _Crowded(httpx.BaseTransport):
    """The next ``burst`` requests find the window full (no Retry-After)."""

    def __init__(self, fake: FakeHubSpot, clock, burst: int, interval_ms: int | None):
        self.inner, self.clock, self.burst = fake.transport(), clock, burst
        self.interval_ms = interval_ms
        self.refused_at: list[float] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.burst > 0:
            self.burst -= 1
            self.refused_at.append(self.clock.time())
            headers = {"X-HubSpot-RateLimit-Remaining": "0"}
            if self.interval_ms is not None:
                headers["X-HubSpot-RateLimit-Interval-Milliseconds"] = str(
                    self.interval_ms
                )
            return httpx.Response(429, json=_BODY, headers=headers)
        return self.inner.handle_request(request)


def _adapter(transport, clock, **options) -> HubSpotAdapter:
    settings = HubSpotSettings.model_validate(
        {"token": TOKEN, "lookback_seconds": 0, **options}
    )
    return HubSpotAdapter(
        "ma",
        settings,
        transport=transport,
        clock=clock.monotonic,
        sleep=clock.sleep,
        wall_clock=clock.time,
    )


def test_a_burst_of_six_429s_is_waited_out_with_default_settings(fake, clock):
    """Six 429s in a row cost waits of whole windows, then the read succeeds."""
    fake.seed("contacts", {"email": "a@example.co.jp"})
    clock.advance(1)
    transport = _Crowded(fake, clock, burst=6, interval_ms=10_000)
    adapter = _adapter(transport, clock)
    pages = list(adapter.pull("persons", None, full=True))
    assert sum(len(p.records) for p in pages) == 1
    gaps = [b - a for a, b in itertools.pairwise(transport.refused_at)]
    assert gaps[0] >= 10.0  # a whole window, not the client's own limiter's end
    assert all(later > earlier for earlier, later in itertools.pairwise(gaps))
    adapter.close()


def test_the_interval_header_sets_the_window(fake, clock):
    """A portal announcing a 2-second interval is waited 2 s, then 4 s."""
    fake.seed("contacts", {"email": "a@example.co.jp"})
    transport = _Crowded(fake, clock, burst=2, interval_ms=2_000)
    adapter = _adapter(transport, clock)
    list(adapter.pull("persons", None, full=True))
    gaps = [b - a for a, b in itertools.pairwise(transport.refused_at)]
    assert 2.0 <= gaps[0] < 3.0
    adapter.close()


def test_a_burst_longer_than_the_attempts_fails_the_run_clearly(fake, clock):
    """With fewer attempts than 429s, the run stops with a rate-limit error."""
    transport = _Crowded(fake, clock, burst=50, interval_ms=1_000)
    adapter = _adapter(transport, clock, limits={"max_attempts": 3})
    with pytest.raises(RateLimitedError):
        list(adapter.pull("persons", None, full=True))
    adapter.close()


def test_classify_grows_the_wait_with_each_429_in_a_row():
    """The n-th 429 in a row waits n windows; Retry-After and DAILY win."""
    headers = {"x-hubspot-ratelimit-interval-milliseconds": "10000"}
    waits = [
        classify_429(_BODY, headers, search=False, repeats=n).wait for n in (1, 2, 3)
    ]
    assert waits == [10.0, 20.0, 30.0]
    assert classify_429(_BODY, {"retry-after": "3"}, search=False).wait == 3.0
    assert classify_429({"policyName": "DAILY"}, {}, search=False).wait is None
    assert classify_429({}, {}, search=True, repeats=2).wait == 2.0
