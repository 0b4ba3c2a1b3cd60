"""Pulling: stamp ties across pages, deletes and merges via queryAll, conversions."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from adapters.salesforce import SalesforceAdapter
from adapters.salesforce import cursor as cursor_module
from adapters.salesforce.cursor import SalesforceCursor
from connector.errors import TransientAdapterError
from tests.adapters.salesforce.conftest import seed_leads, settings_for


def _ids(pages) -> list[str]:
    return [r.id for p in pages for r in p.records]


def test_a_page_boundary_inside_one_second_loses_and_repeats_nothing(
    fake, clock, adapter
):
    """450 leads share one SystemModstamp; resuming after any page gives the rest."""
    ids = seed_leads(fake, 450, at=clock.time())
    clock.advance(1)
    pages = list(adapter.pull("persons", None))
    assert [len(p.records) for p in pages] == [200, 200, 50]
    seen: list[str] = []
    for page in pages:
        seen.extend(r.id for r in page.records)
        rest = _ids(adapter.pull("persons", page.cursor))
        assert set(rest).isdisjoint(seen)
        assert sorted(seen + rest) == sorted(ids)


def test_queries_go_through_query_all_ordered_by_stamp_and_id(fake, clock):
    """Every read is queryAll with ORDER BY SystemModstamp, Id and a >= watermark."""
    seen: list[str] = []

    def spy(request: httpx.Request) -> httpx.Response:
        query = parse_qs(urlsplit(str(request.url)).query).get("q")
        if query:
            seen.append(f"{request.url.path} {query[0]}")
        return fake.handle(request)

    adapter = SalesforceAdapter(
        "sfa", settings_for(fake), transport=httpx.MockTransport(spy), clock=clock.time
    )
    seed_leads(fake, 3)
    clock.advance(1)
    cursor = [p.cursor for p in adapter.pull("persons", None)][-1]
    seen.clear()
    list(adapter.pull("persons", cursor))
    lead = next(q for q in seen if " FROM Lead " in q and "ORDER BY" in q)
    assert lead.startswith("/services/data/v62.0/queryAll SELECT Id, IsDeleted,")
    assert "WHERE SystemModstamp >= 2026-05-01T00:00:00Z" in lead
    assert lead.endswith("ORDER BY SystemModstamp, Id")
    adapter.close()


def test_a_tie_bigger_than_the_cursor_remembers_resumes_by_id(
    fake, clock, adapter, monkeypatch
):
    """Past SEEN_MAX rows in one second the cursor keeps the last id, asks past it."""
    monkeypatch.setattr(cursor_module, "SEEN_MAX", 150)
    ids = seed_leads(fake, 250, at=clock.time())
    clock.advance(1)
    pages = list(adapter.pull("persons", None))
    mark = json.loads(pages[0].cursor)["position"]["objects"]["Lead"]
    assert mark["ids"] == []
    assert mark["after_id"] == pages[0].records[-1].id
    rest = _ids(adapter.pull("persons", pages[0].cursor))
    assert sorted(_ids(pages[:1]) + rest) == sorted(ids)


def test_deletes_and_merges_arrive_through_query_all(fake, clock, adapter):
    """A deleted lead is deleted=True; a merged loser is only in merged_ids."""
    keep, gone, dropped, other = seed_leads(fake, 4)
    clock.advance(1)
    cursor = [p.cursor for p in adapter.pull("persons", None)][-1]
    clock.advance(1)
    fake.merge(keep, [gone])
    fake.delete_record(dropped)
    clock.advance(1)
    records = {r.id: r for p in adapter.pull("persons", cursor) for r in p.records}
    assert records[keep].merged_ids == (gone,)
    assert not records[keep].deleted
    assert gone not in records
    assert records[dropped].deleted
    assert other not in records


def test_a_master_outside_the_page_is_fetched_into_it(fake, clock, build):
    """When the loser's batch lacks the master, the master is read by id."""
    adapter = build()
    masters = seed_leads(fake, 1)
    clock.advance(1)
    filler = seed_leads(fake, 200, start=10)
    losers = seed_leads(fake, 1, start=500)
    clock.advance(1)
    cursor = [p.cursor for p in adapter.pull("persons", None)][-1]
    clock.advance(1)
    fake.merge(masters[0], losers)
    fake.edit(filler, {"Title": "bulk edit"})  # 200 rows in the same second
    clock.advance(1)
    pages = list(adapter.pull("persons", cursor))
    with_merge = [
        r for p in pages for r in p.records if r.id == masters[0] and r.merged_ids
    ]
    assert with_merge
    assert with_merge[0].merged_ids == tuple(losers)
    assert losers[0] not in _ids(pages)


