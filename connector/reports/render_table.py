"""Reports as rich tables for the terminal.

Wide funnel tables do not fit a terminal, so the per-row figures are split into
four tables of the same rows: counts, conversions, money and rejections, and
days between stages. Changes of rates are shown in percentage points.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from connector.reports.formatting import days, delta, money, pct, points, reasons
from connector.reports.funnel import STAGE_PAIRS, FunnelReport, FunnelRow
from connector.reports.labels import Lang, group_label, label
from connector.reports.plan import Plan
from connector.reports.sla import SlaReport, breach_text

__all__ = ["comparison_table", "funnel_tables", "plan_table", "sla_tables"]

_COUNTS = ("lead", "mql", "sql", "opportunity", "won", "lost", "rejected")


def _parts(report: FunnelReport, lang: Lang) -> list[tuple[str | None, list[str]]]:
    """(title, headers) of the four column groups, each fitting 100 columns."""
    return [
        (None, [label(f"stage.{k}", lang) for k in _COUNTS]),
        (
            None,
            [
                *(label(f"conv.{a}->{b}", lang) for a, b in STAGE_PAIRS),
                label("conv.lead_to_won", lang),
            ],
        ),
        (
            None,
            [
                f"{label('revenue', lang)} ({report.currency})",
                label("average_deal", lang),
                label("rejected_rate", lang),
                label("top_reasons", lang),
            ],
        ),
        (label("days", lang), [label(f"conv.{a}->{b}", lang) for a, b in STAGE_PAIRS]),
    ]


def _cells(row: FunnelRow) -> list[list[str]]:
    return [
        [str(row.counts[k]) for k in _COUNTS],
        [*(pct(rate) for rate in row.conversion.values()), pct(row.lead_to_won)],
        [
            money(row.revenue),
            money(row.average_deal),
            pct(row.rejected_rate),
            reasons(row),
        ],
        [days(row.days.get(f"{a}->{b}")) for a, b in STAGE_PAIRS],
    ]


def funnel_tables(report: FunnelReport, lang: Lang) -> RenderableType:
    """The funnel rows and total, as three tables, and the comparison.

    One table of 18 columns was cut (``…``) on anything narrower than about 220
    columns; four tables of the same rows (counts, conversions, money,
    days between stages) fit a 100-column terminal.
    """
    title = (
        f"{label('title.funnel', lang)}  {report.period.label}  "
        f"({label('model', lang)}: {label('model.' + report.model, lang)}, "
        f"{report.currency})"
    )
    parts: list[RenderableType] = [Text(title, style="bold")]
    names = [group_label(row.key, lang) for row in report.rows]
    cells = [_cells(row) for row in report.rows]
    total = _cells(report.total)
    for index, (caption, headers) in enumerate(_parts(report, lang)):
        table = Table(title=caption, show_lines=False, header_style="bold")
        table.add_column(label(f"by.{report.by}", lang), overflow="fold")
        last = len(headers) - 1 if index == 2 else -1
        for i, header in enumerate(headers):
            table.add_column(
                header,
                justify="left" if i == last else "right",
                overflow="fold",
                no_wrap=i != last,
            )
        for name, row_cells in zip(names, cells, strict=True):
            table.add_row(name, *row_cells[index])
        table.add_section()
        table.add_row(label("total", lang), *total[index], style="bold")
        parts.append(table)
    if any(v is None for v in report.total.days.values()):
        parts.append(Text(label("days.none", lang)))
    parts.append(
        Text(
            f"{label('fallback_revenue', lang)}: {money(report.fallback_revenue)}   "
            f"{label('unattributed_revenue', lang)}: "
            f"{money(report.unattributed_revenue)}"
            f"   {label('other_currency', lang)}: {report.other_currency_deals}"
        )
    )
    if report.previous is not None:
        parts.append(_comparison(report, report.previous, lang))
    return Group(*parts)


def comparison_table(current: str, previous: str, lang: Lang) -> Table:
    """An empty "this period / previous period / change" table, for any report."""
    table = Table(title=f"{label('previous', lang)}: {previous}", header_style="bold")
    for header in ("", current, previous, label("change", lang)):
        table.add_column(header, justify="right")
    return table


def _comparison(report: FunnelReport, previous: FunnelReport, lang: Lang) -> Table:
    table = comparison_table(report.period.label, previous.period.label, lang)
    now, before = report.total, previous.total
    for key in ("lead", "mql", "sql", "opportunity", "won"):
        table.add_row(
            label(f"stage.{key}", lang),
            str(now.counts[key]),
            str(before.counts[key]),
            delta(now.counts[key], before.counts[key]),
        )
    table.add_row(
        label("conv.lead_to_won", lang),
        pct(now.lead_to_won),
        pct(before.lead_to_won),
        points(now.lead_to_won, before.lead_to_won),
    )
    table.add_row(
        label("rejected_rate", lang),
        pct(now.rejected_rate),
        pct(before.rejected_rate),
        points(now.rejected_rate, before.rejected_rate),
    )
    table.add_row(
        label("revenue", lang),
        money(now.revenue),
        money(before.revenue),
        delta(now.revenue, before.revenue),
    )
    return table


def sla_tables(report: SlaReport, lang: Lang) -> RenderableType:
    """Attainment per month and the list of breaches."""
    months = Table(title=label("title.sla", lang), header_style="bold")
    for key in (
        "sla.month",
        "sla.qualified",
        "sla.target",
        "sla.marketing",
        "sla.handed_off",
        "sla.met",
        "sla.breached",
        "sla.pending",
        "sla.sales",
    ):
        months.add_column(label(key, lang), justify="right", overflow="fold")
    for m in report.months:
        suffix = "" if m.complete else f" {label('sla.open', lang)}"
        months.add_row(
            m.month + suffix,
            str(m.qualified),
            str(m.target),
            pct(m.marketing_attainment),
            str(m.handed_off),
            str(m.met),
            str(m.breached),
            str(m.pending),
            pct(m.sales_attainment),
        )
    parts: list[RenderableType] = [
        months,
        Text(f"{label('sla.followup', lang)}: {report.followup_hours:g} h"),
    ]
    if not report.breaches:
        parts.append(Text(label("sla.none", lang)))
        return Group(*parts)
    breaches = Table(title=label("sla.breaches", lang), header_style="bold")
    for key in (
        "sla.month",
        "sla.commitment",
        "sla.subject",
        "sla.owner",
        "sla.detail",
    ):
        breaches.add_column(label(key, lang))
    for b in report.breaches:
        breaches.add_row(
            b.month,
            label(f"sla.{b.commitment}", lang),
            b.subject,
            b.owner or "-",
            breach_text(b, lang),
        )
    parts.append(breaches)
    return Group(*parts)


def plan_table(plan: Plan, lang: Lang) -> RenderableType:
    """The inputs with their source, then what each stage needs."""
    inputs = Table(title=label("title.plan", lang), show_header=False)
    inputs.add_column()
    inputs.add_column(justify="right")
    inputs.add_column()
    inputs.add_row(label("plan.revenue", lang), money(plan.revenue), "")
    inputs.add_row(
        label("plan.deal_size", lang),
        money(plan.deal_size),
        label(f"plan.{plan.deal_size_source}", lang),
    )
    inputs.add_row(
        label("plan.conversion", lang),
        pct(plan.conversion),
        label(f"plan.{plan.conversion_source}", lang),
    )
    inputs.add_row(label("plan.customers", lang), str(plan.customers), "")
    if plan.history is not None:
        inputs.add_row(label("plan.history", lang), plan.history.label, "")
    stages = Table(header_style="bold")
    stages.add_column(label("plan.stage", lang))
    stages.add_column(label("plan.to_won", lang), justify="right")
    stages.add_column(label("plan.needed", lang), justify="right")
    for need in plan.stages:
        stages.add_row(
            label(f"stage.{need.stage}", lang),
            pct(need.to_won),
            "-" if need.needed is None else f"{need.needed:,}",
        )
    return Group(inputs, stages)
