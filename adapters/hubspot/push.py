"""Writing contacts and deals in batches of 100, one outcome per record.

Contacts: a WriteOp with ``id`` is a batch update, one with ``match_field`` (email)
a batch upsert, one with neither a batch create. Several WriteOps for one object
(a lead's update and its deal's outcome for one contact) are folded into one input
first: HubSpot refuses a batch naming one id twice ("Duplicate IDs found in batch
input").

Every input carries an ``objectWriteTraceId`` so a batch create can answer 207
with per-input errors. Results come back in any order; they are matched to inputs
by the trace id where HubSpot echoes it, else by object id (update), by the
``idProperty`` value (upsert) or by the values written (create). HubSpot documents
the echo for creates only, so a 200 without it is still an applied write. A batch
refused whole for one bad input (400) is halved until the bad input stands alone,
so every other input is written. A create refused with 409 "Contact already
exists. Existing ID: N" is linked to N (and N is updated) rather than failed.

A backward lifecycle stage (``WriteOp.allow_backward`` with a lifecyclestage) is
cleared in one request and set in a later, separate one: HubSpot does not move
``lifecyclestage`` backwards and does not process a batch in order.

Deals: created with pipeline and stage *ids* (labels are refused before sending)
and associated to their contacts (type 3) in the same create.
"""

from __future__ import annotations

import contextvars
import json
import re
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from adapters.hubspot.client import HubSpotClient, error_message
from adapters.hubspot.paths import ObjectType, api_path
from adapters.hubspot.values import to_property_value
from adapters.protocol import PushOutcome, PushResult, WriteOp

__all__ = ["DEAL_TO_CONTACT", "Pusher"]

DEAL_TO_CONTACT = 3
"""HubSpot-defined association type id, deal -> contact."""

_EXISTING_ID = re.compile(r"Existing ID:\s*(\d+)")

Action = Literal["create", "update", "upsert"]


@dataclass
class _Input:
    index: int
    op: WriteOp
    action: Action
    properties: dict[str, str]
    backward: bool = False
    associations: list[dict[str, Any]] = field(default_factory=list)
    folded: list[_Input] = field(default_factory=list)
    """Later inputs for the same object, sent inside this one."""

    def target(self) -> str | None:
        """The object this input writes, when known before sending."""
        if self.action == "update":
            return f"id:{self.op.id}"
        if self.action == "upsert":
            key = self.op.match_field or "email"
            return f"{key}:{_norm(self.properties.get(key))}"
        return None


