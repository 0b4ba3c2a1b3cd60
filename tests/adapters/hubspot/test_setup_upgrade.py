"""`setup hubspot` creates every option a flow writes, and upgrades old portals."""

from __future__ import annotations

from adapters.protocol import WriteOp
from connector.records import OUTCOMES, Stage, outcome_of


def test_every_outcome_a_flow_writes_is_an_option_setup_creates(fake, adapter):
    """Each stage's outcome value is accepted by HubSpot after setup."""
    adapter.setup()
    options = {
        o["value"] for o in fake.store.properties["contacts"]["outcome"]["options"]
    }
    assert {outcome_of(stage) for stage in Stage} <= options
    cid = fake.seed("contacts", {"email": "r@example.com"})
    result = adapter.push(
        "persons",
        [WriteOp("r", {"outcome": "rejected", "rejected_reason": "予算なし"}, id=cid)],
    )
    assert result.outcomes[0].ok, result.outcomes[0].error
    assert fake.get("contacts", cid).properties["outcome"] == "rejected"


def test_setup_adds_missing_options_to_an_existing_property(fake, adapter):
    """A portal set up by an older version (no `rejected`) is upgraded in place."""
    adapter.setup()
    definition = fake.store.properties["contacts"]["outcome"]
    definition["options"] = [
        o for o in definition["options"] if o["value"] != "rejected"
    ]
    definition["options"].append(
        {"label": "Admin's own", "value": "on_hold", "displayOrder": 9, "hidden": False}
    )
    lines = adapter.setup()
    assert "property contacts.outcome (enumeration): added options rejected" in lines
    values = [
        o["value"] for o in fake.store.properties["contacts"]["outcome"]["options"]
    ]
    assert set(OUTCOMES) <= set(values)
    assert "on_hold" in values  # what the admin added stays
    assert all(line.endswith("exists") for line in adapter.setup())


def test_setup_dry_run_reports_missing_options_without_writing(fake, adapter):
    """A dry run names the options it would add and sends no PATCH."""
    adapter.setup()
    definition = fake.store.properties["deals"]["outcome"]
    definition["options"] = [
        o for o in definition["options"] if o["value"] != "rejected"
    ]
    lines = adapter.setup(dry_run=True)
    assert "property deals.outcome (enumeration): would add options rejected" in lines
    assert not [e for e in fake.log if e.method == "PATCH"]
