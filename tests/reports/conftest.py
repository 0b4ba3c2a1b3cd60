"""Fixtures of the report tests: the story store and the report settings."""

from __future__ import annotations

from datetime import date

import pytest

from connector.reports.config import ReportingSettings
from connector.reports.period import Period
from connector.store import StateStore
from tests.reports.fixture import load_fixture


@pytest.fixture
def story(store: StateStore) -> StateStore:
    """The hand-checkable story of tests/reports/fixture.py, on SQLite and PG."""
    load_fixture(store)
    return store


@pytest.fixture
def settings() -> ReportingSettings:
    """Report settings as the story assumes them (JST, JPY, 24 h, 2 MQLs/month)."""
    return ReportingSettings.model_validate(
        {
            "currency": "JPY",
            "timezone": "+09:00",
            "sla": {
                "marketing": {"per_rep_per_month": 2, "sales_reps": 1},
                "sales": {"followup_hours": 24},
            },
        }
    )


@pytest.fixture
def april(settings: ReportingSettings) -> Period:
    """April 2024 in JST."""
    return Period(date(2024, 4, 1), date(2024, 4, 30), settings.tz)
