"""Campaign influence: the campaign of a person and of a deal (§13, §10).

Opt-in (``[sfa.campaigns] enabled = true``), since it costs requests and needs
read access to Campaign and CampaignMember.

- **Persons**: a Lead or Contact is a member of campaigns through
  CampaignMember rows (``LeadId`` / ``ContactId``, ``HasResponded``,
  ``FirstRespondedDate``). Its *touches* are those rows (responded ones only,
  by default), ordered by when they happened: the first response, else when
  the member was added. The record gets :data:`PERSON_FIELDS`: the picked
  touch's ``CampaignId`` and ``CampaignName`` (the latest touch, or the first),
  whether and when it was responded to, and ``Campaigns``, every touched
  campaign's name in order. Map ``CampaignName`` to the canonical ``campaign``.
- **Deals**: an Opportunity's own ``CampaignId`` is its primary campaign; the
  record gets its ``CampaignName``.

Both are looked up per page in ``IN (...)`` lists (members by person id,
campaign names by campaign id, each name once per pull), so the cost is about
one request per 370 persons, and nothing for a page with no persons.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from adapters.salesforce.client import SalesforceClient
from adapters.salesforce.query import run_query
from adapters.salesforce.records import flatten, parse_datetime
from adapters.salesforce.soql import id_chunks, select

__all__ = [
    "DEAL_FIELDS",
    "MEMBER_OBJECT",
    "PERSON_FIELDS",
    "CampaignNames",
    "Touch",
    "member_key",
    "person_fields",
    "touches",
]

MEMBER_OBJECT = "CampaignMember"

PERSON_FIELDS = (
    "CampaignId",
    "CampaignName",
    "CampaignResponded",
    "CampaignFirstRespondedDate",
    "Campaigns",
)
"""Fields the adapter adds to every Lead and Contact (not Salesforce fields)."""

DEAL_FIELDS = ("CampaignName",)
"""Added to every Opportunity, next to its own ``CampaignId``."""

_MEMBER_FIELDS = (
    "Id",
    "CampaignId",
    "LeadId",
    "ContactId",
    "HasResponded",
    "FirstRespondedDate",
    "CreatedDate",
)


@dataclass(frozen=True, slots=True)
class Touch:
    """One campaign membership of a person."""

    campaign_id: str
    responded: bool
    first_responded: str | None
    created: datetime | None
    member_id: str

    def order(self) -> tuple[str, str, str]:
        """When it happened: the first response (a date), else the membership."""
        added = self.created.date().isoformat() if self.created else ""
        moment = self.first_responded or added
        stamp = self.created.isoformat() if self.created else ""
        return (moment, stamp, self.member_id)


def member_key(sobject: str) -> str:
    """The CampaignMember field naming a person of ``sobject``."""
    return "ContactId" if sobject == "Contact" else "LeadId"


def touches(
    client: SalesforceClient,
    sobject: str,
    person_ids: Sequence[str],
    *,
    responded_only: bool,
) -> dict[str, list[Touch]]:
    """Person id -> its live campaign memberships, oldest touch first."""
    key = member_key(sobject)
    found: dict[str, list[Touch]] = {}
    for chunk in id_chunks(person_ids):
        where = f"{key} IN ({chunk})"
        if responded_only:
            where += " AND HasResponded = true"
        soql = select(_MEMBER_FIELDS, MEMBER_OBJECT, where=where)
        for batch in run_query(
            client, soql, what="read campaign members", deleted=False
        ):
            for raw in batch.rows:
                row = flatten(raw)
                person, campaign = row.get(key), row.get("CampaignId")
                if not person or not campaign:
                    continue
                found.setdefault(str(person), []).append(
                    Touch(
                        str(campaign),
                        bool(row.get("HasResponded")),
                        _date_text(row.get("FirstRespondedDate")),
                        parse_datetime(row.get("CreatedDate")),
                        str(row["Id"]),
                    )
                )
    for rows in found.values():
        rows.sort(key=Touch.order)
    return found


def person_fields(
    mine: Sequence[Touch],
    names: dict[str, str],
    pick: Literal["latest", "first"],
) -> dict[str, Any]:
    """The :data:`PERSON_FIELDS` values of one person from its touches."""
    if not mine:
        return {
            "CampaignId": None,
            "CampaignName": None,
            "CampaignResponded": None,
            "CampaignFirstRespondedDate": None,
            "Campaigns": [],
        }
    chosen = mine[-1] if pick == "latest" else mine[0]
    ordered = [names.get(t.campaign_id) for t in mine]
    return {
        "CampaignId": chosen.campaign_id,
        "CampaignName": names.get(chosen.campaign_id),
        "CampaignResponded": chosen.responded,
        "CampaignFirstRespondedDate": chosen.first_responded,
        "Campaigns": list(dict.fromkeys(n for n in ordered if n)),
    }


class CampaignNames:
    """Campaign id -> name, each asked for once per pull, in ``IN (...)`` lists."""

    def __init__(self, client: SalesforceClient) -> None:
        self.client = client
        self._names: dict[str, str] = {}
        self._asked: set[str] = set()

    def names(self, campaign_ids: Sequence[str]) -> dict[str, str]:
        """Names of ``campaign_ids`` (a deleted or unreadable campaign has none)."""
        new = [c for c in dict.fromkeys(campaign_ids) if c and c not in self._asked]
        for chunk in id_chunks(new):
            soql = select(("Id", "Name"), "Campaign", where=f"Id IN ({chunk})")
            for batch in run_query(
                self.client, soql, what="read campaigns", deleted=False
            ):
                for row in batch.rows:
                    if row.get("Name") is not None:
                        self._names[str(row["Id"])] = str(row["Name"])
        self._asked.update(new)
        return {c: self._names[c] for c in campaign_ids if c in self._names}


def _date_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:10]
