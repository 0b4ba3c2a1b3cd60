"""`connector mappings check [--live]` and `suggest --write` end to end."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from connector.cli import main
from connector.mapping.suggest import TODO_MARKER

CONFIG = """
[state]
url = "sqlite:///state.db"

[mappings]
dir = "mappings"

[ma]
adapter = "csv"

[ma.persons.read]
path = "ma.csv"
id_column = "hs_object_id"

[sfa]
adapter = "csv"

[sfa.deals.read]
path = "deals.csv"
id_column = "商談ID"
"""


@pytest.fixture
def config(tmp_path: Path, mapping_dir: Path) -> Path:
    """A CSV-to-CSV config whose SFA deals use one phase the mappings lack."""
    with (tmp_path / "ma.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["hs_object_id", "email", "lifecyclestage"])
        writer.writerow(["1", "a@example.jp", "lead"])
    with (tmp_path / "deals.csv").open("w", encoding="cp932", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["商談ID", "フェーズ"])
        writer.writerow(["D-1", "受注"])
        writer.writerow(["D-2", "保留"])
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def test_check_ok_exits_0(
    mapping_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Valid files pass and the version is printed."""
    assert main(["mappings", "check", "--dir", str(mapping_dir)]) == 0
    assert "mappings ok" in capsys.readouterr().err


def test_check_problems_exit_2(
    mapping_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each problem is printed as one file: key: problem: fix line; exit 2."""
    path = mapping_dir / "stages.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('= "won"', '= "wonn"'),
        encoding="utf-8",
    )
    assert main(["mappings", "check", "--dir", str(mapping_dir)]) == 2
    err = capsys.readouterr().err
    assert "stages.toml: sfa.deals.values.受注: unknown canonical stage 'wonn': " in err
    assert "stages.toml: ma.persons.values.customer: unknown canonical stage" in err


def test_check_live_lists_unmapped_and_exits_1(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--live reads the CSV adapters' values; an unmapped phase exits 1."""
    assert main(["--config", str(config), "mappings", "check", "--live"]) == 1
    out = capsys.readouterr().out
    assert (
        "stages.toml: sfa.deals.values: live value '保留' of sfa.フェーズ has no "
        in out
    )
    assert "mapped value '失注' is not among the live values of sfa.フェーズ" in out


def test_check_live_with_an_export_missing_says_so_and_exits_1(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing MA export is an unreadable source, not "nothing to compare"."""
    (config.parent / "ma.csv").unlink()
    assert main(["--config", str(config), "mappings", "check", "--live"]) == 1
    captured = capsys.readouterr()
    out = captured.out + captured.err
    assert "ma.csv does not exist" in out
    assert "0 unreadable" not in out


def test_suggest_write_then_check_still_reports(
    config: Path, mapping_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Suggest prints, --write adds a commented TODO; the value stays unmapped."""
    assert main(["--config", str(config), "mappings", "suggest"]) == 0
    assert '# "保留" = "TODO"' in capsys.readouterr().out
    before = (mapping_dir / "stages.toml").read_text(encoding="utf-8")
    assert TODO_MARKER not in before
    assert main(["--config", str(config), "mappings", "suggest", "--write"]) == 0
    after = (mapping_dir / "stages.toml").read_text(encoding="utf-8")
    assert '# "保留" = "TODO"' in after
    assert main(["--config", str(config), "mappings", "check", "--live"]) == 1


def test_version_command(mapping_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Mappings version prints the content hash that runs record."""
    from connector.mapping import load_mappings

    assert main(["mappings", "version", "--dir", str(mapping_dir)]) == 0
    assert capsys.readouterr().out.strip() == load_mappings(mapping_dir).version
