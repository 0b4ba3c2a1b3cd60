"""The SLA report as CSV and compared JSON, and its comparison table.

The README promised ``--format csv`` and ``--compare`` for every report; the SLA
report had neither. CSV holds one row per month (the breach list is in the JSON
and the table), so a spreadsheet can chart attainment over time.
"""

from __future__ import annotations

import csv
import io
import json

from rich.table import Table

from connector.reports.formatting import pct, points, sla_json
from connector.reports.labels import Lang, label
from connector.reports.render_table import comparison_table
from connector.reports.sla import SlaReport

__all__ = ["attainment", "sla_comparison", "sla_csv", "sla_json_compared"]

_COLUMNS = (
    "month",
    "qualified",
    "target",
    "marketing_attainment",
    "handed_off",
    "met",
    "breached",
    "pending",
    "sales_attainment",
)


def attainment(report: SlaReport) -> tuple[float | None, float | None]:
    """Marketing and sales attainment over the whole period (None: nothing due).

    Marketing counts finished months only, as its breaches do; sales counts
    every lead whose deadline has passed.
    """
    done = [m for m in report.months if m.complete]
    target = sum(m.target for m in done)
    marketing = sum(m.qualified for m in done) / target if target else None
    decided = sum(m.met + m.breached for m in report.months)
    sales = sum(m.met for m in report.months) / decided if decided else None
    return marketing, sales


def sla_json_compared(report: SlaReport, previous: SlaReport | None) -> str:
    """The SLA JSON, with the previous period under ``previous`` when compared."""
    data = json.loads(sla_json(report))
    if previous is not None:
        data["previous"] = json.loads(sla_json(previous))
    return json.dumps(data, ensure_ascii=False, indent=2)


def sla_csv(report: SlaReport, previous: SlaReport | None, lang: Lang) -> str:
    """One row per month with labelled headers; rates as fractions.

    With ``--compare`` the previous period's months follow, marked in the
    ``period`` column, as in the funnel CSV.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "period",
            *(label(f"sla.{c.removesuffix('_attainment')}", lang) for c in _COLUMNS),
        ]
    )
    for window in [report, *([previous] if previous else [])]:
        for month in window.months:
            values = {
                "month": month.month,
                "qualified": month.qualified,
                "target": month.target,
                "marketing_attainment": month.marketing_attainment,
                "handed_off": month.handed_off,
                "met": month.met,
                "breached": month.breached,
                "pending": month.pending,
                "sales_attainment": month.sales_attainment,
            }
            writer.writerow(
                [
                    window.period.label,
                    *("" if values[c] is None else values[c] for c in _COLUMNS),
                ]
            )
    return out.getvalue()


def sla_comparison(report: SlaReport, previous: SlaReport, lang: Lang) -> Table:
    """Attainment and breaches of both periods; rate changes in points."""
    table = comparison_table(report.period.label, previous.period.label, lang)
    now, before = attainment(report), attainment(previous)
    for index, key in enumerate(("sla.marketing", "sla.sales")):
        table.add_row(
            label(key, lang),
            pct(now[index]),
            pct(before[index]),
            points(now[index], before[index]),
        )
    count_now, count_before = len(report.breaches), len(previous.breaches)
    table.add_row(
        label("sla.breached", lang),
        str(count_now),
        str(count_before),
        f"{count_now - count_before:+d}",
    )
    return table
