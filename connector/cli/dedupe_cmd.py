"""``connector dedupe scan|check``: duplicates inside one system, and the rules file.

``scan`` pulls every person through the configured adapter, maps them with the
mapping layer, clusters them with ``mappings/matching.toml`` and proposes a
surviving record per cluster. It only reads: merging is left to the admin (or to
the system's own merge tool), since a wrong merge cannot be undone by us.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from connector.app import App, System
from connector.cli.console import make_console
from connector.cli.context import load_app
from connector.csvout import FormulaSafeWriter, write_csv_file
from connector.errors import RecordInvalidError, UsageError
from connector.matching import Cluster, MatchRules, cluster, load_match_rules
from connector.records import Person

__all__ = ["CSV_COLUMNS", "app", "write_clusters"]

app = typer.Typer(help="Find duplicate people inside one system.", no_args_is_help=True)

CSV_COLUMNS = (
    "cluster_id",
    "record_id",
    "survivor",
    "rule",
    "score",
    "email",
    "last_name",
    "first_name",
    "company",
    "phone",
    "updated_at",
)
"""Columns of ``--output``: one row per record in a cluster, survivor marked."""

RulesOption = Annotated[
    Path | None,
    typer.Option(
        "--rules",
        help="Matching rules file (default: matching.toml in the mappings folder).",
        show_default=False,
    ),
]


def _rules(connector: App, path: Path | None) -> MatchRules:
    return load_match_rules(path or connector.mappings_dir / "matching.toml")


def _people(connector: App, system: System) -> tuple[list[tuple[str, Person]], int]:
    from connector.mapping import load_mappings

    mappings = load_mappings(connector.mappings_dir)
    people: list[tuple[str, Person]] = []
    skipped = 0
    for page in connector.adapter(system).pull("persons", None, full=True):
        for record in page.records:
            if record.deleted:
                continue
            try:
                people.append((record.id, mappings.to_person(record)))
            except RecordInvalidError:
                # A record the mapping cannot read is the sync's dead letter, not a
                # duplicate; counting it keeps the scan honest about what it saw.
                skipped += 1
        skipped += len(page.errors)
    return people, skipped


def write_clusters(
    path: Path, clusters: Iterable[Cluster], people: dict[str, Person]
) -> int:
    """Write clusters as CSV (UTF-8 with BOM, for Excel); return the rows written."""
    rows = 0

    def fill(writer: FormulaSafeWriter) -> None:
        nonlocal rows
        for found in clusters:
            evidence: dict[str, tuple[str, float]] = {}
            for link in found.links:
                evidence.setdefault(link.right, (link.rule, link.score))
            for key in found.members:
                person = people[key]
                rule, score = evidence.get(key, ("", 1.0))
                writer.writerow(
                    [
                        found.id,
                        key,
                        "yes" if key == found.survivor else "",
                        rule,
                        f"{score:.3f}" if rule else "",
                        person.email or "",
                        person.last_name or "",
                        person.first_name or "",
                        person.company or "",
                        person.phone or "",
                        person.updated_at.isoformat() if person.updated_at else "",
                    ]
                )
                rows += 1

    # Names and companies come from the systems: escaped against formulas.
    write_csv_file(path, fill, encoding="utf-8-sig", header=CSV_COLUMNS)
    return rows


@app.command("scan")
def scan(
    ctx: typer.Context,
    source: Annotated[str, typer.Option("--source", help="ma or sfa.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write clusters as CSV.")
    ] = None,
    rules: RulesOption = None,
    show: Annotated[int, typer.Option(help="Clusters to print.")] = 20,
) -> None:
    """Cluster duplicate people in one system and propose a survivor per cluster."""
    if source not in ("ma", "sfa"):
        raise UsageError(
            f"--source must be ma or sfa, not {source!r}",
            hint="connector dedupe scan --source ma",
        )
    system: System = "ma" if source == "ma" else "sfa"
    connector = load_app(ctx)
    try:
        match_rules = _rules(connector, rules)
        people, skipped = _people(connector, system)
    finally:
        connector.close()
    clusters = cluster(people, match_rules)
    by_key = dict(people)
    console = make_console()
    table = Table(title=f"Duplicate clusters in {source}")
    for column in ("cluster", "records", "survivor", "name", "email", "company"):
        table.add_column(column)
    for found in clusters[:show]:
        merged = found.merged
        table.add_row(
            str(found.id),
            ", ".join(found.members),
            found.survivor,
            merged.full_name,
            merged.email or "",
            merged.company or "",
        )
    if clusters:
        console.print(table)
    duplicates = sum(len(c.members) - 1 for c in clusters)
    typer.echo(
        f"{len(people)} people read, {len(clusters)} clusters, {duplicates} "
        f"duplicate records, {skipped} unreadable records skipped",
        err=True,
    )
    if output is not None:
        rows = write_clusters(output, clusters, by_key)
        typer.echo(f"wrote {rows} rows to {output}", err=True)


@app.command("check")
def check(ctx: typer.Context, rules: RulesOption = None) -> None:
    """Validate the matching rules and list them in the order they are tried."""
    connector = load_app(ctx)
    match_rules = _rules(connector, rules)
    for index, rule in enumerate(match_rules.rules, start=1):
        parts = []
        if rule.exact:
            parts.append("exact " + "+".join(rule.exact))
        parts.extend(f"{name} >= {value}" for name, value in rule.require)
        parts.extend(f"veto {name} < {value}" for name, value in rule.veto)
        typer.echo(f"{index}. {rule.name}: {', '.join(parts)}")
    typer.echo(f"matching rules ok: {match_rules.source}", err=True)
