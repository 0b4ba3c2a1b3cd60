"""SOQL literals and value encoding: the text Salesforce's parser and types need."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import quote

import pytest

from adapters.salesforce.describe import FieldInfo, PicklistEntry
from adapters.salesforce.soql import (
    datetime_literal,
    id_chunks,
    since_filter,
    string_literal,
)
from adapters.salesforce.values import ValueProblem, encode_value

JST = timezone(timedelta(hours=9))


def test_datetime_literals_are_unquoted_utc_with_z():
    """A +09:00 time becomes UTC with Z (a bare + would be a space in a URL)."""
    moment = datetime(2026, 4, 1, 9, 0, 0, tzinfo=JST)
    assert datetime_literal(moment) == "2026-04-01T00:00:00Z"
    assert datetime_literal(moment.replace(microsecond=5000)) == (
        "2026-04-01T00:00:00.005Z"
    )


def test_string_literals_escape_quotes_and_backslashes():
    """Quotes, backslashes and newlines are escaped inside single quotes."""
    assert string_literal("O'Brien\\x\n") == "'O\\'Brien\\\\x\\n'"


def test_the_watermark_filter_is_inclusive_or_past_the_last_id():
    """>= the stamp normally; (stamp, Id) > (stamp, last id) for an overflowed tie."""
    at = datetime(2026, 4, 1, tzinfo=UTC)
    assert since_filter(None, None) is None
    assert since_filter(at, None) == "SystemModstamp >= 2026-04-01T00:00:00Z"
    assert since_filter(at, "00Q1") == (
        "(SystemModstamp > 2026-04-01T00:00:00Z OR (SystemModstamp = "
        "2026-04-01T00:00:00Z AND Id > '00Q1'))"
    )


def test_id_lists_are_split_and_deduplicated():
    """IN lists hold at most the chunk size, each id once."""
    chunks = list(id_chunks(["a", "b", "a", "c", ""], size=2))
    assert chunks == ["'a','b'", "'c'"]


def test_long_values_make_shorter_lists():
    """The encoded size, not only the count, bounds a list (long e-mails)."""
    emails = [f"{'x' * 60}{i}@example.jp" for i in range(500)]
    chunks = list(id_chunks(emails))
    assert len(chunks) > 3
    assert all(len(quote(c, safe="")) <= 10_000 for c in chunks)
    assert sum(c.count("@") for c in chunks) == 500


def _picklist(restricted: bool) -> FieldInfo:
    return FieldInfo(
        "Status",
        "picklist",
        True,
        True,
        False,
        restricted,
        (
            PicklistEntry("Working - Contacted", "対応中", True),
            PicklistEntry("Old", "旧", False),
        ),
    )


def test_picklist_labels_become_values_and_unknowns_are_refused():
    """A label maps to its value; restricted lists refuse unknown and inactive ones."""
    assert encode_value(_picklist(True), "対応中") == "Working - Contacted"
    assert encode_value(_picklist(True), "working - contacted") == (
        "Working - Contacted"
    )
    with pytest.raises(ValueProblem, match="restricted picklist"):
        encode_value(_picklist(True), "Old")
    assert encode_value(_picklist(False), "自由入力") == "自由入力"


@pytest.mark.parametrize(
    ("kind", "given", "sent"),
    [
        ("int", "1,200", 1200),
        ("currency", "2500000.5", 2500000.5),
        ("boolean", "true", True),
        ("date", "2026-12-01T10:00:00+09:00", "2026-12-01"),
        ("datetime", datetime(2026, 4, 1, 9, tzinfo=JST), "2026-04-01T00:00:00.000Z"),
        ("string", 42, "42"),
    ],
)
def test_values_are_sent_as_the_field_type_wants(kind, given, sent):
    """Describe types decide the JSON value sent."""
    field = FieldInfo("F", kind, True, True, False, False)
    assert encode_value(field, given) == sent


def test_a_datetime_without_zone_is_refused():
    """Salesforce would guess the zone of a naive datetime, so it is not sent."""
    field = FieldInfo("F", "datetime", True, True, False, False)
    with pytest.raises(ValueProblem, match="no time zone"):
        encode_value(field, "2026-04-01T09:00:00")
