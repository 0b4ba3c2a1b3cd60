"""Writing persons through sObject Collections, one outcome per record (§6, §7).

A WriteOp with ``id`` is an update (its key prefix says Lead or Contact), one
with ``match_field`` an upsert, one with neither a create (as
``persons.create_as``, or the ``sObjectType`` it names). Upserts on an
external-id field (``Connector_Id__c``) go to
``PATCH /composite/sobjects/{Type}/{Field}``; on any other field (an e-mail)
the records are looked up first and then updated or created. Every call
carries at most 200 records with ``allOrNone: false``, so one refused record
fails alone: its ``statusCode`` and message become its outcome.

Two refusals are resolved instead of failed:

- ``DUPLICATES_DETECTED`` (a duplicate rule, §12): the rule's
  ``duplicateResult`` names the existing record, which is updated instead and
  reported as the record's id. Without that detail the record fails, saying so.
- ``CANNOT_UPDATE_CONVERTED_LEAD`` (§8): the lead became a contact, so the
  write goes to ``ConvertedContactId`` (with the fields a Contact has) and the
  contact's id is reported.

Values go through describe first (:mod:`adapters.salesforce.values`): a
restricted picklist gets its API value, never a label.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import httpx

from adapters.protocol import PushOutcome, PushResult, WriteOp
from adapters.salesforce.client import SalesforceClient, error_text
from adapters.salesforce.describe import Describer, ObjectInfo
from adapters.salesforce.links import DEAL_LINK_FIELDS
from adapters.salesforce.query import run_query
from adapters.salesforce.records import TYPE_FIELD, flatten
from adapters.salesforce.soql import id_chunks, select
from adapters.salesforce.values import ValueProblem, encode_value

__all__ = ["MAX_RECORDS", "Pusher", "duplicate_ids"]

MAX_RECORDS = 200
"""Records per sObject Collections call (more: 400 EXCEEDED_ID_LIMIT)."""

_ROUNDS = 3
"""Sends per record at most: the write, a duplicate's update, a contact's."""

Action = Literal["create", "update", "upsert"]


@dataclass
class _Item:
    index: int
    op: WriteOp
    sobject: str
    action: Action
    fields: dict[str, Any]
    key_field: str | None = None
    target: str | None = None
    via: list[str] = field(default_factory=list)
    """How the record was redirected (duplicate, converted lead)."""


def duplicate_ids(error: dict[str, Any]) -> list[str]:
    """Ids of the existing records a DUPLICATES_DETECTED error names."""
    result = error.get("duplicateResult") or {}
    found: list[str] = []
    for match in result.get("matchResults") or []:
        for candidate in (match or {}).get("matchRecords") or []:
            record = (candidate or {}).get("record") or {}
            record_id = record.get("Id") or record.get("id")
            if record_id and str(record_id) not in found:
                found.append(str(record_id))
    return found


class Pusher:
    """Sends WriteOps of persons and turns Salesforce's answers into outcomes.

    Args:
        client: the session.
        describer: field types, picklists and key prefixes.
        sobjects: the objects persons may be written to.
        create_as: the object new persons are created as.
        allow_save: send ``Sforce-Duplicate-Rule-Header: allowSave=true`` so an
            *alert* duplicate rule lets the write through (a *block* rule never).
    """

    def __init__(
        self,
        client: SalesforceClient,
        describer: Describer,
        *,
        sobjects: Sequence[str],
        create_as: str,
        allow_save: bool = False,
    ) -> None:
        self.client = client
        self.describer = describer
        self.sobjects = tuple(sobjects)
        self.create_as = create_as
        self._headers = (
            {"Sforce-Duplicate-Rule-Header": "allowSave=true"} if allow_save else {}
        )

    def push(self, batch: Sequence[WriteOp]) -> PushResult:
        """Write a batch; refused records become failed outcomes, in batch order."""
        outcomes: dict[int, PushOutcome] = {}
        items: list[_Item] = []
        for index, op in enumerate(batch):
            prepared = self._prepare(index, op)
            if isinstance(prepared, PushOutcome):
                outcomes[index] = prepared
            else:
                items.append(prepared)
        items = self._resolve_lookups(items, outcomes)
        for _ in range(_ROUNDS):
            if not items:
                break
            items = self._round(items, outcomes)
        for item in items:
            outcomes[item.index] = _rejected(
                item.op, 400, [], f"still refused after {' then '.join(item.via)}"
            )
        return PushResult([outcomes[i] for i in range(len(batch))])

    # -- preparation ---------------------------------------------------------------

    def _sobject(self, op: WriteOp) -> str | PushOutcome:
        if op.id is not None:
            found = self.describer.object_of(op.id)
            if found not in self.sobjects:
                return _invalid(
                    op,
                    f"id {op.id!r} is not a {' or '.join(self.sobjects)} id "
                    f"(its key prefix names {found or 'no known object'})",
                )
            return found
        named = op.fields.get(TYPE_FIELD)
        if named:
            if named not in self.sobjects:
                return _invalid(op, f"{TYPE_FIELD} {named!r} is not a person object")
            return str(named)
        return self.create_as

    def _prepare(self, index: int, op: WriteOp) -> _Item | PushOutcome:
        sobject = self._sobject(op)
        if isinstance(sobject, PushOutcome):
            return sobject
        info = self.describer.describe(sobject)
        action: Action = "create"
        if op.id is not None:
            action = "update"
        elif op.match_field is not None:
            action = "upsert"
            if op.fields.get(op.match_field) in (None, ""):
                return _invalid(
                    op, f"upsert by {op.match_field!r} but the record has no value"
                )
            if op.match_field not in info.fields:
                return _invalid(op, f"{sobject} has no field {op.match_field!r}")
        encoded = self._encode(op, info, action)
        if isinstance(encoded, PushOutcome):
            return encoded
        return _Item(
            index,
            op,
            sobject,
            action,
            encoded,
            key_field=op.match_field if action == "upsert" else None,
            target=op.id,
        )

    def _encode(
        self, op: WriteOp, info: ObjectInfo, action: Action
    ) -> dict[str, Any] | PushOutcome:
        out: dict[str, Any] = {}
        siblings = self._sibling_fields(info.name)
        for name, value in op.fields.items():
            if name in (TYPE_FIELD, "Id", *DEAL_LINK_FIELDS):
                continue
            spec = info.fields.get(name)
            if spec is None:
                if name in siblings:
                    continue  # the other person object's field (Lead's Company)
                return _invalid(op, f"{info.name} has no field {name!r}")
            writable = spec.createable if action == "create" else spec.updateable
            if action == "upsert":
                writable = spec.createable or spec.updateable
            if not writable and name != op.match_field:
                return _invalid(op, f"{info.name}.{name} is read-only")
            try:
                out[name] = encode_value(spec, value)
            except ValueProblem as exc:
                return _invalid(op, str(exc))
        return out

    def _sibling_fields(self, sobject: str) -> set[str]:
        names: set[str] = set()
        for other in self.sobjects:
            if other != sobject:
                names |= set(self.describer.describe(other).fields)
        return names

    def _resolve_lookups(
        self, items: list[_Item], outcomes: dict[int, PushOutcome]
    ) -> list[_Item]:
        """Upserts on a field that is no external id: find the records first."""
        out: list[_Item] = []
        groups: dict[tuple[str, str], list[_Item]] = {}
        for item in items:
            if item.action == "upsert" and item.key_field is not None:
                spec = self.describer.describe(item.sobject).fields[item.key_field]
                if not spec.external_id and item.key_field != "Id":
                    groups.setdefault((item.sobject, item.key_field), []).append(item)
                    continue
            out.append(item)
        for (sobject, key), group in groups.items():
            found = self._find(sobject, key, [str(i.fields[key]) for i in group])
            for item in group:
                ids = found.get(str(item.fields[key]).casefold(), [])
                if len(ids) > 1:
                    outcomes[item.index] = _invalid(
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

    def _find(self, sobject: str, key: str, values: list[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for chunk in id_chunks(values):
            soql = select(("Id", key), sobject, where=f"{key} IN ({chunk})")
            for batch in run_query(
                self.client, soql, what=f"find {sobject} by {key}", deleted=False
            ):
                for row in batch.rows:
                    value = str(row.get(key) or "").casefold()
                    found.setdefault(value, []).append(str(row["Id"]))
        return found

    # -- sending -------------------------------------------------------------------

    def _round(
        self, items: list[_Item], outcomes: dict[int, PushOutcome]
    ) -> list[_Item]:
        """Send every item once; return the follow-ups (duplicates, conversions)."""
        groups: dict[tuple[Action, str, str | None], list[_Item]] = {}
        for item in items:
            groups.setdefault((item.action, item.sobject, item.key_field), []).append(
                item
            )
        again: list[_Item] = []
        converted: list[_Item] = []
        for (action, sobject, key), group in groups.items():
            for start in range(0, len(group), MAX_RECORDS):
                chunk = group[start : start + MAX_RECORDS]
                self._send(action, sobject, key, chunk, outcomes, again, converted)
        if converted:
            again.extend(self._to_contacts(converted, outcomes))
        return again

    def _body(self, item: _Item) -> dict[str, Any]:
        record: dict[str, Any] = {"attributes": {"type": item.sobject}, **item.fields}
        if item.action == "update":
            record["id"] = item.target
        return record

    def _send(
        self,
        action: Action,
        sobject: str,
        key: str | None,
        chunk: list[_Item],
        outcomes: dict[int, PushOutcome],
        again: list[_Item],
        converted: list[_Item],
    ) -> None:
        body = {"allOrNone": False, "records": [self._body(i) for i in chunk]}
        if action == "create":
            method, path = "POST", "/composite/sobjects"
        elif action == "update":
            method, path = "PATCH", "/composite/sobjects"
        else:
            method, path = "PATCH", f"/composite/sobjects/{sobject}/{key}"
        response = self.client.request(method, path, json=body, headers=self._headers)
        if response.status_code == 400 and len(chunk) > 1:
            # A malformed request is refused whole: halve until the bad one is alone.
            middle = len(chunk) // 2
            for part in (chunk[:middle], chunk[middle:]):
                self._send(action, sobject, key, part, outcomes, again, converted)
            return
        if response.status_code == 400:
            outcomes[chunk[0].index] = _rejected(
                chunk[0].op, 400, _errors_of(response), error_text(response)
            )
            return
        results = self.client.expect(response, (200,), f"{action} {sobject} records")
        for item, result in zip(chunk, results, strict=True):
            self._judge(item, result, outcomes, again, converted)

    def _judge(
        self,
        item: _Item,
        result: dict[str, Any],
        outcomes: dict[int, PushOutcome],
        again: list[_Item],
        converted: list[_Item],
    ) -> None:
        if result.get("success"):
            created = item.action == "create" or bool(result.get("created"))
            outcomes[item.index] = PushOutcome(
                item.op.key, True, id=str(result.get("id")), created=created
            )
            return
        errors = [e for e in result.get("errors") or [] if isinstance(e, dict)]
        codes = [str(e.get("statusCode")) for e in errors]
        if "DUPLICATES_DETECTED" in codes:
            existing = duplicate_ids(errors[codes.index("DUPLICATES_DETECTED")])
            if existing and existing[0] != item.target:
                again.append(
                    replace(
                        item,
                        action="update",
                        target=existing[0],
                        key_field=None,
                        sobject=self.describer.object_of(existing[0]) or item.sobject,
                        via=[*item.via, f"duplicate of {existing[0]}"],
                    )
                )
                return
            note = (
                "a duplicate rule refused it and named no existing record: let the "
                "rule alert instead of block, or merge the duplicates in Salesforce"
            )
            outcomes[item.index] = _rejected(item.op, 400, errors, note)
            return
        if "CANNOT_UPDATE_CONVERTED_LEAD" in codes and item.sobject == "Lead":
            converted.append(item)
            return
        outcomes[item.index] = _rejected(item.op, 400, errors)

    def _to_contacts(
        self, items: list[_Item], outcomes: dict[int, PushOutcome]
    ) -> list[_Item]:
        """Writes refused by converted leads, redirected to the contacts they became."""
        by_id = [i for i in items if i.target]
        by_key: dict[str, list[_Item]] = {}
        for item in items:
            if not item.target and item.key_field:
                by_key.setdefault(item.key_field, []).append(item)
        leads: dict[str, dict[str, Any]] = {}
        for chunk in id_chunks([str(i.target) for i in by_id]):
            leads.update(self._leads(f"Id IN ({chunk})", "Id"))
        for key, group in by_key.items():
            for chunk in id_chunks([str(i.fields[key]) for i in group]):
                leads.update(self._leads(f"{key} IN ({chunk})", key))
        contact_info = self.describer.describe("Contact")
        again: list[_Item] = []
        for item in items:
            lookup = item.target or str(item.fields.get(item.key_field or "", ""))
            lead = leads.get(lookup) or leads.get(lookup.casefold())
            contact = (lead or {}).get("ConvertedContactId")
            if not contact:
                outcomes[item.index] = _rejected(
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

    def _leads(self, where: str, key: str) -> dict[str, dict[str, Any]]:
        fields = (
            ("Id", "ConvertedContactId")
            if key == "Id"
            else ("Id", "ConvertedContactId", key)
        )
        found: dict[str, dict[str, Any]] = {}
        soql = select(fields, "Lead", where=where)
        for batch in run_query(self.client, soql, what="read converted leads"):
            for raw in batch.rows:
                row = flatten(raw)
                value = str(row.get(key) or "")
                found[value if key == "Id" else value.casefold()] = row
        return found


def _errors_of(response: httpx.Response) -> list[dict[str, Any]]:
    try:
        body = response.json()
    except ValueError:
        return []
    return [
        e for e in (body if isinstance(body, list) else [body]) if isinstance(e, dict)
    ]


def _invalid(op: WriteOp, reason: str) -> PushOutcome:
    return PushOutcome(op.key, False, id=op.id, error=reason, kind="invalid")


def _rejected(
    op: WriteOp, status: int, errors: list[dict[str, Any]], note: str | None = None
) -> PushOutcome:
    parts = []
    for error in errors:
        code = error.get("statusCode") or error.get("errorCode")
        text = f"{code}: {error.get('message')}"
        if error.get("fields"):
            text += f" ({', '.join(map(str, error['fields']))})"
        parts.append(text)
    message = "; ".join(parts) or "Salesforce refused the record"
    if note:
        message = f"{message} ({note})" if parts else note
    return PushOutcome(
        op.key,
        False,
        id=op.id,
        error=message,
        kind="rejected",
        status=status,
        body=json.dumps(errors, ensure_ascii=False)[:2000] if errors else None,
    )
