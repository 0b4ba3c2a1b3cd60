"""``connector dedupe scan|explain|check``: duplicates inside one system.

``scan`` pulls every person through the configured adapter, maps them with the
mapping layer, clusters them with ``mappings/matching.toml`` and proposes a
surviving record per cluster. It only reads: merging is left to the admin (or to
the system's own merge tool), since a wrong merge cannot be undone by us.

``--method model`` clusters with the Fellegi–Sunter model fitted on the records
scanned (:mod:`connector.matching.model`); ``explain`` shows, for two records,
each field's weight under that model.
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


def _read(
    ctx: typer.Context, system: System, rules: Path | None
) -> tuple[MatchRules, list[tuple[str, Person]], int]:
    """The matching rules and every readable person of ``system``."""
    connector = load_app(ctx)
    try:
        match_rules = _rules(connector, rules)
        people, skipped = _people(connector, system)
    finally:
        connector.close()
    return match_rules, people, skipped


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
    method: Annotated[
        str | None,
        typer.Option(
            help="rules or model (default: scan_method in matching.toml).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Cluster duplicate people in one system and propose a survivor per cluster."""
    system = _system(source, "scan")
    if method not in (None, "rules", "model"):
        raise UsageError(
            f"--method must be rules or model, not {method!r}",
            hint="connector dedupe scan --source ma --method model",
        )
    match_rules, people, skipped = _read(ctx, system, rules)
    if (method or match_rules.scan_method) == "model":
        from connector.matching.model_batch import model_cluster

        clusters = model_cluster(people, match_rules)
    else:
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


@app.command("explain")
def explain(
    ctx: typer.Context,
    left: Annotated[str, typer.Argument(help="One record's id in the system.")],
    right: Annotated[str, typer.Argument(help="The other record's id.")],
    source: Annotated[str, typer.Option("--source", help="ma or sfa.")],
    rules: RulesOption = None,
) -> None:
    """Show each field's weight for two records under the model fitted on all."""
    from connector.matching.keys import person_keys
    from connector.matching.model_batch import model_links

    match_rules, people, _ = _read(ctx, _system(source, "explain"), rules)
    index = {key: position for position, (key, _) in enumerate(people)}
    for wanted in (left, right):
        if wanted not in index:
            raise UsageError(
                f"no readable {source} record with id {wanted!r}",
                hint="use the record id shown by `connector dedupe scan`",
            )
    keys = [person_keys(person, match_rules) for _, person in people]
    run = model_links(keys, match_rules)
    why = run.model.explain(keys[index[left]], keys[index[right]], run.frequencies)
    table = Table(title=f"{left} and {right} in {source}")
    for column in ("field", "level", "weight (bits)", "frequency (bits)"):
        table.add_column(column)
    table.add_row("prior", f"λ = {run.model.prior:.6f}", f"{why.prior_bits:+.2f}", "")
    for part in why.fields:
        table.add_row(
            part.comparison,
            part.level,
            f"{part.bits:+.2f}" if part.level != "missing" else "",
            f"{part.frequency_bits:+.2f}" if part.frequency_bits else "",
        )
    make_console().print(table)
    verdict = "linked" if why.probability >= match_rules.model_threshold else "apart"
    typer.echo(
        f"total {why.bits:+.2f} bits, match probability {why.probability:.4f}: "
        f"{verdict} at threshold {match_rules.model_threshold} "
        f"(model fitted on {len(people)} records, {run.candidates} candidate pairs)"
    )


def _system(source: str, command: str) -> System:
    if source not in ("ma", "sfa"):
        raise UsageError(
            f"--source must be ma or sfa, not {source!r}",
            hint=f"connector dedupe {command} --source ma",
        )
    return "ma" if source == "ma" else "sfa"


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
