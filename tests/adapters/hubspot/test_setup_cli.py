"""``connector setup hubspot`` wiring: config -> adapter -> idempotent set-up lines."""

from __future__ import annotations

import pytest

from connector.app import App
from connector.cli.setup_cmd import run_setup
from connector.errors import ConfigError
from tests.adapters.hubspot.conftest import TOKEN


def _config(tmp_path, ma: str):
    path = tmp_path / "config.toml"
    path.write_text(
        f'[state]\nurl = "sqlite:///{tmp_path}/s.db"\n\n{ma}\n[sfa]\nadapter = "csv"\n',
        encoding="utf-8",
    )
    return path


def test_setup_command_builds_the_hubspot_adapter_from_config(tmp_path, fake):
    """run_setup uses [ma] from the config and creates, then finds, the properties."""
    path = _config(tmp_path, f'[ma]\nadapter = "hubspot"\ntoken = "{TOKEN}"\n')
    connector = App.from_config(path)
    connector.transports["ma"] = fake.transport()
    dry = run_setup(connector, dry_run=True)
    assert all("would create" in line for line in dry)
    created = run_setup(connector, dry_run=False)
    assert any(line.endswith("created") for line in created)
    again = run_setup(connector, dry_run=False)
    assert all(line.endswith("exists") for line in again)
    connector.close()


def test_setup_command_refuses_a_non_hubspot_ma(tmp_path):
    """With a CSV [ma] the command says there is nothing to set up."""
    path = _config(tmp_path, '[ma]\nadapter = "csv"\n')
    connector = App.from_config(path)
    with pytest.raises(ConfigError, match="not a HubSpot adapter"):
        run_setup(connector, dry_run=True)
    connector.close()
