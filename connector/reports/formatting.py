"""Numbers as people read them, and reports as flat records for CSV and JSON.

The terminal, CSV and HTML show the same figures, so they share these helpers;
JSON keeps exact values (money as decimal strings, rates as fractions) with
stable English keys for other programs.
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from connector.csvout import formula_safe_writer
from connector.reports.funnel import STAGE_PAIRS, FunnelReport, FunnelRow
from connector.reports.labels import Lang, group_label, label
from connector.reports.plan import Plan
from connector.reports.sla import SlaReport

__all__ = [
    "days",
    "delta",
    "funnel_json",
    "money",
    "pct",
    "plan_json",
    "points",
    "reasons",
    "row_record",
    "sla_json",
    "to_csv",
]

_PAIRS = [f"{a}->{b}" for a, b in STAGE_PAIRS]


def pct(value: float | Decimal | None) -> str:
    """``0.8333`` -> ``83.3%``; None -> ``-``."""
    return "-" if value is None else f"{float(value) * 100:.1f}%"


def money(value: Decimal | None) -> str:
    """``850000.00`` -> ``850,000`` (cents only when there are any)."""
    if value is None:
        return "-"
    whole = value == value.to_integral_value()
    return f"{value:,.0f}" if whole else f"{value:,.2f}"


def days(value: float | None) -> str:
    """Average days to one decimal; None -> ``-``."""
    return "-" if value is None else f"{value:.1f}"


def delta(now: float | Decimal | None, before: float | Decimal | None) -> str:
    """Relative change ``+12.5%``; ``-`` when either side is missing or zero."""
    if now is None or before is None or not before:
        return "-"
    change = (float(now) - float(before)) / float(before) * 100
    return f"{change:+.1f}%"


def points(now: float | None, before: float | None) -> str:
    """Change of a rate in percentage points: 6.4% -> 8.0% is ``+1.6 pt``.

    Rates are compared by their difference, never relative to each other: "+25%"
    for 6.4% -> 8.0% reads as if the rate had gone up by 25 points.
    """
    if now is None or before is None:
        return "-"
    return f"{(float(now) - float(before)) * 100:+.1f} pt"


def reasons(row: FunnelRow) -> str:
    """``no budget (2); price (1)``."""
    return "; ".join(f"{reason} ({count})" for reason, count in row.rejected_reasons)


def _exact(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def row_record(row: FunnelRow) -> dict[str, Any]:
    """One funnel row as a flat record with exact values and English keys."""
    record: dict[str, Any] = {
        "group": row.key,
        "leads": row.counts["lead"],
        "mql": row.counts["mql"],
        "sql": row.counts["sql"],
        "opportunities": row.counts["opportunity"],
        "won": row.counts["won"],
        "lost": row.counts["lost"],
        "rejected": row.counts["rejected"],
    }
    for pair, rate in row.conversion.items():
        record[f"conversion_{pair.replace('->', '_to_')}"] = rate
    record["lead_to_won"] = row.lead_to_won
    record["won_deals"] = row.won_deals
    record["revenue"] = _exact(row.revenue)
    record["average_deal"] = _exact(row.average_deal)
    record["fallback_revenue"] = _exact(row.fallback_revenue)
    for pair in _PAIRS:
        record[f"days_{pair.replace('->', '_to_')}"] = row.days.get(pair)
    record["rejected_rate"] = row.rejected_rate
    record["top_reasons"] = [
        {"reason": reason, "count": count} for reason, count in row.rejected_reasons
    ]
    return record


def _report_dict(report: FunnelReport) -> dict[str, Any]:
    return {
        "period": {
            "since": report.period.since.isoformat(),
            "until": report.period.until.isoformat(),
        },
        "by": report.by,
        "model": report.model,
        "currency": report.currency,
        "rows": [row_record(r) for r in report.rows],
        "total": row_record(report.total),
        "fallback_revenue": _exact(report.fallback_revenue),
        "unattributed_revenue": _exact(report.unattributed_revenue),
        "other_currency_deals": report.other_currency_deals,
        "trend": [row_record(r) for r in report.trend],
    }


def funnel_json(report: FunnelReport) -> str:
    """The whole report (and the previous period when compared) as JSON."""
    data = _report_dict(report)
    if report.previous is not None:
        data["previous"] = _report_dict(report.previous)
    return json.dumps(data, ensure_ascii=False, indent=2)


def to_csv(report: FunnelReport, lang: Lang) -> str:
    """The rows and the total as CSV with labelled headers.

    Cells hold exact values (rates as fractions) so spreadsheets can compute;
    top reasons are joined into one cell. With ``--compare`` the previous
    period's rows follow, marked in the ``period`` column.
    """
    out = io.StringIO()
    writer = formula_safe_writer(out)  # names and campaigns are admin-typed text
    header: list[str] | None = None
    windows = [report] + ([report.previous] if report.previous else [])
    for window in windows:
        for row in [*window.rows, window.total]:
            record = row_record(row)
            record["group"] = (
                label("total", lang)
                if row is window.total
                else group_label(row.key, lang)
            )
            record["top_reasons"] = reasons(row)
            record = {"period": window.period.label, **record}
            if header is None:
                header = list(record)
                writer.writerow([_csv_label(k, lang) for k in header])
            writer.writerow([record[k] for k in header])
    return out.getvalue()


def _csv_label(key: str, lang: Lang) -> str:
    names = {
        "period": "period",
        "group": "table.groups",
        "leads": "stage.lead",
        "mql": "stage.mql",
        "sql": "stage.sql",
        "opportunities": "stage.opportunity",
        "won": "stage.won",
        "lost": "stage.lost",
        "rejected": "stage.rejected",
        "lead_to_won": "conv.lead_to_won",
        "won_deals": "won_deals",
        "revenue": "revenue",
        "average_deal": "average_deal",
        "fallback_revenue": "fallback_revenue",
        "rejected_rate": "rejected_rate",
        "top_reasons": "top_reasons",
    }
    if key in names:
        return label(names[key], lang)
    if key.startswith("conversion_"):
        return label("conv." + key[11:].replace("_to_", "->"), lang)
    if key.startswith("days_"):
        return f"{label('days', lang)} " + label(
            "conv." + key[5:].replace("_to_", "->"), lang
        )
    return key


def sla_json(report: SlaReport) -> str:
    """The SLA report as JSON."""
    months = [
        {
            **asdict(m),
            "marketing_attainment": m.marketing_attainment,
            "sales_attainment": m.sales_attainment,
        }
        for m in report.months
    ]
    data = {
        "period": {
            "since": report.period.since.isoformat(),
            "until": report.period.until.isoformat(),
        },
        "followup_hours": report.followup_hours,
        "months": months,
        "breaches": [asdict(b) for b in report.breaches],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def plan_json(plan: Plan) -> str:
    """The plan as JSON (money and rates as exact decimal strings)."""
    data = {
        "revenue": _exact(plan.revenue),
        "deal_size": _exact(plan.deal_size),
        "deal_size_source": plan.deal_size_source,
        "conversion": _exact(plan.conversion),
        "conversion_source": plan.conversion_source,
        "customers": plan.customers,
        "stages": [
            {"stage": s.stage, "to_won": _exact(s.to_won), "needed": s.needed}
            for s in plan.stages
        ],
        "history": None if plan.history is None else plan.history.label,
    }
    return json.dumps(data, ensure_ascii=False, indent=2)
