"""Templated list params: config errors name the key; {since} renders as configured."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.rest.cursor import since_text
from adapters.rest.templates import ParamTemplates
from connector.config import SystemSettings
from connector.errors import ConfigError
from connector.registry import validate_adapter_settings
from tests.adapters.rest.conftest import settings_for
from tests.fakes.sfa import FakeSfa

KEYSET = '更新日時 > "{since}" or (更新日時 = "{since}" and $id > {last_id})'


def problems_for(listing: dict[str, Any]) -> list[str]:
    raw = settings_for(FakeSfa(), entities={"persons": {"list": listing}})
    with pytest.raises(ConfigError) as caught:
        validate_adapter_settings("sfa", SystemSettings(adapter="rest", **raw))
    return caught.value.problems


@pytest.mark.parametrize(
    ("listing", "expected"),
    [
        (
            {"params": {"query": '更新日時 > "{sinse}"'}},
            "params.query: unknown placeholder {sinse}",
        ),
        ({"params": {"query": '更新日時 > "{since"'}}, "params.query: bad template"),
        ({"params": {"q": "a } b"}}, "params.q: bad template"),
        ({"params": {"query": "$id > {}"}}, "params.query: unknown placeholder {}"),
        ({"params": {"query": "{since:%Y}"}}, "{since} takes no format spec"),
        ({"params": {"query": "{since!r}"}}, "{since} takes no format spec"),
        (
            {"params": {"query": "$id > 1"}, "pagination": {"style": "seek"}},
            "needs a params template with {since}",
        ),
        ({"params": {"query": "offset {offset}"}}, "set pagination style = 'offset'"),
        (
            {
                "params": {"query": "{since}"},
                "since_strftime": "%Y",
                "since_timezone": "Mars/Base",
            },
            "since_timezone 'Mars/Base' is not an IANA time zone",
        ),
    ],
)
def test_template_mistakes_are_one_problem_naming_the_key(
    listing: dict[str, Any], expected: str
) -> None:
    """Each mistake is exactly one problem line, under the list section, with a fix."""
    problems = problems_for(listing)
    assert len(problems) == 1, problems
    assert "sfa.entities.persons.list" in problems[0]
    assert expected in problems[0]


def test_unknown_placeholder_says_what_to_use() -> None:
    [problem] = problems_for({"params": {"query": "{sinse}"}})
    assert "use {since}, {last_id}, {limit} or {offset}" in problem


def test_fixed_text_keeps_literal_braces_and_templates_render() -> None:
    templates = ParamTemplates.of({"app": 7, "filter": "{{raw}}", "query": KEYSET})
    assert templates.names == {"since", "last_id"}
    rendered = templates.render(
        {"since": "S", "last_id": "9", "limit": "1", "offset": "0"}
    )
    assert rendered == {
        "app": 7,
        "filter": "{raw}",
        "query": '更新日時 > "S" or (更新日時 = "S" and $id > 9)',
    }


WHEN = datetime(2027, 1, 1, 0, 0, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("when", "options", "expected"),
    [
        (WHEN, {"fmt": "iso8601", "inclusive": True}, "2027-01-01T00:00:05Z"),
        (WHEN, {"fmt": "iso8601", "inclusive": False}, "2027-01-01T00:00:04Z"),
        (WHEN, {"fmt": "epoch_s", "inclusive": True}, "1798761605"),
        (None, {"fmt": "iso8601", "inclusive": True}, "1970-01-01T00:00:00Z"),
        (None, {"fmt": "epoch_ms", "inclusive": True}, "0"),
        (
            WHEN,
            {
                "fmt": "iso8601",
                "inclusive": True,
                "strftime": "%Y-%m-%dT%H:%M:%S%z",
                "zone": "Asia/Tokyo",
            },
            "2027-01-01T09:00:05+0900",
        ),
        (
            WHEN.replace(microsecond=900_000),
            {"fmt": "iso8601", "inclusive": True, "strftime": "%Y-%m-%d %H:%M:%S"},
            "2027-01-01 00:00:05",
        ),
    ],
)
def test_since_is_formatted_as_configured(
    when: datetime | None, options: dict[str, Any], expected: str
) -> None:
    """As updated_since_format says, or strftime in a zone; the epoch first.

    One second earlier when the API filters with '>'.
    """
    assert since_text(when, **options) == expected
