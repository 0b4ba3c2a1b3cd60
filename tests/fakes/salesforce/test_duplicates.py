"""§12: duplicate rules on Lead/Contact email: off, alert, block, and the header."""

from __future__ import annotations

import httpx
import pytest

from tests.fakes.salesforce import FakeSalesforce
from tests.fakes.salesforce.testkit import api_client

LEAD = {"LastName": "L", "Company": "C", "Email": "dup@example.jp"}
ALLOW = {"Sforce-Duplicate-Rule-Header": "allowSave=true; includeRecordDetails=true"}


def test_alert_rule_refuses_without_allow_save(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """Default alert rule: DUPLICATES_DETECTED naming the existing lead (§12)."""
    existing = fake.seed("Lead", LEAD)
    response = api.post("/sobjects/Lead", json={**LEAD, "Email": "DUP@example.jp"})
    assert response.status_code == 400
    [error] = response.json()
    assert (error["errorCode"], error["message"]) == (
        "DUPLICATES_DETECTED",
        "Use one of these records?",
    )
    result = error["duplicateResult"]
    assert result["allowSave"] is True
    assert result["duplicateRuleEntityType"] == "Lead"
    [match] = result["matchResults"]
    assert [m["record"]["Id"] for m in match["matchRecords"]] == [existing]


def test_alert_rule_saves_with_allow_save_header(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """allowSave=true lets an alert rule save (§12)."""
    fake.seed("Lead", LEAD)
    assert api.post("/sobjects/Lead", json=LEAD, headers=ALLOW).status_code == 201


def test_block_rule_ignores_the_header() -> None:
    """A blocking rule refuses even with allowSave=true."""
    fake = FakeSalesforce(duplicate_rules={"Lead": "block"})
    fake.seed("Lead", LEAD)
    with api_client(fake) as api:
        response = api.post("/sobjects/Lead", json=LEAD, headers=ALLOW)
    assert response.status_code == 400
    assert response.json()[0]["duplicateResult"]["allowSave"] is False


def test_rule_off_saves_duplicates() -> None:
    """With the rule off, a second lead with the same email saves."""
    fake = FakeSalesforce(duplicate_rules={"Lead": "off"})
    fake.seed("Lead", LEAD)
    with api_client(fake) as api:
        assert api.post("/sobjects/Lead", json=LEAD).status_code == 201


def test_detail_none_gives_no_duplicate_id() -> None:
    """duplicate_detail="none": the error names no record (Jetstream's case) [U]."""
    fake = FakeSalesforce(duplicate_detail="none")
    fake.seed("Lead", LEAD)
    with api_client(fake) as api:
        [error] = api.post("/sobjects/Lead", json=LEAD).json()
    assert error == {
        "message": "Use one of these records?",
        "errorCode": "DUPLICATES_DETECTED",
        "fields": [],
    }


def test_header_needs_v52(fake: FakeSalesforce) -> None:
    """Before v52.0 the duplicate rule header does nothing (§12)."""
    fake.seed("Lead", LEAD)
    with api_client(fake, version="51.0") as api:
        assert api.post("/sobjects/Lead", json=LEAD, headers=ALLOW).status_code == 400


def test_include_record_details_adds_fields(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """includeRecordDetails=true puts the match's fields in the record."""
    fake.seed("Contact", {"LastName": "C", "Email": "c@example.jp"})
    headers = {"Sforce-Duplicate-Rule-Header": "includeRecordDetails=true"}
    [error] = api.post(
        "/sobjects/Contact",
        json={"LastName": "D", "Email": "c@example.jp"},
        headers=headers,
    ).json()
    record = error["duplicateResult"]["matchResults"][0]["matchRecords"][0]["record"]
    assert record["Email"] == "c@example.jp"


def test_update_into_a_duplicate_is_refused(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """Rules run on edit too: changing an email to another lead's is refused."""
    fake.seed("Lead", LEAD)
    other = fake.seed("Lead", {**LEAD, "Email": "other@example.jp"})
    response = api.patch(f"/sobjects/Lead/{other}", json={"Email": LEAD["Email"]})
    assert response.json()[0]["errorCode"] == "DUPLICATES_DETECTED"


@pytest.mark.parametrize("all_or_none", [False, True])
def test_duplicates_in_collections_are_per_record(
    fake: FakeSalesforce, api: httpx.Client, all_or_none: bool
) -> None:
    """In collections a duplicate fails its record with statusCode (§6, §12)."""
    fake.seed("Lead", LEAD)
    records = [
        {"attributes": {"type": "Lead"}, **LEAD},
        {"attributes": {"type": "Lead"}, **LEAD, "Email": "new@example.jp"},
    ]
    dup, new = api.post(
        "/composite/sobjects", json={"allOrNone": all_or_none, "records": records}
    ).json()
    assert dup["errors"][0]["statusCode"] == "DUPLICATES_DETECTED"
    assert dup["errors"][0]["message"] == "Use one of these records?"
    assert new["success"] is not all_or_none
