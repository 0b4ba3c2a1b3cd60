"""Registers every command group on the root app (one line per group)."""

from __future__ import annotations

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Attach all command modules to ``app``."""
    from connector.cli import (
        config_cmd,
        dlq_cmd,
        explain_cmd,
        report_cmd,
        run_cmd,
        setup_cmd,
        sync_cmd,
    )

    app.add_typer(config_cmd.app, name="config")
    app.add_typer(setup_cmd.app, name="setup")
    app.command("sync")(sync_cmd.sync)
    app.command("backfill")(sync_cmd.backfill)
    app.add_typer(dlq_cmd.app, name="dlq")
    app.command("explain")(explain_cmd.explain)
    app.command("qualify")(explain_cmd.qualify)
    app.command("run")(run_cmd.run)
    app.command("status")(run_cmd.status)
    app.add_typer(report_cmd.app, name="report")
    app.command("plan")(report_cmd.plan)
    from connector.cli import mappings_cmd

    app.add_typer(mappings_cmd.app, name="mappings")
    from connector.cli import dedupe_cmd

    app.add_typer(dedupe_cmd.app, name="dedupe")
