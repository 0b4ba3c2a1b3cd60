"""Name frequency: a rare full name is evidence by itself, a common one is not.

The shipped ``rare_name`` rule links two records that share an exact full name
carried by at most two records (of the batch, or of the index plus the lead),
when nothing contradicts it. The same inputs must give the same answer in batch
mode and in incremental matching.
"""

from __future__ import annotations

import pytest

from connector.errors import MappingError
from connector.matching import Matcher, MatchRules, cluster, parse_match_rules
from connector.records import Person
from tests.matching.conftest import person


def _rare(key: str, **fields: object) -> Person:
    base: dict[str, object] = {"last_name": "久森", "first_name": "さくら"}
    return person(key, **{**base, **fields})


def _linked(people: list[tuple[str, Person]], rules: MatchRules) -> set[str]:
    return {m for found in cluster(people, rules) for m in found.members}


def test_two_records_of_a_rare_name_link_without_a_company(rules: MatchRules) -> None:
    """The company is missing on one side: only the rare name joins them."""
    people = [
        ("a", _rare("a", company="株式会社港北リース", email="h@kohoku-lease.jp")),
        ("b", _rare("b", email="hisamori8331@ezweb.ne.jp")),
    ]
    (found,) = cluster(people, rules)
    assert found.members == ("a", "b")
    assert found.links[0].rule == "rare_name"


def test_a_third_record_of_the_name_makes_it_too_common(rules: MatchRules) -> None:
    """Three records carry the name: without a company or contact, no link."""
    people = [
        ("a", _rare("a", company="株式会社港北リース")),
        ("b", _rare("b")),
        ("c", _rare("c", company="ツバサテック")),
    ]
    assert _linked(people, rules) == set()


@pytest.mark.parametrize(
    "other",
    [
        {"company": "ツバサテック"},  # another employer
        {"email": "hisamori@tsubasa-tech.jp"},  # another corporate domain
    ],
)
def test_anything_contradicting_the_rare_name_keeps_them_apart(
    rules: MatchRules, other: dict[str, str]
) -> None:
    """A different company or corporate domain vetoes the rare-name link."""
    people = [
        ("a", _rare("a", company="株式会社港北リース", email="h@kohoku-lease.jp")),
        ("b", _rare("b", **other)),
    ]
    assert _linked(people, rules) == set()


def test_a_family_name_alone_is_never_rare(rules: MatchRules) -> None:
    """Two records with only 久森 are not linked however few carry it."""
    people = [
        ("a", person("a", last_name="久森")),
        ("b", person("b", last_name="久森", email="x@example.com")),
    ]
    assert _linked(people, rules) == set()


def test_incremental_matching_counts_the_lead_too(rules: MatchRules) -> None:
    """One indexed namesake plus the lead is two: a match; two plus it is not."""
    matcher = Matcher(rules)
    matcher.add("a", _rare("a", company="株式会社港北リース"))
    found = matcher.match(_rare("lead"))
    assert found is not None
    assert (found.key, found.rule) == ("a", "rare_name")
    matcher.add("c", _rare("c", company="ツバサテック"))
    assert matcher.match(_rare("lead")) is None
    matcher.remove("c")
    found = matcher.match(_rare("lead"))
    assert found is not None
    assert found.key == "a"


def test_rematching_an_indexed_record_does_not_count_it_twice(
    rules: MatchRules,
) -> None:
    """Matching a record already in the index (excluded) counts it once."""
    matcher = Matcher(rules)
    matcher.add("a", _rare("a", company="株式会社港北リース"))
    matcher.add("b", _rare("b"))
    found = matcher.match(_rare("b"), exclude="b")
    assert found is not None
    assert found.key == "a"


def test_max_name_count_must_be_positive() -> None:
    """A zero or negative count is refused with the rule named."""
    data = {
        "rules": [
            {
                "name": "rare",
                "blocking": ["name"],
                "require": {"name": 1.0},
                "max_name_count": 0,
            }
        ]
    }
    with pytest.raises(MappingError) as caught:
        parse_match_rules(data, "matching.toml")
    assert "max_name_count" in "\n".join(caught.value.problems)


def test_blocks_of_common_names_are_skipped_only_for_rare_name_rules() -> None:
    """The exact-name block is bounded by the rules' counts; others are not."""
    rare_only = parse_match_rules(
        {
            "rules": [
                {
                    "name": "rare",
                    "blocking": ["name"],
                    "require": {"name": 1.0},
                    "max_name_count": 3,
                }
            ]
        },
        "t",
    )
    assert rare_only.name_block_limit(("name",)) == 3
    mixed = parse_match_rules(
        {
            "rules": [
                {
                    "name": "rare",
                    "blocking": ["name"],
                    "require": {"name": 1.0},
                    "max_name_count": 3,
                },
                {"name": "any", "blocking": ["name"], "require": {"name": 1.0}},
            ]
        },
        "t",
    )
    assert mixed.name_block_limit(("name",)) is None
    assert rare_only.name_block_limit(("company",)) is None
