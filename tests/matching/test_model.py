"""The Fellegi–Sunter model: EM recovers known parameters, frequencies weigh values."""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from connector.matching import Matcher, load_match_rules, parse_match_rules
from connector.matching.keys import keys_of, person_keys
from connector.matching.levels import COMPARISONS, Pattern, compare_all
from connector.matching.model import Frequencies, _ordered, estimate
from connector.matching.model_batch import model_cluster, model_links
from connector.records import Person, SourceRef
from tests.matching.conftest import RULES_FILE as RULES_PATH


def test_ordered_levels_never_weigh_more_than_closer_ones() -> None:
    """A different phone never counts for a match, whatever the anchors saw."""
    m = [0.3, 0.2, 0.5]
    u = [0.001, 0.1, 0.2]
    capped = _ordered(m, u)
    ratios = [a / b for a, b in zip(capped, u, strict=True)]
    assert ratios == sorted(ratios, reverse=True)
    assert ratios[-1] <= 1.0
    assert capped[0] == pytest.approx(0.3)


def test_estimate_learns_m_from_anchors_and_the_prior_from_shared_addresses() -> None:
    """Twins' names are learnt from pairs sharing an address; λ from how many."""
    rules = load_match_rules(RULES_PATH)
    keys = []
    for index in range(200):
        name = ("山田", f"名{index}")
        mobile = f"090-{1200 + index:04d}-5678"
        address = f"u{index}@x{index}.co.jp"
        keys.append(keys_of(rules, address, mobile, *name, None))
        keys.append(keys_of(rules, address, mobile, *name, None))
    frequencies = Frequencies()
    for person in keys:
        frequencies.add(person)
    candidates: Counter[Pattern] = Counter()
    for left in range(0, len(keys), 2):
        candidates[compare_all(keys[left], keys[left + 1])[0]] += 1
    model = estimate(candidates, Counter(), frequencies)
    name = next(i for i, c in enumerate(COMPARISONS) if c.name == "name")
    assert model.m[name][0] > 0.95  # every anchor pair has the same name
    # 200 matching pairs among 400 records; the anchors (a shared mobile) say
    # that all of them share their address, up to the weak starting belief.
    assert model.m[0][0] > 0.95
    assert model.prior == pytest.approx(200 / (400 * 399 / 2), rel=0.05)


def test_a_common_name_weighs_less_than_a_rare_one() -> None:
    """Term frequencies: 30 records named 佐藤 翔 say less than 2 named 勅使河原 雅."""
    rules = load_match_rules(RULES_PATH)
    frequencies = Frequencies()
    for index in range(30):
        frequencies.add(keys_of(rules, f"s{index}@x.co.jp", None, "佐藤", "翔", None))
    for index in range(300):
        frequencies.add(
            keys_of(rules, f"o{index}@x.co.jp", None, f"姓{index}", "名", None)
        )
        if index % 3 == 0:
            frequencies.add(
                keys_of(rules, f"t{index}@x.co.jp", None, f"姓{index}", "名", None)
            )
    frequencies.add(keys_of(rules, "a@y.co.jp", None, "勅使河原", "雅", None))
    frequencies.add(keys_of(rules, "b@y.co.jp", None, "勅使河原", "雅", None))
    common = frequencies.shift(2, "佐藤 翔")
    rare = frequencies.shift(2, "勅使河原 雅")
    # Σc(c-1) = 30·29 + 101·2 = 1072 over Σc = 30 + 202 = 232 records sharing a
    # name: the average agreed name is carried by 1 + 4.62 records.
    average = 1072 / 232
    assert common == pytest.approx(math.log2(average / 29))
    assert rare == pytest.approx(math.log2(average / 1))
    assert common < -2 < 2 < rare


def test_frequencies_forget_what_they_counted() -> None:
    """Adding then removing a record leaves the counts as they were."""
    rules = load_match_rules(RULES_PATH)
    frequencies = Frequencies()
    first = keys_of(rules, "a@x.co.jp", "090-1111-2222", "山田", "太郎", "サクラ")
    frequencies.add(first)
    before = (list(frequencies.agreeing), list(frequencies.sharing))
    frequencies.add(first)
    frequencies.add(first, sign=-1)
    assert (list(frequencies.agreeing), list(frequencies.sharing)) == before
    assert frequencies.records == 1