class Pusher:
    """Sends WriteOps for one adapter and turns HubSpot's answers into outcomes.

    Args:
        client: the HubSpot session.
        stages: returns pipeline id -> set of stage ids (live, cached by caller).
    """

    def __init__(
        self, client: HubSpotClient, stages: Callable[[], Mapping[str, set[str]]]
    ) -> None:
        self.client = client
        self._stages = stages
        self._version = client.settings.api_version
        self._size = client.settings.batch_size
        self._in_flight = client.settings.max_in_flight

    def push(self, object_type: ObjectType, batch: Sequence[WriteOp]) -> PushResult:
        """Write a batch; failures become failed outcomes, never exceptions."""
        outcomes: dict[int, PushOutcome] = {}
        prepared_inputs: list[_Input] = []
        for index, op in enumerate(batch):
            prepared = self._prepare(object_type, index, op)
            if isinstance(prepared, PushOutcome):
                outcomes[index] = prepared
            else:
                prepared_inputs.append(prepared)
        inputs = _fold(prepared_inputs)
        backward = [i for i in inputs if i.backward and i.action != "create"]
        if backward:
            self._clear_lifecycle(object_type, backward, outcomes)
        for action in ("update", "upsert", "create"):
            chosen = [
                i for i in inputs if i.action == action and i.index not in outcomes
            ]
            chunks = [
                chosen[start : start + self._size]
                for start in range(0, len(chosen), self._size)
            ]
            self._send_all(object_type, action, chunks, outcomes)
        linked = [
            i
            for i in inputs
            if i.action == "update" and i.associations and outcomes[i.index].ok
        ]
        if linked:
            self._associate(linked, outcomes)
        for carrier in inputs:
            outcome = outcomes[carrier.index]
            for follower in carrier.folded:
                outcomes[follower.index] = replace(outcome, key=follower.op.key)
        return PushResult([outcomes[i] for i in range(len(batch))])

    # -- preparation ---------------------------------------------------------------

    def _prepare(
        self, object_type: ObjectType, index: int, op: WriteOp
    ) -> _Input | PushOutcome:
        properties = {k: to_property_value(v) for k, v in op.fields.items()}
        if op.id is not None:
            action: Action = "update"
        elif op.match_field is not None:
            action = "upsert"
            if not properties.get(op.match_field):
                return _invalid(
                    op,
                    f"upsert by {op.match_field!r} but the record has "
                    f"no {op.match_field} value",
                )
        else:
            action = "create"
        # HubSpot keeps a later lifecycle stage unless it is cleared first; a
        # backward move that writes no lifecycle stage has nothing to force.
        backward = op.allow_backward and bool(properties.get("lifecyclestage"))
        item = _Input(index, op, action, properties, backward)
        if object_type == "deals":
            problem = self._check_deal(properties, action)
            if problem:
                return _invalid(op, problem)
            item.associations = [
                {
                    "to": {"id": target},
                    "types": [
                        {
                            "associationCategory": "HUBSPOT_DEFINED",
                            "associationTypeId": DEAL_TO_CONTACT,
                        }
                    ],
                }
                for entity, target in op.associations
                if entity == "persons"
            ]
        return item

    def _check_deal(self, properties: dict[str, str], action: Action) -> str | None:
        stage = properties.get("dealstage")
        if action == "create" and not stage:
            return "a new deal needs a dealstage (stage id)"
        if not stage:
            return None
        stages = self._stages()
        pipeline = properties.get("pipeline") or "default"
        if pipeline not in stages:
            return (
                f"pipeline {pipeline!r} is not a pipeline id; known ids: "
                f"{', '.join(sorted(stages))}"
            )
        if stage not in stages[pipeline]:
            return (
                f"dealstage {stage!r} is not a stage id of pipeline {pipeline!r} "
                f"(labels are not accepted); known ids: "
                f"{', '.join(sorted(stages[pipeline]))}"
            )
        return None

    # -- sending -------------------------------------------------------------------

    def _body(self, item: _Input, properties: dict[str, str]) -> dict[str, Any]:
        body: dict[str, Any] = {
            "properties": properties,
            "objectWriteTraceId": str(item.index),
        }
        if item.action == "update":
            body["id"] = item.op.id
        elif item.action == "upsert":
            body["id"] = properties[item.op.match_field or "email"]
            body["idProperty"] = item.op.match_field
        elif item.associations:
            body["associations"] = item.associations
        return body

    def _post(
        self, object_type: ObjectType, action: str, bodies: list[dict[str, Any]]
    ) -> tuple[int, dict[str, Any]]:
        path = api_path("batch", self._version, object_type, action)
        response = self.client.request("POST", path, json={"inputs": bodies})
        if response.status_code in (200, 201, 207):
            return response.status_code, response.json()
        if response.status_code == 403:
            self.client.expect(response, (200,), f"batch {action} {object_type}")
        return response.status_code, {
            "message": error_message(response),
            "raw": response.text[:1000],
        }

    def _clear_lifecycle(
        self,
        object_type: ObjectType,
        items: list[_Input],
        outcomes: dict[int, PushOutcome],
    ) -> None:
        """Request one: empty the stage, so request two may set an earlier one."""
        for action in ("update", "upsert"):
            chosen = [i for i in items if i.action == action]
            for start in range(0, len(chosen), self._size):
                chunk = chosen[start : start + self._size]
                bodies = []
                for item in chunk:
                    clear = {"lifecyclestage": ""}
                    if action == "upsert":
                        key = item.op.match_field or "email"
                        clear[key] = item.properties[key]
                    bodies.append(self._body(item, clear))
                status, payload = self._post(object_type, action, bodies)
                matched = _match(chunk, status, payload)
                for item in chunk:
                    result, problem = matched.get(item.index, (None, None))
                    if result is None and problem is None and status >= 300:
                        problem = payload
                    if problem is not None:
                        outcomes[item.index] = _rejected(
                            item.op,
                            status,
                            problem,
                            "clearing lifecyclestage before a backward move failed",
                        )

    def _send_all(
        self,
        object_type: ObjectType,
        action: Action,
        chunks: list[list[_Input]],
        outcomes: dict[int, PushOutcome],
    ) -> None:
        """Send batch requests, up to ``max_in_flight`` at once.

        Each chunk writes the outcomes of its own inputs only, so results stay
        exact and in input order. Workers run in a copy of the caller's context,
        so per-run limiters (API budgets) count their requests too.
        """
        workers = min(self._in_flight, len(chunks))
        if workers <= 1:
            for chunk in chunks:
                self._send(object_type, action, chunk, outcomes)
            return
        with ThreadPoolExecutor(workers, thread_name_prefix="hubspot-push") as pool:
            futures = [
                pool.submit(
                    contextvars.copy_context().run,
                    self._send,
                    object_type,
                    action,
                    chunk,
                    outcomes,
                )
                for chunk in chunks
            ]
            for future in futures:
                future.result()  # the first failure propagates, as sequentially

    def _send(
        self,
        object_type: ObjectType,
        action: str,
        chunk: list[_Input],
        outcomes: dict[int, PushOutcome],
    ) -> None:
        status, payload = self._post(
            object_type, action, [self._body(i, i.properties) for i in chunk]
        )
        matched = _match(chunk, status, payload)
        if len(chunk) > 1 and _refused_whole(status, matched):
            # One bad input fails the batch: halve it until that input stands alone.
            middle = len(chunk) // 2
            self._send(object_type, action, chunk[:middle], outcomes)
            self._send(object_type, action, chunk[middle:], outcomes)
            return
        conflicts: list[tuple[_Input, str]] = []
        for item in chunk:
            result, error = matched.get(item.index, (None, None))
            if result is not None:
                created = (
                    bool(result.get("new"))
                    if action == "upsert"
                    else (action == "create")
                )
                outcomes[item.index] = PushOutcome(
                    item.op.key, True, id=str(result["id"]), created=created
                )
                continue
            problem = error or payload
            existing = _EXISTING_ID.search(str(problem.get("message", "")))
            if action == "create" and object_type == "contacts" and existing:
                conflicts.append((item, existing.group(1)))
                continue
            outcomes[item.index] = _rejected(item.op, status, problem)
        if conflicts:
            self._link_existing(object_type, conflicts, outcomes)

    def _link_existing(
        self,
        object_type: ObjectType,
        conflicts: list[tuple[_Input, str]],
        outcomes: dict[int, PushOutcome],
    ) -> None:
        """409 on create: the contact exists as N, so write to N and report N."""
        linked = [
            _Input(
                item.index,
                WriteOp(item.op.key, item.op.fields, id=existing),
                "update",
                item.properties,
            )
            for item, existing in conflicts
        ]
        self._send(object_type, "update", linked, outcomes)

    def _associate(self, items: list[_Input], outcomes: dict[int, PushOutcome]) -> None:
        """Link updated deals to their contacts (creates link in the create call)."""
        pairs = [(item, a["to"]["id"]) for item in items for a in item.associations]
        path = api_path(
            "associations_batch",
            self._version,
            "deals",
            "contacts",
            "associate",
            "default",
        )
        for start in range(0, len(pairs), self._size):
            chunk = pairs[start : start + self._size]
            bodies = [
                {"from": {"id": outcomes[item.index].id}, "to": {"id": target}}
                for item, target in chunk
            ]
            response = self.client.request("POST", path, json={"inputs": bodies})
            if response.status_code in (200, 201, 207):
                continue
            problem = {"message": error_message(response)}
            for item, _ in chunk:
                outcomes[item.index] = _rejected(
                    item.op,
                    response.status_code,
                    problem,
                    "deal updated but linking it to its contact failed",
                )


