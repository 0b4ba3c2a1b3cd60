"""What a record needs from other objects: merges, conversions, contact roles.

- **Merges** (§8): a merge deletes the losers with ``MasterRecordId`` set, and
  ``queryAll`` returns them. The loser is not handed out as a record of its
  own; its id goes into the master's ``merged_ids`` (the protocol's way to say
  "these ids are aliases of this record"). A master outside the current page
  is fetched so it is handed out in the same page as its losers.
- **Conversions** (§8): a converted Lead keeps ``ConvertedContactId`` /
  ``ConvertedOpportunityId`` among its fields, and the Contact it became lists
  the lead's id in ``merged_ids``, so the identity map treats the lead as an
  alias of the contact. The leads are looked up by the contact ids of each
  batch (every converted lead once, when every contact is read). A contact
  merged into another takes those leads along: the master lists them too
  (their ``ConvertedContactId`` keeps naming the loser).
- **Deal to person** (§13): an Opportunity carries ``PrimaryContactId`` (its
  primary OpportunityContactRole, else its first), ``ContactIds`` (every role's
  contact), ``ConvertedLeadId`` (the lead converted into it) and ``PersonId``
  (the primary contact, else the converted lead): map ``PersonId`` to the
  canonical ``person_id``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from adapters.salesforce.client import SalesforceClient
from adapters.salesforce.query import run_query
from adapters.salesforce.records import flatten
from adapters.salesforce.soql import id_chunks, select

__all__ = [
    "DEAL_LINK_FIELDS",
    "conversions",
    "converted_into",
    "deal_links",
    "fetch_by_id",
]

DEAL_LINK_FIELDS = ("PersonId", "PrimaryContactId", "ContactIds", "ConvertedLeadId")
"""Fields the adapter adds to every Opportunity record (not Salesforce fields)."""


def _rows(
    client: SalesforceClient, soql: str, what: str, *, deleted: bool
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for batch in run_query(client, soql, what=what, deleted=deleted):
        rows.extend(flatten(r) for r in batch.rows)
    return rows


def fetch_by_id(
    client: SalesforceClient, sobject: str, fields: Sequence[str], ids: Iterable[str]
) -> list[dict[str, Any]]:
    """Rows of ``sobject`` by id, deleted ones too (``queryAll``), flattened."""
    rows: list[dict[str, Any]] = []
    for chunk in id_chunks(list(ids)):
        soql = select(fields, sobject, where=f"Id IN ({chunk})")
        rows.extend(_rows(client, soql, f"read {sobject} by id", deleted=True))
    return rows


def conversions(client: SalesforceClient) -> dict[str, list[str]]:
    """Contact id -> ids of the leads converted into it: every converted lead.

    For a read of every contact (no watermark), where one query over the
    converted leads costs less than a lookup per batch of contacts.
    """
    soql = "SELECT Id, ConvertedContactId FROM Lead WHERE IsConverted = true"
    return _by_contact(_rows(client, soql, "read converted leads", deleted=False))


def converted_into(
    client: SalesforceClient, contact_ids: Sequence[str]
) -> dict[str, list[str]]:
    """Contact id -> ids of the leads converted into one of ``contact_ids``.

    Asked by contact id, not by the leads' SystemModstamp, so it holds whether
    or not a conversion moves the lead's stamp and however far the Lead
    watermark is ahead of the Contact one; no contacts cost no request.
    """
    rows: list[dict[str, Any]] = []
    for chunk in id_chunks(contact_ids):
        soql = select(
            ("Id", "ConvertedContactId"),
            "Lead",
            where=f"IsConverted = true AND ConvertedContactId IN ({chunk})",
        )
        rows.extend(_rows(client, soql, "read converted leads", deleted=False))
    return _by_contact(rows)


def _by_contact(rows: Iterable[dict[str, Any]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for row in rows:
        contact = row.get("ConvertedContactId")
        if contact:
            found.setdefault(str(contact), []).append(str(row["Id"]))
    return found


def deal_links(
    client: SalesforceClient, opportunity_ids: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """Opportunity id -> its :data:`DEAL_LINK_FIELDS` values."""
    roles: dict[str, list[dict[str, Any]]] = {}
    leads: dict[str, str] = {}
    for chunk in id_chunks(opportunity_ids):
        soql = select(
            ("OpportunityId", "ContactId", "IsPrimary"),
            "OpportunityContactRole",
            where=f"OpportunityId IN ({chunk})",
            order="CreatedDate, Id",
        )
        for row in _rows(client, soql, "read contact roles", deleted=False):
            roles.setdefault(str(row["OpportunityId"]), []).append(row)
        soql = select(
            ("Id", "ConvertedOpportunityId"),
            "Lead",
            where=f"ConvertedOpportunityId IN ({chunk})",
        )
        for row in _rows(client, soql, "read converted leads", deleted=False):
            leads.setdefault(str(row["ConvertedOpportunityId"]), str(row["Id"]))
    links: dict[str, dict[str, Any]] = {}
    for opportunity in opportunity_ids:
        mine = roles.get(opportunity, [])
        contacts = [str(r["ContactId"]) for r in mine if r.get("ContactId")]
        primary = next(
            (
                str(r["ContactId"])
                for r in mine
                if r.get("IsPrimary") and r.get("ContactId")
            ),
            contacts[0] if contacts else None,
        )
        lead = leads.get(opportunity)
        links[opportunity] = {
            "PersonId": primary or lead,
            "PrimaryContactId": primary,
            "ContactIds": contacts,
            "ConvertedLeadId": lead,
        }
    return links
