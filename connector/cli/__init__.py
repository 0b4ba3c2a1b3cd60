"""The ``connector`` command line.

Command modules are imported only when their command runs (see
:mod:`connector.cli.commands`), so ``--help``, ``--version`` and shell completion
answer without loading SQLAlchemy, the store or the flows. Errors raised as
:class:`~connector.errors.ConnectorError` become one line per problem on stderr
and the exit code of their class (2 for usage and config errors).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperOption

from connector import __version__
from connector.cli.commands import LazyGroup
from connector.errors import ConfigError, ConnectorError

__all__ = ["app", "main"]


def _flag_type(self: TyperOption, ctx: object) -> str | None:
    """No type column for on/off flags: ``--json`` takes no value to describe."""
    if self.is_flag or self.count:
        return self.metavar
    return _option_type(self, ctx)  # type: ignore[arg-type]


# Typer's rich help prints ``<bool>`` beside every flag, which reads as if the flag
# wanted a value; flags keep an empty type column instead.
_option_type = TyperOption.display_type_rich
TyperOption.display_type_rich = _flag_type  # type: ignore[method-assign]


app = typer.Typer(
    name="connector",
    cls=LazyGroup,
    help="Sync leads from marketing to sales and outcomes back, with one funnel.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="Config file (default: $CONNECTOR_CONFIG, then ./config.toml).",
        show_default=False,
    ),
]


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"connector {__version__}")
        raise typer.Exit(0)


VersionOption = Annotated[
    bool,
    typer.Option(
        "--version",
        "-V",
        help="Print the version and exit.",
        callback=_print_version,
        is_eager=True,
    ),
]


@app.callback()
def _root(
    ctx: typer.Context, config: ConfigOption = None, version: VersionOption = False
) -> None:
    """Sync leads from marketing to sales and outcomes back, with one funnel."""
    from connector.logging import configure_logging

    ctx.obj = {"config": config}
    configure_logging()


def report_error(error: ConnectorError) -> None:
    """Print a connector error as the one-line-per-problem form users read."""
    from connector.cli.console import make_console
    from connector.logging import scrub

    err = make_console(stderr=True)
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
    try:
        app(args=argv, prog_name="connector")
    except ConnectorError as exc:
        report_error(exc)
        return exc.exit_code
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except Exception as exc:
        from sqlalchemy.exc import SQLAlchemyError

        if not isinstance(exc, SQLAlchemyError):
            raise
        _report_store_failure(exc)
        return 1
    return 0


def _report_store_failure(exc: Exception) -> None:
    """A store failure outside the store's own handlers: one line, no SQL."""
    from connector.cli.console import make_console
    from connector.logging import scrub

    origin = getattr(exc, "orig", None) or exc.__class__.__name__
    make_console(stderr=True).print(
        f"error: state store failed: {scrub(str(origin))} (hint: check "
        "state.url; `connector status` shows whether the store opens)",
        markup=False,
    )