def _person(key: str, email: str, last: str, first: str, company: str) -> Person:
    return Person(
        source=SourceRef("ma", key),
        email=email,
        last_name=last,
        first_name=first,
        company=company,
        updated_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_model_scan_joins_twins_and_keeps_role_mailbox_coworkers_apart() -> None:
    """A fitted batch: each person's two records join; info@ coworkers do not."""
    rules = load_match_rules(RULES_PATH)
    draw = random.Random(11)
    people: list[tuple[str, Person]] = []
    families = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村"]
    givens = ["翔", "葵", "蓮", "陽菜", "大翔", "結衣", "湊", "凛", "悠真", "美咲"]
    twins: list[tuple[str, str]] = []
    for index in range(400):
        company = f"テスト{index % 40}工業"
        last, first = draw.choice(families), draw.choice(givens)
        email = f"p{index}@t{index % 40}.co.jp"
        people.append((f"r{index}", _person(f"r{index}", email, last, first, company)))
        if index % 5 == 0:
            twin = f"r{index}b"
            people.append((twin, _person(twin, email.upper(), last, first, company)))
            twins.append((f"r{index}", twin))
    for index in range(6):  # six coworkers behind one role mailbox
        key = f"info{index}"
        people.append(
            (
                key,
                _person(
                    key, "info@t1.co.jp", families[index], givens[index], "テスト1工業"
                ),
            )
        )
    clusters = model_cluster(people, rules)
    cluster_of = {member: c.id for c in clusters for member in c.members}
    joined = sum(
        1
        for a, b in twins
        if a in cluster_of and cluster_of.get(a) == cluster_of.get(b)
    )
    assert joined == len(twins)
    role = {cluster_of.get(f"info{index}") for index in range(6)} - {None}
    assert all(
        sum(1 for i in range(6) if cluster_of.get(f"info{i}") == found) <= 1
        for found in role
    )


def _scenario(seed: int) -> list[tuple[str, Person]]:
    draw = random.Random(seed)
    families = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村"]
    givens = ["翔", "葵", "蓮", "陽菜", "大翔", "結衣", "湊", "凛", "悠真", "美咲"]
    people: list[tuple[str, Person]] = []
    for index in range(300):
        company = f"テスト{index % 30}工業"
        last, first = draw.choice(families), draw.choice(givens)
        email = f"p{index}@t{index % 30}.co.jp"
        people.append((f"r{index}", _person(f"r{index}", email, last, first, company)))
        if index % 4 == 0:
            twin = f"r{index}b"
            people.append((twin, _person(twin, email.upper(), last, first, company)))
    return people


def test_the_live_matcher_scores_a_pair_as_the_batch_scan_does() -> None:
    """Index all but one record, match it: the same links as a scan of all."""
    rules = replace(load_match_rules(RULES_PATH), handoff_method="model")
    people = _scenario(seed=4)
    keys = [person_keys(person, rules) for _, person in people]
    run = model_links(keys, rules)
    for query in ("r0b", "r8b", "r17"):
        position = next(i for i, (key, _) in enumerate(people) if key == query)
        batch = {
            people[right if left == position else left][0]: chance
            for left, right, _, chance in run.links
            if position in (left, right)
        }
        matcher = Matcher(rules)
        for key, person in people:
            if key != query:
                matcher.add(key, person)
        live = {m.key: m.score for m in matcher.match_all(people[position][1])}
        assert set(live) == set(batch), query
        for key, chance in batch.items():
            assert live[key] == pytest.approx(chance, abs=0.02)


def test_declared_fields_let_the_model_link_records_without_email_or_phone() -> None:
    """FEBRL-like people: a birth date and a postcode are the evidence."""
    rules = parse_match_rules(
        {
            "model": {
                "blocking": ["name_token"],
                "fields": [
                    {"name": "dob", "kind": "date", "block": True},
                    {"name": "postcode", "kind": "id"},
                ],
            },
            "rules": [{"name": "email", "exact": ["email"]}],
        },
        "test",
    )
    draw = random.Random(2)
    people: list[tuple[str, Person]] = []
    twins = []
    surnames = ["smith", "jones", "brown", "wilson", "taylor", "white"]
    for index in range(600):
        last = draw.choice(surnames)
        first = f"given{index % 150}"
        # Unique per person: look-alikes with one birth date are another test.
        day, month, year = index % 28 + 1, index // 28 % 12 + 1, 1950 + index // 336
        attributes = {
            "dob": f"{year}-{month:02d}-{day:02d}",
            "postcode": f"{2000 + index}",
        }
        people.append(
            (
                f"r{index}",
                Person(
                    source=SourceRef("ma", f"r{index}"),
                    last_name=last,
                    first_name=first,
                    attributes=attributes,
                ),
            )
        )
        if index % 3 == 0:
            typo = dict(attributes, postcode=f"{2000 + index}"[:-1] + "9")
            people.append(
                (
                    f"r{index}d",
                    Person(
                        source=SourceRef("ma", f"r{index}d"),
                        last_name=last,
                        first_name=first,
                        attributes=typo,
                    ),
                )
            )
            twins.append((f"r{index}", f"r{index}d"))
    clusters = model_cluster(people, rules)
    cluster_of = {member: c.id for c in clusters for member in c.members}
    joined = sum(
        1 for a, b in twins if a in cluster_of and cluster_of[a] == cluster_of.get(b)
    )
    linked_pairs = sum(len(c.members) * (len(c.members) - 1) // 2 for c in clusters)
    assert joined >= 0.95 * len(twins)
    assert linked_pairs <= 1.05 * len(twins)


def test_a_kana_name_and_its_kanji_meet_at_the_reading_level() -> None:
    """カトウ シゲル against 加藤 茂: not 'different names'."""
    rules = load_match_rules(RULES_PATH)
    kana = keys_of(rules, "s.kato@x.co.jp", None, "カトウ", "シゲル", "サクラ")
    kanji = keys_of(rules, "s.kato@x.co.jp", None, "加藤", "茂", "サクラ")
    name = next(i for i, c in enumerate(COMPARISONS) if c.name == "name")
    level = compare_all(kana, kanji)[0][name]
    assert COMPARISONS[name].levels[level] == "the same reading (kana against kanji)"
