"""``connector report funnel|sla`` and ``connector plan`` end to end on the story."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from connector.cli import main
from connector.store import StateStore
from tests.reports.fixture import load_fixture


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config whose SQLite store holds the story; reporting.toml says JST and JPY."""
    store = StateStore(f"sqlite:///{tmp_path / 'state.db'}")
    store.migrate()
    load_fixture(store)
    store.close()
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "reporting.toml").write_text(
        'currency = "JPY"\ntimezone = "+09:00"\n', encoding="utf-8"
    )
    path = tmp_path / "config.toml"
    path.write_text(
        '[ma]\nadapter = "csv"\n[sfa]\nadapter = "csv"\n'
        '[state]\nurl = "sqlite:///state.db"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("COLUMNS", "250")
    return path


APRIL = ["--since", "2024-04-01", "--until", "2024-04-30"]


def test_funnel_json_carries_totals_and_previous(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """JSON output has April's 6 leads and 850,000 revenue and March's comparison."""
    code = main(
        ["-c", str(config), "report", "funnel", *APRIL, "--compare", "--format", "json"]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"]["leads"] == 6
    assert data["total"]["revenue"] == "850000"
    assert data["fallback_revenue"] == "300000"
    assert data["unattributed_revenue"] == "50000"
    assert data["previous"]["total"]["won"] == 1
    assert [r["group"] for r in data["rows"]][:2] == ["Webinar", "Ads"]


def test_funnel_csv_has_japanese_headers_and_a_bom(
    config: Path, tmp_path: Path
) -> None:
    """CSV for Excel: UTF-8 BOM, Japanese headers, a line per group and the total."""
    out = tmp_path / "funnel.csv"
    code = main(
        [
            "-c",
            str(config),
            "report",
            "funnel",
            *APRIL,
            "--by",
            "owner",
            "--format",
            "csv",
            "--output",
            str(out),
        ]
    )
    assert code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    # sato has 500,000 (P1), suzuki 300,000 (P4 by fallback); D9 found nobody.
    assert [r["内訳"] for r in rows] == [
        "sato",
        "suzuki",
        "(なし)",
        "(帰属先なし)",
        "合計",
    ]
    assert rows[0]["リード"] == "3"
    assert rows[-1]["受注金額"] == "850000"


def test_funnel_table_in_english(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The terminal table shows English labels, the groups and the fallback note."""
    code = main(["-c", str(config), "report", "funnel", *APRIL, "--lang", "en"])
    assert code == 0
    out = capsys.readouterr().out
    assert "Funnel report" in out
    assert "Webinar" in out
    assert "Revenue attributed by fallback: 300,000" in out


def test_html_needs_an_output_file(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--format html without --output is a usage error (exit 2) saying what to add."""
    code = main(["-c", str(config), "report", "funnel", *APRIL, "--format", "html"])
    assert code == 2
    assert "--output" in capsys.readouterr().err


def test_bad_date_names_the_option(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A malformed --since is refused with the option name and the expected form."""
    code = main(["-c", str(config), "report", "funnel", "--since", "April"])
    assert code == 2
    err = capsys.readouterr().err
    assert "--since 'April' is not a date" in err
    assert "YYYY-MM-DD" in err


def test_sla_json_lists_breaches(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The SLA report names P2 and P4 as April's sales breaches."""
    code = main(["-c", str(config), "report", "sla", *APRIL, "--format", "json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    sales = [b["subject"] for b in data["breaches"] if b["commitment"] == "sales"]
    assert sales == ["p2@example.co.jp", "taro@sakura.co.jp"]
    assert data["months"][0]["handed_off"] == 5


def test_plan_issue_example(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's example on the command line gives 12 customers and 600 leads."""
    code = main(
        [
            "-c",
            str(config),
            "plan",
            "--revenue",
            "1,200,000",
            "--deal-size",
            "100000",
            "--conversion",
            "2%",
            "--format",
            "json",
        ]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["customers"] == 12
    assert data["stages"][0] == {"stage": "lead", "to_won": "0.02", "needed": 600}
