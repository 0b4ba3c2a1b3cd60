"""The funnel report: one row per campaign, source, month or owner.

Rows are cohorts: the people who became leads in the period, followed to wherever
they got since (see :mod:`connector.reports.facts` for how stages are reached).
Won deals follow the person they are credited to (see
:mod:`connector.reports.attribution`); won deals credited to nobody are shown as
their own row, by close date, so totals always carry all revenue.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from typing import Literal, TypeAlias

from sqlalchemy import Connection

from connector.records import Stage
from connector.reports.attribution import (
    Attributed,
    apply_deals,
    attribute_deals,
    campaign_of,
)
from connector.reports.config import AttributionModel, ReportingSettings
from connector.reports.facts import FUNNEL, PersonFacts, load_facts
from connector.reports.period import Period, month_key

__all__ = [
    "STAGE_PAIRS",
    "TREND_MONTHS",
    "UNATTRIBUTED",
    "FunnelReport",
    "FunnelRow",
    "GroupBy",
    "build_funnel",
    "funnel_report",
]

GroupBy: TypeAlias = Literal["campaign", "source", "month", "owner"]
"""What a funnel row stands for."""

UNATTRIBUTED = "(unattributed)"
"""The row of won deals no person could be credited with."""

STAGE_PAIRS: tuple[tuple[str, str], ...] = tuple(pairwise(FUNNEL))
"""Consecutive funnel stages: lead->mql, mql->sql, sql->opportunity, opp->won."""

_TOP_REASONS = 3

TREND_MONTHS = 6
"""The trend chart shows at least this many months, ending with the period's."""
_NONE = "(none)"


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(slots=True)
class FunnelRow:
    """The funnel of one group; rates are None where the base is zero."""

    key: str
    counts: dict[str, int]
    """``lead``, ``mql``, ``sql``, ``opportunity``, ``won``, ``lost``, ``rejected``."""
    won_deals: int = 0
    revenue: Decimal = Decimal(0)
    fallback_revenue: Decimal = Decimal(0)
    days: dict[str, float | None] = field(default_factory=dict)
    """Average days ``lead->mql`` ... ``opportunity->won``, observed moves only."""
    rejected_reasons: list[tuple[str, int]] = field(default_factory=list)

    @property
    def conversion(self) -> dict[str, float | None]:
        """Share of each stage that reached the next one, keyed ``a->b``."""
        return {
            f"{a}->{b}": _ratio(self.counts[b], self.counts[a]) for a, b in STAGE_PAIRS
        }

    @property
    def lead_to_won(self) -> float | None:
        """Share of leads that were won."""
        return _ratio(self.counts["won"], self.counts["lead"])

    @property
    def average_deal(self) -> Decimal | None:
        """Won revenue per won deal."""
        if not self.won_deals:
            return None
        # Whole currency units: an average is an estimate, not an invoice.
        return (self.revenue / self.won_deals).quantize(Decimal(1), ROUND_HALF_UP)

    @property
    def rejected_rate(self) -> float | None:
        """Share of MQLs (leads handed to sales) that sales rejected."""
        return _ratio(self.counts["rejected"], self.counts["mql"])


@dataclass(slots=True)
class FunnelReport:
    """A whole funnel report, with the previous period when asked for."""

    period: Period
    by: GroupBy
    model: AttributionModel
    currency: str
    rows: list[FunnelRow]
    total: FunnelRow
    trend: list[FunnelRow]
    """Monthly totals over the period (the previous one too when compared)."""
    unattributed_revenue: Decimal = Decimal(0)
    other_currency_deals: int = 0
    previous: FunnelReport | None = None

    @property
    def fallback_revenue(self) -> Decimal:
        """Won revenue credited through a deal fallback, not a named person."""
        return self.total.fallback_revenue


def _build_row(
    key: str,
    people: list[PersonFacts],
    won: list[Attributed],
) -> FunnelRow:
    counts = {stage: sum(stage in p.reached for p in people) for stage in FUNNEL}
    counts["lead"] = len(people)
    counts["lost"] = sum(p.lost_at is not None and not p.is_won for p in people)
    counts["rejected"] = sum(p.rejected_at is not None for p in people)
    reasons = Counter(p.rejected_reason or _NONE for p in people if p.rejected_at)
    ranked = sorted(reasons.items(), key=lambda item: (-item[1], item[0]))
    days: dict[str, float | None] = {}
    for a, b in STAGE_PAIRS:
        spans = [
            span
            for p in people
            if a in p.observed and b in p.observed
            # Zero or negative: both seen at once (or clocks disagree), not a
            # move that took no time; it would drag the average to 0.0.
            if (span := (p.reached[b] - p.reached[a]).total_seconds() / 86400) > 0
        ]
        days[f"{a}->{b}"] = sum(spans) / len(spans) if spans else None
    revenue = sum((w.deal.amount or Decimal(0) for w in won), Decimal(0))
    fallback = sum(
        (w.deal.amount or Decimal(0) for w in won if w.used_fallback), Decimal(0)
    )
    return FunnelRow(
        key=key,
        counts=counts,
        won_deals=len(won),
        revenue=revenue,
        fallback_revenue=fallback,
        days=days,
        rejected_reasons=ranked[:_TOP_REASONS],
    )


