"""Request budgets: windows, ceilings per mode, persisted counts, the HTTP hook."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select

from connector.budget import BudgetRule, RequestBudget, parse_window
from connector.config import BudgetSettings, load_settings
from connector.errors import BudgetExhaustedError, ConfigError
from connector.http import HttpClient, RetryPolicy, run_limiters
from connector.store import StateStore
from connector.store.budgets import used_requests
from connector.store.schema import request_budgets

NOON = datetime(2026, 5, 1, 3, 0, tzinfo=UTC)  # 12:00 in Tokyo


class Clock:
    """Wall time that moves only when told to."""

    def __init__(self, now: datetime = NOON) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def rule(requests: int = 100, **kwargs: object) -> BudgetRule:
    settings = BudgetSettings.model_validate({"requests": requests, **kwargs})
    return BudgetRule.from_settings("sfa", settings)


def send(budget: RequestBudget, count: int) -> int:
    """Acquire up to ``count`` times; return how many were allowed."""
    for done in range(count):
        try:
            budget.acquire()
        except BudgetExhaustedError:
            return done
    return count


def rows(store: StateStore) -> list[tuple[str, datetime, int]]:
    with store.read() as conn:
        result = conn.execute(
            select(
                request_budgets.c.system,
                request_budgets.c.window_start,
                request_budgets.c.used,
            )
        )
        return [(s, w, u) for s, w, u in result]


def test_parse_window_reads_units_and_refuses_nonsense() -> None:
    """Durations take s, m, h or d; anything else names the expected form."""
    assert parse_window("1d") == timedelta(days=1)
    assert parse_window("90m") == timedelta(minutes=90)
    assert parse_window(" 12h ") == timedelta(hours=12)
    for bad in ("0d", "1w", "day", "", "1.5h"):
        with pytest.raises(ValueError, match=re.escape('e.g. "1d"')):
            parse_window(bad)


def test_backfill_ceiling_keeps_the_regular_flows_share() -> None:
    """Sync runs may use all but the reserve; backfills also leave their own share."""
    budget = rule(10_000, reserve=0.2, backfill_reserve=0.3)
    assert budget.ceiling("sync") == 8_000
    assert budget.ceiling("backfill") == 5_000
    assert rule(7, reserve=0.0, backfill_reserve=0.0).ceiling("backfill") == 7


def test_daily_windows_start_at_midnight_in_the_configured_zone() -> None:
    """A daily window in Asia/Tokyo starts at 15:00 UTC the day before."""
    tokyo = rule(timezone="Asia/Tokyo")
    late = datetime(2026, 5, 1, 16, 30, tzinfo=UTC)  # 01:30 on 2 May in Tokyo
    assert tokyo.window_start(late) == datetime(2026, 5, 1, 15, 0, tzinfo=UTC)
    assert tokyo.window_start(NOON) == datetime(2026, 4, 30, 15, 0, tzinfo=UTC)
    six = rule(window="6h", timezone="Asia/Tokyo")
    start = six.window_start(late).astimezone(ZoneInfo("Asia/Tokyo"))
    assert (start.day, start.hour) == (2, 0)
    assert six.window_start(NOON).astimezone(ZoneInfo("Asia/Tokyo")).hour == 12


def test_config_refuses_shares_that_leave_nothing(tmp_path: Path) -> None:
    """Bad budget keys fail config loading with the key and the reason."""
    config = tmp_path / "config.toml"
    config.write_text(
        '[ma]\nadapter = "csv"\n[sfa]\nadapter = "csv"\n'
        "[budgets.sfa]\nrequests = 100\nreserve = 0.6\nbackfill_reserve = 0.5\n"
        '[budgets.ma]\nrequests = 100\nwindow = "1week"\ntimezone = "Mars/Base"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    problems = "\n".join(caught.value.problems)
    assert "budgets.sfa" in problems
    assert "below 1" in problems
    assert "budgets.ma.window" in problems
    assert "budgets.ma.timezone" in problems


def test_count_survives_a_restart(store: StateStore) -> None:
    """A second process on the same store continues the count and stops at the cap."""
    clock = Clock()
    first = RequestBudget(store, rule(25), "sync", clock=clock, block=4)
    assert send(first, 13) == 13
    first.close()
    restarted = StateStore(store.url)
    try:
        second = RequestBudget(restarted, rule(25), "sync", clock=clock, block=4)
        assert send(second, 100) == 20 - 13  # ceiling: 25 * (1 - 0.2)
        second.close()
        with restarted.read() as conn:
            window = rule(25).window_start(clock())
            assert used_requests(conn, "sfa", window) == 20
    finally:
        restarted.close()


def test_a_killed_run_overcounts_by_less_than_one_block(store: StateStore) -> None:
    """Without close() (SIGKILL) the stored count errs high by under one block."""
    clock = Clock()
    budget = RequestBudget(store, rule(1000), "sync", clock=clock, block=10)
    send(budget, 23)
    [(_, _, used)] = rows(store)
    assert 23 <= used < 23 + 10


def test_a_new_window_starts_from_zero_and_drops_the_old_row(
    store: StateStore,
) -> None:
    """The next day's window allows requests again; yesterday's row is removed."""
    clock = Clock()
    budget = RequestBudget(store, rule(10), "sync", clock=clock, block=3)
    assert send(budget, 50) == 8
    assert budget.exhausted is not None
    assert "resets at 2026-05-02 00:00 UTC" in (budget.exhausted.hint or "")
    clock.now += timedelta(days=1)
    assert send(budget, 5) == 5
    budget.close()
    [(_, window, used)] = rows(store)
    assert (window, used) == (datetime(2026, 5, 2, tzinfo=UTC), 5)


def test_sync_runs_may_use_what_a_backfill_left(store: StateStore) -> None:
    """After a backfill meets its ceiling, a sync run in the same window goes on."""
    clock = Clock()
    backfill = RequestBudget(store, rule(100), "backfill", clock=clock)
    assert send(backfill, 1000) == 50
    backfill.close()
    sync = RequestBudget(store, rule(100), "sync", clock=clock)
    assert send(sync, 1000) == 30
    sync.close()
    message = str(backfill.exhausted)
    assert "50 of 100 requests" in message
    assert "20% kept for other integrations and 30% for the regular flows" in message


def test_replicas_sharing_a_store_never_pass_the_ceiling(store: StateStore) -> None:
    """Two interleaved budgets on one store stop together at the shared ceiling."""
    clock = Clock()
    make: Callable[[], RequestBudget] = lambda: RequestBudget(  # noqa: E731
        store, rule(40, reserve=0.0), "sync", clock=clock, block=7
    )
    one, two = make(), make()
    allowed = 0
    for _ in range(30):
        allowed += send(one, 1) + send(two, 1)
    one.close()
    two.close()
    assert allowed == 40
    assert rows(store)[0][2] == 40


def test_a_dry_run_reads_the_count_and_writes_nothing(store: StateStore) -> None:
    """persist=False stops at the ceiling from the stored count, leaving it as is."""
    clock = Clock()
    real = RequestBudget(store, rule(10), "sync", clock=clock)
    send(real, 6)
    real.close()
    before = rows(store)
    dry = RequestBudget(store, rule(10), "sync", clock=clock, persist=False)
    assert send(dry, 10) == 2
    dry.close()
    assert rows(store) == before


def test_run_limiters_count_only_the_named_system_inside_the_block(
    store: StateStore,
) -> None:
    """The HTTP hook applies a budget to its system's requests, in its context only."""
    client = HttpClient(
        "sfa",
        base_url="https://sfa.test",
        transport=httpx.MockTransport(lambda _r: httpx.Response(200, json={})),
        retry=RetryPolicy(attempts=1),
    )
    other = HttpClient(
        "ma",
        base_url="https://ma.test",
        transport=httpx.MockTransport(lambda _r: httpx.Response(200, json={})),
    )
    budget = RequestBudget(store, rule(3, reserve=0.0), "sync", clock=Clock())
    with run_limiters({"sfa": [budget]}):
        for _ in range(3):
            client.request("GET", "/x")
        other.request("GET", "/y")
        with pytest.raises(BudgetExhaustedError, match="sfa API budget"):
            client.request("GET", "/x")
    client.request("GET", "/x")  # outside the run: not counted
    assert budget.sent == 3
