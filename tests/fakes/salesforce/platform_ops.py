"""Lead conversion and record merge, which have no REST resource (§8).

They are SOAP/Apex operations, so tests trigger them as admin actions.

Conversion creates (or reuses) an Account and a Contact and optionally an
Opportunity, then marks the lead converted: ``Status`` a converted LeadStatus,
``IsConverted``, ``ConvertedDate`` and the three ``Converted*Id``. It moves the
lead's SystemModstamp but, by default, not its LastModifiedDate (§3, [U]; both
are switches).
Merge soft-deletes the losers with ``MasterRecordId`` set (queryAll shows them,
§8) and moves their children to the master.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.fakes.salesforce.derive import stamp
from tests.fakes.salesforce.org import Org
from tests.fakes.salesforce.store import Record
from tests.fakes.salesforce.timefmt import today
from tests.fakes.salesforce.writes import WriteContext, create, mark_deleted

__all__ = ["Conversion", "convert_lead", "merge_records"]

_TO_ACCOUNT = {
    "Company": "Name",
    "Phone": "Phone",
    "Website": "Website",
    "Industry": "Industry",
    "NumberOfEmployees": "NumberOfEmployees",
    "AnnualRevenue": "AnnualRevenue",
    "City": "BillingCity",
    "Country": "BillingCountry",
    "OwnerId": "OwnerId",
}
_TO_CONTACT = {
    "FirstName": "FirstName",
    "LastName": "LastName",
    "Email": "Email",
    "Phone": "Phone",
    "MobilePhone": "MobilePhone",
    "Title": "Title",
    "LeadSource": "LeadSource",
    "HasOptedOutOfEmail": "HasOptedOutOfEmail",
    "City": "MailingCity",
    "Country": "MailingCountry",
    "OwnerId": "OwnerId",
}


@dataclass(frozen=True)
class Conversion:
    """What a conversion made or used."""

    account_id: str
    contact_id: str
    opportunity_id: str | None


def _ctx(org: Org) -> WriteContext:
    # Platform actions are not stopped by duplicate rules here.
    return WriteContext(org.run_as_id, allow_save=True)


def _mapped(
    lead: Record, mapping: dict[str, str], org: Org, target: str
) -> dict[str, Any]:
    values = {
        dst: lead.values.get(src)
        for src, dst in mapping.items()
        if lead.values.get(src) is not None
    }
    if org.options.conversion_copies_custom_fields:
        target_def = org.catalog[target]
        for name, value in lead.values.items():
            field = target_def.field(name)
            if name.endswith("__c") and field is not None and value is not None:
                values[field.name] = value
    return values


def _fill_empty(org: Org, record: Record, values: dict[str, Any]) -> None:
    """Merge into an existing record only fills its empty fields (§8)."""
    empty = {
        k: v
        for k, v in values.items()
        if record.values.get(k) in (None, "") and k != "OwnerId"
    }
    if empty:
        org.store.set(record, {**empty, **stamp(org, org.run_as_id, created=False)})


def convert_lead(
    org: Org,
    lead: Record,
    *,
    with_opportunity: bool,
    account: Record | None,
    contact: Record | None,
    status: str | None,
    opportunity_name: str | None,
) -> Conversion:
    """Convert a lead; raises ValueError for one that is deleted or converted."""
    if lead.sobject != "Lead" or lead.deleted or lead.values.get("IsConverted"):
        raise ValueError(f"{lead.id} is not a live, unconverted lead")
    converted = [s.api_name for s in org.options.lead_statuses if s.converted]
    status = status or (converted[0] if converted else None)
    if status not in converted:
        raise ValueError(f"{status!r} is not a converted lead status")
    ctx = _ctx(org)
    account_values = _mapped(lead, _TO_ACCOUNT, org, "Account")
    if account is None:
        account = create(org, org.catalog["Account"], account_values, ctx)
    else:
        _fill_empty(org, account, account_values)
    contact_values = {
        **_mapped(lead, _TO_CONTACT, org, "Contact"),
        "AccountId": account.id,
    }
    if contact is None:
        contact = create(org, org.catalog["Contact"], contact_values, ctx)
    else:
        _fill_empty(org, contact, contact_values)
    opportunity = None
    if with_opportunity:
        stage = next(s for s in org.options.stages if s.active and not s.closed)
        opp_values = {
            "Name": opportunity_name or f"{lead.values.get('Company')}-",
            "AccountId": account.id,
            "StageName": stage.api_name,
            "CloseDate": today(org.now_ms()),
        }
        for name in ("LeadSource", "OwnerId"):
            if lead.values.get(name) is not None:
                opp_values[name] = lead.values[name]
        if org.options.conversion_copies_custom_fields:
            opp_values |= _mapped(lead, {}, org, "Opportunity")
        opportunity = create(org, org.catalog["Opportunity"], opp_values, ctx)
        if org.options.conversion_adds_contact_role:
            create(
                org,
                org.catalog["OpportunityContactRole"],
                {
                    "OpportunityId": opportunity.id,
                    "ContactId": contact.id,
                    "IsPrimary": True,
                },
                ctx,
            )
    changes: dict[str, Any] = {
        "Status": status,
        "IsConverted": True,
        "ConvertedDate": today(org.now_ms()),
        "ConvertedAccountId": account.id,
        "ConvertedContactId": contact.id,
        "ConvertedOpportunityId": opportunity.id if opportunity else None,
    }
    stamps = stamp(org, org.run_as_id, created=False)
    if not org.options.conversion_moves_last_modified:
        stamps = {"SystemModstamp": stamps["SystemModstamp"]}
    if not org.options.conversion_moves_system_modstamp:
        stamps.pop("SystemModstamp")
    org.store.set(lead, {**changes, **stamps})
    return Conversion(account.id, contact.id, opportunity.id if opportunity else None)


def merge_records(org: Org, master: Record, losers: list[Record]) -> None:
    """Merge up to two losers into ``master`` (Lead, Contact or Account)."""
    obj = org.catalog[master.sobject]
    if not obj.mergeable:
        raise ValueError(f"{obj.name} records cannot be merged")
    if not 1 <= len(losers) <= 2:
        raise ValueError("merge takes one or two records besides the master")
    for loser in losers:
        if loser.sobject != master.sobject or loser.deleted or loser.id == master.id:
            raise ValueError(f"{loser.id} cannot be merged into {master.id}")
    if master.deleted:
        raise ValueError(f"{master.id} is deleted")
    loser_ids = {loser.id for loser in losers}
    _reparent(org, master, loser_ids)
    for loser in losers:
        mark_deleted(org, loser, org.run_as_id, {"MasterRecordId": master.id})
    org.store.set(master, stamp(org, org.run_as_id, created=False))


def _reparent(org: Org, master: Record, loser_ids: set[str]) -> None:
    """Point the losers' children at the master (their stamps move)."""
    skip = {"MasterRecordId", "CreatedById", "LastModifiedById"}
    for obj in org.catalog.values():
        refs = [
            f
            for f in obj.fields
            if f.type == "reference"
            and master.sobject in f.reference_to
            and f.name not in skip
            and not f.name.startswith("Converted")
        ]
        if not refs:
            continue
        for record in org.store.table(obj.name):
            changes = {
                f.name: master.id
                for f in refs
                if record.values.get(f.name) in loser_ids
            }
            if changes and not record.deleted:
                org.store.set(
                    record, {**changes, **stamp(org, org.run_as_id, created=False)}
                )
