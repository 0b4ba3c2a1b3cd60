"""Planning backwards from a revenue target: customers, then leads per stage.

``customers = ceil(revenue / deal size)`` and, for each stage,
``needed = ceil(customers / conversion from that stage to won)``. Deal size and
conversion come from the state store's history (the last ``history_months`` of
leads and won deals) unless given; the arithmetic is Decimal so that a target of
1,200,000 at 100,000 and 2 % gives exactly 12 customers and 600 leads.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Literal

from sqlalchemy import Connection

from connector.errors import UsageError
from connector.reports.config import ReportingSettings
from connector.reports.facts import FUNNEL
from connector.reports.funnel import FunnelRow, funnel_report
from connector.reports.period import Period

__all__ = ["Plan", "StageNeed", "history_row", "make_plan"]

Source = Literal["given", "measured"]


@dataclass(frozen=True, slots=True)
class StageNeed:
    """How many people must reach ``stage`` to win the customers needed."""

    stage: str
    to_won: Decimal | None
    """Share of this stage that is won (None: no history to measure it)."""
    needed: int | None


@dataclass(frozen=True, slots=True)
class Plan:
    """The whole plan, with where each input came from."""

    revenue: Decimal
    deal_size: Decimal
    deal_size_source: Source
    conversion: Decimal
    """Lead-to-customer conversion used."""
    conversion_source: Source
    customers: int
    stages: list[StageNeed]
    history: Period | None


def history_row(
    conn: Connection,
    settings: ReportingSettings,
    *,
    now: datetime | None = None,
    period: Period | None = None,
) -> tuple[FunnelRow, Period]:
    """The funnel total of ``period``, by default the last ``plan.history_months``."""
    if period is None:
        today = (now or datetime.now(UTC)).astimezone(settings.tz).date()
        since = today - timedelta(days=round(settings.plan.history_months * 30.44))
        period = Period(since, today, settings.tz)
    report = funnel_report(conn, settings, period, by="month")
    return report.total, period


def _ceil_div(numerator: Decimal, denominator: Decimal) -> int:
    return math.ceil(numerator / denominator)


def make_plan(
    revenue: Decimal,
    *,
    deal_size: Decimal | None = None,
    conversion: Decimal | None = None,
    history: FunnelRow | None = None,
    history_period: Period | None = None,
) -> Plan:
    """Work back from ``revenue`` to customers and leads per stage.

    Raises:
        UsageError: a value is not positive, or history is needed and has none.
    """
    if revenue <= 0:
        raise UsageError("--revenue must be more than zero", hint="e.g. 1200000")
    if deal_size is None:
        deal_size = history.average_deal if history else None
        if deal_size is None:
            raise UsageError(
                "no won deals in the history to measure the deal size",
                hint="pass --deal-size, e.g. --deal-size 100000",
            )
        size_source: Source = "measured"
    else:
        size_source = "given"
    if deal_size <= 0:
        raise UsageError("--deal-size must be more than zero", hint="e.g. 100000")
    counts = history.counts if history else {}
    won = counts.get("won", 0)
    if conversion is None:
        if not won or not counts.get("lead"):
            raise UsageError(
                "no won leads in the history to measure conversion",
                hint="pass --conversion, e.g. --conversion 0.02 for 2 %",
            )
        conversion = Decimal(won) / Decimal(counts["lead"])
        conv_source: Source = "measured"
    else:
        conv_source = "given"
    if not 0 < conversion <= 1:
        raise UsageError(
            f"--conversion {conversion} is not a share",
            hint="give lead-to-customer conversion between 0 and 1 (0.02 = 2 %)",
        )
    customers = _ceil_div(revenue, deal_size)
    stages = [StageNeed("won", Decimal(1), customers)]
    for stage in reversed(FUNNEL[1:-1]):
        reached = counts.get(stage, 0)
        if won and reached:
            # Integer maths: customers * reached / won, rounded up, no float error.
            stages.append(
                StageNeed(
                    stage,
                    Decimal(won) / Decimal(reached),
                    -(-customers * reached // won),
                )
            )
        else:
            stages.append(StageNeed(stage, None, None))
    if conv_source == "measured":
        leads = -(-customers * counts["lead"] // won)
    else:
        leads = _ceil_div(Decimal(customers), conversion)
    stages.append(StageNeed("lead", conversion, leads))
    stages.reverse()
    return Plan(
        revenue=revenue,
        deal_size=deal_size,
        deal_size_source=size_source,
        conversion=conversion,
        conversion_source=conv_source,
        customers=customers,
        stages=stages,
        history=history_period if history is not None else None,
    )
