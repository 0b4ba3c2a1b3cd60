"""§10: describe, enough to find external ids and read picklists (value vs label)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.fakes.salesforce import FakeSalesforce, FieldDef, PicklistValue
from tests.fakes.salesforce.testkit import api_client


def _fields(api: httpx.Client, sobject: str) -> dict[str, dict[str, Any]]:
    response = api.get(f"/sobjects/{sobject}/describe")
    assert response.status_code == 200
    return {f["name"]: f for f in response.json()["fields"]}


def test_describe_marks_the_external_id_field(api: httpx.Client) -> None:
    """Connector_Id__c is externalId, idLookup, custom, createable, updateable."""
    field = _fields(api, "Lead")["Connector_Id__c"]
    assert {k: field[k] for k in ("type", "externalId", "idLookup", "custom")} == {
        "type": "string",
        "externalId": True,
        "idLookup": True,
        "custom": True,
    }
    assert (field["createable"], field["updateable"], field["nillable"]) == (
        True,
        True,
        True,
    )


def test_describe_picklist_values_have_value_label_active(api: httpx.Client) -> None:
    """StageName lists API values with Japanese labels, one inactive; restricted."""
    stage = _fields(api, "Opportunity")["StageName"]
    assert stage["restrictedPicklist"] is True
    values = {p["value"]: p for p in stage["picklistValues"]}
    assert values["Closed Won"]["label"] == "成立"
    assert values["Perception Analysis"]["active"] is False
    assert set(values["Prospecting"]) == {
        "active",
        "defaultValue",
        "label",
        "validFor",
        "value",
    }


def test_describe_read_only_and_required_fields(api: httpx.Client) -> None:
    """System fields are neither createable nor updateable; LastName not nillable."""
    fields = _fields(api, "Lead")
    for name in ("SystemModstamp", "IsConverted", "ConvertedContactId"):
        assert (fields[name]["createable"], fields[name]["updateable"]) == (
            False,
            False,
        )
    assert fields["LastName"]["nillable"] is False
    assert fields["ConvertedContactId"]["referenceTo"] == ["Contact"]
    assert fields["ConvertedContactId"]["relationshipName"] == "ConvertedContact"
    assert fields["Description"]["filterable"] is False


def test_global_describe_lists_the_modelled_objects(api: httpx.Client) -> None:
    """/sobjects/ lists every object with keyPrefix and urls."""
    body = api.get("/sobjects/").json()
    names = {o["name"]: o for o in body["sobjects"]}
    assert {
        "Lead",
        "Contact",
        "Account",
        "Opportunity",
        "OpportunityContactRole",
        "OpportunityStage",
        "Campaign",
        "CampaignMember",
        "User",
    } <= set(names)
    assert body["maxBatchSize"] == 200
    assert names["OpportunityStage"]["createable"] is False
    assert (
        names["Lead"]["urls"]["describe"]
        == "/services/data/v62.0/sobjects/Lead/describe"
    )


def test_custom_fields_from_options_are_described_and_writable() -> None:
    """custom_fields adds fields (here a restricted picklist) the API then enforces."""
    region = FieldDef(
        "Region__c",
        "picklist",
        "Region",
        255,
        picklist=(PicklistValue("East", "東日本"), PicklistValue("West", "西日本")),
        restricted=True,
        custom=True,
    )
    fake = FakeSalesforce(custom_fields={"Lead": [region]})
    with api_client(fake) as api:
        assert _fields(api, "Lead")["Region__c"]["restrictedPicklist"] is True
        lead = {"LastName": "L", "Company": "C"}
        ok = api.post("/sobjects/Lead", json={**lead, "Region__c": "East"})
        bad = api.post("/sobjects/Lead", json={**lead, "Region__c": "東日本"})
    assert ok.status_code == 201
    assert bad.json()[0]["errorCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"


def test_unknown_object_describe_is_not_found(api: httpx.Client) -> None:
    """Describe of an object the org lacks: 404."""
    assert api.get("/sobjects/Foo__c/describe").status_code == 404
