"""Pushing persons: collections of 200, per-record errors, duplicates, picklists."""

from __future__ import annotations

import pytest

from adapters.protocol import WriteOp
from adapters.salesforce import SalesforceAdapter
from tests.adapters.salesforce.conftest import paths, seed_leads, settings_for
from tests.fakes.salesforce import FakeSalesforce


def _person(n: int, **extra) -> dict:
    return {
        "LastName": f"新規{n}",
        "Company": "株式会社テスト",
        "Email": f"new{n}@example.jp",
        **extra,
    }


def test_collections_carry_at_most_200_records_each(fake, adapter):
    """450 creates go out as three sObject Collections calls, outcomes in order."""
    ops = [WriteOp(key=f"k{i}", fields=_person(i)) for i in range(450)]
    result = adapter.push("persons", ops)
    assert [o.key for o in result.outcomes] == [op.key for op in ops]
    assert all(o.ok and o.created for o in result.outcomes)
    assert len(paths(fake, "POST", "/composite/sobjects")) == 3
    assert len(fake.records("Lead")) == 450


def test_upserts_match_on_the_external_id_field(fake, adapter):
    """An upsert by Connector_Id__c creates once, then updates the same lead."""
    op = WriteOp(
        key="u",
        fields=_person(1, Connector_Id__c="hs-1"),
        match_field="Connector_Id__c",
    )
    first = adapter.push("persons", [op]).outcomes[0]
    again = adapter.push(
        "persons",
        [
            WriteOp(
                key="u",
                fields={"Connector_Id__c": "hs-1", "Title": "部長"},
                match_field="Connector_Id__c",
            )
        ],
    ).outcomes[0]
    assert first.ok
    assert first.created
    assert again.ok
    assert not again.created
    assert again.id == first.id
    assert fake.record(first.id)["Title"] == "部長"
    assert paths(fake, "PATCH", "/composite/sobjects/Lead/Connector_Id__c")


def test_one_refused_record_fails_alone_with_salesforce_status_code(adapter):
    """A lead without Company fails with REQUIRED_FIELD_MISSING; its neighbours pass."""
    ops = [
        WriteOp(key="a", fields=_person(1)),
        WriteOp(key="bad", fields={"LastName": "会社なし", "Email": "x@example.jp"}),
        WriteOp(key="b", fields=_person(2)),
    ]
    result = adapter.push("persons", ops)
    assert [o.key for o in result.failed] == ["bad"]
    bad = result.failed[0]
    assert bad.kind == "rejected"
    assert bad.error.startswith("REQUIRED_FIELD_MISSING: ")
    assert "Company" in bad.error
    assert "REQUIRED_FIELD_MISSING" in (bad.body or "")


@pytest.mark.parametrize("mode", ["block", "alert"])
def test_a_duplicate_rule_resolves_to_the_existing_record(clock, mode):
    """DUPLICATES_DETECTED names the match: it is updated and reported instead."""
    fake = FakeSalesforce(
        clock=clock, duplicate_rules={"Lead": mode}, duplicate_detail="full"
    )
    adapter = SalesforceAdapter("sfa", settings_for(fake), transport=fake.transport())
    (existing,) = fake.seed_many("Lead", [_person(1)])
    op = WriteOp(
        key="dup",
        fields=_person(1, Connector_Id__c="hs-9", Title="課長"),
        match_field="Connector_Id__c",
    )
    outcome = adapter.push("persons", [op]).outcomes[0]
    assert outcome.ok, outcome.error
    assert outcome.id == existing
    assert not outcome.created
    assert fake.record(existing)["Connector_Id__c"] == "hs-9"
    assert fake.record(existing)["Title"] == "課長"
    assert len(fake.records("Lead")) == 1
    adapter.close()


def test_a_duplicate_without_detail_fails_saying_why(clock):
    """With no duplicateResult in the error, the record fails with the status code."""
    fake = FakeSalesforce(
        clock=clock, duplicate_rules={"Lead": "block"}, duplicate_detail="none"
    )
    adapter = SalesforceAdapter("sfa", settings_for(fake), transport=fake.transport())
    fake.seed_many("Lead", [_person(1)])
    outcome = adapter.push("persons", [WriteOp(key="d", fields=_person(1))]).outcomes[0]
    assert not outcome.ok
    assert outcome.error.startswith("DUPLICATES_DETECTED: ")
    assert "named no existing record" in outcome.error
    adapter.close()


