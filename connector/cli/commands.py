"""The table of commands, and the group that imports each one only when it runs.

Importing every command module up front pulls in SQLAlchemy, the store, the flows
and the reports: seconds before ``connector --help`` can print a line. The root
group lists the commands from :data:`COMMANDS` (name, module, attribute, one-line
help) and imports a command's module only when that command is resolved to run,
to show its own help, or to complete its arguments. A test keeps each one-line
help here equal to the first line of the command's own docstring.
"""

from __future__ import annotations

import importlib
from typing import Any, NamedTuple

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup
from typing_extensions import override

__all__ = ["COMMANDS", "LazyGroup", "load_command"]


class Entry(NamedTuple):
    """Where one top-level command lives and what ``--help`` says about it."""

    module: str
    attribute: str
    help: str


COMMANDS: dict[str, Entry] = {
    "sync": Entry(
        "sync_cmd",
        "sync",
        "Run one flow once, from its cursor (exit 1 if records were dead-lettered).",
    ),
    "backfill": Entry(
        "sync_cmd",
        "backfill",
        "Re-sync history through full listings, checkpointing after every batch.",
    ),
    "explain": Entry(
        "explain_cmd",
        "explain",
        "Show a person's links, stage history and the origin of every written field.",
    ),
    "qualify": Entry(
        "explain_cmd",
        "qualify",
        "Show every qualification rule for one MA lead and whether it passed.",
    ),
    "run": Entry(
        "run_cmd",
        "run",
        "Run the flows on their schedules and serve /healthz /readyz /metrics /status.",
    ),
    "status": Entry(
        "run_cmd",
        "status",
        "Last run per flow, cursors, dead letters, mapping version, daemon health.",
    ),
    "runs": Entry(
        "runs_cmd",
        "runs",
        "Recent runs from the runs table, newest first (all flows or one).",
    ),
    "plan": Entry(
        "report_cmd",
        "plan",
        "From a revenue target: customers needed, and leads needed at each stage.",
    ),
    "config": Entry("config_cmd", "app", "Inspect and validate the configuration."),
    "setup": Entry("setup_cmd", "app", "One-time set-up of connected systems."),
    "dlq": Entry("dlq_cmd", "app", "Inspect, retry or drop dead-lettered records."),
    "cursors": Entry(
        "cursors_cmd", "app", "Show or reset where each flow resumes reading."
    ),
    "report": Entry("report_cmd", "app", "Funnel and SLA reports both teams agree on."),
    "mappings": Entry(
        "mappings_cmd", "app", "Check and extend the mapping files under mappings/."
    ),
    "dedupe": Entry("dedupe_cmd", "app", "Find duplicate people inside one system."),
}
"""Every top-level command, in the order ``--help`` lists them."""


def load_command(name: str) -> Any:
    """Import the module of command ``name`` and build its click command."""
    entry = COMMANDS[name]
    module = importlib.import_module(f"connector.cli.{entry.module}")
    target = getattr(module, entry.attribute)
    command: Any
    if isinstance(target, typer.Typer):
        command = typer.main.get_group(target)
    else:
        holder = typer.Typer()
        holder.command(name)(target)
        command = typer.main.get_command(holder)
    command.name = name
    # Completion is installed once, from the root; sub-apps would repeat the options.
    command.params = [
        p
        for p in command.params
        if p.name not in ("install_completion", "show_completion")
    ]
    return command


class _Placeholder(TyperCommand):
    """Stands in for a command not imported yet: enough to be listed in help."""


class LazyGroup(TyperGroup):
    """The root group: lists every command, imports one only when it is used."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, entry in COMMANDS.items():
            self.commands.setdefault(name, _Placeholder(name=name, help=entry.help))

    def _real(self, name: str) -> None:
        if isinstance(self.commands.get(name), _Placeholder):
            self.commands[name] = load_command(name)

    @override
    def resolve_command(
        self, ctx: Any, args: list[str]
    ) -> tuple[str | None, Any, list[str]]:
        """Import the named command before click looks it up to run it."""
        if args:
            self._real(args[0])
        return super().resolve_command(ctx, args)