def _fold(inputs: list[_Input]) -> list[_Input]:
    """Merge inputs that write one object into the first of them, in batch order.

    Later values win per property; a backward lifecycle move or an association
    of any of them is kept.
    """
    carriers: dict[tuple[str, str], _Input] = {}
    kept: list[_Input] = []
    for item in inputs:
        target = item.target()
        carrier = carriers.get((item.action, target)) if target else None
        if carrier is None:
            if target:
                carriers[(item.action, target)] = item
            kept.append(item)
            continue
        carrier.properties.update(item.properties)
        carrier.backward = carrier.backward or item.backward
        carrier.associations.extend(
            a for a in item.associations if a not in carrier.associations
        )
        carrier.folded.append(item)
    return kept


Matched = dict[int, tuple[dict[str, Any] | None, dict[str, Any] | None]]
"""Input index -> (its result, its error); an index missing was not answered."""


def _match(chunk: Sequence[_Input], status: int, payload: dict[str, Any]) -> Matched:
    """Pair each input with its result or error.

    The trace id first (echoed for creates, maybe elsewhere); then what identifies
    the object: the id of an update, the ``idProperty`` value of an upsert, the
    values a create wrote. A complete 200/201 with one result per input and no
    errors applied every input, so what is left is paired in order.
    """
    results = [r for r in payload.get("results") or [] if isinstance(r, dict)]
    errors = [e for e in payload.get("errors") or [] if isinstance(e, dict)]
    by_index = {str(i.index): i for i in chunk}
    matched: Matched = {}
    unclaimed: list[dict[str, Any]] = []
    for result in results:
        item = by_index.get(str(result.get("objectWriteTraceId")))
        if item is not None and item.index not in matched:
            matched[item.index] = (result, None)
        else:
            unclaimed.append(result)
    for err in errors:
        context = err.get("context") or {}
        for trace in context.get("objectWriteTraceId") or []:
            item = by_index.get(str(trace))
            if item is not None:
                matched.setdefault(item.index, (None, err))
        ids = {str(i) for i in context.get("ids") or []}
        for item in chunk:
            if ids and item.action == "update" and str(item.op.id) in ids:
                matched.setdefault(item.index, (None, err))
    waiting = [i for i in chunk if i.index not in matched]
    for item in list(waiting):
        found = [r for r in unclaimed if _identifies(item, r)]
        if found:
            unclaimed.remove(found[0])
            matched[item.index] = (found[0], None)
            waiting.remove(item)
    complete = status in (200, 201) and not errors
    if complete and waiting and len(unclaimed) == len(waiting):
        for item, result in zip(waiting, unclaimed, strict=True):
            matched[item.index] = (result, None)
    return matched


