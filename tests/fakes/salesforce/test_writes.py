"""§3, §5, §8, §10: single-record REST writes and the checks Salesforce runs."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.fakes.hubspot.clock import FakeClock
from tests.fakes.salesforce import FakeSalesforce
from tests.fakes.salesforce.testkit import api_client

LEAD = {"LastName": "山田", "Company": "株式会社サクラ", "Email": "yamada@sakura.co.jp"}


def _error(response: httpx.Response, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.text
    [error] = response.json()
    return error  # type: ignore[no-any-return]


def test_create_answers_201_with_id_success_errors(api: httpx.Client) -> None:
    """POST /sobjects/Lead: 201 {"id", "success": true, "errors": []} (§5)."""
    response = api.post("/sobjects/Lead", json=LEAD)
    assert response.status_code == 201
    body = response.json()
    assert body == {"id": body["id"], "success": True, "errors": []}
    assert body["id"].startswith("00Q")


def test_get_returns_every_field_or_the_ones_asked(api: httpx.Client) -> None:
    """GET /sobjects/Lead/{id} has attributes and fields; ?fields= narrows it."""
    lead_id = api.post("/sobjects/Lead", json=LEAD).json()["id"]
    full = api.get(f"/sobjects/Lead/{lead_id}").json()
    assert full["attributes"] == {
        "type": "Lead",
        "url": f"/services/data/v62.0/sobjects/Lead/{lead_id}",
    }
    assert full["Name"] == "山田"
    assert full["Status"] == "Open - Not Contacted"
    assert full["IsConverted"] is False
    narrow = api.get(f"/sobjects/Lead/{lead_id}", params={"fields": "Email,Company"})
    assert set(narrow.json()) == {"attributes", "Email", "Company"}


def test_update_answers_204_and_moves_both_stamps(clock: FakeClock) -> None:
    """PATCH: 204, SystemModstamp and LastModifiedDate both move (§3, §5)."""
    fake = FakeSalesforce(clock=clock)
    with api_client(fake) as api:
        lead_id = api.post("/sobjects/Lead", json=LEAD).json()["id"]
        clock.advance(61)
        response = api.patch(f"/sobjects/Lead/{lead_id}", json={"Title": "部長"})
        assert response.status_code == 204
        assert response.content == b""
        row = api.get(f"/sobjects/Lead/{lead_id}").json()
    assert row["Title"] == "部長"
    assert (
        row["SystemModstamp"]
        == row["LastModifiedDate"]
        == "2026-05-01T00:01:01.000+0000"
    )
    assert row["CreatedDate"] == "2026-05-01T00:00:00.000+0000"


def test_delete_answers_204_then_entity_is_deleted(api: httpx.Client) -> None:
    """DELETE: 204; the record is gone from GET and a second DELETE fails."""
    lead_id = api.post("/sobjects/Lead", json=LEAD).json()["id"]
    assert api.delete(f"/sobjects/Lead/{lead_id}").status_code == 204
    assert (
        _error(api.get(f"/sobjects/Lead/{lead_id}"), 404)["errorCode"]
        == "ENTITY_IS_DELETED"
    )
    assert (
        _error(api.delete(f"/sobjects/Lead/{lead_id}"), 404)["errorCode"]
        == "ENTITY_IS_DELETED"
    )


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/sobjects/Lead/00QRO0000000ZZZ", "The requested resource does not exist"),
        ("/sobjects/Lead/not-an-id", "Provided external ID field does not exist"),
        ("/sobjects/Nope/00QRO0000000ZZZ", "The requested resource does not exist"),
    ],
)
def test_missing_records_and_objects_are_not_found(
    api: httpx.Client, path: str, message: str
) -> None:
    """Unknown ids, non-ids and unknown objects: 404 NOT_FOUND."""
    error = _error(api.get(path), 404)
    assert error["errorCode"] == "NOT_FOUND"
    assert message in error["message"]


def test_unknown_field_is_invalid_field(api: httpx.Client) -> None:
    """A field the object lacks: 400 INVALID_FIELD, nothing written."""
    error = _error(api.post("/sobjects/Lead", json={**LEAD, "Score": 5}))
    assert error == {
        "message": "No such column 'Score' on sobject of type Lead",
        "errorCode": "INVALID_FIELD",
    }


@pytest.mark.parametrize(
    "fields",
    [
        {"NumberOfEmployees": "12"},
        {"NumberOfEmployees": 1.5},
        {"HasOptedOutOfEmail": "true"},
        {"LastName": 12},
        {"Last_Activity__c": "2026-05-01T09:00:00"},
        {"AnnualRevenue": True},
    ],
)
def test_wrong_json_types_are_json_parser_errors(
    api: httpx.Client, fields: dict[str, Any]
) -> None:
    """Strings for numbers, numbers for text, zoneless datetimes: JSON_PARSER_ERROR."""
    assert _error(api.post("/sobjects/Lead", json={**LEAD, **fields}))["errorCode"] == (
        "JSON_PARSER_ERROR"
    )


def test_invalid_json_body(api: httpx.Client) -> None:
    """A body that is not JSON is a 400 JSON_PARSER_ERROR."""
    response = api.post(
        "/sobjects/Lead", content=b"{oops", headers={"content-type": "application/json"}
    )
    assert _error(response)["errorCode"] == "JSON_PARSER_ERROR"


def test_required_fields_on_lead(api: httpx.Client) -> None:
    """A lead needs LastName and Company: REQUIRED_FIELD_MISSING names both."""
    error = _error(api.post("/sobjects/Lead", json={"Email": "a@b.jp"}))
    assert error == {
        "message": "Required fields are missing: [LastName, Company]",
        "errorCode": "REQUIRED_FIELD_MISSING",
        "fields": ["LastName", "Company"],
    }


def test_clearing_a_required_field_is_refused(api: httpx.Client) -> None:
    """PATCH LastName to null: REQUIRED_FIELD_MISSING."""
    lead_id = api.post("/sobjects/Lead", json=LEAD).json()["id"]
    error = _error(api.patch(f"/sobjects/Lead/{lead_id}", json={"LastName": None}))
    assert error["errorCode"] == "REQUIRED_FIELD_MISSING"


def test_restricted_picklist_takes_api_values_not_labels(api: httpx.Client) -> None:
    """Lead Status is restricted: the API value saves, its label fails (§10)."""
    ok = api.post("/sobjects/Lead", json={**LEAD, "Status": "Working - Contacted"})
    assert ok.status_code == 201
    error = _error(api.post("/sobjects/Lead", json={**LEAD, "Status": "対応中"}))
    assert error == {
        "message": "Lead Status: bad value for restricted picklist field: 対応中",
        "errorCode": "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
        "fields": ["Status"],
    }


def test_inactive_stage_is_refused(api: httpx.Client) -> None:
    """An inactive stage is not a value the restricted StageName accepts."""
    opp = {"Name": "O", "CloseDate": "2026-12-01"}
    assert api.post(
        "/sobjects/Opportunity", json={**opp, "StageName": "Prospecting"}
    ).is_success
    error = _error(
        api.post(
            "/sobjects/Opportunity", json={**opp, "StageName": "Perception Analysis"}
        )
    )
    assert error["errorCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"


def test_unrestricted_picklist_stores_a_label_silently(api: httpx.Client) -> None:
    """LeadSource is not restricted: a label is stored as is (a silent mapping bug)."""
    lead_id = api.post(
        "/sobjects/Lead", json={**LEAD, "LeadSource": "電話問い合わせ"}
    ).json()["id"]
    assert api.get(f"/sobjects/Lead/{lead_id}").json()["LeadSource"] == "電話問い合わせ"


@pytest.mark.parametrize(
    "field",
    ["SystemModstamp", "LastModifiedDate", "IsConverted", "ConvertedOpportunityId"],
)
def test_read_only_fields_are_refused(api: httpx.Client, field: str) -> None:
    """System and conversion fields cannot be written (§3, §8)."""
    lead_id = api.post("/sobjects/Lead", json=LEAD).json()["id"]
    value: Any = {
        "IsConverted": True,
        "ConvertedOpportunityId": "006RO0000000001AAA",
    }.get(field, "2026-05-01T00:00:00Z")
    error = _error(api.patch(f"/sobjects/Lead/{lead_id}", json={field: value}))
    assert error["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
    assert error["message"].startswith(f"Unable to create/update fields: {field}.")
    assert error["fields"] == [field]


def test_string_too_long_and_invalid_email(api: httpx.Client) -> None:
    """Lengths and email syntax are checked: STRING_TOO_LONG, INVALID_EMAIL_ADDRESS."""
    too_long = _error(api.post("/sobjects/Lead", json={**LEAD, "LastName": "x" * 81}))
    assert too_long["errorCode"] == "STRING_TOO_LONG"
    assert "(max length=80)" in too_long["message"]
    bad = _error(api.post("/sobjects/Lead", json={**LEAD, "Email": "not-an-email"}))
    assert bad["errorCode"] == "INVALID_EMAIL_ADDRESS"


def test_lookups_must_name_a_live_record_of_the_right_type(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """A bad id, a wrong object's id, a missing record: three distinct errors."""
    lead_id = fake.seed("Lead", LEAD)
    codes = [
        _error(
            api.post("/sobjects/Contact", json={"LastName": "C", "AccountId": value})
        )["errorCode"]
        for value in ("xyz", lead_id, "001RO0000000ZZZ")
    ]
    assert codes == [
        "MALFORMED_ID",
        "FIELD_INTEGRITY_EXCEPTION",
        "INVALID_CROSS_REFERENCE_KEY",
    ]


