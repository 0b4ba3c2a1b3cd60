"""Identity map on the state store: runs once on SQLite and once on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connector.errors import StateError
from connector.matching import Matcher, MatchRules
from connector.matching.persist import forget_person, load_matcher, save_person
from connector.store import StateStore
from connector.store.identity import (
    find_by_key,
    ids_for,
    link,
    links_for,
    new_canonical_id,
    record_conversion,
    record_merge,
    resolve,
    survivor_of,
)
from tests.matching.conftest import person

NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def test_link_and_resolve_with_rule_score_and_time(store: StateStore) -> None:
    """A linked id resolves to its person, and the link keeps how and when."""
    person_id = new_canonical_id()
    with store.transaction() as conn:
        link(conn, "ma", "persons", "101", person_id, "email", 1.0, "run-1", now=NOW)
        link(conn, "sfa", "persons", "L-9", person_id, "name_company", 0.93, now=NOW)
    with store.read() as conn:
        assert resolve(conn, "ma", "persons", "101") == person_id
        assert resolve(conn, "ma", "persons", "unknown") is None
        assert ids_for(conn, person_id) == {"ma": ["101"], "sfa": ["L-9"]}
        rows = links_for(conn, person_id)
    assert [(r.system, r.rule, r.score, r.linked_at, r.run_id) for r in rows] == [
        ("ma", "email", 1.0, NOW, "run-1"),
        ("sfa", "name_company", pytest.approx(0.93), NOW, None),
    ]


def test_links_survive_a_restart(store: StateStore) -> None:
    """A new StateStore on the same database sees the links written before."""
    person_id = new_canonical_id()
    with store.transaction() as conn:
        link(conn, "ma", "persons", "7", person_id, "email", 1.0, now=NOW)
    reopened = StateStore(store.url)
    try:
        with reopened.read() as conn:
            assert resolve(conn, "ma", "persons", "7") == person_id
    finally:
        reopened.close()


def test_hubspot_style_merge_keeps_old_ids_as_aliases(store: StateStore) -> None:
    """Merged ids resolve to the survivor's person; the other side is reported."""
    first, second = new_canonical_id(), new_canonical_id()
    with store.transaction() as conn:
        link(conn, "ma", "persons", "1", first, "email", 1.0, now=NOW)
        link(conn, "ma", "persons", "2", second, "email", 1.0, now=NOW)
        link(conn, "sfa", "persons", "A", first, "email", 1.0, now=NOW)
        link(conn, "sfa", "persons", "B", second, "email", 1.0, now=NOW)
        outcome = record_merge(conn, "ma", "persons", "3", ["1", "2"], now=NOW)
    assert outcome.canonical_id == first
    assert outcome.absorbed == (second,)
    assert outcome.to_replay == {"sfa": ["A", "B"]}
    with store.read() as conn:
        assert {resolve(conn, "ma", "persons", i) for i in "123"} == {first}
        assert survivor_of(conn, "ma", "persons", "2") == "3"
        assert ids_for(conn, first) == {"ma": ["3"], "sfa": ["A", "B"]}
        assert ids_for(conn, first, aliases=True)["ma"] == ["1", "2", "3"]
        assert ids_for(conn, second) == {}


def test_merge_into_an_existing_survivor_keeps_its_person(store: StateStore) -> None:
    """When the survivor is already linked, merged ids join its person."""
    keep, other = new_canonical_id(), new_canonical_id()
    with store.transaction() as conn:
        link(conn, "ma", "persons", "S", keep, "email", 1.0, now=NOW)
        link(conn, "ma", "persons", "M", other, "email", 1.0, now=NOW)
        outcome = record_merge(conn, "ma", "persons", "S", ["M", "S"], now=NOW)
    assert (outcome.canonical_id, outcome.merged_ids) == (keep, ("M",))
    assert outcome.to_replay == {}


def test_conversion_aliases_the_lead_to_the_contact(store: StateStore) -> None:
    """An SFA lead converted to a contact still resolves, via the contact's id."""
    person_id = new_canonical_id()
    with store.transaction() as conn:
        link(conn, "sfa", "persons", "lead-1", person_id, "email", 1.0, now=NOW)
        outcome = record_conversion(
            conn, "sfa", "persons", "lead-1", "contact-9", now=NOW
        )
    assert outcome.canonical_id == person_id
    with store.read() as conn:
        assert resolve(conn, "sfa", "persons", "lead-1") == person_id
        assert survivor_of(conn, "sfa", "persons", "lead-1") == "contact-9"
        assert {r.rule for r in links_for(conn, person_id)} == {"convert"}


def test_alias_cycle_is_a_state_error(store: StateStore) -> None:
    """A merge loop in the data is reported, never followed forever."""
    person_id = new_canonical_id()
    with store.transaction() as conn:
        record_merge(conn, "ma", "persons", "x", ["y"], now=NOW)
        record_merge(conn, "ma", "persons", "y", ["x"], now=NOW)
        link(conn, "ma", "persons", "z", person_id, "email", 1.0, now=NOW)
    with store.read() as conn, pytest.raises(StateError, match="does not end"):
        survivor_of(conn, "ma", "persons", "x")


def test_matcher_index_persists_and_reloads(
    store: StateStore, rules: MatchRules
) -> None:
    """Keys saved per person rebuild a matcher that finds the same people."""
    matcher = Matcher(rules)
    taro, hanako = new_canonical_id(), new_canonical_id()
    matcher.add(taro, person(email="Taro@Sakura.co.jp", phone="03-1234-5678"))
    matcher.add(hanako, person(email="hanako@aoba.co.jp", last_name="佐藤"))
    with store.transaction() as conn:
        save_person(conn, matcher, taro)
        save_person(conn, matcher, hanako)
    with store.read() as conn:
        rebuilt = load_matcher(conn, rules)
        assert find_by_key(conn, "email", "taro@sakura.co.jp") == [taro]
    assert len(rebuilt) == 2
    assert rebuilt.match(person(email="taro+x@sakura.co.jp")).key == taro  # type: ignore[union-attr]
    with store.transaction() as conn:
        forget_person(conn, rebuilt, taro)
    with store.read() as conn:
        assert len(load_matcher(conn, rules)) == 1
