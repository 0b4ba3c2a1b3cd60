"""Fields the platform computes on every write, and the writes that follow one.

Name from first and last name; an opportunity's IsClosed / IsWon / forecast and
default probability from its stage (§10); a campaign member's HasResponded from
its status (§13); one primary contact role per opportunity (§13); audit stamps,
so SystemModstamp and LastModifiedDate move on every write (§3).
"""

from __future__ import annotations

from typing import Any

from tests.fakes.salesforce.metadata import FORECAST_NAMES
from tests.fakes.salesforce.org import Org
from tests.fakes.salesforce.store import Record
from tests.fakes.salesforce.timefmt import today

__all__ = ["after_write", "derived", "member_statuses", "stamp"]


def stamp(org: Org, user_id: str, *, created: bool) -> dict[str, Any]:
    """Audit fields for a write now (SystemModstamp at the org's precision)."""
    now = org.now_ms()
    values: dict[str, Any] = {
        "LastModifiedDate": now,
        "LastModifiedById": user_id,
        "SystemModstamp": now,
    }
    if created:
        values |= {"CreatedDate": now, "CreatedById": user_id, "IsDeleted": False}
    return values


def member_statuses(org: Org, campaign_id: str | None) -> list[Record]:
    """The CampaignMemberStatus rows of a campaign."""
    return [
        r
        for r in org.store.table("CampaignMemberStatus")
        if r.values.get("CampaignId") == campaign_id and not r.deleted
    ]


def derived(
    org: Org, sobject: str, merged: dict[str, Any], changes: dict[str, Any]
) -> dict[str, Any]:
    """Computed values for a record whose values will be ``merged``."""
    out: dict[str, Any] = {}
    if sobject in ("Lead", "Contact") and ({"FirstName", "LastName"} & changes.keys()):
        parts = [merged.get("FirstName"), merged.get("LastName")]
        out["Name"] = " ".join(p for p in parts if p)
    if sobject == "Opportunity" and "StageName" in changes:
        stage = org.stages.get(merged.get("StageName") or "")
        if stage is not None:
            out |= {
                "IsClosed": stage.closed,
                "IsWon": stage.won,
                "ForecastCategory": stage.forecast,
                "ForecastCategoryName": FORECAST_NAMES[stage.forecast],
            }
            if "Probability" not in changes:
                out["Probability"] = float(stage.probability)
    if sobject == "CampaignMember":
        out["LeadOrContactId"] = merged.get("ContactId") or merged.get("LeadId")
        statuses = member_statuses(org, merged.get("CampaignId"))
        if merged.get("Status") is None:
            default = next((s for s in statuses if s.values.get("IsDefault")), None)
            if default is not None:
                out["Status"] = default.values["Label"]
        label = out.get("Status", merged.get("Status"))
        row = next((s for s in statuses if s.values.get("Label") == label), None)
        responded = bool(row and row.values.get("HasResponded"))
        out["HasResponded"] = responded
        if responded and merged.get("FirstRespondedDate") is None:
            out["FirstRespondedDate"] = today(org.now_ms())
    return out


def after_write(org: Org, record: Record, user_id: str, *, created: bool) -> None:
    """Writes that follow: the single primary role, a new campaign's statuses."""
    values = record.values
    if record.sobject == "OpportunityContactRole" and values.get("IsPrimary"):
        for other in org.store.table("OpportunityContactRole"):
            if (
                other.id != record.id
                and not other.deleted
                and other.values.get("OpportunityId") == values.get("OpportunityId")
                and other.values.get("IsPrimary")
            ):
                org.store.set(
                    other, {"IsPrimary": False, **stamp(org, user_id, created=False)}
                )
    if record.sobject == "Campaign" and created:
        for order, (label, responded, default) in enumerate(
            (("Sent", False, True), ("Responded", True, False)), start=1
        ):
            status_id = org.ids.new("01Y")
            org.store.insert(
                Record(
                    "CampaignMemberStatus",
                    status_id,
                    {
                        "Id": status_id,
                        "CampaignId": record.id,
                        "Label": label,
                        "HasResponded": responded,
                        "IsDefault": default,
                        "SortOrder": order,
                        **stamp(org, user_id, created=True),
                    },
                )
            )
