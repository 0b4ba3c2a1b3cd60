"""The funnel report against the hand-worked story of fixture.py."""

from __future__ import annotations

from decimal import Decimal

import pytest

from connector.reports.config import ReportingSettings
from connector.reports.funnel import (
    UNATTRIBUTED,
    FunnelReport,
    FunnelRow,
    funnel_report,
)
from connector.reports.period import Period
from connector.store import StateStore


def _row(report: FunnelReport, key: str) -> FunnelRow:
    return next(r for r in report.rows if r.key == key)


def test_totals_follow_the_april_cohort(
    story: StateStore, settings: ReportingSettings, april: Period
) -> None:
    """April's cohort is P1-P5 and P7 (JST), each stage counted by hand."""
    # P7 was created 31 March UTC = 1 April JST; P6 on 30 April UTC = 1 May JST.
    with story.read() as conn:
        report = funnel_report(conn, settings, april, by="campaign")
    total = report.total
    # mql: P1 P2 P4 P7 by event, P3 because it skipped to sql.
    # sql: P1 P3, and P4 because a won deal implies every earlier stage.
    assert total.counts == {
        "lead": 6,
        "mql": 5,
        "sql": 3,
        "opportunity": 3,
        "won": 2,
        "lost": 1,
        "rejected": 2,
    }
    assert total.conversion == pytest.approx(
        {
            "lead->mql": 5 / 6,
            "mql->sql": 3 / 5,
            "sql->opportunity": 1.0,
            "opportunity->won": 2 / 3,
        }
    )
    assert total.lead_to_won == pytest.approx(2 / 6)
    assert total.rejected_rate == pytest.approx(2 / 5)
    assert total.rejected_reasons == [("no budget", 2)]


def test_revenue_uses_fallbacks_and_keeps_the_unattributed(
    story: StateStore, settings: ReportingSettings, april: Period
) -> None:
    """Won JPY deals make the revenue, with fallback and unattributed parts shown."""
    # D1+D4+D10+D9; D4 (company) and D10 (domain) by fallback; D9 found nobody;
    # D11 is in USD.
    with story.read() as conn:
        report = funnel_report(conn, settings, april, by="campaign")
    assert report.total.revenue == Decimal(500000 + 200000 + 100000 + 50000)
    assert report.total.won_deals == 4
    assert report.total.average_deal == Decimal(850000) / 4
    assert report.fallback_revenue == Decimal(200000 + 100000)
    assert report.unattributed_revenue == Decimal(50000)
    assert report.other_currency_deals == 1


def test_average_days_use_observed_moves_only(
    story: StateStore, settings: ReportingSettings, april: Period
) -> None:
    """Average days between stages count only people with both moves observed."""
    with story.read() as conn:
        report = funnel_report(conn, settings, april, by="campaign")
    assert report.total.days == pytest.approx(
        {
            "lead->mql": (1 + 1 + 1 + 2) / 4,  # P1, P2, P4, P7
            "mql->sql": 2.0,  # P1 only
            "sql->opportunity": (5 + 4) / 2,  # P1, P3
            "opportunity->won": 10.0,  # P1; P4's won is inferred
        }
    )


def test_first_touch_campaign_rows(
    story: StateStore, settings: ReportingSettings, april: Period
) -> None:
    """First touch credits P1+P2 to Webinar and P3+P4 (and both fallbacks) to Ads."""
    with story.read() as conn:
        report = funnel_report(conn, settings, april, by="campaign")
    assert [r.key for r in report.rows] == [
        "Webinar",
        "Ads",
        "(none)",
        "Expo",
        UNATTRIBUTED,
    ]
    webinar, ads = _row(report, "Webinar"), _row(report, "Ads")
    assert (webinar.counts["lead"], webinar.counts["won"]) == (2, 1)
    assert webinar.counts["rejected"] == 1
    assert webinar.revenue == Decimal(500000)
    assert (ads.counts["lead"], ads.counts["sql"], ads.counts["lost"]) == (2, 2, 1)
    assert ads.revenue == Decimal(300000)
    assert ads.fallback_revenue == Decimal(300000)
    assert ads.average_deal == Decimal(150000)
    unattributed = _row(report, UNATTRIBUTED)
    assert (unattributed.counts["lead"], unattributed.revenue) == (0, Decimal(50000))


def test_last_touch_model_moves_the_credit(
    story: StateStore, settings: ReportingSettings, april: Period
) -> None:
    """Last touch before MQL credits P2 to Ads and P4 (with its 300,000) to Expo."""
    with story.read() as conn:
        report = funnel_report(
            conn, settings, april, by="campaign", model="last_touch_before_mql"
        )
    expo, ads = _row(report, "Expo"), _row(report, "Ads")
    assert (expo.counts["lead"], expo.revenue) == (2, Decimal(300000))
    assert (ads.counts["lead"], ads.counts["rejected"], ads.revenue) == (
        2,
        1,
        Decimal(0),
    )


def test_owner_rows_and_previous_period(
    story: StateStore, settings: ReportingSettings, april: Period
) -> None:
    """By owner, sato has P1 P2 P7; the previous 30 days hold only P8 (100,000)."""
    with story.read() as conn:
        report = funnel_report(conn, settings, april, by="owner", compare=True)
    sato = _row(report, "sato")
    assert (sato.counts["lead"], sato.counts["mql"], sato.counts["rejected"]) == (
        3,
        3,
        2,
    )
    assert report.previous is not None
    assert report.previous.period.label == "2024-03-02..2024-03-31"
    assert report.previous.total.counts["lead"] == 1
    assert report.previous.total.counts["won"] == 1
    assert report.previous.total.revenue == Decimal(100000)


def test_trend_covers_six_months_by_month(
    story: StateStore, settings: ReportingSettings, april: Period
) -> None:
    """The monthly trend covers six months, with P8 in March and six in April."""
    with story.read() as conn:
        report = funnel_report(conn, settings, april, by="source")
    leads = [(r.key, r.counts["lead"]) for r in report.trend]
    assert leads == [
        ("2023-11", 0),
        ("2023-12", 0),
        ("2024-01", 0),
        ("2024-02", 0),
        ("2024-03", 1),
        ("2024-04", 6),
    ]
