"""Path builder (both version families) and date handling."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from adapters.hubspot.dates import format_date, format_datetime, parse_timestamp
from adapters.hubspot.paths import api_path
from adapters.hubspot.values import to_property_value


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("search", "2026-03", "contacts"), "/crm/objects/2026-03/contacts/search"),
        (("search", "v3", "contacts"), "/crm/v3/objects/contacts/search"),
        (
            ("batch", "2026-03", "deals", "upsert"),
            "/crm/objects/2026-03/deals/batch/upsert",
        ),
        (
            ("batch", "v3", "contacts", "create"),
            "/crm/v3/objects/contacts/batch/create",
        ),
        (
            ("properties", "v3", "contacts", "lifecyclestage"),
            "/crm/v3/properties/contacts/lifecyclestage",
        ),
        (
            ("property_groups", "2026-03", "deals"),
            "/crm/properties/2026-03/deals/groups",
        ),
        (("pipelines", "2026-03", "deals"), "/crm/pipelines/2026-03/deals"),
        (
            ("associations_batch", "v3", "deals", "contacts", "associate", "default"),
            "/crm/v4/associations/deals/contacts/batch/associate/default",
        ),
        (
            (
                "associations_batch",
                "2026-03",
                "deals",
                "contacts",
                "associate",
                "default",
            ),
            "/crm/associations/2026-03/deals/contacts/batch/associate/default",
        ),
    ],
)
def test_api_path_builds_both_families(args, expected):
    """Legacy v3 uses v4 associations; date-based paths put the version later."""
    assert api_path(*args) == expected


def test_parse_timestamp_accepts_iso_and_epoch_ms():
    """ISO 8601 (Z or offset) and epoch-ms strings parse to the same instant."""
    iso = parse_timestamp("2026-03-01T09:30:00.123Z")
    ms = parse_timestamp("1772357400123")
    offset = parse_timestamp("2026-03-01T18:30:00.123+09:00")
    assert iso == ms == offset
    assert iso is not None
    assert iso.tzinfo is not None
    assert parse_timestamp("") is None


def test_format_datetime_is_iso_with_milliseconds_in_utc():
    """Datetimes are written in UTC with exactly three fractional digits."""
    tokyo = timezone(timedelta(hours=9))
    moment = datetime(2026, 3, 1, 18, 30, 0, 123456, tzinfo=tokyo)
    assert format_datetime(moment) == "2026-03-01T09:30:00.123Z"


def test_date_values_are_midnight_utc_of_the_local_calendar_day():
    """A date picked in Tokyo early morning keeps its day at midnight UTC."""
    tokyo = timezone(timedelta(hours=9))
    assert (
        format_date(datetime(2026, 4, 1, 7, 0, tzinfo=tokyo))
        == "2026-04-01T00:00:00.000Z"
    )
    assert to_property_value(date(2026, 4, 1)) == "2026-04-01T00:00:00.000Z"
    assert (
        to_property_value(datetime(2026, 4, 1, tzinfo=UTC))
        == "2026-04-01T00:00:00.000Z"
    )
    assert to_property_value(True) == "true"
    assert to_property_value(None) == ""
