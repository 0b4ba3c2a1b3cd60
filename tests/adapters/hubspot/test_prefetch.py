"""Reading pages ahead: one page ahead, in order, and a clean stop on any exit."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from adapters.hubspot.read_ahead import read_ahead
from connector.errors import AuthError
from tests.fakes.hubspot import FakeHubSpot, RealClock
from tests.flows.harness import Wired, WiredApp, make_project, seed_contacts


def _threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("hubspot-read")]


def _lists(fake: FakeHubSpot) -> int:
    return sum(1 for e in fake.log if e.method == "GET")


def _wait_for(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


class _FailOn(httpx.BaseTransport):
    """The fake, except that the n-th list request is answered 403."""

    def __init__(self, fake: FakeHubSpot, n: int) -> None:
        self._fake = fake
        self._n = n
        self.lists = 0

    def transport(self) -> httpx.BaseTransport:
        """What the adapter fixture plugs in."""
        return self

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            self.lists += 1
            if self.lists == self._n:
                return httpx.Response(
                    403,
                    json={"status": "error", "message": "no", "category": "MISSING"},
                )
        return self._fake.handle(request)


def test_the_pull_reads_exactly_one_page_ahead(fake, make_adapter):
    """While the caller holds page 1, page 2 is fetched and page 3 is not."""
    for i in range(500):
        fake.seed("contacts", {"email": f"a{i}@example.com"})
    adapter = make_adapter(fake, lookback_seconds=0, read_ahead_pages=1)
    pages = adapter.pull("persons", None, full=True)
    first = next(pages)
    assert len(first.records) == 100
    assert _wait_for(lambda: _lists(fake) == 2)
    time.sleep(0.2)  # room for a wrong third request to show up
    assert _lists(fake) == 2
    pages.close()  # type: ignore[attr-defined]
    assert _threads() == []


def test_without_read_ahead_a_page_is_fetched_only_when_asked(fake, make_adapter):
    """read_ahead_pages = 0: no thread, and the next page waits for the caller."""
    for i in range(300):
        fake.seed("contacts", {"email": f"z{i}@example.com"})
    adapter = make_adapter(fake, lookback_seconds=0, read_ahead_pages=0)
    pages = adapter.pull("persons", None, full=True)
    next(pages)
    assert _threads() == []
    time.sleep(0.1)
    assert _lists(fake) == 1
    pages.close()  # type: ignore[attr-defined]


def test_an_error_mid_pull_comes_after_the_pages_before_it(fake, make_adapter):
    """A 403 on the third page: pages 1 and 2 arrive, then the error; no thread."""
    for i in range(500):
        fake.seed("contacts", {"email": f"b{i}@example.com"})
    adapter = make_adapter(_FailOn(fake, 3), lookback_seconds=0)
    pages = adapter.pull("persons", None, full=True)
    got = [len(next(pages).records), len(next(pages).records)]
    with pytest.raises(AuthError):
        next(pages)
    assert got == [100, 100]
    assert _wait_for(lambda: _threads() == [])


def test_an_error_while_the_caller_maps_a_page_stops_reading(fake, make_adapter):
    """The caller fails on page 1: the iterator closes, the reader sends no more."""
    for i in range(800):
        fake.seed("contacts", {"email": f"c{i}@example.com"})
    adapter = make_adapter(fake, lookback_seconds=0)

    def consume() -> None:
        pages = adapter.pull("persons", None, full=True)
        try:
            for _ in pages:
                raise ValueError("mapping failed")
        finally:
            pages.close()  # type: ignore[attr-defined]

    with pytest.raises(ValueError, match="mapping failed"):
        consume()
    assert _threads() == []
    sent = _lists(fake)
    time.sleep(0.2)
    assert _lists(fake) == sent <= 2


def test_producers_come_out_in_order_and_an_error_after_their_items():
    """Three producers run at once; items keep producer order, then the error."""
    started = threading.Barrier(3, timeout=5)

    def produce(n: int, fail: bool = False) -> Iterator[int]:
        started.wait()  # all three run at the same time
        yield n * 10
        yield n * 10 + 1
        if fail:
            raise RuntimeError(f"producer {n}")

    producers = [lambda: produce(0), lambda: produce(1, True), lambda: produce(2)]
    out: list[int] = []
    with pytest.raises(RuntimeError, match="producer 1"):
        out.extend(read_ahead(producers, depth=1))
    assert out == [0, 1, 10, 11]
    assert _wait_for(lambda: _threads() == [])


def test_several_searches_are_in_flight_during_a_catch_up(make_adapter):
    """A catch-up of several search pages keeps more than one search in flight."""
    fake = FakeHubSpot(
        token="pat-na1-11111111-2222-3333-4444-555555555555",
        clock=RealClock(),
        latency=0.15,
    )
    base = int(time.time() * 1000) - 600_000
    ids = {
        fake.seed("contacts", {"email": f"s{i}@example.com"}, at_ms=base + i * 500)
        for i in range(1_000)
    }
    adapter = HubSpotReal.adapter(fake, max_in_flight=4)
    cursor = f'{{"v": 1, "ts": {base - 1}, "seen": []}}'
    records = [r for page in adapter.pull("persons", cursor) for r in page.records]
    adapter.close()
    assert sorted(r.id for r in records) == sorted(ids)
    assert fake.max_in_flight_seen >= 2
    assert fake.statuses(429) == 0


class HubSpotReal:
    """An adapter on the real clock (overlapping requests need real time)."""

    @staticmethod
    def adapter(fake: FakeHubSpot, **options: object):
        from adapters.hubspot import HubSpotAdapter, HubSpotSettings

        settings = HubSpotSettings.model_validate(
            {"token": fake.token, "lookback_seconds": 0, **options}
        )
        return HubSpotAdapter("ma", settings, transport=fake.transport())


def test_a_flow_stopped_after_its_first_page_leaves_no_reader(tmp_path: Path):
    """A stop (what SIGTERM sets) ends the run after one page and its reader."""
    wired = Wired.build()
    app = WiredApp.open(make_project(tmp_path), wired)
    app.setup_hubspot()
    seed_contacts(wired.hubspot, 350)
    wired.clock.advance(60)
    stop = threading.Event()
    summary = app.run(
        "handoff",
        mode="backfill",
        since=datetime(2000, 1, 1, tzinfo=UTC),
        stop=stop,
        progress=lambda _snapshot: stop.set(),
    )
    assert summary.status == "stopped"
    # Progress hears of page 1 as page 2 is asked for; page 2 is the one in hand.
    assert summary.counts["pulled"] == 200
    assert _threads() == []
    app.close()


def test_a_flow_failing_mid_run_closes_its_reader_at_once(tmp_path: Path):
    """The SFA refuses the token on page 1: the run fails and its reader is gone.

    Checked while the error (whose traceback holds the flow's frames) is alive:
    the flow closes the pull itself instead of waiting for garbage collection.
    """
    wired = Wired.build()
    wired.sfa_handler = lambda request: httpx.Response(401, json={"error": "no"})
    app = WiredApp.open(make_project(tmp_path), wired)
    app.setup_hubspot()
    seed_contacts(wired.hubspot, 350)
    wired.clock.advance(60)
    with pytest.raises(AuthError) as failed:
        app.run("handoff", mode="backfill", since=datetime(2000, 1, 1, tzinfo=UTC))
    assert failed.value is not None
    assert _threads() == []
    app.close()
