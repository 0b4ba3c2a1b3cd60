"""Work addresses typed two ways, initials, and a family name written alone.

A corporate mailbox is strong evidence of who someone is, and company address
schemes build local parts from names: ``corporate_local`` must read a slip of the
keyboard as the same mailbox and another initial as another person.
"""

from __future__ import annotations

import pytest

from connector.matching import (
    Keys,
    MatchRules,
    cluster,
    evaluate,
    parse_match_rules,
    person_keys,
)
from connector.matching.compare import feature
from tests.matching.conftest import person


def _local(rules: MatchRules, left: str, right: str) -> float | None:
    a = person_keys(person(email=f"{left}@globex.co.jp"), rules)
    b = person_keys(person(email=f"{right}@globex.co.jp"), rules)
    return feature("corporate_local", a, b)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("fujita-h", "fujita-"),  # the initial lost, not replaced
        ("nakano-t", "nakan-ot"),  # two keys swapped across the separator
        ("kikuoka_yuki", "ikuoka_yuki"),  # a name-built address lost a letter
        ("morris.rachel", "omrris.rachel"),  # the first two letters swapped
    ],
)
def test_typos_of_one_mailbox_stay_alike(
    rules: MatchRules, left: str, right: str
) -> None:
    """Each pair is one mailbox mistyped: similar enough to pass a 0.8 veto."""
    value = _local(rules, left, right)
    assert value is not None
    assert value > 0.8


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("kyamamoto", "yyamamoto"),  # initial first
        ("yamamoto.k", "yamamoto.y"),  # initial after a separator
        ("sato", "ksato"),  # surname alone vs initial + surname
        ("sato_kenichi", "sato_kenichi2"),  # namesakes numbered by the mail admin
    ],
)
def test_another_initial_is_another_person(
    rules: MatchRules, left: str, right: str
) -> None:
    """Coworkers' addresses differ in an initial: corporate_local is 0."""
    assert _local(rules, left, right) == 0.0


def test_surname_and_initial_is_below_the_family_name_threshold(
    rules: MatchRules,
) -> None:
    """One letter apart at the end: a typo or another initial, not enough alone."""
    value = _local(rules, "hashimotom", "hashimotoc")
    assert value is not None
    assert value <= 0.9


def test_name_part_feature() -> None:
    """1 for a lone word among the other's words, 0 if not, absent otherwise."""
    rules = parse_match_rules({"rules": [{"name": "e", "exact": ["email"]}]}, "t")

    def keys(last: str, first: str | None = None) -> Keys:
        return person_keys(person(last_name=last, first_name=first), rules)

    assert feature("name_part", keys("佐藤"), keys("佐藤", "学")) == 1.0
    assert feature("name_part", keys("学", "佐藤"), keys("佐藤")) == 1.0
    assert feature("name_part", keys("斎藤"), keys("佐藤", "学")) == 0.0
    assert feature("name_part", keys("佐藤", "学"), keys("佐藤", "学")) is None
    assert feature("name_part", keys("佐藤"), keys("佐藤")) is None


def test_family_name_alone_with_one_mailbox_typed_two_ways(rules: MatchRules) -> None:
    """佐藤 (alone) at manabu.sto@ is 佐藤 学 at manabu.sato@, one mailbox."""
    a = person(
        email="manabu.sato@stella-medi.co.jp",
        last_name="佐藤",
        first_name="学",
        company="ステラメディカル有限会社",
    )
    b = person(
        email="manabu.sto@stella-medi.co.jp",
        last_name="佐藤",
        company="有限会社ステラメディカル",
    )
    verdict = evaluate(rules, person_keys(a, rules), person_keys(b, rules))
    assert verdict is not None
    assert verdict[0] == "family_name_mailbox"
    found = cluster([("a", a), ("b", b)], rules)
    assert [c.members for c in found] == [("a", "b")]


@pytest.mark.parametrize("local", ["takahashie", "takahashik"])
def test_family_name_alone_does_not_join_a_coworker(
    rules: MatchRules, local: str
) -> None:
    """高橋 (alone) at takahashie@ is not 高橋 勇気 at takahashiy@: another initial."""
    a = person(email=f"{local}@toyo-re.co.jp", last_name="高橋", company="東洋不動産")
    b = person(
        email="takahashiy@toyo-re.co.jp",
        last_name="高橋",
        first_name="勇気",
        company="東洋不動産有限会社",
    )
    assert evaluate(rules, person_keys(a, rules), person_keys(b, rules)) is None
    assert cluster([("a", a), ("b", b)], rules) == []


def test_name_typed_as_one_word_meets_it_through_the_phone(rules: MatchRules) -> None:
    """鈴木光希 with only a phone finds 鈴木 光希 with the same number (+81 form)."""
    a = person(last_name="鈴木光希", phone="+81 3 7509 1051")
    b = person(
        last_name="鈴木",
        first_name="光希",
        company="株式会社第一商事",
        email="suzuki.mitsuki@daiichi-shoji.co.jp",
        phone="03-7509-1051",
    )
    found = cluster([("a", a), ("b", b)], rules)
    assert [c.members for c in found] == [("a", "b")]
    assert found[0].links[0].rule == "phone_name"
