"""The seeded fault plan: replayable, honours its rate, kinds and exclusions."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.faultplan import (
    BURST_LENGTH,
    GATEWAY_STATUSES,
    HTTP_5XX,
    KINDS,
    RATE_LIMIT_BURST,
    SLOW,
    SLOW_RANGE,
    Decision,
    FaultPlan,
)


def _run(
    plan: FaultPlan, n: int, path: str = "/crm/v3/objects/contacts"
) -> list[Decision]:
    return [plan.decide("GET", path) for _ in range(n)]


def test_same_seed_gives_same_decisions() -> None:
    """Two plans with one seed decide identically, random details included."""
    first = _run(FaultPlan(rate=0.5, seed=42), 300)
    second = _run(FaultPlan(rate=0.5, seed=42), 300)
    assert first == second
    assert {d.kind for d in first} == {None, *KINDS}


def test_other_seed_gives_other_decisions() -> None:
    """A different seed gives a different fault sequence."""
    first = [d.kind for d in _run(FaultPlan(rate=0.5, seed=1), 100)]
    second = [d.kind for d in _run(FaultPlan(rate=0.5, seed=2), 100)]
    assert first != second


def test_rate_is_the_share_of_faulted_decisions() -> None:
    """About ``rate`` of the requests are faulted when bursts are not enabled."""
    plan = FaultPlan(rate=0.2, seed=5, kinds=[HTTP_5XX, SLOW])
    decisions = _run(plan, 5000)
    share = sum(d.kind is not None for d in decisions) / len(decisions)
    assert 0.17 < share < 0.23
    assert all(d.kind in (None, HTTP_5XX, SLOW) for d in decisions)


def test_rate_zero_and_one_are_exact() -> None:
    """Rate 0 never faults and rate 1 always does."""
    assert all(d.kind is None for d in _run(FaultPlan(rate=0.0, seed=3), 500))
    assert all(d.kind is not None for d in _run(FaultPlan(rate=1.0, seed=3), 500))


def test_random_details_stay_in_their_ranges() -> None:
    """Gateway statuses are 502-504 in both body formats; stalls stay in range."""
    decisions = _run(FaultPlan(rate=1.0, seed=9, kinds=[HTTP_5XX, SLOW]), 400)
    errors = [d for d in decisions if d.kind == HTTP_5XX]
    stalls = [d for d in decisions if d.kind == SLOW]
    assert {d.status for d in errors} == set(GATEWAY_STATUSES)
    assert {d.body_format for d in errors} == {"html", "json"}
    assert all(SLOW_RANGE[0] <= d.delay <= SLOW_RANGE[1] for d in stalls)
    assert max(d.delay for d in stalls) - min(d.delay for d in stalls) > 0.5


def test_bursts_answer_three_to_six_consecutive_requests() -> None:
    """Each 429 burst covers 3-6 consecutive requests, numbered 1..n in order."""
    plan = FaultPlan(rate=0.3, seed=11, kinds=[RATE_LIMIT_BURST])
    decisions = _run(plan, 2000)
    bursts: list[list[Decision]] = []
    for decision in decisions:
        if decision.kind != RATE_LIMIT_BURST:
            continue
        if decision.burst_position == 1:
            bursts.append([])
        bursts[-1].append(decision)
    if bursts[-1][-1] is decisions[-1]:
        bursts.pop()  # cut short by the end of the run, not by the plan
    assert len(bursts) > 50
    lengths = {len(burst) for burst in bursts}
    assert lengths == set(range(BURST_LENGTH[0], BURST_LENGTH[1] + 1))
    for burst in bursts:
        assert [d.burst_position for d in burst] == list(range(1, len(burst) + 1))
        assert {d.burst_length for d in burst} == {len(burst)}
        assert [d.seq for d in burst] == list(range(burst[0].seq, burst[-1].seq + 1))
        assert all(d.status == 429 for d in burst)
    ids = [d.correlation_id for burst in bursts for d in burst]
    assert len(set(ids)) == len(ids)


def test_excluded_and_paused_requests_draw_nothing() -> None:
    """Interleaving excluded or paused requests leaves the seeded sequence as is."""
    reference = _run(FaultPlan(rate=0.5, seed=8), 60)
    plan = FaultPlan(rate=0.5, seed=8, exclude=r"^/__admin")
    observed = []
    for index in range(60):
        assert plan.decide("POST", "/__admin/reset").kind is None
        if index % 7 == 0:
            plan.paused = True
            assert plan.decide("GET", "/crm/v3/objects/contacts").seq == -1
            plan.paused = False
        observed.append(plan.decide("GET", "/crm/v3/objects/contacts"))
    assert observed == reference
    assert list(plan.log) == reference


def test_exclusion_is_a_regex_search_on_the_path() -> None:
    """Only paths the regex matches are excluded."""
    plan = FaultPlan(rate=1.0, seed=1, exclude=r"^/__admin|/health$")
    assert plan.is_excluded("/__admin/seed")
    assert plan.is_excluded("/v1/health")
    assert not plan.is_excluded("/v1/healthy")
    assert not plan.is_excluded("/api/__admin")
    assert FaultPlan(rate=1.0).is_excluded("/__admin") is False


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"rate": 1.5}, "rate"),
        ({"rate": -0.1}, "rate"),
        ({"kinds": ["http_5xx", "meteor"]}, "kinds"),
        ({"kinds": []}, "kinds"),
        ({"slow_range": (1.0, 0.5)}, "slow_range"),
    ],
)
def test_invalid_configuration_is_refused(
    options: dict[str, Any], message: str
) -> None:
    """Out-of-range rates, unknown kinds and inverted stall ranges raise."""
    with pytest.raises(ValueError, match=message):
        FaultPlan(**options)


def test_kinds_subset_is_respected_and_deduplicated() -> None:
    """Only the configured kinds are injected, duplicates count once."""
    plan = FaultPlan(rate=1.0, seed=4, kinds=[SLOW, SLOW, HTTP_5XX])
    assert plan.kinds == (SLOW, HTTP_5XX)
    assert {d.kind for d in _run(plan, 200)} == {SLOW, HTTP_5XX}
