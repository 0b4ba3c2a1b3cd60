"""What every command does first: load the config, then apply its [logging].

One helper, so ``sync``, ``backfill`` and the reports log at the configured level
and format exactly as ``connector run`` does, and so read-only commands can say
that they only read the state store.
"""

from __future__ import annotations

import typer

from connector.app import App
from connector.errors import UsageError
from connector.logging import configure_logging

__all__ = ["check_flow", "load_app"]


def load_app(ctx: typer.Context, *, read_only: bool = False) -> App:
    """The App of the config named on the command line, with logging configured.

    ``read_only`` commands (status, runs, reports, explain, dlq list) open a SQLite
    store they may not write read-only instead of failing.
    """
    obj = ctx.find_root().obj or {}
    app = App.from_config(obj.get("config"))
    app.read_only = read_only
    configure_logging(app.settings.logging.level, app.settings.logging.format)
    return app


def check_flow(flow: str | None, option: str = "flow") -> None:
    """Refuse a flow name the connector does not have (exit 2, naming the known).

    A filter on an unknown flow would otherwise match nothing and exit 0, which
    reads as "all clear" to a script.
    """
    from connector.flows import FLOWS

    if flow is not None and flow not in FLOWS:
        raise UsageError(
            f"unknown {option} {flow!r}", hint=f"use one of: {', '.join(sorted(FLOWS))}"
        )
