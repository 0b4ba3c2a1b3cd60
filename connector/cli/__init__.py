"""The ``connector`` command line.

Each command group lives in its own module and is registered here. Errors raised
as :class:`~connector.errors.ConnectorError` become one line per problem on stderr
and the exit code of their class (2 for usage and config errors).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy.exc import SQLAlchemyError

from connector.errors import ConfigError, ConnectorError
from connector.logging import configure_logging, scrub

__all__ = ["app", "main"]

app = typer.Typer(
    name="connector",
    help="Sync leads from marketing to sales and outcomes back, with one funnel.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

err = Console(stderr=True, highlight=False, soft_wrap=True)

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="Config file (default: $CONNECTOR_CONFIG, then ./config.toml).",
        show_default=False,
    ),
]


@app.callback()
def _root(ctx: typer.Context, config: ConfigOption = None) -> None:
    """Sync leads from marketing to sales and outcomes back, with one funnel."""
    ctx.obj = {"config": config}
    configure_logging()


def _register() -> None:
    from connector.cli import commands

    commands.register(app)


def report_error(error: ConnectorError) -> None:
    """Print a connector error as the one-line-per-problem form users read."""
    problems = error.problems if isinstance(error, ConfigError) else []
    if problems:
        for line in problems:
            err.print(scrub(line), markup=False)
        if error.hint:
            err.print(f"hint: {error.hint}", markup=False)
        return
    err.print(f"error: {scrub(error.one_line())}", markup=False)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code.

    Typer handles usage errors itself (exit 2); connector errors are printed here as
    one line each and exit with their class's code.
    """
    _register()
    try:
        app(args=argv, prog_name="connector")
    except ConnectorError as exc:
        report_error(exc)
        return exc.exit_code
    except SQLAlchemyError as exc:
        # A store failure outside the store's own handlers: one line, no SQL.
        origin = getattr(exc, "orig", None) or exc.__class__.__name__
        err.print(
            f"error: state store failed: {scrub(str(origin))} (hint: check "
            "state.url; `connector status` shows whether the store opens)",
            markup=False,
        )
        return 1
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0
