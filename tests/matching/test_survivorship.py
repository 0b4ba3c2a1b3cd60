from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connector.matching import survive
from tests.matching.conftest import person

T1 = datetime(2026, 1, 1, tzinfo=UTC)
T2 = datetime(2026, 3, 1, tzinfo=UTC)
T3 = datetime(2026, 6, 1, tzinfo=UTC)


def test_each_field_takes_the_most_recent_non_blank_value() -> None:
    """Newest wins per field; a blank in the newest never erases an older value."""
    members = [
        (
            "a",
            person("a", email="old@x.jp", phone="03-1", company="Old", updated_at=T1),
        ),
        ("b", person("b", email="new@x.jp", phone=" ", updated_at=T3)),
        ("c", person("c", company="Mid", updated_at=T2)),
    ]
    key, merged = survive(members)
    assert key == "b"
    assert (merged.email, merged.phone, merged.company) == ("new@x.jp", "03-1", "Mid")
    assert merged.updated_at == T3


def test_records_without_a_date_count_as_oldest() -> None:
    """An unknown update time never beats a known one."""
    members = [
        ("undated", person("u", email="u@x.jp")),
        ("dated", person("d", updated_at=T1)),
    ]
    key, merged = survive(members)
    assert key == "dated"
    assert merged.email == "u@x.jp"


def test_source_priority_ranks_systems_before_recency() -> None:
    """With sfa first, an older SFA value beats a newer MA one."""
    members = [
        ("ma:1", person("1", system="ma", company="MA社", updated_at=T3)),
        ("sfa:9", person("9", system="sfa", company="SFA社", updated_at=T1)),
    ]
    key, merged = survive(members, "source_priority", ("sfa", "ma"))
    assert key == "sfa:9"
    assert merged.company == "SFA社"
    assert survive(members)[0] == "ma:1"


def test_attributes_merge_newest_first() -> None:
    """Attribute keys are merged too, the newest value of each winning."""
    members = [
        ("a", person("a", attributes={"city": "大阪", "size": "L"}, updated_at=T1)),
        ("b", person("b", attributes={"city": "東京", "size": ""}, updated_at=T2)),
    ]
    assert survive(members)[1].attributes == {"city": "東京", "size": "L"}


def test_empty_cluster_is_an_error() -> None:
    """Survivorship of nothing is a programming error, said plainly."""
    with pytest.raises(ValueError, match="at least one member"):
        survive([])
