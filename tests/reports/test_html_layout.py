"""The HTML report in a real browser: proportional fonts, no page overflow.

A test-only copy of the page gets a script that measures the layout and writes
the numbers into the DOM, which headless Chromium dumps; the report itself stays
script-free (test_html checks that).
"""

from __future__ import annotations

import json
import re
from html import escape, unescape
from pathlib import Path

import pytest

from connector.reports.config import ReportingSettings
from connector.reports.funnel import FunnelReport, funnel_report
from connector.reports.period import Period
from connector.reports.render_html import render_html
from connector.store import StateStore
from tests.reports import browser

_PROBE = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="page" width="WIDTH" height="1000" style="border:0" srcdoc="PAGE"></iframe>
<script>
document.getElementById('page').addEventListener('load', (event) => {
  const doc = event.target.contentDocument, win = event.target.contentWindow;
  const ctx = doc.createElement('canvas').getContext('2d');
  ctx.font = '16px ' + win.getComputedStyle(doc.body).fontFamily;
  const tables = [...doc.querySelectorAll('.scroll')].map(
    (box) => [box.firstElementChild.scrollWidth, box.clientWidth]);
  const out = document.createElement('pre');
  out.id = 'metrics';
  out.textContent = JSON.stringify({
    page: doc.documentElement.scrollWidth, view: win.innerWidth,
    narrow: ctx.measureText('iiiiiiii').width, wide: ctx.measureText('MMMMMMMM').width,
    tables,
  });
  document.body.appendChild(out);
});
</script></body></html>"""


@pytest.fixture
def report(
    story: StateStore, settings: ReportingSettings, april: Period
) -> FunnelReport:
    """April by campaign, compared with March."""
    with story.read() as conn:
        return funnel_report(conn, settings, april, by="campaign", compare=True)


def _measure(page: str, width: int, tmp_path: Path) -> dict[str, object]:
    """Lay the page out in an iframe exactly ``width`` px wide and measure it."""
    probe = tmp_path / f"probe-{width}.html"
    framed = _PROBE.replace("WIDTH", str(width)).replace("PAGE", escape(page))
    probe.write_text(framed, encoding="utf-8")
    dom = browser.run(
        browser.chromium(),
        probe,
        tmp_path / "profile",
        "--dump-dom",
        f"--window-size={width + 100},1100",
        "--virtual-time-budget=5000",
    )
    found = re.search(r'<pre id="metrics">(.*?)</pre>', dom, re.S)
    assert found, dom[-500:]
    data: dict[str, object] = json.loads(unescape(found.group(1)))
    return data


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("width", [1280, 390])
def test_report_reads_well_at_desktop_and_phone_width(
    report: FunnelReport, tmp_path: Path, lang: str, width: int
) -> None:
    """Proportional text, no sideways page scroll; at 1,280 px the tables fit too."""
    metrics = _measure(render_html(report, lang), width, tmp_path)  # type: ignore[arg-type]
    assert metrics["view"] == width
    # A monospaced first font (IPAGothic) made 'i' as wide as 'M'.
    assert float(metrics["narrow"]) < 0.6 * float(metrics["wide"])  # type: ignore[arg-type]
    assert int(metrics["page"]) <= width  # type: ignore[call-overload]
    tables = metrics["tables"]
    assert isinstance(tables, list)
    assert len(tables) == 2
    if width >= 1280:
        assert all(inner <= box for inner, box in tables)
