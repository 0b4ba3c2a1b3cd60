from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

import connector.matching.batch as batch
from connector.matching import MatchRules, cluster, person_keys
from connector.matching.compare import compile_rules
from tests.matching.conftest import person

T1 = datetime(2026, 1, 1, tzinfo=UTC)


def _surname(i: int) -> str:
    """Distinct two-kanji surnames that share no character with each other."""
    return chr(0x4E00 + 2 * i) + chr(0x4E01 + 2 * i)


T2 = datetime(2026, 6, 1, tzinfo=UTC)


def test_duplicates_cluster_and_strangers_do_not(rules: MatchRules) -> None:
    """Three spellings of one person form one cluster; others stay out."""
    people = [
        (
            "1",
            person("1", email="taro@sakura.co.jp", last_name="山田", first_name="太郎"),
        ),
        ("2", person("2", email="hanako@aoba.co.jp", last_name="佐藤")),
        (
            "3",
            person(
                "3",
                email="TARO+dl@sakura.co.jp",
                last_name="山田",
                phone="090-1111-2222",
            ),
        ),
        ("4", person("4", last_name="太郎", first_name="山田", phone="09011112222")),
    ]
    (found,) = cluster(people, rules)
    assert found.members == ("1", "3", "4")
    assert {link.rule for link in found.links} == {"email", "mobile_name"}


def test_singletons_are_returned_on_request(rules: MatchRules) -> None:
    """With singletons=True every record appears in exactly one cluster."""
    people = [("a", person("a", email="a@x.co.jp")), ("b", person("b", email="b@y.jp"))]
    clusters = cluster(people, rules, singletons=True)
    assert sorted(m for c in clusters for m in c.members) == ["a", "b"]
    assert cluster(people, rules) == []


def test_survivor_is_most_recent_with_fields_filled(rules: MatchRules) -> None:
    """The newest record survives; its blanks are filled from the older one."""
    old = person("old", email="t@x.co.jp", phone="03-1111-2222", updated_at=T1)
    new = person("new", email="t@x.co.jp", company="X社", updated_at=T2)
    (found,) = cluster([("old", old), ("new", new)], rules)
    assert found.survivor == "new"
    assert found.merged.company == "X社"
    assert found.merged.phone == "03-1111-2222"
    assert found.merged.source == new.source


def test_blocking_never_compares_all_pairs(
    rules: MatchRules, monkeypatch: pytest.MonkeyPatch
) -> None:
    """200 unrelated people at one company cost far fewer than 19,900 comparisons."""
    calls = 0
    real = compile_rules

    def counting(r: MatchRules):  # type: ignore[no-untyped-def]
        judge = real(r)

        def run(a, b, counts=None):  # type: ignore[no-untyped-def]
            nonlocal calls
            calls += 1
            return judge(a, b, counts)

        return run

    monkeypatch.setattr("connector.matching.batch.compile_rules", counting)
    people = [
        (
            str(i),
            person(str(i), last_name=_surname(i), first_name="名", company="サクラ"),
        )
        for i in range(200)
    ]
    links = batch.cluster_keys([person_keys(p, rules) for _, p in people], rules)
    assert links == []
    # Everyone shares the token 名 at one company: one oversized block, compared as
    # a sorted neighbourhood (window 8), plus the name_joined blocks of size one.
    assert 0 < calls <= 200 * 8


def test_oversized_block_still_finds_adjacent_twins(rules: MatchRules) -> None:
    """In a block over max_block_size, a duplicate pair is still found."""
    people = [
        (
            str(i),
            person(str(i), last_name=_surname(i), first_name="名", company="サクラ"),
        )
        for i in range(120)
    ]
    people.append(
        (
            "twin",
            person("twin", last_name=_surname(7), first_name="名", company="サクラ"),
        )
    )
    (found,) = cluster(people, rules)
    assert found.members == ("7", "twin")


def test_generated_leads_cluster_with_high_f1(rules: MatchRules) -> None:
    """On 3,000 generated leads the shipped rules reach pairwise F1 above 0.9."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    try:
        import gen_leads  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    rows = gen_leads.generate(3000)
    people = [
        (
            row["id"],
            person(
                row["id"],
                email=row["email"] or None,
                last_name=row["last_name"] or None,
                first_name=row["first_name"] or None,
                company=row["company"] or None,
                phone=row["phone"] or None,
            ),
        )
        for row in rows
    ]
    truth = {row["id"]: row["cluster_id"] for row in rows}
    predicted = {m: c.id for c in cluster(people, rules) for m in c.members}

    def pairs(groups: dict[str, object]) -> set[tuple[str, str]]:
        by: dict[object, list[str]] = {}
        for key, group in groups.items():
            by.setdefault(group, []).append(key)
        return {(a, b) for ms in by.values() for a in ms for b in ms if a < b}

    true_pairs, found_pairs = pairs(truth), pairs(predicted)  # type: ignore[arg-type]
    correct = len(true_pairs & found_pairs)
    f1 = 2 * correct / (len(true_pairs) + len(found_pairs))
    assert len(true_pairs) > 100
    assert f1 > 0.9
