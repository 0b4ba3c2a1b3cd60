"""Report fixes of issue 16: days, points, Japanese SLA text, widths, options."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import insert

from connector.cli import main
from connector.reports.config import ReportingSettings
from connector.reports.formatting import points
from connector.reports.funnel import funnel_report
from connector.reports.period import Period
from connector.reports.render_table import funnel_tables, sla_tables
from connector.reports.sla import sla_report
from connector.store import StateStore
from connector.store.schema import persons, stage_events
from tests.reports.fixture import _event, _person, t

APRIL = ["--since", "2024-04-01", "--until", "2024-04-30"]


def _text(renderable: object, width: int) -> str:
    console = Console(width=width, record=True, highlight=False)
    with console.capture() as capture:
        console.print(renderable)
    return capture.get()


def test_same_moment_lead_and_mql_do_not_count_as_zero_days(
    story: StateStore, settings: ReportingSettings, april: Period
) -> None:
    """A lead first seen already as an MQL adds nothing to "days lead -> MQL"."""
    with story.transaction() as conn:
        conn.execute(insert(persons), [_person("P9", t(4, 12), campaign="Webinar")])
        conn.execute(insert(stage_events), [_event("P9", "ma", "mql", t(4, 12))])
    with story.read() as conn:
        report = funnel_report(conn, settings, april, by="campaign")
    # P1, P2, P4, P7 as in test_funnel; P9's 0-day span is left out, not averaged.
    assert report.total.days["lead->mql"] == pytest.approx((1 + 1 + 1 + 2) / 4)
    assert report.total.counts["mql"] == 6


def test_rate_changes_are_points_not_relative_percent() -> None:
    """6.4% -> 8.0% is +1.6 points, not +25%."""
    assert points(0.080, 0.064) == "+1.6 pt"
    assert points(0.05, 0.10) == "-5.0 pt"
    assert points(None, 0.1) == "-"


def test_funnel_comparison_shows_rates_in_points(
    story: StateStore, settings: ReportingSettings, april: Period
) -> None:
    """The comparison table's Lead->Won row changes in pt."""
    with story.read() as conn:
        report = funnel_report(conn, settings, april, by="campaign", compare=True)
    text = _text(funnel_tables(report, "en"), 120)
    line = next(x for x in text.splitlines() if x.strip("│ ").startswith("Lead→Won"))
    assert line.rstrip(" │").endswith(" pt")


@pytest.mark.parametrize("width", [100, 160])
def test_funnel_tables_are_not_cut_at_common_widths(
    story: StateStore, settings: ReportingSettings, april: Period, width: int
) -> None:
    """At 100 and 160 columns no funnel cell is truncated with an ellipsis."""
    with story.read() as conn:
        report = funnel_report(conn, settings, april, by="campaign", compare=True)
    for lang in ("ja", "en"):
        text = _text(funnel_tables(report, lang), width)
        assert "…" not in text
        assert max(len(line) for line in text.splitlines()) <= width


def test_japanese_sla_report_says_its_breaches_in_japanese(
    story: StateStore, settings: ReportingSettings
) -> None:
    """Breach details follow --lang: Japanese words in ja, English in en."""
    spring = Period(t(3, 1).date(), t(4, 30).date(), settings.tz)
    with story.read() as conn:
        report = sla_report(conn, settings, spring, now=t(5, 10))
    ja = _text(sla_tables(report, "ja"), 200)
    en = _text(sla_tables(report, "en"), 200)
    assert "qualified leads" not in ja
    assert "follow-up" not in ja
    assert "適格リード" in ja
    assert "qualified leads" in en


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config whose SQLite store holds the story (JST, JPY)."""
    from tests.reports.fixture import load_fixture

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
    monkeypatch.setenv("COLUMNS", "200")
    return path


def test_sla_csv_and_compare_work_as_documented(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Report sla takes --format csv and --compare: one CSV row per month, both."""
    args = ["-c", str(config), "report", "sla", *APRIL, "--compare"]
    assert main([*args, "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out.lstrip("\ufeff"))))
    assert rows[0][:2] == ["period", "月"]
    assert [(r[0], r[1]) for r in rows[1:]] == [
        ("2024-04-01..2024-04-30", "2024-04"),
        ("2024-03-02..2024-03-31", "2024-03"),
    ]
    assert main([*args, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["previous"]["period"]["since"] == "2024-03-02"
    assert main([*args, "--lang", "en"]) == 0
    assert "Previous period: 2024-03-02..2024-03-31" in capsys.readouterr().out


def test_plan_measures_the_history_window_given(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Plan --since/--until measures conversion on that window's leads."""
    args = ["-c", str(config), "plan", "--revenue", "1000000", "--format", "json"]
    assert main([*args, *APRIL]) == 0
    april = json.loads(capsys.readouterr().out)
    assert april["history"] == "2024-04-01..2024-04-30"
    assert main([*args, "--since", "2024-03-01", "--until", "2024-03-31"]) == 0
    march = json.loads(capsys.readouterr().out)
    assert march["history"] == "2024-03-01..2024-03-31"
    assert april["conversion"] != march["conversion"]


def test_default_period_falls_back_to_the_latest_month_with_leads(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With no dates and no leads this month, the latest month with leads shows."""
    assert main(["-c", str(config), "report", "funnel", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    # P6, created 2024-04-30 16:00Z, is the newest lead: 1 May in JST.
    assert data["period"] == {"since": "2024-05-01", "until": "2024-05-31"}
    assert data["total"]["leads"] == 1
    assert "latest month with leads" in err
