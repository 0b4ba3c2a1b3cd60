"""HubSpot adapter benchmarks against the in-process fake (printed, not asserted).

Request counts use simulated time: the fake and the adapter share one FakeClock,
the fake adds the configured latency to it per request and the limiters "sleep" by
advancing it. Rate-limit use with several requests in flight runs in real time
(RealClock), because one shared simulated clock cannot show requests overlapping;
that part takes about two and a half minutes.

Run: .venv/bin/python -m bench.hubspot_bench [--contacts 20000]
"""

from __future__ import annotations

import argparse
import time

from adapters.hubspot import HubSpotAdapter, HubSpotSettings
from adapters.protocol import WriteOp
from tests.fakes.hubspot import FakeClock, FakeHubSpot, RealClock

TOKEN = "pat-na1-bench-0000"  # noqa: S105 - the fake's token

REAL_TIME_RUNS = (
    (0.150, 1),
    (0.150, 2),
    (0.150, 3),
    (0.150, 4),
    (0.400, 2),
    (0.400, 4),
)
"""(latency, max_in_flight) of the real-time runs: the target's 150 ms, and a
slower portal to show what the default must cover."""


def _adapter(fake: FakeHubSpot, clock: FakeClock, **options: object) -> HubSpotAdapter:
    settings = HubSpotSettings.model_validate({"token": TOKEN, **options})
    return HubSpotAdapter(
        "ma",
        settings,
        transport=fake.transport(),
        clock=clock.monotonic,
        sleep=clock.sleep,
        wall_clock=clock.time,
    )


def _ops(n: int) -> list[WriteOp]:
    return [
        WriteOp(
            f"k{i}",
            {"email": f"b{i}@example.com", "firstname": f"N{i}"},
            match_field="email",
        )
        for i in range(n)
    ]


def requests_per_thousand(n: int) -> dict[str, float]:
    """Requests per 1,000 contacts upserted, pulled incrementally and backfilled."""
    clock = FakeClock()
    fake = FakeHubSpot(token=TOKEN, clock=clock, burst_limit=250)
    adapter = _adapter(fake, clock, lookback_seconds=0, limits={"burst_per_10s": 250})
    before = len(fake.log)
    adapter.push("persons", _ops(n))
    upsert = (len(fake.log) - before) * 1000 / n
    before = len(fake.log)
    pulled = sum(len(p.records) for p in adapter.pull("persons", None))
    incremental = (len(fake.log) - before) * 1000 / pulled
    before = len(fake.log)
    full = sum(len(p.records) for p in adapter.pull("persons", None, full=True))
    backfill = (len(fake.log) - before) * 1000 / full
    adapter.close()
    return {"upsert": upsert, "incremental": incremental, "backfill": backfill}


def rate_limit_use(
    n: int, latency: float, *, in_flight: int = 1, real_time: bool = False
) -> dict[str, float]:
    """Push n contacts to a 100-per-10-s portal with latency; measure bucket use."""
    clock = RealClock() if real_time else FakeClock()
    fake = FakeHubSpot(token=TOKEN, clock=clock, burst_limit=100, latency=latency)
    adapter = _adapter(
        fake, clock, limits={"burst_per_10s": 100}, max_in_flight=in_flight
    )
    start = clock.time()
    wall = time.perf_counter()
    result = adapter.push("persons", _ops(n))
    simulated = clock.time() - start
    adapter.close()
    requests = len(fake.log)
    # The run occupies the windows from its first send to 10 s after its last.
    span = fake.log[-1].at - fake.log[0].at + 10
    per_10s = requests / span * 10
    # Busiest rolling 10 s window actually seen by the fake.
    times = [e.at for e in fake.log]
    busiest, j = 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - 10:
            j += 1
        busiest = max(busiest, i - j + 1)
    # Mean requests over every complete rolling 10 s window of the run (the
    # bucket's view of the steady state, without the ramp-down after the end).
    last = times[-1]
    full = [t for t in times if t + 10 <= last]
    counts, k = [], 0
    for t in full:
        while k < len(times) and times[k] < t + 10:
            k += 1
        counts.append(k - times.index(t))
    steady = sum(counts) / len(counts) if counts else float("nan")
    return {
        "requests": requests,
        "steady_per_10s": steady,
        "max_in_flight": fake.max_in_flight_seen,
        "ok": len(result.succeeded),
        "simulated_s": simulated,
        "per_10s": per_10s,
        "share": per_10s / 100,
        "busiest_10s": busiest,
        "ceiling_share": min(1.0, 10 / latency / 100) if latency else 1.0,
        "http_429": fake.statuses(429),
        "wall_s": time.perf_counter() - wall,
    }


def main() -> None:
    import logging

    import structlog

    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING)
    )
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--per-thousand", type=int, default=5_000)
    args = parser.parse_args()
    rpt = requests_per_thousand(args.per_thousand)
    print(f"| metric ({args.per_thousand} contacts) | requests per 1,000 | floor |")
    print("|---|---|---|")
    print(f"| upsert by email (batch 100) | {rpt['upsert']:.1f} | 10 |")
    print(
        f"| incremental pull (search, 200/page, + archived list) "
        f"| {rpt['incremental']:.1f} | 5 |"
    )
    print(f"| backfill (list, 100/page) | {rpt['backfill']:.1f} | 10 |")
    use = rate_limit_use(args.contacts, 0.150)  # one in flight: see the docstring
    print()
    print(
        f"| rate-limit use, simulated, max_in_flight = 1: {args.contacts} contacts, "
        "limit 100/10 s, 150 ms latency "
        "| value |"
    )
    print("|---|---|")
    print(f"| requests sent | {use['requests']:.0f} |")
    print(f"| contacts written | {use['ok']:.0f} |")
    print(f"| simulated duration | {use['simulated_s']:.1f} s |")
    print(
        f"| achieved requests per 10 s | {use['per_10s']:.1f} "
        f"({use['share']:.0%} of limit) |"
    )
    print(f"| busiest rolling 10 s | {use['busiest_10s']:.0f} |")
    print(f"| ceiling for one request in flight | {use['ceiling_share']:.0%} |")
    print(f"| 429 received | {use['http_429']:.0f} |")
    print(f"| wall time of this simulation | {use['wall_s']:.1f} s |")
    fast = rate_limit_use(args.contacts, 0.0)
    print(
        f"| same, 0 ms latency: share of limit / 429s | {fast['share']:.0%} / "
        f"{fast['http_429']:.0f} |"
    )
    print()
    print(
        f"| real time, {args.contacts} contacts, limit 100/10 s "
        "| requests in flight (seen) | mean per complete 10 s window | share | "
        "busiest 10 s | 429s | wall |"
    )
    print("|---|---|---|---|---|---|---|")
    for latency, in_flight in REAL_TIME_RUNS:
        real = rate_limit_use(
            args.contacts, latency, in_flight=in_flight, real_time=True
        )
        print(
            f"| {latency * 1000:.0f} ms, max_in_flight = {in_flight} "
            f"| {real['max_in_flight']:.0f} "
            f"| {real['steady_per_10s']:.1f} | {real['steady_per_10s'] / 100:.0%} "
            f"| {real['busiest_10s']:.0f} | {real['http_429']:.0f} "
            f"| {real['wall_s']:.1f} s |"
        )


if __name__ == "__main__":
    main()
