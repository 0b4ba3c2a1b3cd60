"""``connector mappings check | suggest | version``: the admin's mapping workflow.

``check`` validates the files (exit 2 on any problem); ``check --live`` also asks
each system for its live stage values (exit 1 when some have no mapping);
``suggest --write`` adds those values to ``stages.toml`` as commented TODOs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from connector.cli.context import load_app
from connector.mapping import Mappings, load_mappings
from connector.mapping.check import LiveReport, VocabularySource, live_check
from connector.mapping.suggest import suggest_block, write_suggestions

__all__ = ["app"]

app = typer.Typer(
    help="Check and extend the mapping files under mappings/.", no_args_is_help=True
)

DirOption = Annotated[
    Path | None,
    typer.Option(
        "--dir",
        help="Mapping folder (default: [mappings] dir of the config).",
        show_default=False,
    ),
]


def _directory(ctx: typer.Context, directory: Path | None) -> Path:
    if directory is not None:
        return directory
    return load_app(ctx).mappings_dir


def _live(ctx: typer.Context, mappings: Mappings) -> LiveReport:
    connector = load_app(ctx)
    try:
        adapters = {
            system: connector.adapter(system)
            for system in ("ma", "sfa")
            if any(s == system for s, _ in mappings.vocabularies)
        }
        sources: dict[str, VocabularySource] = dict(adapters)
        # File adapters list only the values their exports happen to use.
        exports = frozenset(
            system
            for system, adapter in adapters.items()
            if adapter.capabilities().files
        )
        return live_check(mappings, sources, exports=exports)
    finally:
        connector.close()


@app.command("check")
def check(
    ctx: typer.Context,
    directory: DirOption = None,
    live: Annotated[
        bool,
        typer.Option(
            "--live", help="Also compare stage mappings with each system's values."
        ),
    ] = False,
) -> None:
    """Validate the mapping files; with --live, list unmapped and stale values.

    Exit 2: a file has problems (one ``file: key: problem: fix`` line each).
    Exit 1: live values have no mapping (records with them are dead-lettered).
    """
    folder = _directory(ctx, directory)
    mappings = load_mappings(folder)  # MappingError -> lines + exit 2 in main()
    typer.echo(f"mappings ok: {folder} (version {mappings.version})", err=True)
    if not live:
        return
    report = _live(ctx, mappings)
    for line in report.lines():
        typer.echo(line)
    if report.skipped:
        typer.echo(
            f"no live values to compare for: {', '.join(report.skipped)}", err=True
        )
    typer.echo(
        f"live: {len(report.unmapped)} unmapped, {len(report.stale)} stale, "
        f"{len(report.kept)} written by the connector (keep), "
        f"{len(report.errors)} unreadable",
        err=True,
    )
    if report.unmapped or report.errors:
        raise typer.Exit(1)


@app.command("suggest")
def suggest(
    ctx: typer.Context,
    directory: DirOption = None,
    write: Annotated[
        bool,
        typer.Option(
            "--write", help="Add the TODO lines to stages.toml (else just print)."
        ),
    ] = False,
) -> None:
    """Propose stages.toml entries for live values that have no mapping.

    Entries are added commented out: nothing is mapped until you choose the
    canonical stage and uncomment the line.
    """
    folder = _directory(ctx, directory)
    mappings = load_mappings(folder)
    report = _live(ctx, mappings)
    for line in report.errors:
        typer.echo(line, err=True)
    if not report.unmapped:
        typer.echo("every live stage value is mapped", err=True)
        return
    path = folder / "stages.toml"
    if write:
        changed = write_suggestions(path, report.unmapped)
        typer.echo(
            f"added {len(report.unmapped)} TODO value(s) to {path}"
            if changed
            else f"{path} already lists every unmapped value as a TODO",
            err=True,
        )
        return
    tables: dict[str, list[str]] = {}
    for item in report.unmapped:
        where = (
            f"{item.system}.{item.entity}.pipelines.{item.pipeline}"
            if item.pipeline
            else f"{item.system}.{item.entity}.values"
        )
        tables.setdefault(where, []).append(item.value)
    for where, values in tables.items():
        typer.echo(f"# in [{where}] of {path}:")
        for line in suggest_block(values):
            typer.echo(line)
    typer.echo("run again with --write to add these lines to stages.toml", err=True)


@app.command("version")
def version(ctx: typer.Context, directory: DirOption = None) -> None:
    """Print the content version of the mapping files (as runs record it)."""
    typer.echo(load_mappings(_directory(ctx, directory)).version)