def test_alerted_duplicates_save_when_configured(fake, build):
    """save_alerted_duplicates sends allowSave=true: an alert rule lets it through."""
    adapter = build(save_alerted_duplicates=True)
    (existing,) = fake.seed_many("Lead", [_person(1)])
    outcome = adapter.push("persons", [WriteOp(key="d", fields=_person(1))]).outcomes[0]
    assert outcome.ok
    assert outcome.created
    assert outcome.id != existing


def test_restricted_picklists_get_api_values_never_labels(fake, adapter):
    """Status "対応中" (a label) is written as its value; an unknown one is refused."""
    sent_before = len(paths(fake, "POST", "/composite/sobjects"))
    result = adapter.push(
        "persons",
        [
            WriteOp(key="label", fields=_person(1, Status="対応中")),
            WriteOp(key="value", fields=_person(2, Status="Working - Contacted")),
            WriteOp(key="bad", fields=_person(3, Status="商談中")),
        ],
    )
    by_key = {o.key: o for o in result.outcomes}
    assert fake.record(by_key["label"].id)["Status"] == "Working - Contacted"
    assert fake.record(by_key["value"].id)["Status"] == "Working - Contacted"
    assert by_key["bad"].kind == "invalid"
    assert "restricted picklist" in by_key["bad"].error
    assert len(paths(fake, "POST", "/composite/sobjects")) == sent_before + 1


def test_values_are_typed_by_describe_before_sending(fake, adapter):
    """Numbers in text become numbers; an unknown field is refused before sending."""
    result = adapter.push(
        "persons",
        [
            WriteOp(key="n", fields=_person(1, NumberOfEmployees="1,200")),
            WriteOp(key="unknown", fields=_person(2, Score__c=3)),
            WriteOp(key="readonly", fields=_person(3, IsConverted=True)),
        ],
    )
    by_key = {o.key: o for o in result.outcomes}
    assert fake.record(by_key["n"].id)["NumberOfEmployees"] == 1200
    assert by_key["unknown"].kind == "invalid"
    assert "no field 'Score__c'" in by_key["unknown"].error
    assert by_key["readonly"].kind == "invalid"


@pytest.mark.parametrize("fake", [{"converted_lead_updates": False}], indirect=True)
def test_writes_to_a_converted_lead_go_to_its_contact(fake, clock, adapter):
    """CANNOT_UPDATE_CONVERTED_LEAD: the update lands on ConvertedContactId instead."""
    (lead,) = fake.seed_many("Lead", [_person(1, Connector_Id__c="hs-1")])
    made = fake.convert_lead(lead)
    result = adapter.push(
        "persons",
        [
            WriteOp(
                key="by-id", fields={"Title": "社長", "Company": "新社名"}, id=lead
            ),
            WriteOp(
                key="by-key",
                fields={"Connector_Id__c": "hs-1", "Phone": "+81312345678"},
                match_field="Connector_Id__c",
            ),
        ],
    )
    assert [o.id for o in result.outcomes] == [made.contact_id, made.contact_id]
    assert all(o.ok and not o.created for o in result.outcomes)
    contact = fake.record(made.contact_id)
    assert contact["Title"] == "社長"
    assert contact["Phone"] == "+81312345678"


def test_an_upsert_on_a_plain_field_looks_the_record_up(fake, adapter):
    """match_field Email (no external id): an existing lead is updated, else created."""
    (existing,) = seed_leads(fake, 1)
    result = adapter.push(
        "persons",
        [
            WriteOp(
                key="old",
                fields={"Email": "LEAD0@example.jp", "Title": "係長"},
                match_field="Email",
            ),
            WriteOp(key="new", fields=_person(5), match_field="Email"),
        ],
    )
    old, new = result.outcomes
    assert old.ok
    assert old.id == existing
    assert not old.created
    assert new.ok
    assert new.created
    assert fake.record(existing)["Title"] == "係長"


def test_updates_of_contacts_drop_lead_only_fields(fake, adapter):
    """A person update by a contact id skips Company (a Lead field), keeps the rest."""
    account = fake.seed("Account", {"Name": "取引先"})
    contact = fake.seed("Contact", {"LastName": "担当", "AccountId": account})
    op = WriteOp(key="c", fields={"Company": "無視", "Title": "部長"}, id=contact)
    outcome = adapter.push("persons", [op]).outcomes[0]
    assert outcome.ok
    assert outcome.id == contact
    assert fake.record(contact)["Title"] == "部長"
