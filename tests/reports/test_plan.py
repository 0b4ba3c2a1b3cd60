"""Planning from a revenue target, given and measured."""

from __future__ import annotations

from decimal import Decimal

import pytest

from connector.errors import UsageError
from connector.reports.config import ReportingSettings
from connector.reports.plan import history_row, make_plan
from connector.store import StateStore
from tests.reports.fixture import t


def test_issue_example_gives_12_customers_and_600_leads() -> None:
    """1,200,000 JPY at 100,000 a deal and 2 % conversion: 12 customers, 600 leads."""
    plan = make_plan(
        Decimal(1_200_000), deal_size=Decimal(100_000), conversion=Decimal("0.02")
    )
    assert plan.customers == 12
    needs = {s.stage: s.needed for s in plan.stages}
    assert needs["lead"] == 600
    assert needs["won"] == 12
    assert needs["mql"] is None  # no history to measure the middle stages


def test_customers_round_up() -> None:
    """A target that is not a multiple of the deal size needs one more customer."""
    plan = make_plan(
        Decimal(1_000_001), deal_size=Decimal(100_000), conversion=Decimal("0.3")
    )
    assert plan.customers == 11
    assert plan.stages[0].needed == 37  # 11 / 0.3 = 36.67


def test_measured_from_history(story: StateStore, settings: ReportingSettings) -> None:
    """History measures 190,000 per deal (950,000 / 5) and 3 won of 8 leads."""
    with story.read() as conn:
        row, _ = history_row(conn, settings, now=t(5, 10))
    plan = make_plan(Decimal(1_000_000), history=row)
    assert plan.deal_size == Decimal(190_000)
    assert plan.deal_size_source == "measured"
    assert plan.conversion == Decimal(3) / Decimal(8)
    assert plan.customers == 6  # 1,000,000 / 190,000 = 5.26
    needs = {s.stage: s.needed for s in plan.stages}
    # leads 8, mql 6 (P1 P2 P3 P4 P7 P8), sql 4 (P1 P3 P4 P8), opp 4, won 3
    assert needs == {"lead": 16, "mql": 12, "sql": 8, "opportunity": 8, "won": 6}


def test_without_history_a_value_must_be_given() -> None:
    """With no won deals to measure, the plan asks for --deal-size by name."""
    with pytest.raises(UsageError, match="deal size") as caught:
        make_plan(Decimal(1_000_000))
    assert caught.value.hint is not None
    assert "--deal-size" in caught.value.hint