def _key_function(
    by: GroupBy, model: AttributionModel, period: Period
) -> Callable[[PersonFacts], str]:
    if by == "campaign":
        return lambda p: campaign_of(p, model)
    if by == "source":
        return lambda p: p.lead_source or _NONE
    if by == "owner":
        return lambda p: p.owner or _NONE
    return lambda p: month_key(p.created_at, period.tz)


def _sort_key(by: GroupBy) -> Callable[[FunnelRow], tuple[object, ...]]:
    if by == "month":
        return lambda r: (r.key == UNATTRIBUTED, r.key)
    return lambda r: (r.key == UNATTRIBUTED, -r.revenue, -r.counts["lead"], r.key)


def build_funnel(
    people: Iterable[PersonFacts],
    attributed: list[Attributed],
    period: Period,
    *,
    by: GroupBy,
    model: AttributionModel,
    currency: str,
) -> tuple[list[FunnelRow], FunnelRow, Decimal, int]:
    """Group the period's cohort into funnel rows.

    Returns:
        The rows, the total row, the won revenue credited to nobody, and how many
        won deals were left out for being in another currency.
    """
    cohort = [p for p in people if period.contains(p.created_at)]
    ids = {p.canonical_id for p in cohort}
    won_all = [
        a
        for a in attributed
        if a.deal.stage is Stage.WON
        and (
            a.person_id in ids
            or (a.person_id is None and period.contains(a.deal.closed_at))
        )
    ]
    other = [a for a in won_all if (a.deal.currency or currency) != currency]
    won = [a for a in won_all if (a.deal.currency or currency) == currency]
    key_of = _key_function(by, model, period)
    groups: dict[str, list[PersonFacts]] = defaultdict(list)
    group_of: dict[str, str] = {}
    for person in cohort:
        key = key_of(person)
        groups[key].append(person)
        group_of[person.canonical_id] = key
    won_by: dict[str, list[Attributed]] = defaultdict(list)
    for item in won:
        won_by[group_of[item.person_id] if item.person_id else UNATTRIBUTED].append(
            item
        )
    rows = [
        _build_row(k, groups.get(k, []), won_by.get(k, [])) for k in {*groups, *won_by}
    ]
    rows.sort(key=_sort_key(by))
    total = _build_row("total", cohort, won)
    unattributed = sum(
        (a.deal.amount or Decimal(0) for a in won if a.person_id is None), Decimal(0)
    )
    return rows, total, unattributed, len(other)


def funnel_report(
    conn: Connection,
    settings: ReportingSettings,
    period: Period,
    *,
    by: GroupBy,
    model: AttributionModel | None = None,
    compare: bool = False,
) -> FunnelReport:
    """Build the funnel report of ``period`` from the state store.

    Args:
        conn: a connection to the state store.
        settings: the loaded ``reporting.toml``.
        period: the cohort window.
        by: what each row stands for.
        model: the attribution model; defaults to ``reporting.toml``'s.
        compare: also build the previous period of equal length.
    """
    facts = load_facts(conn)
    attributed = attribute_deals(facts, settings.attribution)
    apply_deals(facts, attributed)
    chosen = model or settings.attribution.model
    people = list(facts.persons.values())

    def one(window: Period) -> FunnelReport:
        rows, total, unattributed, other = build_funnel(
            people, attributed, window, by=by, model=chosen, currency=settings.currency
        )
        stretched = _trend_window(window)
        trend, _, _, _ = build_funnel(
            people,
            attributed,
            stretched,
            by="month",
            model=chosen,
            currency=settings.currency,
        )
        by_month = {r.key: r for r in trend}
        months = [by_month.get(m) or _build_row(m, [], []) for m in stretched.months()]
        return FunnelReport(
            period=window,
            by=by,
            model=chosen,
            currency=settings.currency,
            rows=rows,
            total=total,
            trend=months,
            unattributed_revenue=unattributed,
            other_currency_deals=other,
        )

    report = one(period)
    if compare:
        report.previous = one(period.previous())
    return report


def _trend_window(period: Period) -> Period:
    """The period stretched back to at least ``TREND_MONTHS`` whole months."""
    first = period.until.replace(day=1)
    for _ in range(TREND_MONTHS - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return Period(min(first, period.since), period.until, period.tz)
