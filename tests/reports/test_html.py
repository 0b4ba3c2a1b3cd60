"""The HTML report: self-contained, and rendered by a real headless browser."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typing_extensions import override

from connector.reports.charts import SERIES_COLOURS
from connector.reports.config import ReportingSettings
from connector.reports.funnel import FunnelReport, funnel_report
from connector.reports.period import Period
from connector.reports.render_html import render_html
from connector.store import StateStore
from tests.reports import browser


class _Dom(HTMLParser):
    """Collects the elements the report promises, from the browser's DOM."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.bars: dict[str, int] = {}
        self.lines: list[str] = []
        self.group_rows: list[str] = []
        self.total_rows = 0

    @override
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        css = a.get("class") or ""
        if tag == "rect" and css == "funnel-bar":
            self.bars[str(a["data-stage"])] = int(str(a["data-count"]))
        if tag == "polyline" and css == "trend-line":
            self.lines.append(str(a["data-series"]))
        if tag == "tr" and css == "group-row":
            self.group_rows.append(str(a["data-group"]))
        if tag == "tr" and css == "total":
            self.total_rows += 1


@pytest.fixture
def report(
    story: StateStore, settings: ReportingSettings, april: Period
) -> FunnelReport:
    """April by campaign, compared with March."""
    with story.read() as conn:
        return funnel_report(conn, settings, april, by="campaign", compare=True)


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_page_needs_no_network(report: FunnelReport) -> None:
    """The page has no script, stylesheet link, image source or remote URL."""
    page = render_html(report, "ja")
    assert not re.search(r"<script|<link|<img|src=|url\(", page)
    remote = set(re.findall(r"https?://[^\s\"'<>]+", page))
    assert remote <= {"http://www.w3.org/2000/svg"}  # a namespace, never fetched
    assert '<html lang="ja">' in page


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_chromium_renders_charts_and_table(
    report: FunnelReport, tmp_path: Path
) -> None:
    """Headless Chromium lays out both charts and the table, and paints the bars."""
    exe = browser.chromium()
    page = tmp_path / "report.html"
    page.write_text(render_html(report, "ja"), encoding="utf-8")
    dom = _Dom()
    dom.feed(browser.run(exe, page, tmp_path / "profile", "--dump-dom"))
    assert {"funnel-chart", "trend-chart", "campaign-table"} <= dom.ids
    assert dom.bars == {"lead": 6, "mql": 5, "sql": 3, "opportunity": 3, "won": 2}
    assert sorted(dom.lines) == sorted(SERIES_COLOURS)
    assert dom.group_rows == [r.key for r in report.rows]
    assert dom.total_rows == 1

    shot = tmp_path / "shot.png"
    browser.run(
        exe,
        page,
        tmp_path / "profile",
        f"--screenshot={shot}",
        "--window-size=1400,1200",
    )
    width, height, rows = browser.read_png(shot)
    assert (width, height) == (1400, 1200)
    # The lead bar is the widest (~480 x 34 px); a blank or unstyled page has none.
    assert browser.count_colour(rows, _rgb(SERIES_COLOURS["lead"])) > 5000
    assert browser.count_colour(rows, _rgb(SERIES_COLOURS["won"])) > 1000


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)