def _identifies(item: _Input, result: dict[str, Any]) -> bool:
    if item.action == "update":
        return str(result.get("id")) == str(item.op.id)
    written = result.get("properties") or {}
    if item.action == "upsert":
        key = item.op.match_field or "email"
        value = _norm(written.get(key))
        return bool(value) and value == _norm(item.properties.get(key))
    sent = {k: v for k, v in item.properties.items() if v}
    return bool(sent) and all(
        _norm(written.get(k)) == _norm(v) for k, v in sent.items()
    )


def _norm(value: Any) -> str:
    """A property value as HubSpot compares it (case and edge spaces ignored)."""
    return "" if value is None else str(value).strip().lower()


def _refused_whole(status: int, matched: Matched) -> bool:
    """A 4xx that names no input: the batch as a whole was refused."""
    return 400 <= status < 500 and not matched


def _invalid(op: WriteOp, reason: str) -> PushOutcome:
    return PushOutcome(op.key, False, id=op.id, error=reason, kind="invalid")


def _rejected(
    op: WriteOp, status: int, problem: Mapping[str, Any], prefix: str | None = None
) -> PushOutcome:
    message = str(problem.get("message") or "HubSpot refused the record")
    category = problem.get("category")
    text = f"{category}: {message}" if category else message
    return PushOutcome(
        op.key,
        False,
        id=op.id,
        error=f"{prefix}: {text}" if prefix else text,
        kind="rejected",
        status=status,
        body=json.dumps(problem, ensure_ascii=False)[:2000],
    )
