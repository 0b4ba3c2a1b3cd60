"""Timestamps in the forms Japanese exports write them, all to aware datetimes."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from adapters.csv.timestamps import parse_timestamp

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10-01T09:30:00+09:00", "2026-10-01T09:30:00+09:00"),
        ("2026-10-01T00:30:00Z", "2026-10-01T00:30:00+00:00"),
        ("2026-10-01 09:30", "2026-10-01T09:30:00+09:00"),
        ("2026/10/01 09:30:15", "2026-10-01T09:30:15+09:00"),
        ("2026/10/01 09:30", "2026-10-01T09:30:00+09:00"),
        ("2026/10/01", "2026-10-01T00:00:00+09:00"),
        ("2026/1/5 9:05", "2026-01-05T09:05:00+09:00"),
        ("2026年10月01日 09:30", "2026-10-01T09:30:00+09:00"),
        ("1790813400000", "2026-10-01T00:10:00+00:00"),
        ("1790813400", "2026-10-01T00:10:00+00:00"),
    ],
)
def test_accepted_forms(text: str, expected: str) -> None:
    """ISO, slashed (padded or not), 年月日 and epoch forms parse to aware times."""
    assert parse_timestamp(text, TOKYO).isoformat() == expected


@pytest.mark.parametrize("text", ["not a date", "2026/13/01", "01/10/2026"])
def test_rejected_forms_say_what_is_accepted(text: str) -> None:
    """Anything else is a ValueError naming the accepted forms."""
    with pytest.raises(ValueError, match="ISO 8601, epoch ms"):
        parse_timestamp(text, TOKYO)
