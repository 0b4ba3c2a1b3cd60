"""Converted leads as aliases of their contacts, and what a quiet run costs."""

from __future__ import annotations

import pytest

from adapters.salesforce.soql import IN_BUDGET
from tests.adapters.salesforce.conftest import seed_leads

MOVES = pytest.mark.parametrize(
    "fake",
    [
        {"conversion_moves_system_modstamp": True},
        {"conversion_moves_system_modstamp": False},
    ],
    indirect=True,
    ids=["stamp-moves", "stamp-stays"],
)


def _api(fake, since: int) -> list[str]:
    return [e.path for e in fake.log[since:] if e.path.startswith("/services/data")]


def _contact(fake, name: str) -> str:
    account = fake.seed("Account", {"Name": f"{name}社"})
    return fake.seed("Contact", {"LastName": name, "AccountId": account})


def test_a_run_in_which_nothing_changed_costs_one_query_per_object(
    fake, clock, adapter
):
    """Leads, contacts and a conversion exist; the quiet run asks Lead and Contact."""
    leads = seed_leads(fake, 3)
    _contact(fake, "既存")
    clock.advance(1)
    fake.convert_lead(leads[0])
    clock.advance(1)
    cursor = [p.cursor for p in adapter.pull("persons", None)][-1]
    clock.advance(60)
    since = len(fake.log)
    pages = list(adapter.pull("persons", cursor))
    assert [r for p in pages for r in p.records] == []
    assert _api(fake, since) == ["/services/data/v62.0/queryAll"] * 2


@MOVES
def test_a_conversion_is_found_whatever_the_leads_stamp_does(fake, clock, adapter):
    """The contact lists its lead though the Contact watermark is past the lead's stamp.

    Whether a conversion moves the lead's SystemModstamp is unconfirmed; the
    lead is looked up by the new contact's id, so it does not matter.
    """
    (lead,) = seed_leads(fake, 1)
    clock.advance(5)
    _contact(fake, "後から")
    clock.advance(1)
    cursor = [p.cursor for p in adapter.pull("persons", None)][-1]
    clock.advance(1)
    made = fake.convert_lead(lead)
    clock.advance(1)
    records = {r.id: r for p in adapter.pull("persons", cursor) for r in p.records}
    assert records[made.contact_id].merged_ids == (lead,)


def test_a_run_resumed_after_the_lead_pages_still_links_the_contact(
    fake, clock, adapter
):
    """Stopping between the Lead and the Contact phase loses no conversion."""
    (lead,) = seed_leads(fake, 1)
    clock.advance(1)
    cursor = [p.cursor for p in adapter.pull("persons", None)][-1]
    clock.advance(1)
    made = fake.convert_lead(lead)
    clock.advance(1)
    pages = list(adapter.pull("persons", cursor))
    lead_page = next(p for p in pages if any(r.id == lead for r in p.records))
    assert all(r.fields["sObjectType"] == "Lead" for r in lead_page.records)
    resumed = {
        r.id: r for p in adapter.pull("persons", lead_page.cursor) for r in p.records
    }
    assert lead not in resumed
    assert resumed[made.contact_id].merged_ids == (lead,)


def test_contacts_are_matched_to_their_leads_in_batched_lists(fake, clock, build):
    """800 changed contacts cost a handful of IN (...) lookups, not one each."""
    adapter = build(page_size=2000)
    seed_leads(fake, 1)
    _contact(fake, "最初")
    clock.advance(1)
    cursor = [p.cursor for p in adapter.pull("persons", None)][-1]
    clock.advance(1)
    account = fake.seed("Account", {"Name": "大口"})
    fake.seed_many(
        "Contact", [{"LastName": f"担当{i}", "AccountId": account} for i in range(800)]
    )
    clock.advance(1)
    since = len(fake.log)
    pages = list(adapter.pull("persons", cursor))
    assert sum(len(p.records) for p in pages) == 800
    lookups = [p for p in _api(fake, since) if p.endswith("/query")]
    # An 18-character id costs 27 encoded bytes in an IN list (soql.IN_BUDGET).
    per_list = IN_BUDGET // 27
    assert len(lookups) == -(-800 // per_list)