@pytest.mark.parametrize(
    "fake",
    [{"conversion_adds_contact_role": True}, {"conversion_adds_contact_role": False}],
    indirect=True,
    ids=["with-role", "without-role"],
)
def test_a_converted_lead_is_an_alias_of_its_contact_and_its_deal(fake, clock, adapter):
    """A converted lead names its contact, which lists it in merged_ids; the deal.

    The opportunity's person is its primary contact when conversion made a
    contact role, else the converted lead (whether it does is unconfirmed, §8).
    """
    (lead,) = seed_leads(fake, 1)
    clock.advance(1)
    cursor = [p.cursor for p in adapter.pull("persons", None)][-1]
    clock.advance(1)
    made = fake.convert_lead(lead)
    clock.advance(1)
    records = {r.id: r for p in adapter.pull("persons", cursor) for r in p.records}
    assert records[lead].fields["IsConverted"] is True
    assert records[lead].fields["ConvertedContactId"] == made.contact_id
    assert records[lead].fields["ConvertedOpportunityId"] == made.opportunity_id
    contact = records[made.contact_id]
    assert contact.fields["sObjectType"] == "Contact"
    assert contact.merged_ids == (lead,)
    deals = {r.id: r for p in adapter.pull("deals", None) for r in p.records}
    deal = deals[str(made.opportunity_id)]
    assert deal.fields["ConvertedLeadId"] == lead
    if fake.options.conversion_adds_contact_role:
        assert deal.fields["PersonId"] == made.contact_id
        assert deal.fields["PrimaryContactId"] == made.contact_id
    else:
        assert deal.fields["PersonId"] == lead
        assert deal.fields["PrimaryContactId"] is None


def test_a_contact_merged_away_takes_the_lead_it_was_converted_from_along(
    fake, clock, adapter
):
    """Lead -> contact, then that contact merged into an older one (§8).

    The lead's ConvertedContactId keeps naming the merged-away contact, so
    only the master can say the lead is now its alias; the loser is not
    handed out, so if the master listed the loser alone the lead would be
    tied to nobody.
    """
    (lead,) = seed_leads(fake, 1)
    clock.advance(1)
    cursor = [p.cursor for p in adapter.pull("persons", None)][-1]
    clock.advance(1)
    made = fake.convert_lead(lead)
    older = fake.seed(
        "Contact", {"LastName": "古い連絡先", "AccountId": made.account_id}
    )
    clock.advance(1)
    fake.merge(older, [made.contact_id])
    clock.advance(1)
    records = {r.id: r for p in adapter.pull("persons", cursor) for r in p.records}
    assert made.contact_id not in records
    assert fake.record(lead)["ConvertedContactId"] == made.contact_id
    assert set(records[older].merged_ids) == {made.contact_id, lead}


def test_a_contact_role_added_later_reads_its_deal_again(fake, clock, adapter):
    """A new contact role leaves the opportunity alone; the deals pull still sees it."""
    account = fake.seed("Account", {"Name": "取引先"})
    contact = fake.seed("Contact", {"LastName": "担当", "AccountId": account})
    deal = fake.seed(
        "Opportunity",
        {"Name": "案件", "StageName": "Prospecting", "CloseDate": "2026-12-01"},
    )
    clock.advance(1)
    first = {r.id: r for p in adapter.pull("deals", None) for r in p.records}
    assert first[deal].fields["PersonId"] is None
    cursor = [p.cursor for p in adapter.pull("deals", None)][-1]
    clock.advance(1)
    fake.add_contact_role(deal, contact, primary=True)
    clock.advance(1)
    again = {r.id: r for p in adapter.pull("deals", cursor) for r in p.records}
    assert again[deal].fields["PersonId"] == contact
    assert again[deal].fields["ContactIds"] == [contact]


@pytest.mark.parametrize("fake", [{"locator_reuse": False}], indirect=True)
def test_a_refused_locator_reruns_the_query_from_the_watermark(fake, clock, adapter):
    """A retry on a one-time nextRecordsUrl re-runs the query; nothing is lost."""
    ids = seed_leads(fake, 250, at=clock.time())
    clock.advance(1)
    fake.inject("drop_after", method="GET", path=r"/query/01g", times=1)
    got = _ids(adapter.pull("persons", None))
    assert sorted(set(got)) == sorted(ids)
    assert fake.statuses(400) == 1  # INVALID_QUERY_LOCATOR on the retry


def test_fields_are_asked_only_of_objects_that_have_them(fake, clock, adapter):
    """A mapped Lead-only field (Company) is read from Lead and not asked of Contact."""
    account = fake.seed("Account", {"Name": "取引先"})
    fake.seed("Contact", {"LastName": "担当", "AccountId": account, "Title": "部長"})
    seed_leads(fake, 1)
    clock.advance(1)
    adapter.select_fields("persons", ["Company", "Title", "Owner.Name", "Nope__c"])
    records = [r for p in adapter.pull("persons", None) for r in p.records]
    by_type = {r.fields["sObjectType"]: r for r in records}
    assert by_type["Lead"].fields["Company"] == "会社0"
    assert "Company" not in by_type["Contact"].fields
    assert by_type["Contact"].fields["Title"] == "部長"
    assert by_type["Lead"].fields["Owner.Name"]
    assert "Nope__c" not in by_type["Lead"].fields


def test_cursor_round_trip_keeps_each_object_mark(fake, clock, adapter):
    """The stored cursor decodes to one watermark per object read."""
    seed_leads(fake, 2)
    clock.advance(1)
    cursor = [p.cursor for p in adapter.pull("persons", None)][-1]
    decoded = SalesforceCursor.decode(cursor, where="sfa.persons")
    assert decoded.mark("Lead").at is not None
    assert decoded.encode() == cursor


@pytest.mark.parametrize("fake", [{"locator_ttl": 0.0}], indirect=True)
def test_locators_refused_again_and_again_end_the_run(fake, clock, adapter):
    """A query that cannot get past its first batch stops instead of looping.

    Every locator is refused at once, and the first batch holds only rows the
    cursor already handed out (a tie bigger than a batch), so nothing moves.
    """
    seed_leads(fake, 250, at=clock.time())
    clock.advance(1)
    with pytest.raises(TransientAdapterError, match="3 times without progress"):
        list(adapter.pull("persons", None))
