"""The held-out lead generator keeps its specification (bench/gen_heldout_leads.py)."""

from __future__ import annotations

import csv
import inspect
import itertools
import re
import time
import tracemalloc
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from bench import gen_heldout_vocab_west as wv
from bench.gen_heldout_leads import COLUMNS, HeldoutLeadGenerator, main
from bench.gen_heldout_lookalikes import HARD_NEGATIVE_KINDS

Row = dict[str, str]

N = 20_000
_STATE = {
    name.replace("_", " ").lower(): abbr.lower() for abbr, name, *_ in wv.US_LOCATIONS
}


@pytest.fixture(scope="module")
def world() -> tuple[HeldoutLeadGenerator, list[Row]]:
    """One 20,000-record file, shared by the tests that read a whole file."""
    gen = HeldoutLeadGenerator(N, seed=7)
    rows = [dict(zip(COLUMNS, row, strict=True)) for row in gen.rows()]
    return gen, rows


def _by_entity(rows: list[Row]) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        out[row["entity_id"]].append(row)
    return out


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


def _digits(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c.isdigit())[-8:]


def _emails(rows: list[Row]) -> set[str]:
    return {_norm(r["email"]) for r in rows if r["email"]}


def _phones(rows: list[Row]) -> set[str]:
    return {_digits(r[f]) for r in rows for f in ("phone", "mobile") if r[f]}


def _names(rows: list[Row]) -> set[tuple[str, str]]:
    return {(_norm(r["last_name"]), _norm(r["first_name"])) for r in rows}


def _states(rows: list[Row]) -> set[str]:
    return {_STATE.get(s, s) for r in rows if (s := _norm(r["prefecture_or_state"]))}


def _domain(email: str) -> str:
    return _norm(email).partition("@")[2]


def test_same_seed_same_file_other_seed_other_file() -> None:
    """Two runs with one seed give identical rows; another seed gives other rows."""
    first = list(HeldoutLeadGenerator(1500, seed=11).rows())
    again = list(HeldoutLeadGenerator(1500, seed=11).rows())
    other = list(HeldoutLeadGenerator(1500, seed=12).rows())
    assert first == again
    assert first != other


def test_rows_restart_from_the_seed() -> None:
    """Calling rows() twice on one generator yields the same file twice."""
    gen = HeldoutLeadGenerator(500, seed=3)
    assert list(gen.rows()) == list(gen.rows())


