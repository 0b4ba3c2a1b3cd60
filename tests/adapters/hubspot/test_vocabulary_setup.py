"""Live vocabularies, connector-owned properties and the check."""

from __future__ import annotations

import pytest

from adapters.hubspot.setup import OWNED_PROPERTIES
from connector.errors import ConfigError


def test_lifecyclestage_vocabulary_lists_internal_values(fake, adapter):
    """vocabulary('lifecyclestage') returns the live option values."""
    values = adapter.vocabulary("lifecyclestage")
    assert values[:3] == ["subscriber", "lead", "marketingqualifiedlead"]
    assert "Lead" not in values


def test_dealstage_vocabulary_is_pipeline_and_stage_ids(fake, adapter):
    """vocabulary('dealstage') returns 'pipelineid:stageid' for every pipeline."""
    values = adapter.vocabulary("dealstage")
    assert "default:closedwon" in values
    assert "987654:122178071" in values
    assert adapter.vocabulary("pipeline") == ["default", "987654"]


def test_custom_lifecycle_option_appears_live(fake, adapter):
    """A stage an admin added to the portal shows up without a code change."""
    options = fake.store.properties["contacts"]["lifecyclestage"]["options"]
    options.append(
        {"label": "Partner", "value": "1234567", "displayOrder": 99, "hidden": False}
    )
    assert adapter.vocabulary("lifecyclestage")[-1] == "1234567"


def test_unknown_or_free_text_field_is_a_config_error(adapter):
    """Asking for a non-existent or non-enumeration property names it."""
    with pytest.raises(ConfigError, match="no contact or deal property 'nope'"):
        adapter.vocabulary("nope")
    with pytest.raises(ConfigError, match="not a list of values"):
        adapter.vocabulary("firstname")


def test_setup_creates_group_and_properties_then_is_idempotent(fake, adapter):
    """The first setup creates everything; the second finds everything existing."""
    first = adapter.setup()
    assert sum("created" in line for line in first) == len(OWNED_PROPERTIES) + 2
    assert "sfa_lead_id" in fake.store.properties["contacts"]
    assert fake.store.properties["deals"]["outcome"]["type"] == "enumeration"
    second = adapter.setup()
    assert all(line.endswith("exists") for line in second)


def test_setup_dry_run_creates_nothing(fake, adapter):
    """A dry run reports what it would create and sends no POST."""
    lines = adapter.setup(dry_run=True)
    assert all("would create" in line for line in lines)
    assert "sfa_lead_id" not in fake.store.properties["contacts"]
    assert not [e for e in fake.log if e.method == "POST"]


def test_owned_properties_are_writable_after_setup(fake, adapter):
    """After setup, the closed loop can write its properties on a contact."""
    from adapters.protocol import WriteOp

    adapter.setup()
    cid = fake.seed("contacts", {"email": "w@example.com"})
    result = adapter.push(
        "persons",
        [WriteOp("w", {"sfa_lead_id": "L-1", "canonical_stage": "sql"}, id=cid)],
    )
    assert result.outcomes[0].ok
    assert fake.get("contacts", cid).properties["sfa_lead_id"] == "L-1"


def test_check_reports_reachability_and_budget(fake, adapter):
    """check() succeeds on a good token and reports the daily budget it saw."""
    result = adapter.check()
    assert result.ok
    assert result.details["daily_limit"] == 250_000


def test_check_fails_cleanly_on_a_bad_token(clock, make_adapter):
    """check() turns an auth failure into a failed CheckResult, not an exception."""
    from tests.fakes.hubspot import FakeHubSpot

    adapter = make_adapter(FakeHubSpot(token="pat-na1-other", clock=clock))
    result = adapter.check()
    assert not result.ok
    assert "token" in result.message
