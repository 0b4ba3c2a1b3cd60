"""``connector dedupe`` end to end on the bundled example data, via the real CLI."""

from __future__ import annotations

import csv
import shutil
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest

from connector.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the example config, data and mappings in a scratch folder."""
    shutil.copy(ROOT / "config.example.toml", tmp_path / "config.toml")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copytree(ROOT / "mappings", tmp_path / "mappings")
    return tmp_path


def _mailbox(raw: str) -> str:
    """The example's duplicates differ by case, width and plus-tags (by hand)."""
    text = unicodedata.normalize("NFKC", raw).strip().lower()
    local, _, domain = text.partition("@")
    return f"{local.split('+')[0]}@{domain}"


def test_scan_clusters_the_example_duplicates(project: Path) -> None:
    """Rows of one mailbox land in one cluster, each cluster with one survivor."""
    out = project / "clusters.csv"
    code = main(
        [
            "--config",
            str(project / "config.toml"),
            "dedupe",
            "scan",
            "--source",
            "ma",
            "--output",
            str(out),
        ]
    )
    assert code == 0
    with (project / "examples" / "ma_contacts.csv").open(encoding="utf-8-sig") as f:
        source = list(csv.DictReader(f))
    mailboxes: dict[str, set[str]] = defaultdict(set)
    for row in source:
        if row["email"]:
            mailboxes[_mailbox(row["email"])].add(row["hs_object_id"])
    expected = [ids for ids in mailboxes.values() if len(ids) > 1]
    assert expected, "the example data is meant to contain duplicates"

    with out.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    cluster_of = {row["record_id"]: row["cluster_id"] for row in rows}
    for ids in expected:
        assert len({cluster_of.get(i) for i in ids}) == 1, ids
        assert None not in {cluster_of.get(i) for i in ids}
    survivors: dict[str, int] = defaultdict(int)
    for row in rows:
        survivors[row["cluster_id"]] += row["survivor"] == "yes"
    assert set(survivors.values()) == {1}


def test_scan_rejects_an_unknown_source(project: Path) -> None:
    """--source other than ma or sfa is a usage error (exit 2)."""
    code = main(
        ["--config", str(project / "config.toml"), "dedupe", "scan", "--source", "crm"]
    )
    assert code == 2


def test_check_reports_a_broken_rules_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad matching.toml exits 2 naming the file and the key."""
    rules = project / "mappings" / "matching.toml"
    rules.write_text(
        rules.read_text(encoding="utf-8").replace(
            "max_block_size = 50", "max_block = 50"
        ),
        encoding="utf-8",
    )
    code = main(["--config", str(project / "config.toml"), "dedupe", "check"])
    assert code == 2
    assert f"{rules}: max_block: bad value" in capsys.readouterr().err


def test_check_lists_rules_in_order(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Dedupe check prints each rule, exact email first."""
    assert main(["--config", str(project / "config.toml"), "dedupe", "check"]) == 0
    assert capsys.readouterr().out.startswith("1. email: exact email")


def test_explain_shows_each_fields_weight(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two rows of one mailbox: every field's level and weight, then the verdict."""
    with (project / "examples" / "ma_contacts.csv").open(encoding="utf-8-sig") as f:
        source = list(csv.DictReader(f))
    mailboxes: dict[str, list[str]] = defaultdict(list)
    for row in source:
        if row["email"]:
            mailboxes[_mailbox(row["email"])].append(row["hs_object_id"])
    left, right = next(ids for ids in mailboxes.values() if len(ids) > 1)[:2]
    config = str(project / "config.toml")
    code = main(
        ["--config", config, "dedupe", "explain", left, right, "--source", "ma"]
    )
    out = capsys.readouterr().out
    assert code == 0
    for field in ("prior", "work", "phone", "name"):
        assert field in out
    assert "match probability" in out
    assert "linked at threshold" in out


def test_explain_names_an_unknown_record(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An id the system does not have is a one-line usage error, not a traceback."""
    config = str(project / "config.toml")
    code = main(
        ["--config", config, "dedupe", "explain", "nope", "51371", "--source", "ma"]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "'nope'" in err
    assert "Traceback" not in err


def test_scan_with_the_model_clusters_the_example_mailboxes(project: Path) -> None:
    """--method model: every example pair of one mailbox lands in one cluster."""
    out = project / "clusters.csv"
    config = str(project / "config.toml")
    code = main(
        [
            "--config",
            config,
            "dedupe",
            "scan",
            "--source",
            "ma",
            "--method",
            "model",
            "--output",
            str(out),
        ]
    )
    assert code == 0
    with (project / "examples" / "ma_contacts.csv").open(encoding="utf-8-sig") as f:
        source = list(csv.DictReader(f))
    mailboxes: dict[str, set[str]] = defaultdict(set)
    for row in source:
        if row["email"]:
            mailboxes[_mailbox(row["email"])].add(row["hs_object_id"])
    with out.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    cluster_of = {row["record_id"]: row["cluster_id"] for row in rows}
    for ids in mailboxes.values():
        if len(ids) > 1:
            assert len({cluster_of.get(i) for i in ids}) == 1, ids
