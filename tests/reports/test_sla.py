"""SLA attainment, breaches and gauges against the hand-worked story."""

from __future__ import annotations

import math
from datetime import date

import pytest

from connector.metrics import REGISTRY
from connector.reports.config import ReportingSettings
from connector.reports.period import Period
from connector.reports.sla import sla_report, update_sla_gauges
from connector.store import StateStore
from tests.reports.fixture import t


def _spring(settings: ReportingSettings) -> Period:
    return Period(date(2024, 3, 1), date(2024, 5, 31), settings.tz)


def test_monthly_attainment_of_both_commitments(
    story: StateStore, settings: ReportingSettings
) -> None:
    """April: 5 MQLs of 2 owed; 3 of 5 handoffs followed up within 24 h."""
    # P2 was followed up after 48 h and P4 never.
    with story.read() as conn:
        report = sla_report(conn, settings, _spring(settings), now=t(5, 10))
    march, april, may = report.months
    assert (march.qualified, april.qualified, may.qualified) == (1, 5, 0)
    assert april.marketing_attainment == pytest.approx(5 / 2)
    assert march.marketing_attainment == pytest.approx(1 / 2)
    assert (april.handed_off, april.met, april.breached) == (5, 3, 2)
    assert april.sales_attainment == pytest.approx(3 / 5)
    assert march.sales_attainment == pytest.approx(1.0)
    # P6 was handed off 12 h before "now": not due yet, so not judged.
    assert (may.pending, may.sales_attainment, may.complete) == (1, None, False)


def test_breaches_list_late_missing_and_short_months(
    story: StateStore, settings: ReportingSettings
) -> None:
    """Breaches: P2 (48 h), P4 (none), March's shortfall; open May is not one."""
    with story.read() as conn:
        report = sla_report(conn, settings, _spring(settings), now=t(5, 10))
    found = [(b.commitment, b.month, b.subject, b.hours) for b in report.breaches]
    assert found == [
        ("marketing", "2024-03", "2024-03", None),
        ("sales", "2024-04", "p2@example.co.jp", pytest.approx(48.0)),
        ("sales", "2024-04", "taro@sakura.co.jp", None),
    ]


def test_gauges_show_the_current_month(
    story: StateStore, settings: ReportingSettings
) -> None:
    """On 20 April the gauges read 5/2 for marketing and 3/5 for sales."""
    with story.read() as conn:
        values = update_sla_gauges(conn, settings, now=t(4, 20))
    assert values == {"marketing": pytest.approx(2.5), "sales": pytest.approx(0.6)}
    sample = REGISTRY.get_sample_value(
        "connector_sla_attainment_ratio", {"commitment": "sales"}
    )
    assert sample == pytest.approx(0.6)


def test_sales_gauge_is_absent_not_nan_while_nothing_is_due(
    story: StateStore, settings: ReportingSettings
) -> None:
    """In May only P6 was handed off and is not due: no sales series, never NaN."""
    with story.read() as conn:
        update_sla_gauges(conn, settings, now=t(4, 20))
        values = update_sla_gauges(conn, settings, now=t(5, 10))
    assert "sales" not in values
    assert values["marketing"] == 0.0
    sample = REGISTRY.get_sample_value(
        "connector_sla_attainment_ratio", {"commitment": "sales"}
    )
    assert sample is None
    marketing = REGISTRY.get_sample_value(
        "connector_sla_attainment_ratio", {"commitment": "marketing"}
    )
    assert marketing == 0.0
    assert not math.isnan(marketing)
