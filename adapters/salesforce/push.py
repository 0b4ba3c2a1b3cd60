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

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from adapters.protocol import PushOutcome, PushResult, WriteOp
from adapters.salesforce.campaigns import PERSON_FIELDS
from adapters.salesforce.client import SalesforceClient, error_text
from adapters.salesforce.describe import Describer, ObjectInfo
from adapters.salesforce.links import DEAL_LINK_FIELDS
from adapters.salesforce.push_items import (
    Action,
    WriteItem,
    duplicate_ids,
    errors_of,
    invalid,
    rejected,
)
from adapters.salesforce.records import TYPE_FIELD
from adapters.salesforce.redirects import resolve_lookups, to_contacts
from adapters.salesforce.values import ValueProblem, encode_value

__all__ = ["MAX_RECORDS", "Pusher"]

MAX_RECORDS = 200
"""Records per sObject Collections call (more: 400 EXCEEDED_ID_LIMIT)."""

_ROUNDS = 3
"""Sends per record at most: the write, a duplicate's update, a contact's."""


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
        items: list[WriteItem] = []
        for index, op in enumerate(batch):
            prepared = self._prepare(index, op)
            if isinstance(prepared, PushOutcome):
                outcomes[index] = prepared
            else:
                items.append(prepared)
        items = resolve_lookups(self.client, self.describer, items, outcomes)
        for _ in range(_ROUNDS):
            if not items:
                break
            items = self._round(items, outcomes)
        for item in items:
            outcomes[item.index] = rejected(
                item.op, 400, [], f"still refused after {' then '.join(item.via)}"
            )
        return PushResult([outcomes[i] for i in range(len(batch))])

    # -- preparation ---------------------------------------------------------------

    def _sobject(self, op: WriteOp) -> str | PushOutcome:
        if op.id is not None:
            found = self.describer.object_of(op.id)
            if found not in self.sobjects:
                return invalid(
                    op,
                    f"id {op.id!r} is not a {' or '.join(self.sobjects)} id "
                    f"(its key prefix names {found or 'no known object'})",
                )
            return found
        named = op.fields.get(TYPE_FIELD)
        if named:
            if named not in self.sobjects:
                return invalid(op, f"{TYPE_FIELD} {named!r} is not a person object")
            return str(named)
        return self.create_as

    def _prepare(self, index: int, op: WriteOp) -> WriteItem | PushOutcome:
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
                return invalid(
                    op, f"upsert by {op.match_field!r} but the record has no value"
                )
            if op.match_field not in info.fields:
                return invalid(op, f"{sobject} has no field {op.match_field!r}")
        encoded = self._encode(op, info, action)
        if isinstance(encoded, PushOutcome):
            return encoded
        return WriteItem(
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
            if name in (TYPE_FIELD, "Id", *DEAL_LINK_FIELDS, *PERSON_FIELDS):
                continue
            spec = info.fields.get(name)
            if spec is None:
                if name in siblings:
                    continue  # the other person object's field (Lead's Company)
                return invalid(op, f"{info.name} has no field {name!r}")
            writable = spec.createable if action == "create" else spec.updateable
            if action == "upsert":
                writable = spec.createable or spec.updateable
            if not writable and name != op.match_field:
                return invalid(op, f"{info.name}.{name} is read-only")
            try:
                out[name] = encode_value(spec, value)
            except ValueProblem as exc:
                return invalid(op, str(exc))
        return out

    def _sibling_fields(self, sobject: str) -> set[str]:
        names: set[str] = set()
        for other in self.sobjects:
            if other != sobject:
                names |= set(self.describer.describe(other).fields)
        return names

    # -- sending -------------------------------------------------------------------

    def _round(
        self, items: list[WriteItem], outcomes: dict[int, PushOutcome]
    ) -> list[WriteItem]:
        """Send every item once; return the follow-ups (duplicates, conversions)."""
        groups: dict[tuple[Action, str, str | None], list[WriteItem]] = {}
        for item in items:
            groups.setdefault((item.action, item.sobject, item.key_field), []).append(
                item
            )
        again: list[WriteItem] = []
        converted: list[WriteItem] = []
        for (action, sobject, key), group in groups.items():
            for start in range(0, len(group), MAX_RECORDS):
                chunk = group[start : start + MAX_RECORDS]
                self._send(action, sobject, key, chunk, outcomes, again, converted)
        if converted:
            again.extend(to_contacts(self.client, self.describer, converted, outcomes))
        return again

    def _body(self, item: WriteItem) -> dict[str, Any]:
        record: dict[str, Any] = {"attributes": {"type": item.sobject}, **item.fields}
        if item.action == "update":
            record["id"] = item.target
        return record

    def _send(
        self,
        action: Action,
        sobject: str,
        key: str | None,
        chunk: list[WriteItem],
        outcomes: dict[int, PushOutcome],
        again: list[WriteItem],
        converted: list[WriteItem],
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
            outcomes[chunk[0].index] = rejected(
                chunk[0].op, 400, errors_of(response), error_text(response)
            )
            return
        results = self.client.expect(response, (200,), f"{action} {sobject} records")
        for item, result in zip(chunk, results, strict=True):
            self._judge(item, result, outcomes, again, converted)

    def _judge(
        self,
        item: WriteItem,
        result: dict[str, Any],
        outcomes: dict[int, PushOutcome],
        again: list[WriteItem],
        converted: list[WriteItem],
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
            outcomes[item.index] = rejected(item.op, 400, errors, note)
            return
        if "CANNOT_UPDATE_CONVERTED_LEAD" in codes and item.sobject == "Lead":
            converted.append(item)
            return
        outcomes[item.index] = rejected(item.op, 400, errors)
