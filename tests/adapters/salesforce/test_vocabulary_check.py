"""Stage vocabularies, check(), setup listing, and building from config."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.protocol import SetupAdapter
from adapters.salesforce import SalesforceSettings
from connector.app import App
from connector.cli.setup_cmd import run_setup
from connector.config import load_settings
from connector.errors import ConfigError
from connector.mapping import load_mappings
from connector.mapping.check import live_check
from connector.registry import validate_adapter_settings
from tests.fakes.salesforce import FakeSalesforce


def test_stage_vocabulary_is_the_active_stage_api_names(adapter):
    """StageName lists active OpportunityStage API names (not labels, not inactive)."""
    values = adapter.vocabulary("StageName")
    assert values[0] == "Prospecting"
    assert values[-2:] == ["Closed Won", "Closed Lost"]
    assert "Perception Analysis" not in values  # inactive in the fake org
    assert "成立" not in values  # a label
    won = [s.api_name for s in adapter.stage_info() if s.won]
    lost = [s.api_name for s in adapter.stage_info() if s.closed and not s.won]
    assert (won, lost) == (["Closed Won"], ["Closed Lost"])


def test_lead_status_and_picklist_vocabularies(adapter):
    """Status lists lead statuses; another picklist its active values."""
    assert adapter.vocabulary("Status") == [
        "Open - Not Contacted",
        "Working - Contacted",
        "Closed - Converted",
        "Closed - Not Converted",
    ]
    assert "Web" in adapter.vocabulary("LeadSource")
    with pytest.raises(ConfigError, match="not a picklist"):
        adapter.vocabulary("Email")
    with pytest.raises(ConfigError, match="no field"):
        adapter.vocabulary("No_Such__c")


def test_check_reports_version_login_access_and_external_id(fake, adapter, build):
    """check() passes on a good org and names what is wrong otherwise."""
    result = adapter.check()
    assert result.ok, result.message
    assert result.details["api_version"] == "62.0"
    assert result.details["api_limit"] == fake.options.daily_api_limit
    too_new = build(api_version="67.0").check()
    assert not too_new.ok
    assert "does not offer API version 67.0" in too_new.message
    no_field = build(external_id_field="HubSpot_Id__c").check()
    assert not no_field.ok
    assert "Lead has no field HubSpot_Id__c" in no_field.message


def test_setup_lists_needed_fields_and_creates_nothing(fake, build):
    """setup() names the external-id field and mapped fields, existing or missing."""
    adapter = build()
    assert isinstance(adapter, SetupAdapter)
    adapter.select_fields("persons", ["Email", "Score__c"])
    before = len(fake.log)
    lines = adapter.setup(dry_run=False)
    assert (
        "Lead.Connector_Id__c (Text(255) External ID, Unique; required): exists"
        in lines
    )
    assert any(line.startswith("persons field Score__c: missing") for line in lines)
    assert "persons field Email: exists on Lead, Contact" in lines
    api = [e for e in fake.log[before:] if e.path.startswith("/services/data")]
    assert api
    assert all(e.method == "GET" for e in api)


def _config(tmp_path, fake: FakeSalesforce):
    path = tmp_path / "config.toml"
    path.write_text(
        f'[state]\nurl = "sqlite:///{tmp_path}/s.db"\n\n'
        '[ma]\nadapter = "csv"\n\n'
        '[sfa]\nadapter = "salesforce"\n'
        f'[sfa.auth]\nclient_id = "{fake.options.client_id}"\n'
        f'client_secret = "{fake.options.client_secret}"\n',
        encoding="utf-8",
    )
    return path


def test_config_builds_the_adapter_and_setup_runs_on_sfa(tmp_path, fake):
    """[sfa] adapter = "salesforce" builds it; `setup salesforce` lists its fields."""
    connector = App.from_config(_config(tmp_path, fake))
    connector.transports["sfa"] = fake.transport()
    lines = run_setup(connector, dry_run=True, system="sfa")
    assert any("Connector_Id__c" in line for line in lines)
    with pytest.raises(ConfigError, match=r"\[ma\] is not a HubSpot adapter"):
        run_setup(connector, dry_run=True)
    connector.close()


def test_live_mapping_check_reads_stage_and_status_values(tmp_path, adapter):
    """The live mapping check finds an unmapped Salesforce stage by its API name."""
    folder = tmp_path / "mappings"
    folder.mkdir()
    (folder / "stages.toml").write_text(
        'handoff_stage = "mql"\n\n'
        '[sfa.persons]\nfield = "Status"\n[sfa.persons.values]\n'
        '"Open - Not Contacted" = "mql"\n"Working - Contacted" = "sql"\n'
        '"Closed - Converted" = "opportunity"\n"Closed - Not Converted" = "rejected"\n'
        '\n[sfa.deals]\nfield = "StageName"\n[sfa.deals.values]\n'
        '"Prospecting" = "opportunity"\n"Closed Won" = "won"\n"Closed Lost" = "lost"\n',
        encoding="utf-8",
    )
    (folder / "fields.toml").write_text(
        '[sfa.persons]\nEmail = { canonical = "email", sync = "never" }\n',
        encoding="utf-8",
    )
    report = live_check(load_mappings(folder), {"sfa": adapter})
    unmapped = {item.value for item in report.unmapped}
    assert "Qualification" in unmapped
    assert "Closed Won" not in unmapped
    assert not [item for item in report.unmapped if item.field == "Status"]


EXAMPLE = Path(__file__).parents[3] / "examples" / "config.salesforce.toml"


def test_the_example_config_validates(monkeypatch):
    """examples/config.salesforce.toml passes the adapter's model; secrets from env."""
    monkeypatch.setenv("CONNECTOR_SFA__AUTH__CLIENT_SECRET", "from-env-secret")
    settings, _ = load_settings(EXAMPLE)
    model = validate_adapter_settings("sfa", settings.sfa, source=str(EXAMPLE))
    assert isinstance(model, SalesforceSettings)
    assert model.auth.type == "client_credentials"
    assert model.auth.client_secret.get_secret_value() == "from-env-secret"  # type: ignore[union-attr]
    assert model.persons.create_as == "Lead"


def test_the_example_mapping_snippets_load(tmp_path):
    """The stages.toml and fields.toml lines shown in the example are valid."""
    text = EXAMPLE.read_text(encoding="utf-8")
    block = text.split("# --- Mapping files for Salesforce")[1]
    stages, fields = block.split("# fields.toml:")
    folder = tmp_path / "mappings"
    folder.mkdir()
    for name, part in (("stages.toml", stages), ("fields.toml", fields)):
        lines = [line[4:] for line in part.splitlines() if line.startswith("#   ")]
        body = "\n".join(lines)
        if name == "stages.toml":
            body = 'handoff_stage = "mql"\n' + body
        (folder / name).write_text(body + "\n", encoding="utf-8")
    mappings = load_mappings(folder)
    assert ("sfa", "deals") in mappings.vocabularies
