"""Reads made once per page give each record what its own query would have."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from connector.flows.page_reads import PageReads
from connector.flows.resolve import Resolver, person_ids
from connector.matching import Matcher, load_match_rules
from connector.records import Person, SourceRef
from connector.store import StateStore, identity, people, snapshots

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 10, 1, tzinfo=UTC)


def _seed(store: StateStore) -> None:
    """Links (one merged away), persons and snapshots as earlier runs leave them."""
    with store.transaction() as conn:
        identity.link(conn, "ma", "persons", "1", "c1", "email", 1.0)
        identity.link(conn, "ma", "persons", "2", "c2", "email", 1.0)
        identity.link(conn, "ma", "persons", "3", "c3", "email", 1.0)
        identity.link(conn, "sfa", "persons", "L-1", "c1", "handoff")
        identity.link(conn, "sfa", "persons", "L-0", "c1", "handoff")
        identity.link(conn, "sfa", "deals", "D-1", "c1", "email")
        identity.record_merge(conn, "ma", "persons", "3", ["2"])
        for canonical in ("c1", "c3"):
            people.save_person(
                conn, canonical, Person(SourceRef("ma", canonical), email="a@x.jp")
            )
        snapshots.put_snapshot(conn, "sfa", "persons", "L-0", {"a": "0"}, T0)
        snapshots.put_snapshot(conn, "sfa", "persons", "L-1", {"a": "1"}, T0)


def test_bulk_identity_lookups_equal_single_ones(store: StateStore) -> None:
    """resolve_many and links_for_many answer as resolve and links_for, aliases too."""
    _seed(store)
    ids = ["1", "2", "3", "9", "1"]
    with store.read() as conn:
        many = identity.resolve_many(conn, "ma", "persons", ids)
        links = identity.links_for_many(conn, ["c1", "c2", "c3", "c9"])
        assert many == {i: identity.resolve(conn, "ma", "persons", i) for i in ids}
        assert many["2"] == many["3"]
        for canonical in ("c1", "c2", "c3", "c9"):
            assert links.get(canonical, []) == identity.links_for(conn, canonical)


def test_page_reads_equal_the_queries_they_replace(store: StateStore) -> None:
    """Loaded or not, a person, its live ids and a snapshot read as single queries."""
    _seed(store)
    reads = PageReads()
    with store.read() as conn:
        reads.load(conn, ["c1", "c2", "c9"], snapshots_of="sfa")
        for canonical in ("c1", "c2", "c3", "c9"):  # c3 was not loaded
            assert reads.person(conn, canonical) == people.get_person(conn, canonical)
            for system in ("ma", "sfa"):
                assert reads.person_ids(conn, canonical, system) == person_ids(
                    conn, canonical, system
                )
        for record_id in ("L-0", "L-1", "L-9"):
            expected = snapshots.get_snapshots(conn, "sfa", "persons", [record_id])
            found = reads.snapshot(conn, "sfa", "persons", record_id)
            assert found == expected.get(record_id)
    assert reads.person_ids(conn, "c1", "sfa") == ["L-0", "L-1"]


def test_preloaded_links_hold_for_the_page_only(store: StateStore) -> None:
    """Inside the block a record resolves as the map says; after it, fresh links win."""
    _seed(store)
    resolver = Resolver(Matcher(load_match_rules(ROOT / "mappings" / "matching.toml")))
    nobody = Person(SourceRef("ma", "x"))
    with store.read() as conn, resolver.preloaded(conn, "ma", "persons", ["2", "7"]):
        merged = resolver.find(conn, "ma", "persons", "2", nobody)
        unknown = resolver.find(conn, "ma", "persons", "7", nobody)
    assert merged is not None
    assert (merged.canonical_id, merged.rule) == ("c3", "identity_map")
    assert unknown is None
    with store.transaction() as conn:
        identity.link(conn, "ma", "persons", "7", "c1", "email", 1.0)
    with store.read() as conn:
        later = resolver.find(conn, "ma", "persons", "7", nobody)
    assert later is not None
    assert later.canonical_id == "c1"


def test_a_deal_found_through_its_contact_leaves_the_persons_keys_indexed(
    store: StateStore,
) -> None:
    """A deal's probe holds only e-mail and company; the person keeps all its keys.

    Indexing the probe in the person's place would drop the name and phone keys
    for the rest of the run, so a later lead sharing only those would be missed.
    """
    matcher = Matcher(load_match_rules(ROOT / "mappings" / "matching.toml"))
    resolver = Resolver(matcher)
    person = Person(
        SourceRef("ma", "1"),
        email="hanako.yamada@kaisha.co.jp",
        first_name="花子",
        last_name="山田",
        company="株式会社カイシャ",
        phone="03-1234-5678",
    )
    probe = Person(
        SourceRef("sfa", "D-9"),
        email="hanako.yamada@kaisha.co.jp",
        company="株式会社カイシャ",
    )
    with store.read() as conn:
        made = resolver.resolve(conn, "ma", "persons", "1", person)
        indexed = matcher.keys(made.canonical_id)
        deal = resolver.find(conn, "sfa", "deals", "D-9", probe)
        again = resolver.find(conn, "sfa", "deals", "D-9", probe)
    assert deal is not None
    assert again is not None
    assert deal.canonical_id == again.canonical_id == made.canonical_id
    assert indexed is not None
    assert indexed.phone is not None
    assert matcher.keys(made.canonical_id) == indexed
