"""§7: upsert by external id: 201 created, 204 (or 200) updated, 300 ambiguous."""

from __future__ import annotations

import httpx
import pytest

from tests.fakes.salesforce import FakeSalesforce
from tests.fakes.salesforce.testkit import api_client, query

PATH = "/sobjects/Lead/Connector_Id__c"
BODY = {"LastName": "佐藤", "Company": "株式会社ミドリ"}


def test_upsert_creates_with_201_then_updates_with_204(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """No match: 201 with created true; one match: 204 and the record changes."""
    created = api.patch(f"{PATH}/hs-1", json=BODY)
    assert created.status_code == 201
    body = created.json()
    assert body == {"id": body["id"], "success": True, "errors": [], "created": True}
    updated = api.patch(f"{PATH}/hs-1", json={"Title": "課長"})
    assert updated.status_code == 204
    assert fake.record(body["id"])["Title"] == "課長"
    assert fake.record(body["id"])["Connector_Id__c"] == "hs-1"


def test_upsert_update_can_answer_200() -> None:
    """upsert_update_status=200: 200 with created false [U]."""
    fake = FakeSalesforce(upsert_update_status=200)
    with api_client(fake) as api:
        lead = api.patch(f"{PATH}/hs-1", json=BODY).json()["id"]
        updated = api.patch(f"{PATH}/hs-1", json={"Title": "x"})
    assert updated.status_code == 200
    assert updated.json() == {
        "id": lead,
        "success": True,
        "errors": [],
        "created": False,
    }


def test_upsert_matching_several_records_is_300(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """Two records with one external id: 300 listing both, nothing written."""
    ids = fake.seed_many("Lead", [{**BODY, "Connector_Id__c": "dup"}] * 2)
    response = api.patch(f"{PATH}/dup", json={"Title": "x"})
    assert response.status_code == 300
    assert response.json() == [f"/services/data/v62.0/sobjects/Lead/{i}" for i in ids]
    assert all(fake.record(i)["Title"] is None for i in ids)


def test_external_id_matches_without_case_by_default(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """HS-1 finds hs-1 [U]; with external_id_case_sensitive it creates anew."""
    lead = fake.seed("Lead", {**BODY, "Connector_Id__c": "hs-1"})
    assert api.patch(f"{PATH}/HS-1", json={"Title": "x"}).status_code == 204
    assert fake.record(lead)["Title"] == "x"
    strict = FakeSalesforce(external_id_case_sensitive=True)
    strict.seed("Lead", {**BODY, "Connector_Id__c": "hs-1"})
    with api_client(strict) as other:
        assert other.patch(f"{PATH}/HS-1", json=BODY).status_code == 201


def test_update_only_does_not_create(api: httpx.Client) -> None:
    """?updateOnly=true with no match: 404, nothing created (§7)."""
    response = api.patch(f"{PATH}/hs-9", params={"updateOnly": "true"}, json=BODY)
    assert response.status_code == 404
    assert query(api, "SELECT Id FROM Lead").json()["totalSize"] == 0


def test_wrong_external_id_field_is_not_found(api: httpx.Client) -> None:
    """A field that does not exist: 404 NOT_FOUND (§7)."""
    response = api.patch("/sobjects/Lead/Nope__c/x", json=BODY)
    assert response.status_code == 404
    assert response.json() == [
        {"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}
    ]


def test_non_external_id_field_is_refused(api: httpx.Client) -> None:
    """Email exists but is no external id: the upsert is refused."""
    assert api.patch("/sobjects/Lead/Email/a@b.jp", json=BODY).status_code == 400


def test_external_id_also_in_body(api: httpx.Client) -> None:
    """Repeating the key field in the body is refused by default [U]."""
    response = api.patch(f"{PATH}/hs-1", json={**BODY, "Connector_Id__c": "hs-1"})
    assert response.status_code == 400
    relaxed = FakeSalesforce(external_id_in_body="ignore")
    with api_client(relaxed) as other:
        ok = other.patch(f"{PATH}/hs-1", json={**BODY, "Connector_Id__c": "hs-1"})
    assert ok.status_code == 201


def test_value_with_slash_and_plus_survives_encoding(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """A key containing / and + round-trips when percent-encoded."""
    response = api.patch(f"{PATH}/a%2Fb%2Bc", json=BODY)
    assert response.status_code == 201
    assert fake.record(response.json()["id"])["Connector_Id__c"] == "a/b+c"


def test_unique_external_ids_refuse_duplicates() -> None:
    """unique_external_ids: a second record with the key is DUPLICATE_VALUE."""
    fake = FakeSalesforce(unique_external_ids=True)
    with api_client(fake) as api:
        api.post("/sobjects/Lead", json={**BODY, "Connector_Id__c": "k"})
        response = api.post("/sobjects/Lead", json={**BODY, "Connector_Id__c": "K"})
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "DUPLICATE_VALUE"


def test_get_and_delete_by_external_id(fake: FakeSalesforce, api: httpx.Client) -> None:
    """GET and DELETE /sobjects/Lead/Connector_Id__c/{value} find the record."""
    lead = fake.seed("Lead", {**BODY, "Connector_Id__c": "k"})
    assert api.get(f"{PATH}/k").json()["Id"] == lead
    assert api.delete(f"{PATH}/k").status_code == 204
    assert api.get(f"{PATH}/k").status_code == 404


def test_post_to_id_creates(api: httpx.Client) -> None:
    """POST /sobjects/Lead/Id creates (Id as external id with no value, §7)."""
    assert api.post("/sobjects/Lead/Id", json=BODY).status_code == 201


def test_collection_upsert_reports_created_per_record(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """PATCH /composite/sobjects/Lead/Connector_Id__c: created true or false."""
    existing = fake.seed("Lead", {**BODY, "Connector_Id__c": "old"})
    records = [
        {"attributes": {"type": "Lead"}, "Connector_Id__c": "old", "Title": "x"},
        {"attributes": {"type": "Lead"}, "Connector_Id__c": "new", **BODY},
    ]
    response = api.patch(
        "/composite/sobjects/Lead/Connector_Id__c", json={"records": records}
    )
    assert response.status_code == 200
    updated, created = response.json()
    assert updated == {"id": existing, "success": True, "errors": [], "created": False}
    assert created["created"] is True
    assert created["success"] is True


@pytest.mark.parametrize("all_or_none", [False, True])
def test_collection_upsert_with_a_repeated_key_fails_both(
    api: httpx.Client, all_or_none: bool
) -> None:
    """One key twice in a request: both records fail DUPLICATE_EXTERNAL_ID [U]."""
    records = [
        {"attributes": {"type": "Lead"}, "Connector_Id__c": "k", **BODY},
        {"attributes": {"type": "Lead"}, "Connector_Id__c": "K", **BODY},
        {"attributes": {"type": "Lead"}, "Connector_Id__c": "other", **BODY},
    ]
    results = api.patch(
        "/composite/sobjects/Lead/Connector_Id__c",
        json={"allOrNone": all_or_none, "records": records},
    ).json()
    codes = [r["errors"][0]["statusCode"] if r["errors"] else None for r in results]
    last = "ALL_OR_NONE_OPERATION_ROLLED_BACK" if all_or_none else None
    assert codes == ["DUPLICATE_EXTERNAL_ID", "DUPLICATE_EXTERNAL_ID", last]


def test_collection_upsert_ambiguous_key(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """A key matching two records fails that record with DUPLICATE_EXTERNAL_ID."""
    fake.seed_many("Lead", [{**BODY, "Connector_Id__c": "dup"}] * 2)
    records = [{"attributes": {"type": "Lead"}, "Connector_Id__c": "dup", "Title": "x"}]
    [result] = api.patch(
        "/composite/sobjects/Lead/Connector_Id__c", json={"records": records}
    ).json()
    assert result["errors"][0]["statusCode"] == "DUPLICATE_EXTERNAL_ID"