def test_stats_match_the_ground_truth_in_the_file(
    world: tuple[HeldoutLeadGenerator, list[Row]],
) -> None:
    """Records, entities and duplicate pairs in the stats are counted from entity_id."""
    gen, rows = world
    sizes = Counter(r["entity_id"] for r in rows)
    assert len(rows) == gen.stats.records == N
    assert len({r["record_id"] for r in rows}) == N
    assert gen.stats.entities == len(sizes)
    assert gen.stats.duplicate_entities == sum(1 for k in sizes.values() if k > 1)
    assert gen.stats.duplicate_pairs == sum(k * (k - 1) // 2 for k in sizes.values())
    assert sum(gen.stats.touchpoints.values()) == N


def test_duplicate_rates_follow_the_specification(
    world: tuple[HeldoutLeadGenerator, list[Row]],
) -> None:
    """About 12 % of people have 2-5 records (mostly 2), about 8 people per company."""
    gen, rows = world
    sizes = Counter(Counter(r["entity_id"] for r in rows).values())
    share = gen.stats.duplicate_entities / gen.stats.entities
    assert 0.10 <= share <= 0.14
    assert max(sizes) <= 5
    assert sizes[2] > sizes[3] > sizes[4] > sizes[5] > 0
    assert 6 <= gen.stats.entities / gen.stats.companies <= 10
    assert 0.01 <= gen.stats.job_changers / gen.stats.duplicate_entities <= 0.06


def test_every_hard_negative_kind_appears(
    world: tuple[HeldoutLeadGenerator, list[Row]],
) -> None:
    """Each kind of look-alike pair is made for roughly 1-3 % of people."""
    gen, _ = world
    for kind in HARD_NEGATIVE_KINDS:
        people_in_kind = len(
            {e for k, a, b in gen.hard_negatives if k == kind for e in (a, b)}
        )
        assert gen.stats.hard_negative_pairs[kind] > 0, kind
        assert 0.005 <= people_in_kind / gen.stats.entities <= 0.04, kind


def test_hard_negatives_look_alike_in_the_file(
    world: tuple[HeldoutLeadGenerator, list[Row]],
) -> None:
    """Every listed pair shows its likeness in the records, and is two people."""
    gen, rows = world
    by = _by_entity(rows)
    for kind, a, b in gen.hard_negatives:
        ra, rb = by[a], by[b]
        assert a != b
        if kind in {"shared_role_mailbox", "successor_takes_over"}:
            assert _emails(ra) & _emails(rb), (kind, a, b)
            assert _phones(ra) & _phones(rb), (kind, a, b)
        elif kind == "family_shared_contact":
            assert (_emails(ra) & _emails(rb)) or (_phones(ra) & _phones(rb)), (a, b)
        elif kind == "namesake_same_company":
            assert _names(ra) & _names(rb), (a, b)
        elif kind == "common_name_same_state":
            assert _names(ra) & _names(rb), (a, b)
            assert _states(ra) & _states(rb), (a, b)
        if kind == "successor_takes_over":
            assert max(r["record_id"] for r in ra) < min(r["record_id"] for r in rb)


def test_namesakes_have_their_own_mailbox_and_line(
    world: tuple[HeldoutLeadGenerator, list[Row]],
) -> None:
    """Namesakes at one company show their own work address and desk line."""
    gen, rows = world
    first: dict[str, Row] = {}
    for row in rows:
        first.setdefault(row["entity_id"], row)
    pairs = [(a, b) for k, a, b in gen.hard_negatives if k == "namesake_same_company"]
    assert pairs
    for a, b in pairs:
        assert _norm(first[a]["email"]) != _norm(first[b]["email"])
        assert _digits(first[a]["phone"]) != _digits(first[b]["phone"])
        assert _domain(first[a]["email"]) == _domain(first[b]["email"])


def test_job_changers_keep_a_mobile_or_free_mail(
    world: tuple[HeldoutLeadGenerator, list[Row]],
) -> None:
    """A job changer has records at two companies that share a mobile or free mail."""
    gen, rows = world
    by = _by_entity(rows)
    assert gen.job_changers
    for eid in gen.job_changers:
        records = by[eid]
        mobiles = Counter(_digits(r["mobile"]) for r in records if r["mobile"])
        emails = Counter(_norm(r["email"]) for r in records if r["email"])
        shared = [v for v, n in (mobiles + emails).items() if n >= 2]
        assert shared, eid


def test_records_of_one_person_are_spread_apart(
    world: tuple[HeldoutLeadGenerator, list[Row]],
) -> None:
    """Later records of a person land far from the first, almost never next to it."""
    _, rows = world
    where: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        where[row["entity_id"]].append(i)
    gaps = sorted(
        b - a for spots in where.values() for a, b in itertools.pairwise(spots)
    )
    assert gaps[len(gaps) // 2] > 500
    assert sum(1 for g in gaps if g == 1) / len(gaps) < 0.01


_JP = (
    r"0\d{1,4}-\d{1,4}-\d{4}",
    r"0\d{9,10}",
    r"\+81-\d{1,4}-\d{1,4}-\d{4}",
    r"０[０-９]{1,4}（[０-９]{1,4}）[０-９]{4}",
)
_US = (
    r"\(\d{3}\) \d{3}-\d{4}",
    r"\d{3}-\d{3}-\d{4}",
    r"\+1 \d{3} \d{3} \d{4}",
    r"1-\d{3}-\d{3}-\d{4}",
    r"\d{10}",
)
_APAC = (
    r"\+65[ -]\d{4}[ -]\d{4}",
    r"\d{4} \d{4}",
    r"\d{8}",
    r"\+60 \d{1,2}-\d{3,4} \d{4}",
    r"0\d{1,2}-\d{3,4} \d{4}",
    r"0\d{8,10}",
    r"\+61 \d{1,3} \d{3,4} \d{3,4}",
    r"\(0\d\) \d{4} \d{4}",
    r"0\d{1,3} \d{3,4} \d{3,4}",
)


def test_phones_use_only_the_specified_formats(
    world: tuple[HeldoutLeadGenerator, list[Row]],
) -> None:
    """Every number matches a listed format, and each JP and US format is used."""
    _, rows = world
    formats = [re.compile(p) for p in _JP + _US + _APAC]
    used: Counter[int] = Counter()
    for row in rows:
        for value in (row["phone"].strip(), row["mobile"].strip()):
            if not value:
                continue
            hits = [i for i, f in enumerate(formats) if f.fullmatch(value)]
            assert hits, value
            used.update(hits)
    for i in range(len(_JP) + len(_US)):
        assert used[i] > 0, formats[i].pattern
    mobiles = [
        _digits(r["mobile"])
        for r in rows
        if r["country"] in {"JP", "Japan", "日本"} and r["mobile"]
    ]
    assert any(m.startswith(("70", "80", "90")) for m in mobiles)


def test_touchpoints_distort_the_way_the_specification_says(
    world: tuple[HeldoutLeadGenerator, list[Row]],
) -> None:
    """Badges mostly lack e-mail, CRM upper-cases, kana comes in three scripts."""
    _, rows = world
    by_tp: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_tp[row["touchpoint"]].append(row)
    assert set(by_tp) == {"webinar", "badge", "meishi", "crm_import", "freemail_form"}
    badge_mail = sum(1 for r in by_tp["badge"] if r["email"]) / len(by_tp["badge"])
    meishi_mail = sum(1 for r in by_tp["meishi"] if r["email"]) / len(by_tp["meishi"])
    assert badge_mail < 0.5 < meishi_mail
    assert any(r["email"].isupper() for r in by_tp["crm_import"])
    assert any(r["company"].endswith(" ") for r in by_tp["crm_import"])
    kana = "".join(r["last_name_kana"] + r["first_name_kana"] for r in rows)
    assert re.search("[ァ-ヶ]", kana)
    assert re.search("[ぁ-ゖ]", kana)
    assert re.search("[ｦ-ﾟ]", kana)
    assert any(
        re.search("[０-９]", r["phone"] + r["postcode"]) for r in by_tp["webinar"]
    )
    companies = " ".join(r["company"] for r in rows)
    for form in (
        "株式会社",
        "(株)",
        "㈱",
        "有限会社",
        "合同会社",
        "Co., Ltd.",
        "Inc.",
        "LLC",
        "L.L.C.",
        "Pte. Ltd.",
        "Sdn. Bhd.",
        "Pty Ltd",
    ):
        assert form in companies, form


def test_stem_twins_are_different_companies(
    world: tuple[HeldoutLeadGenerator, list[Row]],
) -> None:
    """Companies that share a stem with another legal form are made and counted."""
    gen, _ = world
    assert gen.stats.stem_twin_companies > 0
    assert gen.stats.subsidiaries > 0


def test_stats_wait_for_the_end_of_the_file() -> None:
    """Stats are refused while rows are still being generated."""
    gen = HeldoutLeadGenerator(100, seed=1)
    rows = gen.rows()
    next(rows)
    with pytest.raises(RuntimeError):
        _ = gen.stats
    for _ in rows:
        pass
    assert gen.stats.records == 100


def test_rows_stream_instead_of_building_a_list() -> None:
    """rows() is a generator: a 10M-record file starts at once, in little memory."""
    gen = HeldoutLeadGenerator(10_000_000, seed=5)
    rows = gen.rows()
    assert inspect.isgenerator(rows)
    started = time.perf_counter()
    next(rows)
    assert time.perf_counter() - started < 5
    tracemalloc.start()
    head = list(itertools.islice(rows, 1000))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(head) == 1000
    assert peak < 20 * 2**20


def test_cli_writes_a_utf8_csv_with_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command writes a header and one line per record, and prints the stats."""
    out = tmp_path / "leads.csv"
    pairs = tmp_path / "pairs.csv"
    assert (
        main(
            [
                "--records",
                "800",
                "--seed",
                "2",
                "--out",
                str(out),
                "--hard-negatives",
                str(pairs),
            ]
        )
        == 0
    )
    with out.open(encoding="utf-8", newline="") as fh:
        lines = list(csv.reader(fh))
    assert tuple(lines[0]) == COLUMNS
    assert len(lines) == 801
    assert '"duplicate_pairs"' in capsys.readouterr().out
    assert pairs.read_text(encoding="utf-8").startswith("kind,entity_a,entity_b")
