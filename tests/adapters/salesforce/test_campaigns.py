"""Campaign influence: persons' campaign memberships and deals' primary campaign."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from adapters.salesforce import SalesforceAdapter
from adapters.salesforce.soql import IN_BUDGET
from tests.adapters.salesforce.conftest import seed_leads, settings_for
from tests.fakes.salesforce import FakeSalesforce
from tests.fakes.salesforce.testkit import api_client

ON = {"campaigns": {"enabled": True}}


@pytest.fixture
def api(fake: FakeSalesforce) -> Iterator[httpx.Client]:
    """A client acting as a Salesforce user (creates run the org's rules)."""
    with api_client(fake) as client:
        yield client


def _campaign(api: httpx.Client, name: str) -> str:
    response = api.post("/sobjects/Campaign", json={"Name": name})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _member(
    api: httpx.Client, campaign: str, person: str, *, responded: bool = False
) -> str:
    key = "ContactId" if person.startswith("003") else "LeadId"
    body = {"CampaignId": campaign, key: person}
    if responded:
        body["Status"] = "Responded"
    response = api.post("/sobjects/CampaignMember", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _by_id(pages) -> dict[str, object]:
    return {r.id: r for p in pages for r in p.records}


def _api_paths(fake: FakeSalesforce, since: int) -> list[str]:
    return [e.path for e in fake.log[since:] if e.path.startswith("/services/data")]


def test_off_by_default_and_declared_when_on(fake, clock, build):
    """No campaign fields or capability unless [sfa.campaigns] enabled."""
    seed_leads(fake, 1)
    clock.advance(1)
    plain = build()
    assert not plain.capabilities().campaign_influence
    (record,) = [r for p in plain.pull("persons", None) for r in p.records]
    assert "CampaignName" not in record.fields
    assert build(**ON).capabilities().campaign_influence


def test_a_persons_campaign_is_its_latest_responded_membership(fake, clock, build, api):
    """Only responded memberships are touches by default; the latest one wins."""
    (lead,) = seed_leads(fake, 1)
    early, late, unanswered = (
        _campaign(api, n) for n in ("展示会2026", "ウェビナー", "メール配信")
    )
    _member(api, early, lead, responded=True)
    clock.advance(1800)
    _member(api, late, lead, responded=True)
    clock.advance(1800)
    _member(api, unanswered, lead)
    clock.advance(1)
    record = _by_id(build(**ON).pull("persons", None))[lead]
    assert record.fields["CampaignId"] == late
    assert record.fields["CampaignName"] == "ウェビナー"
    assert record.fields["CampaignResponded"] is True
    assert record.fields["CampaignFirstRespondedDate"] == "2026-05-01"
    assert record.fields["Campaigns"] == ["展示会2026", "ウェビナー"]


def test_every_membership_and_the_first_touch_are_settings(fake, clock, build, api):
    """responded_only = false counts invitations; pick = first keeps the first."""
    (lead,) = seed_leads(fake, 1)
    first, second = _campaign(api, "最初"), _campaign(api, "二番目")
    _member(api, first, lead)
    clock.advance(1800)
    _member(api, second, lead)
    clock.advance(1)
    every = build(campaigns={"enabled": True, "responded_only": False})
    record = _by_id(every.pull("persons", None))[lead]
    assert (record.fields["CampaignName"], record.fields["CampaignResponded"]) == (
        "二番目",
        False,
    )
    assert record.fields["CampaignFirstRespondedDate"] is None
    oldest = build(
        campaigns={"enabled": True, "responded_only": False, "pick": "first"}
    )
    assert _by_id(oldest.pull("persons", None))[lead].fields["CampaignName"] == "最初"
    responded = _by_id(build(**ON).pull("persons", None))[lead]
    assert responded.fields["CampaignName"] is None
    assert responded.fields["Campaigns"] == []


def test_a_new_response_reads_the_person_again(fake, clock, build, api):
    """A membership change leaves the lead's stamp alone; the pull still sees it."""
    lead, other = seed_leads(fake, 2)
    campaign = _campaign(api, "セミナー")
    clock.advance(1)
    adapter = build(**ON)
    cursor = [p.cursor for p in adapter.pull("persons", None)][-1]
    clock.advance(1)
    member = _member(api, campaign, lead)
    clock.advance(1)
    quiet = _by_id(adapter.pull("persons", cursor))
    # An invitation is no touch, but the lead is read again to know that.
    assert quiet[lead].fields["CampaignName"] is None
    assert other not in quiet
    cursor = [p.cursor for p in adapter.pull("persons", cursor)][-1]
    clock.advance(1)
    api.patch(f"/sobjects/CampaignMember/{member}", json={"Status": "Responded"})
    clock.advance(1)
    again = _by_id(adapter.pull("persons", cursor))
    assert again[lead].fields["CampaignName"] == "セミナー"
    assert fake.record(lead)["SystemModstamp"] < fake.record(member)["SystemModstamp"]
    cursor = [p.cursor for p in adapter.pull("persons", cursor)][-1]
    clock.advance(1)
    assert api.delete(f"/sobjects/CampaignMember/{member}").status_code == 204
    clock.advance(1)
    removed = _by_id(adapter.pull("persons", cursor))
    assert removed[lead].fields["CampaignName"] is None


def test_a_contacts_memberships_are_its_own(fake, clock, build, api):
    """A Contact's touches come from ContactId, a Lead's from LeadId."""
    account = fake.seed("Account", {"Name": "取引先"})
    contact = fake.seed("Contact", {"LastName": "担当", "AccountId": account})
    (lead,) = seed_leads(fake, 1)
    _member(api, _campaign(api, "顧客向け"), contact, responded=True)
    _member(api, _campaign(api, "見込み向け"), lead, responded=True)
    clock.advance(1)
    records = _by_id(build(**ON).pull("persons", None))
    assert records[contact].fields["CampaignName"] == "顧客向け"
    assert records[lead].fields["CampaignName"] == "見込み向け"


def test_turning_campaigns_on_later_reads_every_member_once(fake, clock, build, api):
    """An existing cursor without a members' watermark re-reads the members' persons."""
    lead, quiet = seed_leads(fake, 2)
    _member(api, _campaign(api, "過去の展示会"), lead, responded=True)
    clock.advance(1)
    cursor = [p.cursor for p in build().pull("persons", None)][-1]
    clock.advance(60)
    adapter = build(**ON)
    records = _by_id(adapter.pull("persons", cursor))
    assert records[lead].fields["CampaignName"] == "過去の展示会"
    assert quiet not in records


def test_a_deal_carries_its_primary_campaign(fake, clock, build, api):
    """Opportunity.CampaignId becomes CampaignName; each name is read once a pull."""
    campaign = _campaign(api, "春の展示会")
    deal = {"StageName": "Prospecting", "CloseDate": "2026-12-01"}
    first = fake.seed("Opportunity", {**deal, "Name": "案件1", "CampaignId": campaign})
    second = fake.seed("Opportunity", {**deal, "Name": "案件2", "CampaignId": campaign})
    none = fake.seed("Opportunity", {**deal, "Name": "案件3"})
    clock.advance(1)
    adapter = build(**ON)
    adapter.describer.describe("Opportunity")
    since = len(fake.log)
    records = _by_id(adapter.pull("deals", None))
    assert records[first].fields["CampaignId"] == campaign
    assert records[first].fields["CampaignName"] == "春の展示会"
    assert records[second].fields["CampaignName"] == "春の展示会"
    assert records[none].fields["CampaignName"] is None
    # Opportunities, contact roles, converted leads, campaign names, newest role.
    assert len(_api_paths(fake, since)) == 5
    plain = _by_id(build().pull("deals", None))
    assert "CampaignName" not in plain[first].fields


def test_a_quiet_run_with_campaigns_costs_one_more_query(fake, clock, build, api):
    """Lead, Contact and the membership changes: 3 requests when nothing changed."""
    (lead,) = seed_leads(fake, 1)
    _member(api, _campaign(api, "展示会"), lead, responded=True)
    clock.advance(1)
    adapter = build(**ON)
    cursor = [p.cursor for p in adapter.pull("persons", None)][-1]
    clock.advance(60)
    since = len(fake.log)
    assert _by_id(adapter.pull("persons", cursor)) == {}
    assert _api_paths(fake, since) == ["/services/data/v62.0/queryAll"] * 3


def test_memberships_are_looked_up_in_batched_lists(fake, clock, api):
    """800 leads in one batch cost a few IN (...) lookups of members, not 800."""
    leads = seed_leads(fake, 800)
    campaign = _campaign(api, "大規模配信")
    for lead in leads[:5]:
        _member(api, campaign, lead, responded=True)
    clock.advance(1)
    lists: list[int] = []

    def spy(request: httpx.Request) -> httpx.Response:
        soql = request.url.params.get("q") or ""
        if soql.startswith("SELECT Id, CampaignId, LeadId") and " IN (" in soql:
            lists.append(soql.split(" IN (", 1)[1].count("'") // 2)
        return fake.handle(request)

    adapter = SalesforceAdapter(
        "sfa",
        settings_for(fake, page_size=2000, **ON),
        transport=httpx.MockTransport(spy),
        clock=clock.time,
    )
    records = _by_id(adapter.pull("persons", None))
    adapter.close()
    assert sum(r.fields["CampaignName"] == "大規模配信" for r in records.values()) == 5
    per_list = IN_BUDGET // 27  # an 18-character id is 27 encoded bytes
    # The Lead batch in three lists; then the five members stamped in the
    # newest second are read again with their leads (they may have changed
    # after their leads were read).
    assert lists == [per_list, per_list, 800 - 2 * per_list, 5]
