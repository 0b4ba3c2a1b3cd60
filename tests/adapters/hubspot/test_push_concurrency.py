"""Pushes with several batch requests in flight: exact, ordered, inside the bucket."""

from __future__ import annotations

import json
import threading
from typing import Any

import httpx

from adapters.hubspot import HubSpotAdapter, HubSpotSettings
from adapters.protocol import WriteOp
from tests.adapters.hubspot.conftest import TOKEN, MakeAdapter
from tests.fakes.hubspot import FakeClock, FakeHubSpot


def _ops(n: int) -> list[WriteOp]:
    return [
        WriteOp(
            key=f"k{i}",
            fields={"email": f"lead{i:05d}@firm.co.jp", "firstname": f"名{i}"},
            match_field="email",
        )
        for i in range(n)
    ]


def _adapter_on(
    transport: httpx.BaseTransport, clock: FakeClock, **options: Any
) -> HubSpotAdapter:
    settings = HubSpotSettings.model_validate({"token": TOKEN, **options})
    return HubSpotAdapter(
        "ma",
        settings,
        transport=transport,
        clock=clock.monotonic,
        sleep=clock.sleep,
        wall_clock=clock.time,
    )


def _busiest(times: list[float], window: float) -> int:
    """Most arrivals inside any rolling window (HubSpot's view of the bucket)."""
    ordered = sorted(times)
    busiest, first = 0, 0
    for last, at in enumerate(ordered):
        while ordered[first] <= at - window:
            first += 1
        busiest = max(busiest, last - first + 1)
    return busiest


def test_outcomes_stay_exact_and_in_order_with_three_in_flight(
    fake: FakeHubSpot, make_adapter: MakeAdapter
) -> None:
    """1,000 upserts over 3 workers: one outcome per op, in order, every id real."""
    adapter = make_adapter(fake, lookback_seconds=0, max_in_flight=3)
    ops = _ops(1000)
    result = adapter.push("persons", ops)
    assert [o.key for o in result.outcomes] == [op.key for op in ops]
    assert all(o.ok for o in result.outcomes)
    stored = fake.store.objects["contacts"]
    by_email = {r.properties["email"]: r.id for r in stored.values()}
    assert len(by_email) == 1000
    for op, outcome in zip(ops, result.outcomes, strict=True):
        assert by_email[op.fields["email"]] == outcome.id


def test_two_workers_really_have_two_requests_in_flight(clock: FakeClock) -> None:
    """Each batch request waits at a two-party barrier, so only overlap completes."""
    fake = FakeHubSpot(token=TOKEN, clock=clock)
    # Without a second request in flight the barrier times out and breaks.
    pair = threading.Barrier(2, timeout=10)

    def handler(request: httpx.Request) -> httpx.Response:
        if "/batch/" in request.url.path:
            pair.wait()
        return fake.handle(request)

    adapter = _adapter_on(httpx.MockTransport(handler), clock, max_in_flight=2)
    result = adapter.push("persons", _ops(400))
    adapter.close()
    assert all(o.ok for o in result.outcomes)
    assert len([e for e in fake.log if "/batch/" in e.path]) == 4
    assert not pair.broken


def test_four_workers_share_one_bucket_and_never_earn_a_429(clock: FakeClock) -> None:
    """4 workers, 50 requests, a 10-per-10-s portal: the limiter waits, no 429."""
    fake = FakeHubSpot(token=TOKEN, clock=clock, burst_limit=10, latency=0.01)
    adapter = _adapter_on(
        fake.transport(), clock, max_in_flight=4, limits={"burst_per_10s": 10}
    )
    result = adapter.push("persons", _ops(5000))
    adapter.close()
    assert all(o.ok for o in result.outcomes)
    assert [e.status for e in fake.log if e.status == 429] == []
    assert len(fake.log) == 50
    assert _busiest([e.at for e in fake.log], 10.0) <= 10
    # Five full buckets: the limiter must have waited out four window edges.
    assert clock.slept >= 4 * 9.0


def test_partial_failures_and_409_links_stay_exact_under_concurrency(
    fake: FakeHubSpot, make_adapter: MakeAdapter
) -> None:
    """Across 3 chunks on 3 workers, each 207 error and 409 link hits its own op."""
    existing = {
        i: fake.seed("contacts", {"email": f"dup{i}@example.com", "firstname": "Old"})
        for i in (5, 150, 299)
    }
    bad = {17, 120, 250}
    ops = []
    for i in range(300):
        if i in existing:
            fields = {"email": f"dup{i}@example.com", "firstname": f"New{i}"}
        elif i in bad:
            fields = {"email": f"bad{i}@example.com", "lifecyclestage": "Lead!"}
        else:
            fields = {"email": f"c{i}@example.com", "firstname": f"N{i}"}
        ops.append(WriteOp(f"k{i}", fields))
    adapter = make_adapter(fake, max_in_flight=3)
    result = adapter.push("persons", ops)
    assert fake.max_in_flight_seen >= 1
    assert [o.key for o in result.outcomes] == [op.key for op in ops]
    for i, outcome in enumerate(result.outcomes):
        if i in bad:
            assert not outcome.ok
            assert outcome.kind == "rejected"
            assert "INVALID_OPTION" in (outcome.body or "")
        elif i in existing:
            assert outcome.ok
            assert outcome.id == existing[i]
            assert not outcome.created
            assert fake.get("contacts", existing[i]).properties["firstname"] == (
                f"New{i}"
            )
        else:
            assert outcome.ok
            assert outcome.created
            assert fake.get("contacts", outcome.id or "").properties["email"] == (
                f"c{i}@example.com"
            )


def test_backward_lifecycle_clears_before_it_sets_for_every_record(
    clock: FakeClock,
) -> None:
    """250 backward moves on 3 workers: each record's clear is sent before its set."""
    fake = FakeHubSpot(token=TOKEN, clock=clock)
    ids = [
        fake.seed(
            "contacts", {"email": f"r{i}@example.com", "lifecyclestage": "customer"}
        )
        for i in range(250)
    ]
    sent: list[tuple[str, str]] = []  # (contact id, lifecyclestage) in send order
    lock = threading.Lock()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/batch/update"):
            with lock:
                for item in json.loads(request.content)["inputs"]:
                    sent.append((item["id"], item["properties"]["lifecyclestage"]))
        return fake.handle(request)

    adapter = _adapter_on(httpx.MockTransport(handler), clock, max_in_flight=3)
    ops = [
        WriteOp(f"k{i}", {"lifecyclestage": "lead"}, id=cid, allow_backward=True)
        for i, cid in enumerate(ids)
    ]
    result = adapter.push("persons", ops)
    adapter.close()
    assert all(o.ok for o in result.outcomes)
    for cid in ids:
        assert [stage for who, stage in sent if who == cid] == ["", "lead"]
        assert fake.get("contacts", cid).properties["lifecyclestage"] == "lead"
