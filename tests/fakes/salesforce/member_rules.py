"""Campaign members: a lead or a contact, once per campaign (§13, I12).

Their status must be one the campaign defines; converted leads cannot join.
"""

from __future__ import annotations

from typing import Any

from tests.fakes.salesforce.derive import member_statuses
from tests.fakes.salesforce.errors import RecordError, converted_lead
from tests.fakes.salesforce.org import Org
from tests.fakes.salesforce.schema import ObjectDef
from tests.fakes.salesforce.store import Record

__all__ = ["member_rules"]


def member_rules(
    org: Org,
    obj: ObjectDef,
    merged: dict[str, Any],
    changes: dict[str, Any],
    existing: Record | None,
) -> list[RecordError]:
    """A campaign member's own rules, or none for other objects (§13)."""
    if obj.name != "CampaignMember" or existing is not None:
        if obj.name == "CampaignMember" and "Status" in changes:
            return _member_status(org, merged)
        return []
    problems: list[RecordError] = []
    lead_id = merged.get("LeadId")
    contact_id = merged.get("ContactId")
    if lead_id is None and contact_id is None:
        problems.append(
            RecordError(
                "REQUIRED_FIELD_MISSING",
                "Required fields are missing: [ContactId]",
                ["ContactId"],
            )
        )
    lead = org.store.get(lead_id)
    if lead is not None and lead.values.get("IsConverted"):
        problems.append(converted_lead())
    campaign_id = merged.get("CampaignId")
    member_id = contact_id or lead_id
    for other in org.store.table("CampaignMember"):
        if (
            not other.deleted
            and other.values.get("CampaignId") == campaign_id
            and other.values.get("LeadOrContactId") == member_id
        ):
            problems.append(
                RecordError("DUPLICATE_VALUE", "Already a campaign member.")
            )
            break
    problems.extend(_member_status(org, merged))
    return problems


def _member_status(org: Org, merged: dict[str, Any]) -> list[RecordError]:
    status = merged.get("Status")
    if status is None:
        return []
    labels = {s.values["Label"] for s in member_statuses(org, merged.get("CampaignId"))}
    if status in labels:
        return []
    return [
        RecordError(
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
            f"Status: bad value for restricted picklist field: {status}",
            ["Status"],
        )
    ]
