"""The org's API allocation: 403 stops with a checkpoint, the reserve, bursts."""

from __future__ import annotations

import pytest

from adapters.salesforce.limits import parse_limit_info
from connector.errors import BudgetExhaustedError, RequestLimitExceededError
from tests.adapters.salesforce.conftest import seed_leads


def test_request_limit_exceeded_stops_the_run_after_the_last_full_page(
    fake, clock, build
):
    """403 REQUEST_LIMIT_EXCEEDED stops with a retry time and no new login.

    The cursor of the last complete page resumes without loss or repeat.
    """
    adapter = build(limits={"reserve": 0})
    ids = seed_leads(fake, 250, at=clock.time())
    clock.advance(1)
    pages = adapter.pull("persons", None)
    first = next(pages)
    logins = adapter.client.tokens.fetches
    fake.use_api(fake.options.daily_api_limit)  # the org's other integrations
    with pytest.raises(RequestLimitExceededError) as caught:
        next(pages)
    error = caught.value
    assert isinstance(error, BudgetExhaustedError)  # the runner stops cleanly
    assert "retry after 2026-05-01 01:00 UTC" in (error.hint or "")
    assert "Re-authenticating does not help" in (error.hint or "")
    assert error.context["retry_at"].startswith("2026-05-01T01:00:01")
    assert adapter.client.tokens.fetches == logins
    assert fake.statuses(403) == 1  # never retried
    clock.advance(86_401)  # the rolling 24 h moved on
    rest = [r.id for p in adapter.pull("persons", first.cursor) for r in p.records]
    kept = [r.id for r in first.records]
    assert set(rest).isdisjoint(kept)
    assert sorted(rest + kept) == sorted(ids)


def test_the_run_stops_before_the_reserve_of_the_org_allocation(fake, clock, build):
    """Sforce-Limit-Info past 1 - reserve stops the run before Salesforce refuses."""
    adapter = build(limits={"reserve": 0.2})
    seed_leads(fake, 250, at=clock.time())
    clock.advance(1)
    pages = adapter.pull("persons", None)
    next(pages)
    fake.use_api(80_000)
    next(pages)  # this answer reports the usage
    with pytest.raises(BudgetExhaustedError, match="nearly used up") as caught:
        next(pages)
    assert not isinstance(caught.value, RequestLimitExceededError)
    assert fake.statuses(403) == 0
    assert adapter.client.budget.usage is not None
    assert adapter.client.budget.usage.limit == 100_000


def test_concurrent_request_limit_is_waited_out(fake, clock, adapter):
    """The ConcurrentRequests variant of REQUEST_LIMIT_EXCEEDED is retried."""
    seed_leads(fake, 2)
    clock.advance(1)
    fake.inject("concurrency", path=r"/queryAll", times=2)
    records = [r for p in adapter.pull("persons", None) for r in p.records]
    assert len(records) == 2
    assert fake.statuses(403) == 2
    assert clock.slept > 0


def test_limit_info_header_is_parsed():
    """api-usage=used/limit is read; other parts of the header are ignored."""
    usage = parse_limit_info(
        {"sforce-limit-info": "api-usage=10018/100000; per-app-api-usage=17/250"}
    )
    assert usage is not None
    assert (usage.used, usage.limit) == (10018, 100000)
    assert parse_limit_info({}) is None
