from __future__ import annotations

from connector.matching import (
    Match,
    Matcher,
    MatchRules,
    parse_match_rules,
    person_keys,
)
from connector.matching.matcher import keys_from_stored
from tests.matching.conftest import person


def test_match_finds_the_indexed_person_by_any_rule(rules: MatchRules) -> None:
    """A lead written differently is found under the key it was indexed with."""
    matcher = Matcher(rules)
    matcher.add("sfa:1", person(email="taro@sakura.co.jp", last_name="山田"))
    matcher.add("sfa:2", person(email="hanako@sakura.co.jp", last_name="佐藤"))
    found = matcher.match(person(email="TARO+expo@sakura.co.jp"))
    assert found == Match("sfa:1", "email", 1.0)


def test_unknown_person_gives_none(rules: MatchRules) -> None:
    """Nobody sharing a block means no match, not a guess."""
    matcher = Matcher(rules)
    matcher.add("sfa:1", person(email="taro@sakura.co.jp", last_name="山田"))
    assert matcher.match(person(email="jiro@aoba.co.jp", last_name="鈴木")) is None


def test_best_match_prefers_earlier_rule_then_score(rules: MatchRules) -> None:
    """An exact email beats a fuzzy name match; among fuzzy ones the higher wins."""
    matcher = Matcher(rules)
    lead = person(
        email="t.yamada@gmail.com",
        last_name="山田",
        first_name="太郎",
        company="サクラ",
    )
    matcher.add(
        "fuzzy", person(last_name="山田", first_name="太郎", company="(株)サクラ")
    )
    matcher.add("exact", person(email="t.yamada@gmail.com"))
    assert [m.key for m in matcher.match_all(lead)] == ["exact", "fuzzy"]
    assert matcher.match(lead) == Match("exact", "email", 1.0)


def test_remove_and_replace_update_the_index(rules: MatchRules) -> None:
    """A removed key is never returned; re-adding a key replaces its old values."""
    matcher = Matcher(rules)
    matcher.add("a", person(email="old@x.co.jp"))
    matcher.add("a", person(email="new@x.co.jp"))
    assert matcher.match(person(email="old@x.co.jp")) is None
    assert matcher.match(person(email="new@x.co.jp")) is not None
    matcher.remove("a")
    matcher.remove("never-added")
    assert matcher.match(person(email="new@x.co.jp")) is None
    assert len(matcher) == 0


def test_exclude_skips_the_record_itself(rules: MatchRules) -> None:
    """Re-matching an indexed record can leave itself out of the answer."""
    matcher = Matcher(rules)
    lead = person(email="a@x.co.jp")
    matcher.add("self", lead)
    assert matcher.match(lead, exclude="self") is None


def test_candidates_are_only_people_sharing_a_block(rules: MatchRules) -> None:
    """Work per lead is its blocks: unrelated people are never even compared."""
    matcher = Matcher(rules)
    for i in range(200):
        matcher.add(f"other{i}", person(email=f"p{i}@c{i}.co.jp", last_name=f"姓{i}"))
    matcher.add("twin", person(last_name="山田", first_name="太郎", company="サクラ"))
    lead = person_keys(
        person(last_name="山田", first_name="太郎", company="サクラ"), rules
    )
    assert matcher.candidates(lead) == {"twin"}


def test_oversized_block_is_filtered_by_name_token() -> None:
    """On a main line shared by many, only people sharing a name token are compared."""
    rules = parse_match_rules(
        {
            "max_block_size": 3,
            "rules": [{"name": "p", "blocking": ["phone"], "require": {"name": 1.0}}],
        },
        "t",
    )
    matcher = Matcher(rules)
    for i in range(10):
        matcher.add(f"c{i}", person(phone="0312345678", last_name=f"姓{i}"))
    matcher.add("twin", person(phone="0312345678", last_name="山田"))
    lead = person_keys(person(phone="03-1234-5678", last_name="山田"), rules)
    assert matcher.candidates(lead) == {"twin"}
    assert matcher.match(lead) == Match("twin", "p", 1.0)


def test_stored_form_rebuilds_identical_keys(rules: MatchRules) -> None:
    """What is persisted is enough to rebuild the same normalised keys."""
    matcher = Matcher(rules)
    original = person(
        email="info@sakura.co.jp",
        phone="03-1234-5678",
        last_name="山田",
        first_name="太郎",
        company="株式会社サクラ",
    )
    matcher.add("k", original)
    assert keys_from_stored(rules, matcher.stored("k")) == person_keys(original, rules)
    assert matcher.stored("missing") == {}
