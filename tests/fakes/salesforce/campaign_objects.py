"""Campaign, CampaignMember and CampaignMemberStatus (§13)."""

from __future__ import annotations

from tests.fakes.salesforce.field_kinds import (
    connector_id,
    flag,
    long_text,
    lookup,
    picklist,
    readonly,
    text,
    typed,
    values_of,
)
from tests.fakes.salesforce.schema import FieldDef, ObjectDef, system_fields

__all__ = ["campaign_member_object", "campaign_object", "member_status_object"]


def campaign_object(unique: bool) -> ObjectDef:
    fields = [
        *system_fields("Campaign"),
        text("Name", "Name", 80, nillable=False, required=True),
        picklist(
            "Type",
            "Type",
            values_of(
                ("Conference", "カンファレンス"),
                ("Webinar", "ウェビナー"),
                ("Trade Show", "展示会"),
                ("Email", "メール"),
                ("Other", "その他"),
            ),
        ),
        picklist(
            "Status",
            "Status",
            values_of(
                ("Planned", "計画中"),
                ("In Progress", "進行中"),
                ("Completed", "完了"),
                ("Aborted", "中止"),
            ),
        ),
        flag("IsActive", "Active"),
        typed("StartDate", "date", "Start Date"),
        typed("EndDate", "date", "End Date"),
        lookup("ParentId", "Parent Campaign ID", "Campaign", "Parent"),
        long_text("Description", "Description"),
        connector_id(unique),
    ]
    return ObjectDef("Campaign", "Campaign", "Campaigns", "701", fields)


def campaign_member_object() -> ObjectDef:
    fields = [
        *system_fields("CampaignMember", owned=False),
        lookup(
            "CampaignId",
            "Campaign ID",
            "Campaign",
            "Campaign",
            nillable=False,
            required=True,
            updateable=False,
        ),
        lookup("LeadId", "Lead ID", "Lead", "Lead", updateable=False),
        lookup("ContactId", "Contact ID", "Contact", "Contact", updateable=False),
        text("Status", "Status", 40),
        FieldDef("HasResponded", "boolean", "Responded", 0, False, False, False),
        readonly("FirstRespondedDate", "date", "First Responded Date"),
        FieldDef(
            "LeadOrContactId",
            "reference",
            "Lead or Contact ID",
            18,
            False,
            False,
            reference_to=("Lead", "Contact"),
        ),
    ]
    return ObjectDef(
        "CampaignMember", "Campaign Member", "Campaign Members", "00v", fields
    )


def member_status_object() -> ObjectDef:
    fields = [
        *system_fields("CampaignMemberStatus", owned=False),
        lookup(
            "CampaignId",
            "Campaign ID",
            "Campaign",
            None,
            nillable=False,
            required=True,
            updateable=False,
        ),
        text("Label", "Member Status", 765, nillable=False, required=True),
        flag("HasResponded", "Responded"),
        flag("IsDefault", "Default"),
        typed("SortOrder", "int", "Sort Order"),
    ]
    return ObjectDef(
        "CampaignMemberStatus",
        "Campaign Member Status",
        "Campaign Member Statuses",
        "01Y",
        fields,
    )
