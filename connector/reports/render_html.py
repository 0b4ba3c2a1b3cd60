"""The funnel report as one self-contained HTML file.

Everything is inline (CSS and SVG charts; no script, font or CDN link), so the
file can be mailed, put on a share or opened on a plane, and looks the same.
"""

from __future__ import annotations

from html import escape

from connector.reports.charts import funnel_svg, trend_svg
from connector.reports.formatting import days, delta, money, pct, points, reasons
from connector.reports.funnel import STAGE_PAIRS, FunnelReport, FunnelRow
from connector.reports.labels import Lang, group_label, label

__all__ = ["render_html"]

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',
Arial,'Noto Sans','Liberation Sans','DejaVu Sans','Hiragino Sans',
'Hiragino Kaku Gothic ProN','Yu Gothic',Meiryo,'Noto Sans CJK JP','IPAPGothic',
sans-serif;margin:24px;color:#222;background:#fff;line-height:1.45;
max-width:1200px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.meta{color:#555;font-size:13px}
.kpis{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.kpi{border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:130px;
flex:1 1 130px}
.kpi .v{font-size:20px;font-weight:bold;font-variant-numeric:tabular-nums;
white-space:nowrap}
.kpi .k,.kpi .d{font-size:12px;color:#555}
.charts{display:flex;gap:24px;flex-wrap:wrap}
.charts section{flex:1 1 420px;min-width:0}
svg{max-width:100%;height:auto}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:13px;font-variant-numeric:tabular-nums}
th{font-weight:600;vertical-align:bottom;white-space:normal;max-width:7em}
th,td{border-bottom:1px solid #e5e5e5;padding:4px 8px;text-align:right}
td{white-space:nowrap}
th:first-child,td:first-child{text-align:left;position:sticky;left:0;
background:#fff;max-width:14em;white-space:normal}
td.reasons,th.reasons{text-align:left;white-space:normal;min-width:12em}
tr.total td,tr.money-total td{font-weight:bold;border-top:2px solid #999}
.notes{font-size:12px;color:#555;margin-top:8px}
@media (max-width:600px){body{margin:12px}h1{font-size:19px}
.kpi{min-width:110px;padding:8px 10px}.kpi .v{font-size:17px}
table{font-size:12px}th{white-space:nowrap;max-width:none}
th:first-child,td:first-child{min-width:8em;max-width:10em}}
"""

_COUNTS = ("lead", "mql", "sql", "opportunity", "won", "lost", "rejected")


def _kpis(report: FunnelReport, lang: Lang) -> str:
    now = report.total
    before = report.previous.total if report.previous else None
    items = [
        (
            "stage.lead",
            str(now.counts["lead"]),
            now.counts["lead"],
            before.counts["lead"] if before else None,
        ),
        (
            "stage.won",
            str(now.counts["won"]),
            now.counts["won"],
            before.counts["won"] if before else None,
        ),
        (
            "conv.lead_to_won",
            pct(now.lead_to_won),
            now.lead_to_won,
            before.lead_to_won if before else None,
        ),
        (
            "revenue",
            f"{money(now.revenue)} {report.currency}",
            now.revenue,
            before.revenue if before else None,
        ),
        (
            "average_deal",
            money(now.average_deal),
            now.average_deal,
            before.average_deal if before else None,
        ),
        (
            "rejected_rate",
            pct(now.rejected_rate),
            now.rejected_rate,
            before.rejected_rate if before else None,
        ),
    ]
    rates = ("conv.lead_to_won", "rejected_rate")
    cells = []
    for key, shown, value, previous in items:
        moved = (
            points(value, previous)  # type: ignore[arg-type]
            if key in rates
            else delta(value, previous)
        )
        change = (
            f'<div class="d">{escape(label("change", lang))} {moved}</div>'
            if report.previous
            else ""
        )
        cells.append(
            f'<div class="kpi" data-kpi="{key}"><div class="k">'
            f'{escape(label(key, lang))}</div><div class="v">{escape(shown)}</div>'
            f"{change}</div>"
        )
    return f'<div class="kpis">{"".join(cells)}</div>'


def _row(row: FunnelRow, name: str, css: str) -> str:
    cells = [
        *(str(row.counts[k]) for k in _COUNTS),
        *(pct(rate) for rate in row.conversion.values()),
        pct(row.lead_to_won),
    ]
    tds = "".join(f"<td>{escape(c)}</td>" for c in cells)
    return (
        f'<tr class="{css}" data-group="{escape(row.key)}"><td>{escape(name)}</td>'
        f"{tds}</tr>"
    )


def _money_row(row: FunnelRow, name: str, css: str) -> str:
    cells = [
        money(row.revenue),
        money(row.average_deal),
        *(days(row.days.get(f"{a}->{b}")) for a, b in STAGE_PAIRS),
        pct(row.rejected_rate),
    ]
    tds = "".join(f"<td>{escape(c)}</td>" for c in cells)
    return (
        f'<tr class="{css}" data-group="{escape(row.key)}"><td>{escape(name)}</td>'
        f'{tds}<td class="reasons">{escape(reasons(row))}</td></tr>'
    )


def _table(report: FunnelReport, lang: Lang) -> str:
    """Two tables of the same rows: the funnel, then money, speed and rejections.

    One table of 18 columns was about 1,500 px wide; split, each fits 1,280 px,
    and on a phone each scrolls sideways with the group name kept in view.
    """
    head = "".join(
        f"<th>{escape(h)}</th>"
        for h in [
            label(f"by.{report.by}", lang),
            *(label(f"stage.{k}", lang) for k in _COUNTS),
            *(label(f"conv.{a}->{b}", lang) for a, b in STAGE_PAIRS),
            label("conv.lead_to_won", lang),
        ]
    )
    body = "".join(_row(r, group_label(r.key, lang), "group-row") for r in report.rows)
    total = _row(report.total, label("total", lang), "total")
    money_head = (
        "".join(
            f"<th>{escape(h)}</th>"
            for h in [
                label(f"by.{report.by}", lang),
                f"{label('revenue', lang)} ({report.currency})",
                label("average_deal", lang),
                *(
                    f"{label('days', lang)} {label(f'conv.{a}->{b}', lang)}"
                    for a, b in STAGE_PAIRS
                ),
                label("rejected_rate", lang),
            ]
        )
        + f'<th class="reasons">{escape(label("top_reasons", lang))}</th>'
    )
    money_body = "".join(
        _money_row(r, group_label(r.key, lang), "money-row") for r in report.rows
    )
    money_total = _money_row(report.total, label("total", lang), "money-total")
    note = (
        f'<p class="notes">{escape(label("days.none", lang))}</p>'
        if any(v is None for v in report.total.days.values())
        else ""
    )
    return (
        f'<div class="scroll"><table id="campaign-table"><thead><tr>{head}</tr>'
        f"</thead><tbody>{body}{total}</tbody></table></div>"
        f"<h2>{escape(label('revenue', lang))} · {escape(label('days', lang))}</h2>"
        f'<div class="scroll"><table id="money-table"><thead><tr>{money_head}</tr>'
        f"</thead><tbody>{money_body}{money_total}</tbody></table></div>{note}"
    )


def render_html(report: FunnelReport, lang: Lang) -> str:
    """The whole report page: KPIs, funnel chart, trend chart and the table."""
    title = label("title.funnel", lang)
    meta = (
        f"{label('period', lang)}: {report.period.label} · "
        f"{label('model', lang)}: {label('model.' + report.model, lang)} · "
        f"{label(f'by.{report.by}', lang)}"
    )
    if report.previous is not None:
        meta += f" · {label('previous', lang)}: {report.previous.period.label}"
    notes = (
        f"{label('fallback_revenue', lang)}: {money(report.fallback_revenue)} "
        f"{report.currency} · {label('unattributed_revenue', lang)}: "
        f"{money(report.unattributed_revenue)} {report.currency} · "
        f"{label('other_currency', lang)}: {report.other_currency_deals}"
    )
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} {escape(report.period.label)}</title>"
        f"<style>{_CSS}</style></head><body>"
        f'<h1>{escape(title)}</h1><div class="meta">{escape(meta)}</div>'
        f"{_kpis(report, lang)}"
        f'<div class="charts"><section><h2>{escape(label("chart.funnel", lang))}'
        f"</h2>{funnel_svg(report.total, lang)}</section>"
        f"<section><h2>{escape(label('chart.trend', lang))}</h2>"
        f"{trend_svg(report.trend, lang)}</section></div>"
        f"<h2>{escape(label('table.groups', lang))}</h2>{_table(report, lang)}"
        f'<p class="notes" id="attribution-notes">{escape(notes)}</p>'
        "</body></html>\n"
    )