def test_japanese_validation_rule_message_comes_back_verbatim(
    api: httpx.Client,
) -> None:
    """An admin's rule refuses a negative Amount with its Japanese message (§10)."""
    body = {
        "Name": "O",
        "StageName": "Prospecting",
        "CloseDate": "2026-12-01",
        "Amount": -1,
    }
    assert _error(api.post("/sobjects/Opportunity", json=body)) == {
        "message": "金額にマイナスの値は入力できません。",
        "errorCode": "FIELD_CUSTOM_VALIDATION_EXCEPTION",
        "fields": ["Amount"],
    }


def test_stage_drives_opportunity_derived_fields(api: httpx.Client) -> None:
    """IsClosed, IsWon, ForecastCategory and default Probability follow the stage."""
    body = {"Name": "O", "StageName": "Prospecting", "CloseDate": "2026-12-01"}
    opp_id = api.post("/sobjects/Opportunity", json=body).json()["id"]
    assert (
        api.patch(
            f"/sobjects/Opportunity/{opp_id}", json={"StageName": "Closed Won"}
        ).status_code
        == 204
    )
    row = api.get(f"/sobjects/Opportunity/{opp_id}").json()
    assert (
        row["IsClosed"],
        row["IsWon"],
        row["ForecastCategory"],
        row["Probability"],
    ) == (
        True,
        True,
        "Closed",
        100.0,
    )


def test_objects_the_api_cannot_write(api: httpx.Client) -> None:
    """OpportunityStage is read-only: describe/query only (§10)."""
    error = _error(api.post("/sobjects/OpportunityStage", json={}))
    assert error["errorCode"] == "INVALID_TYPE_FOR_OPERATION"


def test_deleting_an_account_deletes_its_contacts(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """Children go to the recycle bin with their parent (queryAll shows them)."""
    account = api.post("/sobjects/Account", json={"Name": "A"}).json()["id"]
    contact = api.post(
        "/sobjects/Contact", json={"LastName": "C", "AccountId": account}
    ).json()["id"]
    assert api.delete(f"/sobjects/Account/{account}").status_code == 204
    assert fake.record(contact)["IsDeleted"] is True


def test_writes_need_a_token_and_count_against_the_budget(fake: FakeSalesforce) -> None:
    """Every answered call carries Sforce-Limit-Info, counting up by one (§11)."""
    with api_client(fake) as api:
        first = api.post("/sobjects/Lead", json=LEAD)
        second = api.get(f"/sobjects/Lead/{first.json()['id']}")
    assert first.headers["sforce-limit-info"] == "api-usage=1/100000"
    assert second.headers["sforce-limit-info"] == "api-usage=2/100000"
