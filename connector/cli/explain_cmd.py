"""``connector explain KEY`` and ``connector qualify --explain KEY``.

"Why does this value keep changing back?" is answered from the state store: the
person's identity links, stage history and, per field, who last wrote it and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text
from sqlalchemy import Connection, func, select

from connector.cli.console import make_console
from connector.cli.context import load_app
from connector.errors import RecordInvalidError, UsageError
from connector.qualification import explain as explain_rules
from connector.qualification import load_qualification
from connector.store import events, provenance
from connector.store.schema import identities, persons

__all__ = ["explain", "qualify"]

KeyArg = Annotated[str, typer.Argument(help="An email address or any system id.")]


def _find_canonical(conn: Connection, key: str) -> str | None:
    if "@" in key:
        row = conn.execute(
            select(persons.c.canonical_id)
            .where(func.lower(persons.c.email) == key.strip().lower())
            .limit(1)
        ).first()
        if row:
            return str(row[0])
    system, _, rest = key.partition(":")
    query = select(identities.c.canonical_id).where(
        identities.c.external_id == (rest if rest else key)
    )
    if rest:
        query = query.where(identities.c.system == system)
    row = conn.execute(query.limit(1)).first()
    return str(row[0]) if row else None


def _time_zone(mappings_dir: Path) -> tuple[str, tzinfo]:
    """The report time zone of reporting.toml (times are stored in UTC).

    Without it a 9:00 JST write showed as 00:00 with no zone: the admin
    compares these times with the SFA's screen, which shows local time.
    """
    from connector.reports.config import load_reporting

    settings = load_reporting(mappings_dir / "reporting.toml")
    name = settings.timezone
    return (f"UTC{name}" if name[:1] in "+-" else name), settings.tz


def _local(moment: datetime, tz: tzinfo) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return f"{moment.astimezone(tz):%Y-%m-%d %H:%M}"


def explain(ctx: typer.Context, key: KeyArg) -> None:
    """Show a person's links, stage history and the origin of every written field."""
    connector = load_app(ctx, read_only=True)
    tz_name, tz = _time_zone(connector.mappings_dir)
    console = make_console()
    with connector.store.read() as conn:
        canonical = _find_canonical(conn, key)
        if canonical is None:
            raise UsageError(
                f"no person found for {key!r}",
                hint="use an email, an MA/SFA id, or system:id (e.g. sfa:L-1001)",
            )
        person = conn.execute(
            select(persons).where(persons.c.canonical_id == canonical)
        ).first()
        links = conn.execute(
            select(identities).where(identities.c.canonical_id == canonical)
        ).all()
        history = events.stage_history(conn, canonical_id=canonical)
        writes = provenance.field_history(conn, canonical_id=canonical)
    console.print(Text(f"person {canonical}", style="bold"), f" (times in {tz_name})")
    if person is not None:
        data = person._mapping
        console.print(
            f"{data['last_name'] or ''} {data['first_name'] or ''} <{data['email']}> "
            f"{data['company'] or ''}  stage: {data['stage']}",
            markup=False,
        )
    table = Table(title="identity links")
    for column in ("system", "entity", "id", "alias of", "rule", "score"):
        table.add_column(column)
    for column in (f"linked ({tz_name})",):
        table.add_column(column)
    for link in links:
        m = link._mapping
        table.add_row(
            m["system"],
            m["entity"],
            m["external_id"],
            m["alias_of"] or "",
            m["rule"],
            "" if m["score"] is None else f"{m['score']:.2f}",
            _local(m["linked_at"], tz),
        )
    console.print(table)
    table = Table(title="stage history")
    for column in (f"when ({tz_name})", "system", "record", "from", "to", "reason"):
        table.add_column(column)
    for item in history:
        table.add_row(
            _local(item["occurred_at"], tz),
            item["system"],
            f"{item['entity']} {item['record_id']}",
            item["from_stage"] or "",
            item["to_stage"],
            item["reason"] or "",
        )
    console.print(table)
    table = Table(title="fields written by the connector (latest per field)")
    for column in ("target", "field", "value", "from", "rule", f"when ({tz_name})"):
        table.add_column(column, overflow="fold")
    for column in ("run",):
        table.add_column(column, overflow="fold")
    latest: dict[tuple[str, str, str], dict[str, Any]] = {}
    for write in writes:
        latest[(write["target_system"], write["record_id"], write["field"])] = write
    for (target, record_id, field), write in sorted(latest.items()):
        table.add_row(
            f"{target}:{record_id}",
            field,
            str(write["value"] or "")[:80],
            write["origin_system"],
            write["rule"],
            _local(write["written_at"], tz),
            str(write["run_id"] or "")[:8],
        )
    console.print(table)


def qualify(
    ctx: typer.Context,
    key: Annotated[str, typer.Option("--explain", help="Email or MA id of the lead.")],
) -> None:
    """Show every qualification rule for one MA lead and whether it passed.

    Reads the lead from the MA system (a full read for CSV sources). Exit codes,
    for scripts: 0 qualified (goes to sales), 1 not qualified, 2 no such lead
    or a usage/config error.
    """
    connector = load_app(ctx)
    from connector.mapping import load_mappings

    mappings = load_mappings(connector.mappings_dir)
    rule = load_qualification(connector.mappings_dir / "qualification.toml")
    wanted = key.strip().lower()
    for page in connector.adapter("ma").pull("persons", None, full=True):
        for record in page.records:
            try:
                person = mappings.to_person(record)
            except RecordInvalidError:
                # Another lead's bad value is that lead's problem, not this one's:
                # only the lead asked for may fail the command with its error.
                if record.id == key or _mentions(record.fields, wanted):
                    raise
                continue
            if record.id != key and (person.email or "").lower() != wanted:
                continue
            results = explain_rules(
                rule, person, record.fields, handoff_stage=mappings.handoff_stage
            )
            table = Table(title=f"qualification of {person.email or record.id}")
            table.add_column("rule")
            table.add_column("result")
            table.add_column("why", overflow="fold")
            for result in results:
                table.add_row(
                    result.rule, "pass" if result.passed else "FAIL", result.detail
                )
            make_console().print(table)
            verdict = all(r.passed for r in results)
            typer.echo("qualified: goes to sales" if verdict else "not qualified")
            raise typer.Exit(0 if verdict else 1)
    raise UsageError(f"no MA lead {key!r}", hint="use the lead's email or MA id")


def _mentions(fields: Mapping[str, Any], wanted: str) -> bool:
    """Whether any raw cell of a record is ``wanted`` (an email, ignoring case)."""
    return any(str(v).strip().lower() == wanted for v in fields.values() if v)
