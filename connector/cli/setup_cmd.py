"""``connector setup hubspot``: create the properties the closed loop writes.

Idempotent: existing groups and properties are left alone, and ``--dry-run`` only
prints what would be created. The adapter comes from the ``[ma]`` section.
"""

from __future__ import annotations

import typer

from adapters.protocol import SetupAdapter
from connector.app import App
from connector.errors import ConfigError

__all__ = ["app", "run_setup"]

app = typer.Typer(help="One-time set-up of connected systems.", no_args_is_help=True)


def run_setup(connector: App, *, dry_run: bool) -> list[str]:
    """Ensure HubSpot's connector-owned properties; return one line per item.

    Raises:
        ConfigError: the ``[ma]`` adapter does not declare the setup capability.
    """
    adapter = connector.adapter("ma")
    if not (adapter.capabilities().setup and isinstance(adapter, SetupAdapter)):
        raise ConfigError(
            "[ma] is not a HubSpot adapter, so there is nothing to set up",
            hint='set adapter = "hubspot" in [ma]',
            context={"section": "ma"},
        )
    return adapter.setup(dry_run=dry_run)


@app.command("hubspot")
def hubspot(
    ctx: typer.Context,
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Print what would be created; change nothing."
    ),
) -> None:
    """Create the connector's property group and contact/deal properties."""
    connector = App.from_config(ctx.obj["config"])
    try:
        for line in run_setup(connector, dry_run=dry_run):
            typer.echo(line)
    finally:
        connector.close()
