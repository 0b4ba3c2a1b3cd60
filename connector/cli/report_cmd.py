"""``connector report funnel|sla|writeback`` and ``connector plan``.

Reports read the state store only; ``writeback`` is the one command that writes
(campaign results to the MA side), the same function the daemon schedules.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Group, RenderableType
from sqlalchemy import Connection, func, select

from connector.app import App
from connector.cli.console import make_console
from connector.cli.context import load_app
from connector.errors import UsageError
from connector.reports import sla_output
from connector.reports.config import ReportingSettings, load_reporting
from connector.reports.formatting import funnel_json, plan_json, to_csv
from connector.reports.funnel import funnel_report
from connector.reports.period import Period, parse_date
from connector.reports.plan import history_row, make_plan
from connector.reports.render_html import render_html
from connector.reports.render_table import funnel_tables, plan_table, sla_tables
from connector.reports.sla import sla_report
from connector.reports.writeback import write_back_campaigns
from connector.store.schema import persons

__all__ = ["app", "funnel", "plan", "sla", "writeback"]

app = typer.Typer(
    help="Funnel and SLA reports both teams agree on.", no_args_is_help=True
)


class By(StrEnum):
    """What a funnel row stands for."""

    campaign = "campaign"
    source = "source"
    month = "month"
    owner = "owner"


class Model(StrEnum):
    """Attribution model override."""

    first_touch = "first_touch"
    last_touch_before_mql = "last_touch_before_mql"


class Format(StrEnum):
    """Output format of the funnel report."""

    table = "table"
    csv = "csv"
    json = "json"
    html = "html"


class SimpleFormat(StrEnum):
    """Output format of the plan."""

    table = "table"
    json = "json"


class SlaFormat(StrEnum):
    """Output format of the SLA report (CSV: one row per month)."""

    table = "table"
    csv = "csv"
    json = "json"


class Lang(StrEnum):
    """Label language."""

    ja = "ja"
    en = "en"


SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since",
        help="First day, YYYY-MM-DD (default: 1st of this month; if this month has "
        "no leads yet, the latest month that has).",
    ),
]
UntilOpt = Annotated[
    str | None, typer.Option("--until", help="Last day, YYYY-MM-DD (default: today).")
]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Label language.")]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file.")
]


def _open(
    ctx: typer.Context, *, read_only: bool = True
) -> tuple[App, ReportingSettings]:
    connector = load_app(ctx, read_only=read_only)
    return connector, load_reporting(connector.mappings_dir / "reporting.toml")


def _period(
    settings: ReportingSettings,
    since: str | None,
    until: str | None,
    conn: Connection | None = None,
) -> Period:
    """The report window: the options, else this month so far.

    With neither option, a month with no leads yet (early in a month, or a demo
    store such as the bundled example's) would show an empty report; the latest
    month that has leads is shown instead, and stderr says so.
    """
    today = datetime.now(UTC).astimezone(settings.tz).date()
    last = parse_date(until, "--until") if until else today
    first = parse_date(since, "--since") if since else date(last.year, last.month, 1)
    period = Period(first, last, settings.tz)
    if since or until or conn is None:
        return period
    latest = conn.execute(select(func.max(persons.c.created_at))).scalar()
    if latest is None or not isinstance(latest, datetime):
        return period
    moment = latest if latest.tzinfo else latest.replace(tzinfo=UTC)
    if moment >= period.start:
        return period
    local = moment.astimezone(settings.tz).date()
    start = local.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    typer.echo(
        f"no leads since {period.since}; showing {start:%Y-%m}, the latest month "
        "with leads (pass --since/--until to choose)",
        err=True,
    )
    return Period(start, end, settings.tz)


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
        return
    try:
        output.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise UsageError(
            f"cannot write {output}: {exc.strerror or exc}",
            hint="choose a writable --output path",
            context={"file": str(output)},
        ) from None
    typer.echo(f"wrote {output}", err=True)


@app.command("funnel")
def funnel(
    ctx: typer.Context,
    since: SinceOpt = None,
    until: UntilOpt = None,
    by: Annotated[By, typer.Option("--by", help="One row per...")] = By.campaign,
    model: Annotated[
        Model | None,
        typer.Option("--model", help="Attribution model (default: reporting.toml)."),
    ] = None,
    compare: Annotated[
        bool,
        typer.Option(
            "--compare", help="Also show the previous period of equal length."
        ),
    ] = False,
    fmt: Annotated[
        Format, typer.Option("--format", help="Output format.")
    ] = Format.table,
    output: OutputOpt = None,
    lang: LangOpt = Lang.ja,
) -> None:
    """Leads, MQL, SQL, opportunities, won, lost and rejected per group."""
    if fmt is Format.html and output is None:
        raise UsageError(
            "--format html needs --output FILE",
            hint="e.g. --format html --output report.html",
        )
    connector, settings = _open(ctx)
    with connector.store.read() as conn:
        period = _period(settings, since, until, conn)
        report = funnel_report(
            conn,
            settings,
            period,
            by=by.value,
            model=model.value if model else None,
            compare=compare,
        )
    if fmt is Format.table:
        make_console().print(funnel_tables(report, lang.value))
    elif fmt is Format.csv:
        # A BOM so that Excel, which Japanese teams open CSV with, reads UTF-8.
        _emit("\ufeff" + to_csv(report, lang.value), output)
    elif fmt is Format.json:
        _emit(funnel_json(report) + "\n", output)
    else:
        _emit(render_html(report, lang.value), output)


@app.command("sla")
def sla(
    ctx: typer.Context,
    since: SinceOpt = None,
    until: UntilOpt = None,
    compare: Annotated[
        bool,
        typer.Option(
            "--compare", help="Also show the previous period of equal length."
        ),
    ] = False,
    fmt: Annotated[
        SlaFormat, typer.Option("--format", help="Output format.")
    ] = SlaFormat.table,
    output: OutputOpt = None,
    lang: LangOpt = Lang.ja,
) -> None:
    """SLA attainment per month (marketing and sales) and every breach."""
    connector, settings = _open(ctx)
    now = datetime.now(UTC)
    with connector.store.read() as conn:
        period = _period(settings, since, until, conn)
        report = sla_report(conn, settings, period, now=now)
        previous = (
            sla_report(conn, settings, period.previous(), now=now) if compare else None
        )
    if fmt is SlaFormat.json:
        _emit(sla_output.sla_json_compared(report, previous) + "\n", output)
    elif fmt is SlaFormat.csv:
        _emit("\ufeff" + sla_output.sla_csv(report, previous, lang.value), output)
    else:
        parts = [sla_tables(report, lang.value)]
        if previous is not None:
            parts.append(sla_output.sla_comparison(report, previous, lang.value))
        text = _render(Group(*parts))
        _emit(text, output)


def _render(renderable: RenderableType) -> str:
    """A rich renderable as the text a terminal of the current width shows."""
    console = make_console()
    with console.capture() as capture:
        console.print(renderable)
    return capture.get()


@app.command("writeback")
def writeback(ctx: typer.Context) -> None:
    """Write per-campaign results to the MA side now (the daemon also schedules it)."""
    connector, settings = _open(ctx, read_only=False)
    summary = write_back_campaigns(connector.store, connector.adapter("ma"), settings)
    typer.echo(
        f"campaigns written: {summary.written}, unchanged: {summary.unchanged}, "
        f"refused: {len(summary.failed)}"
    )
    for outcome in summary.failed:
        typer.echo(f"  {outcome.key}: {outcome.error}", err=True)
    if summary.failed:
        raise typer.Exit(1)


def _decimal(value: str | None, option: str) -> Decimal | None:
    if value is None:
        return None
    text = value.replace(",", "").replace("_", "").strip()
    percent = text.endswith("%")
    try:
        number = Decimal(text.rstrip("%"))
    except InvalidOperation:
        raise UsageError(
            f"{option} {value!r} is not a number",
            hint=f"e.g. {option} 1200000 (commas allowed; conversion as 0.02 or 2%)",
            context={"option": option},
        ) from None
    return number / 100 if percent else number


def plan(
    ctx: typer.Context,
    revenue: Annotated[
        str, typer.Option("--revenue", help="Revenue target, e.g. 1200000.")
    ],
    deal_size: Annotated[
        str | None,
        typer.Option("--deal-size", help="Average deal size (default: measured)."),
    ] = None,
    conversion: Annotated[
        str | None,
        typer.Option(
            "--conversion",
            help="Lead-to-customer rate, 0.02 or 2% (default: measured).",
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="First day of the history measured, YYYY-MM-DD (default: "
            "plan.history_months back from --until).",
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", help="Last day of that history (default: today)."),
    ] = None,
    fmt: Annotated[
        SimpleFormat, typer.Option("--format", help="Output format.")
    ] = SimpleFormat.table,
    lang: LangOpt = Lang.ja,
) -> None:
    """From a revenue target: customers needed, and leads needed at each stage.

    Measured inputs (deal size, conversions) come from the leads of the history
    window: --since/--until, or the last plan.history_months months.
    """
    target = _decimal(revenue, "--revenue")
    assert target is not None  # noqa: S101 - required option
    size, rate = (
        _decimal(deal_size, "--deal-size"),
        _decimal(conversion, "--conversion"),
    )
    # History is read even when both values are given: it still measures how
    # many people each middle stage needs.
    connector, settings = _open(ctx)
    window: Period | None = None
    if since or until:
        today = datetime.now(UTC).astimezone(settings.tz).date()
        last = parse_date(until, "--until") if until else today
        back = timedelta(days=round(settings.plan.history_months * 30.44))
        first = parse_date(since, "--since") if since else last - back
        window = Period(first, last, settings.tz)
    with connector.store.read() as conn:
        history, history_period = history_row(conn, settings, period=window)
    result = make_plan(
        target,
        deal_size=size,
        conversion=rate,
        history=history,
        history_period=history_period,
    )
    if fmt is SimpleFormat.json:
        _emit(plan_json(result) + "\n", None)
    else:
        make_console().print(plan_table(result, lang.value))
