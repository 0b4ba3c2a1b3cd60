"""The contract the handoff flow relies on: never a second SFA record for a person.

The flow indexes every SFA person, asks the matcher about each MA lead, updates the
match or creates a record, and indexes what it created. These tests drive that
loop with the shipped rules.
"""

from __future__ import annotations

from connector.matching import Matcher, MatchRules
from connector.records import Person
from tests.matching.conftest import person

SFA = [
    person(
        "S1",
        system="sfa",
        email="taro.yamada@sakura.co.jp",
        last_name="山田",
        first_name="太郎",
        company="株式会社サクラ",
        phone="03-1111-2222",
    ),
    person(
        "S2",
        system="sfa",
        email="hanako.sato@aoba.co.jp",
        last_name="佐藤",
        first_name="花子",
        company="アオバ商事株式会社",
    ),
    person(
        "S3",
        system="sfa",
        last_name="Smith",
        first_name="John",
        company="Acme Inc.",
        phone="090-1234-5678",
    ),
]


def _handoff(matcher: Matcher, leads: list[Person]) -> tuple[dict[str, str], list[str]]:
    """Mimic the flow: update on a match, else create and index the new record."""
    updated: dict[str, str] = {}
    created: list[str] = []
    for lead in leads:
        found = matcher.match(lead)
        if found is None:
            new_key = f"sfa:new{len(created) + 1}"
            created.append(new_key)
            matcher.add(new_key, lead)
        else:
            updated[lead.source.id] = found.key
    return updated, created


def test_leads_of_existing_sfa_people_update_instead_of_create(
    rules: MatchRules,
) -> None:
    """Every variant of a known person is matched to its SFA record."""
    matcher = Matcher(rules)
    for record in SFA:
        matcher.add(f"sfa:{record.source.id}", record)
    leads = [
        person("m1", email=" TARO.YAMADA+expo@sakura.co.jp "),
        person("m2", last_name="太郎", first_name="山田", company="(株)ｻｸﾗ"),
        person("m3", email="hanako.sato@aoba.co.jp", company="アオバ商事"),
        person("m4", last_name="SMITH", first_name="john", phone="+81 90 1234 5678"),
    ]
    updated, created = _handoff(matcher, leads)
    assert created == []
    assert updated == {"m1": "sfa:S1", "m2": "sfa:S1", "m3": "sfa:S2", "m4": "sfa:S3"}


def test_a_new_person_is_created_once_then_matched(rules: MatchRules) -> None:
    """The second lead of a new person updates the record the first one created."""
    matcher = Matcher(rules)
    for record in SFA:
        matcher.add(f"sfa:{record.source.id}", record)
    leads = [
        person("m1", email="jiro@minato.co.jp", last_name="鈴木", first_name="次郎"),
        person("m2", email="Jiro+dl@Minato.co.jp"),
    ]
    updated, created = _handoff(matcher, leads)
    assert created == ["sfa:new1"]
    assert updated == {"m2": "sfa:new1"}


def test_coworker_with_same_surname_is_not_merged_into_sfa_person(
    rules: MatchRules,
) -> None:
    """A different person at the same company gets a record of their own."""
    matcher = Matcher(rules)
    for record in SFA:
        matcher.add(f"sfa:{record.source.id}", record)
    lead = person(
        "m1",
        email="jiro.yamada@sakura.co.jp",
        last_name="山田",
        first_name="次郎",
        company="株式会社サクラ",
        phone="03-1111-2222",
    )
    _, created = _handoff(matcher, [lead])
    assert created == ["sfa:new1"]
