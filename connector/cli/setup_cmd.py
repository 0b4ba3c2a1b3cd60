"""``connector setup hubspot|salesforce``: prepare the connected systems.

``hubspot`` creates the properties the closed loop writes (idempotent: existing
groups and properties are left alone; ``--dry-run`` only prints what would be
created); its adapter comes from ``[ma]``. ``salesforce`` lists the fields the
connector needs in the ``[sfa]`` org and whether they exist; it creates nothing.
"""

from __future__ import annotations

import typer

from adapters.protocol import SetupAdapter
from connector.app import App, System
from connector.errors import ConfigError, MappingError
from connector.mapping import load_mappings

__all__ = ["app", "run_setup"]

app = typer.Typer(help="One-time set-up of connected systems.", no_args_is_help=True)


_KINDS: dict[System, tuple[str, str]] = {
    "ma": ("HubSpot", "hubspot"),
    "sfa": ("Salesforce", "salesforce"),
}


def run_setup(connector: App, *, dry_run: bool, system: System = "ma") -> list[str]:
    """Run the set-up of ``system``'s adapter; return one line per item.

    Raises:
        ConfigError: the adapter does not declare the setup capability.
    """
    adapter = connector.adapter(system)
    if not (adapter.capabilities().setup and isinstance(adapter, SetupAdapter)):
        label, name = _KINDS[system]
        raise ConfigError(
            f"[{system}] is not a {label} adapter, so there is nothing to set up",
            hint=f'set adapter = "{name}" in [{system}]',
            context={"section": system},
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


@app.command("salesforce")
def salesforce(
    ctx: typer.Context,
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Accepted for symmetry: nothing is ever created."
    ),
) -> None:
    """List the Salesforce fields the connector needs and whether they exist."""
    connector = App.from_config(ctx.obj["config"])
    try:
        adapter = connector.adapter("sfa")
        try:
            mappings = load_mappings(connector.mappings_dir)
        except MappingError:
            typer.echo("mappings do not load: listing the configured fields only")
        else:
            for entity in ("persons", "deals"):
                fields = mappings.native_fields("sfa", entity)
                adapter.select_fields(entity, fields)
        for line in run_setup(connector, dry_run=dry_run, system="sfa"):
            typer.echo(line)
        typer.echo("nothing was changed: create missing fields in Salesforce Setup")
    finally:
        connector.close()
