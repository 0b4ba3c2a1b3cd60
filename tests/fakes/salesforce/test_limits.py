"""§1, §11: API budget, Sforce-Limit-Info, concurrency, URI limits, faults."""

from __future__ import annotations

import httpx
import pytest

from tests.fakes.hubspot.clock import FakeClock
from tests.fakes.salesforce import FakeSalesforce, Fault
from tests.fakes.salesforce.testkit import api_client, query

LIMIT_BODY = [
    {"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}
]


def test_budget_exhausted_gives_403_request_limit_exceeded(clock: FakeClock) -> None:
    """Past the daily allocation every call is 403 REQUEST_LIMIT_EXCEEDED (§11)."""
    fake = FakeSalesforce(clock=clock, daily_api_limit=3)
    with api_client(fake) as api:
        statuses = [api.get("/limits").status_code for _ in range(4)]
        refused = api.get("/sobjects")
    assert statuses == [200, 200, 200, 403]
    assert refused.json() == LIMIT_BODY
    assert refused.headers["sforce-limit-info"] == "api-usage=3/3"


def test_budget_is_a_rolling_24_hours(clock: FakeClock) -> None:
    """Calls leave the window 24 h after they were made."""
    fake = FakeSalesforce(clock=clock, daily_api_limit=2, session_seconds=3 * 86_400)
    with api_client(fake) as api:
        api.get("/limits")
        clock.advance(12 * 3600)
        api.get("/limits")
        assert api.get("/limits").status_code == 403
        clock.advance(12 * 3600)
        assert api.get("/limits").status_code == 200
        assert api.get("/limits").status_code == 403


def test_other_integrations_share_the_budget(fake: FakeSalesforce) -> None:
    """The allocation is org-wide: use_api() spends it for other clients (§11)."""
    fake.use_api(99_999)
    with api_client(fake) as api:
        ok = api.get("/limits")
        assert ok.headers["sforce-limit-info"] == "api-usage=100000/100000"
        assert ok.json()["DailyApiRequests"] == {"Max": 100000, "Remaining": 0}
        assert api.get("/limits").status_code == 403


def test_token_endpoint_and_versions_are_not_counted(fake: FakeSalesforce) -> None:
    """Logging in and listing versions spend nothing."""
    with api_client(fake) as api:
        api.get("https://fake-org.my.salesforce.com/services/data/")
        assert api.get("/limits").headers["sforce-limit-info"] == "api-usage=1/100000"


def test_long_running_cap_refuses_new_requests(fake: FakeSalesforce) -> None:
    """With 25 requests running >= 20 s, the next is refused (§11)."""
    with api_client(fake) as api:
        fake.hold_long_running(25)
        refused = api.get("/limits")
        fake.hold_long_running(24)
        ok = api.get("/limits")
    assert refused.status_code == 403
    assert refused.json() == [
        {
            "message": "ConcurrentRequests (Concurrent API Requests) Limit exceeded.",
            "errorCode": "REQUEST_LIMIT_EXCEEDED",
        }
    ]
    assert ok.status_code == 200


def test_uri_over_16384_bytes_is_414_and_with_headers_431(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """URI alone too long: 414; URI plus headers too long: 431 (§1)."""
    long_where = " OR ".join(f"LastName = 'n{i:05d}'" for i in range(800))
    assert query(api, f"SELECT Id FROM Lead WHERE {long_where}").status_code == 414  # noqa: S608 - test SOQL
    padding = {"X-Padding": "p" * 9000}
    short_where = " OR ".join(f"LastName = 'n{i:05d}'" for i in range(300))
    response = query(api, f"SELECT Id FROM Lead WHERE {short_where}", headers=padding)  # noqa: S608 - test SOQL
    assert response.status_code == 431


def test_injected_5xx_then_recovery(fake: FakeSalesforce, api: httpx.Client) -> None:
    """inject("error") answers 500/503 bodies for the matching requests only."""
    fake.inject("error", status=503, times=2, path=r"/query")
    first = query(api, "SELECT Id FROM Lead")
    assert first.status_code == 503
    assert first.json()[0]["errorCode"] == "SERVER_UNAVAILABLE"
    assert api.get("/limits").status_code == 200
    assert query(api, "SELECT Id FROM Lead").status_code == 503
    assert query(api, "SELECT Id FROM Lead").status_code == 200
    fake.inject("error", status=500)
    assert api.get("/limits").json()[0]["errorCode"] == "UNKNOWN_EXCEPTION"


def test_dropped_request_is_not_served(fake: FakeSalesforce, api: httpx.Client) -> None:
    """drop: the connection closes before Salesforce sees the request."""
    fake.inject("drop", method="POST")
    with pytest.raises(httpx.RemoteProtocolError):
        api.post("/sobjects/Lead", json={"LastName": "L", "Company": "C"})
    assert fake.records("Lead") == []


def test_dropped_answer_after_commit_duplicates_a_retried_create(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """drop_after: the write happened, the answer is lost; a blind retry duplicates."""
    fake.inject("drop_after", method="POST")
    body = {"LastName": "L", "Company": "C"}
    with pytest.raises(httpx.RemoteProtocolError):
        api.post("/sobjects/Lead", json=body)
    assert api.post("/sobjects/Lead", json=body).status_code == 201
    assert len(fake.records("Lead")) == 2


def test_concurrency_burst_and_latency(clock: FakeClock) -> None:
    """A 403 concurrency burst, and latency that advances the shared clock."""
    fake = FakeSalesforce(clock=clock, latency=0.5)
    with api_client(fake) as api:
        fake.inject("concurrency")
        assert api.get("/limits").json()[0]["errorCode"] == "REQUEST_LIMIT_EXCEEDED"
        before = clock.time()
        api.get("/limits")
        fake.inject("latency", seconds=30)
        api.get("/limits")
    assert clock.time() - before == pytest.approx(31.0)


def test_random_faults_are_seeded(fake: FakeSalesforce, api: httpx.Client) -> None:
    """faults_at_random hits a reproducible share of requests."""
    fake.faults_at_random(0.3, [Fault("error", status=500)], seed=7)
    first = [api.get("/limits").status_code for _ in range(40)]
    other = FakeSalesforce()
    with api_client(other) as api2:
        other.faults_at_random(0.3, [Fault("error", status=500)], seed=7)
        second = [api2.get("/limits").status_code for _ in range(40)]
    assert first == second
    assert 5 <= first.count(500) <= 20
