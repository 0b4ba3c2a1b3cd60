"""§8, §10, §13: conversion, merge, stages, contact roles and campaign members."""

from __future__ import annotations

import httpx
import pytest

from tests.fakes.hubspot.clock import FakeClock
from tests.fakes.salesforce import FakeSalesforce
from tests.fakes.salesforce.testkit import api_client, query

LEAD = {
    "FirstName": "花子",
    "LastName": "新井",
    "Company": "株式会社サクラテック",
    "Email": "arai@sakuratech.co.jp",
    "Connector_Id__c": "hs-77",
}


def test_conversion_sets_the_converted_fields(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """IsConverted, ConvertedDate, Status and the three Converted*Id are set (§8)."""
    lead = fake.seed("Lead", LEAD)
    made = fake.convert_lead(lead)
    [row] = query(
        api,
        "SELECT IsConverted, ConvertedDate, Status, ConvertedAccountId, "
        "ConvertedContactId, ConvertedOpportunityId, ConvertedContact.Email "
        "FROM Lead",
    ).json()["records"]
    assert row["IsConverted"] is True
    assert row["ConvertedDate"] == "2026-05-01"
    assert row["Status"] == "Closed - Converted"
    assert (
        row["ConvertedAccountId"],
        row["ConvertedContactId"],
        row["ConvertedOpportunityId"],
    ) == (made.account_id, made.contact_id, made.opportunity_id)
    assert row["ConvertedContact"]["Email"] == LEAD["Email"]
    contact = fake.record(made.contact_id)
    assert contact["AccountId"] == made.account_id
    assert fake.record(made.account_id)["Name"] == LEAD["Company"]


def test_converted_lead_refuses_updates(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """PATCH to a converted lead: 400 CANNOT_UPDATE_CONVERTED_LEAD (§8)."""
    lead = fake.seed("Lead", LEAD)
    fake.convert_lead(lead, with_opportunity=False)
    response = api.patch(f"/sobjects/Lead/{lead}", json={"Title": "x"})
    assert response.status_code == 400
    assert response.json() == [
        {
            "message": "cannot reference converted lead",
            "errorCode": "CANNOT_UPDATE_CONVERTED_LEAD",
            "fields": [],
        }
    ]
    upsert = api.patch("/sobjects/Lead/Connector_Id__c/hs-77", json={"Title": "x"})
    assert upsert.json()[0]["errorCode"] == "CANNOT_UPDATE_CONVERTED_LEAD"


def test_org_may_allow_updates_to_converted_leads() -> None:
    """converted_lead_updates=True is the org setting some orgs enable (I13)."""
    fake = FakeSalesforce(converted_lead_updates=True)
    lead = fake.seed("Lead", LEAD)
    fake.convert_lead(lead)
    with api_client(fake) as api:
        assert (
            api.patch(f"/sobjects/Lead/{lead}", json={"Title": "x"}).status_code == 204
        )


def test_conversion_moves_system_modstamp_not_last_modified(clock: FakeClock) -> None:
    """A SystemModstamp watermark sees the conversion; LastModifiedDate does not."""
    fake = FakeSalesforce(clock=clock)
    lead = fake.seed("Lead", LEAD)
    clock.advance(3600)
    fake.convert_lead(lead)
    row = fake.record(lead)
    assert row["SystemModstamp"] == "2026-05-01T01:00:00.000+0000"
    assert row["LastModifiedDate"] == "2026-05-01T00:00:00.000+0000"
    moved = FakeSalesforce(clock=clock, conversion_moves_last_modified=True)
    other = moved.seed("Lead", LEAD)
    clock.advance(60)
    moved.convert_lead(other)
    assert moved.record(other)["LastModifiedDate"] == "2026-05-01T01:01:00.000+0000"


def test_a_conversion_that_leaves_system_modstamp_is_a_switch(
    clock: FakeClock,
) -> None:
    """Whether conversion moves SystemModstamp is unconfirmed: an option [U]."""
    fake = FakeSalesforce(clock=clock, conversion_moves_system_modstamp=False)
    lead = fake.seed("Lead", LEAD)
    clock.advance(3600)
    fake.convert_lead(lead)
    row = fake.record(lead)
    assert row["IsConverted"] is True
    assert row["SystemModstamp"] == "2026-05-01T00:00:00.000+0000"
    assert row["LastModifiedDate"] == "2026-05-01T00:00:00.000+0000"


def test_conversion_custom_fields_and_contact_role_are_switches() -> None:
    """Custom-field mapping and the new primary contact role are options [U]."""
    plain = FakeSalesforce()
    made = plain.convert_lead(plain.seed("Lead", LEAD))
    assert plain.record(made.contact_id)["Connector_Id__c"] is None
    [role] = plain.records("OpportunityContactRole")
    assert (role["ContactId"], role["IsPrimary"]) == (made.contact_id, True)
    mapped = FakeSalesforce(
        conversion_copies_custom_fields=True, conversion_adds_contact_role=False
    )
    made = mapped.convert_lead(mapped.seed("Lead", LEAD))
    assert mapped.record(made.contact_id)["Connector_Id__c"] == "hs-77"
    assert mapped.records("OpportunityContactRole") == []


def test_conversion_into_existing_records_only_fills_empty_fields(
    fake: FakeSalesforce,
) -> None:
    """Converting into an existing contact keeps its values, fills blanks (§8)."""
    account = fake.seed("Account", {"Name": "既存"})
    contact = fake.seed("Contact", {"LastName": "既存", "AccountId": account})
    made = fake.convert_lead(
        fake.seed("Lead", LEAD), account_id=account, contact_id=contact
    )
    assert made.contact_id == contact
    row = fake.record(contact)
    assert row["LastName"] == "既存"
    assert row["Email"] == LEAD["Email"]


def test_converting_twice_is_an_error(fake: FakeSalesforce) -> None:
    """A converted lead cannot be converted again."""
    lead = fake.seed("Lead", LEAD)
    fake.convert_lead(lead)
    with pytest.raises(ValueError, match="unconverted"):
        fake.convert_lead(lead)


def test_converted_lead_cannot_join_a_campaign(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """A converted lead can no longer be added to a campaign (I12)."""
    lead = fake.seed("Lead", LEAD)
    campaign = api.post("/sobjects/Campaign", json={"Name": "展示会"}).json()["id"]
    fake.convert_lead(lead)
    response = api.post(
        "/sobjects/CampaignMember", json={"CampaignId": campaign, "LeadId": lead}
    )
    assert response.json()[0]["errorCode"] == "CANNOT_UPDATE_CONVERTED_LEAD"


def test_merge_losers_are_deleted_with_master_record_id(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """Merged losers: invisible to query, IsDeleted + MasterRecordId in queryAll."""
    master = fake.seed("Contact", {"LastName": "Master"})
    loser = fake.seed("Contact", {"LastName": "Loser"})
    fake.merge(master, [loser])
    live = query(api, "SELECT Id FROM Contact").json()["records"]
    assert [r["Id"] for r in live] == [master]
    rows = query(
        api,
        "SELECT Id, IsDeleted, MasterRecordId FROM Contact ORDER BY Id",
        all_rows=True,
    ).json()["records"]
    assert [(r["Id"], r["IsDeleted"], r["MasterRecordId"]) for r in rows] == [
        (master, False, None),
        (loser, True, master),
    ]


def test_purged_records_leave_query_all(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """Deleted rows stay in queryAll until purged from the recycle bin (§4)."""
    lead = fake.seed("Lead", {"LastName": "L", "Company": "C"})
    fake.delete_record(lead)
    soql = "SELECT Id FROM Lead"
    assert query(api, soql, all_rows=True).json()["totalSize"] == 1
    fake.purge(lead)
    assert query(api, soql, all_rows=True).json()["totalSize"] == 0


def test_merge_moves_children_and_their_stamps(clock: FakeClock) -> None:
    """The loser account's contacts move to the master, with a new SystemModstamp."""
    fake = FakeSalesforce(clock=clock)
    master = fake.seed("Account", {"Name": "M"})
    loser = fake.seed("Account", {"Name": "L"})
    contact = fake.seed("Contact", {"LastName": "C", "AccountId": loser})
    clock.advance(10)
    fake.merge(master, [loser])
    row = fake.record(contact)
    assert row["AccountId"] == master
    assert row["SystemModstamp"] == "2026-05-01T00:00:10.000+0000"


def test_merge_limits(fake: FakeSalesforce) -> None:
    """At most two losers, of the master's object, only Lead/Contact/Account."""
    a, b, c, d = (fake.seed("Lead", {"LastName": x, "Company": "C"}) for x in "abcd")
    with pytest.raises(ValueError, match="one or two"):
        fake.merge(a, [b, c, d])
    opp = {"Name": "O", "StageName": "Prospecting", "CloseDate": "2026-01-01"}
    o1, o2 = fake.seed("Opportunity", opp), fake.seed("Opportunity", opp)
    with pytest.raises(ValueError, match="cannot be merged"):
        fake.merge(o1, [o2])


def test_opportunity_stage_rows_carry_the_documented_fields(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """OpportunityStage rows: won/lost come from IsClosed/IsWon, not names (§10)."""
    rows = query(
        api,
        "SELECT ApiName, MasterLabel, IsActive, IsClosed, IsWon, DefaultProbability, "
        "ForecastCategoryName FROM OpportunityStage WHERE IsClosed = true "
        "ORDER BY SortOrder",
    ).json()["records"]
    assert [{k: v for k, v in r.items() if k != "attributes"} for r in rows] == [
        {
            "ApiName": "Closed Won",
            "MasterLabel": "成立",
            "IsActive": True,
            "IsClosed": True,
            "IsWon": True,
            "DefaultProbability": 100.0,
            "ForecastCategoryName": "Closed",
        },
        {
            "ApiName": "Closed Lost",
            "MasterLabel": "不成立",
            "IsActive": True,
            "IsClosed": True,
            "IsWon": False,
            "DefaultProbability": 0.0,
            "ForecastCategoryName": "Omitted",
        },
    ]


def test_set_stage_moves_the_opportunity(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """set_stage is sales moving the deal: derived fields and stamps follow."""
    opp = fake.seed(
        "Opportunity",
        {"Name": "O", "StageName": "Prospecting", "CloseDate": "2026-01-01"},
    )
    fake.set_stage(opp, "Closed Lost")
    [row] = query(api, "SELECT StageName, IsClosed, IsWon FROM Opportunity").json()[
        "records"
    ]
    assert (row["StageName"], row["IsClosed"], row["IsWon"]) == (
        "Closed Lost",
        True,
        False,
    )
    with pytest.raises(ValueError, match="no stage"):
        fake.set_stage(opp, "成立")


def test_one_primary_contact_role_per_opportunity(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """A new primary role clears the old one (§13); roles are queryable."""
    opp = fake.seed(
        "Opportunity",
        {"Name": "O", "StageName": "Prospecting", "CloseDate": "2026-01-01"},
    )
    c1, c2 = (fake.seed("Contact", {"LastName": x}) for x in ("A", "B"))
    fake.add_contact_role(opp, c1, role="Decision Maker", primary=True)
    response = api.post(
        "/sobjects/OpportunityContactRole",
        json={"OpportunityId": opp, "ContactId": c2, "IsPrimary": True},
    )
    assert response.status_code == 201
    rows = query(
        api,
        "SELECT ContactId, IsPrimary, Role FROM OpportunityContactRole ORDER BY Id",
    ).json()["records"]
    assert [(r["ContactId"], r["IsPrimary"]) for r in rows] == [(c1, False), (c2, True)]


def test_contact_role_opportunity_is_not_updatable(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """OpportunityId of a role is set on create only (§13)."""
    opp = {"Name": "O", "StageName": "Prospecting", "CloseDate": "2026-01-01"}
    o1, o2 = fake.seed("Opportunity", opp), fake.seed("Opportunity", opp)
    role = fake.add_contact_role(o1, fake.seed("Contact", {"LastName": "A"}))
    response = api.patch(
        f"/sobjects/OpportunityContactRole/{role}", json={"OpportunityId": o2}
    )
    assert response.json()[0]["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"


def test_campaign_members_follow_member_statuses(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """Member statuses drive HasResponded; unknown ones and repeats fail (§13)."""
    campaign = api.post("/sobjects/Campaign", json={"Name": "ウェビナー"}).json()["id"]
    lead = fake.seed("Lead", LEAD)
    member = api.post(
        "/sobjects/CampaignMember", json={"CampaignId": campaign, "LeadId": lead}
    ).json()["id"]
    row = api.get(f"/sobjects/CampaignMember/{member}").json()
    assert (row["Status"], row["HasResponded"], row["LeadOrContactId"]) == (
        "Sent",
        False,
        lead,
    )
    api.patch(f"/sobjects/CampaignMember/{member}", json={"Status": "Responded"})
    row = api.get(f"/sobjects/CampaignMember/{member}").json()
    assert (row["HasResponded"], row["FirstRespondedDate"]) == (True, "2026-05-01")
    bad = api.patch(f"/sobjects/CampaignMember/{member}", json={"Status": "参加"})
    assert bad.json()[0]["errorCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    again = api.post(
        "/sobjects/CampaignMember", json={"CampaignId": campaign, "LeadId": lead}
    )
    assert again.json()[0]["errorCode"] == "DUPLICATE_VALUE"


def test_an_opportunity_names_its_primary_campaign(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """Opportunity.CampaignId is a Campaign lookup (§10 D45); others are refused."""
    campaign = api.post("/sobjects/Campaign", json={"Name": "展示会"}).json()["id"]
    opp = {"Name": "O", "StageName": "Prospecting", "CloseDate": "2026-01-01"}
    made = api.post("/sobjects/Opportunity", json={**opp, "CampaignId": campaign})
    assert made.status_code == 201, made.text
    [row] = query(api, "SELECT CampaignId, Campaign.Name FROM Opportunity").json()[
        "records"
    ]
    assert (row["CampaignId"], row["Campaign"]["Name"]) == (campaign, "展示会")
    lead = fake.seed("Lead", LEAD)
    wrong = api.post("/sobjects/Opportunity", json={**opp, "CampaignId": lead})
    assert wrong.status_code == 400
    assert wrong.json()[0]["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"


def test_campaign_members_are_queried_by_person_and_removals_show_in_query_all(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """Members are queryable by LeadId/ContactId; a deleted one is in queryAll (§13)."""
    campaign = api.post("/sobjects/Campaign", json={"Name": "セミナー"}).json()["id"]
    lead = fake.seed("Lead", LEAD)
    member = api.post(
        "/sobjects/CampaignMember",
        json={"CampaignId": campaign, "LeadId": lead, "Status": "Responded"},
    ).json()["id"]
    soql = (
        "SELECT Id, HasResponded, FirstRespondedDate FROM CampaignMember "  # noqa: S608 - test SOQL
        f"WHERE LeadId IN ('{lead}') AND HasResponded = true"
    )
    [row] = query(api, soql).json()["records"]
    assert (row["Id"], row["HasResponded"]) == (member, True)
    assert api.delete(f"/sobjects/CampaignMember/{member}").status_code == 204
    assert query(api, soql).json()["records"] == []
    [gone] = query(
        api,
        f"SELECT Id, IsDeleted FROM CampaignMember WHERE Id = '{member}'",  # noqa: S608 - test SOQL
        all_rows=True,
    ).json()["records"]
    assert gone["IsDeleted"] is True
