"""§6: sObject Collections, at most 200 records, allOrNone and per-record results."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.fakes.salesforce import FakeSalesforce
from tests.fakes.salesforce.testkit import api_client, query

ROLLED_BACK = {
    "statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "message": "Record rolled back because not all records were valid and the "
    "request was using AllOrNone header",
    "fields": [],
}


def _lead(i: int, **fields: Any) -> dict[str, Any]:
    return {
        "attributes": {"type": "Lead"},
        "LastName": f"L{i}",
        "Company": "C",
        **fields,
    }


def _count(api: httpx.Client) -> int:
    return int(query(api, "SELECT Id FROM Lead").json()["totalSize"])


def test_create_returns_results_in_request_order(api: httpx.Client) -> None:
    """200 with one {id, success, errors} per record, in request order."""
    response = api.post("/composite/sobjects", json={"records": [_lead(1), _lead(2)]})
    assert response.status_code == 200
    results = response.json()
    assert [r["success"] for r in results] == [True, True]
    assert all(r["errors"] == [] for r in results)
    names = [api.get(f"/sobjects/Lead/{r['id']}").json()["LastName"] for r in results]
    assert names == ["L1", "L2"]


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_more_than_200_records_are_refused(api: httpx.Client, method: str) -> None:
    """201 records: 400 EXCEEDED_ID_LIMIT, nothing written [U wording]."""
    records = [_lead(i) for i in range(201)]
    response = api.request(method, "/composite/sobjects", json={"records": records})
    assert response.status_code == 400
    assert response.json() == [
        {
            "message": "record limit reached. cannot submit more than 200 records "
            "into this call",
            "errorCode": "EXCEEDED_ID_LIMIT",
        }
    ]
    assert _count(api) == 0


def test_exactly_200_records_are_accepted(api: httpx.Client) -> None:
    """The cap is inclusive."""
    records = [_lead(i) for i in range(200)]
    response = api.post("/composite/sobjects", json={"records": records})
    assert response.status_code == 200
    assert _count(api) == 200


def test_all_or_none_false_gives_per_record_errors(api: httpx.Client) -> None:
    """Default allOrNone false: good records save, bad ones fail in a 200 (§6)."""
    records = [_lead(1), _lead(2, Status="未対応"), {"attributes": {"type": "Lead"}}]
    response = api.post("/composite/sobjects", json={"records": records})
    assert response.status_code == 200
    ok, bad_picklist, missing = response.json()
    assert ok["success"] is True
    assert bad_picklist == {
        "success": False,
        "errors": [
            {
                "statusCode": "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                "message": "Lead Status: bad value for restricted picklist field: "
                "未対応",
                "fields": ["Status"],
            }
        ],
    }
    assert missing["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    assert "id" not in missing
    assert _count(api) == 1


def test_failed_result_id_can_be_included() -> None:
    """failed_result_id="include": a failed update result names its record [U]."""
    fake = FakeSalesforce(failed_result_id="include")
    lead = fake.seed("Lead", {"LastName": "L", "Company": "C"})
    with api_client(fake) as api:
        body = {
            "records": [{"attributes": {"type": "Lead"}, "id": lead, "LastName": None}]
        }
        [result] = api.patch("/composite/sobjects", json=body).json()
    assert result["id"] == lead
    assert result["success"] is False


def test_all_or_none_true_rolls_everything_back(api: httpx.Client) -> None:
    """One failure: nothing saved, the others report ROLLED_BACK (§6)."""
    records = [_lead(1), _lead(2, Email="bad"), _lead(3)]
    response = api.post(
        "/composite/sobjects", json={"allOrNone": True, "records": records}
    )
    assert response.status_code == 200
    first, bad, third = response.json()
    assert first == {"success": False, "errors": [ROLLED_BACK]}
    assert third == {"success": False, "errors": [ROLLED_BACK]}
    assert bad["errors"][0]["statusCode"] == "INVALID_EMAIL_ADDRESS"
    assert _count(api) == 0


def test_all_or_none_true_succeeds_when_all_succeed(api: httpx.Client) -> None:
    """No failure: every record saves."""
    response = api.post(
        "/composite/sobjects",
        json={"allOrNone": True, "records": [_lead(1), _lead(2)]},
    )
    assert all(r["success"] for r in response.json())
    assert _count(api) == 2


def test_update_collection(fake: FakeSalesforce, api: httpx.Client) -> None:
    """PATCH with ids: per-record results; a missing id is MISSING_ARGUMENT."""
    lead = fake.seed("Lead", {"LastName": "L", "Company": "C"})
    records = [
        {"attributes": {"type": "Lead"}, "id": lead, "Title": "CTO"},
        {"attributes": {"type": "Lead"}, "Title": "CEO"},
        {"attributes": {"type": "Lead"}, "id": "00QRO0000000ZZZ", "Title": "x"},
    ]
    ok, no_id, unknown = api.patch(
        "/composite/sobjects", json={"records": records}
    ).json()
    assert ok == {"id": lead, "success": True, "errors": []}
    assert no_id["errors"][0]["statusCode"] == "MISSING_ARGUMENT"
    assert unknown["errors"][0]["statusCode"] == "INVALID_CROSS_REFERENCE_KEY"
    assert fake.record(lead)["Title"] == "CTO"


def test_update_collection_refuses_converted_lead(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """A converted lead in a batch fails alone with CANNOT_UPDATE_CONVERTED_LEAD."""
    lead = fake.seed("Lead", {"LastName": "L", "Company": "C"})
    fake.convert_lead(lead)
    body = {"records": [{"attributes": {"type": "Lead"}, "id": lead, "Title": "x"}]}
    [result] = api.patch("/composite/sobjects", json=body).json()
    assert result["errors"][0] == {
        "statusCode": "CANNOT_UPDATE_CONVERTED_LEAD",
        "message": "cannot reference converted lead",
        "fields": [],
    }


def test_delete_collection(fake: FakeSalesforce, api: httpx.Client) -> None:
    """DELETE ?ids=: per-record results; queryAll then shows the delete."""
    a = fake.seed("Lead", {"LastName": "A", "Company": "C"})
    response = api.delete("/composite/sobjects", params={"ids": f"{a},bogus"})
    ok, bad = response.json()
    assert ok == {"id": a, "success": True, "errors": []}
    assert bad["errors"][0]["statusCode"] == "MALFORMED_ID"
    rows = query(api, "SELECT Id, IsDeleted FROM Lead", all_rows=True).json()["records"]
    assert rows[0]["IsDeleted"] is True


def test_delete_collection_over_200_ids(api: httpx.Client) -> None:
    """More than 200 ids: 400 EXCEEDED_ID_LIMIT."""
    ids = ",".join(f"00QRO00000{i:05d}" for i in range(201))
    response = api.delete("/composite/sobjects", params={"ids": ids})
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "EXCEEDED_ID_LIMIT"


def test_retrieve_collection(fake: FakeSalesforce, api: httpx.Client) -> None:
    """GET /composite/sobjects/Lead?ids=&fields= gives records or null."""
    a = fake.seed("Lead", {"LastName": "A", "Company": "C"})
    response = api.get(
        "/composite/sobjects/Lead",
        params={"ids": f"{a},00QRO0000000ZZZ", "fields": "LastName"},
    )
    assert response.json() == [
        {
            "attributes": {
                "type": "Lead",
                "url": f"/services/data/v62.0/sobjects/Lead/{a}",
            },
            "LastName": "A",
        },
        None,
    ]


def test_malformed_collections_fail_whole(api: httpx.Client) -> None:
    """No attributes.type, unknown fields or more than 10 chunks: 400 for all."""
    no_type = api.post("/composite/sobjects", json={"records": [{"LastName": "x"}]})
    assert no_type.status_code == 400
    unknown = api.post("/composite/sobjects", json={"records": [_lead(1, Nope=1)]})
    assert unknown.json()[0]["errorCode"] == "INVALID_FIELD"
    mixed = [
        _lead(i) if i % 2 else {"attributes": {"type": "Account"}, "Name": "A"}
        for i in range(11)
    ]
    chunky = api.post("/composite/sobjects", json={"records": mixed})
    assert chunky.status_code == 400
    assert _count(api) == 0


def test_mixed_types_in_few_chunks_are_fine(api: httpx.Client) -> None:
    """Records of several types in at most 10 chunks all save."""
    records = [_lead(1), {"attributes": {"type": "Account"}, "Name": "A"}]
    assert all(
        r["success"]
        for r in api.post("/composite/sobjects", json={"records": records}).json()
    )


def test_collections_need_v42(fake: FakeSalesforce) -> None:
    """Collections do not exist before API 42.0."""
    with api_client(fake, version="41.0") as api:
        assert api.post("/composite/sobjects", json={"records": []}).status_code == 404
