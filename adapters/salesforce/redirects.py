"""Where a write goes when it cannot go where it was aimed.

- An upsert on a field that is no external id (an e-mail): the records are
  looked up first, then updated (one match) or created (none); several
  matches make the record invalid rather than a guess.
- A write refused with ``CANNOT_UPDATE_CONVERTED_LEAD`` (§8): the lead became a
  contact, so the write goes to ``ConvertedContactId``, with only the fields a
  Contact has.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from adapters.protocol import PushOutcome
from adapters.salesforce.client import SalesforceClient
from adapters.salesforce.describe import Describer
from adapters.salesforce.push_items import WriteItem, invalid, rejected
from adapters.salesforce.query import run_query
from adapters.salesforce.records import flatten
from adapters.salesforce.soql import id_chunks, select

__all__ = ["resolve_lookups", "to_contacts"]


def resolve_lookups(
    client: SalesforceClient,
    describer: Describer,
    items: list[WriteItem],
    outcomes: dict[int, PushOutcome],
) -> list[WriteItem]:
    """Upserts on a field that is no external id: find the records first."""
    out: list[WriteItem] = []
    groups: dict[tuple[str, str], list[WriteItem]] = {}
    for item in items:
        if item.action == "upsert" and item.key_field is not None:
            spec = describer.describe(item.sobject).fields[item.key_field]
            if not spec.external_id and item.key_field != "Id":
                groups.setdefault((item.sobject, item.key_field), []).append(item)
                continue
        out.append(item)
    for (sobject, key), group in groups.items():
        found = _find(client, sobject, key, [str(i.fields[key]) for i in group])
        for item in group:
            ids = found.get(str(item.fields[key]).casefold(), [])
            if len(ids) > 1:
                outcomes[item.index] = invalid(
                    item.op,
                    f"{len(ids)} {sobject} records have {key} = "
                    f"{item.fields[key]!r}: {', '.join(ids[:5])}; merge them "
                    "or upsert on the external-id field",
                )
            elif ids:
                out.append(replace(item, action="update", target=ids[0]))
            else:
                out.append(replace(item, action="create", key_field=None))
    return out


def _find(
    client: SalesforceClient, sobject: str, key: str, values: list[str]
) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for chunk in id_chunks(values):
        soql = select(("Id", key), sobject, where=f"{key} IN ({chunk})")
        for batch in run_query(
            client, soql, what=f"find {sobject} by {key}", deleted=False
        ):
            for row in batch.rows:
                value = str(row.get(key) or "").casefold()
                found.setdefault(value, []).append(str(row["Id"]))
    return found


def to_contacts(
    client: SalesforceClient,
    describer: Describer,
    items: list[WriteItem],
    outcomes: dict[int, PushOutcome],
) -> list[WriteItem]:
    """Writes refused by converted leads, redirected to the contacts they became."""
    by_id = [i for i in items if i.target]
    by_key: dict[str, list[WriteItem]] = {}
    for item in items:
        if not item.target and item.key_field:
            by_key.setdefault(item.key_field, []).append(item)
    leads: dict[str, dict[str, Any]] = {}
    for chunk in id_chunks([str(i.target) for i in by_id]):
        leads.update(_leads(client, f"Id IN ({chunk})", "Id"))
    for key, group in by_key.items():
        for chunk in id_chunks([str(i.fields[key]) for i in group]):
            leads.update(_leads(client, f"{key} IN ({chunk})", key))
    contact_info = describer.describe("Contact")
    again: list[WriteItem] = []
    for item in items:
        lookup = item.target or str(item.fields.get(item.key_field or "", ""))
        lead = leads.get(lookup) or leads.get(lookup.casefold())
        contact = (lead or {}).get("ConvertedContactId")
        if not contact:
            outcomes[item.index] = rejected(
                item.op, 400, [], "the lead is converted and names no contact"
            )
            continue
        fields = {k: v for k, v in item.fields.items() if k in contact_info.fields}
        again.append(
            replace(
                item,
                sobject="Contact",
                action="update",
                target=str(contact),
                key_field=None,
                fields=fields,
                via=[*item.via, f"converted to contact {contact}"],
            )
        )
    return again


def _leads(client: SalesforceClient, where: str, key: str) -> dict[str, dict[str, Any]]:
    fields = (
        ("Id", "ConvertedContactId")
        if key == "Id"
        else ("Id", "ConvertedContactId", key)
    )
    found: dict[str, dict[str, Any]] = {}
    soql = select(fields, "Lead", where=where)
    for batch in run_query(client, soql, what="read converted leads"):
        for raw in batch.rows:
            row = flatten(raw)
            value = str(row.get(key) or "")
            found[value if key == "Id" else value.casefold()] = row
    return found
