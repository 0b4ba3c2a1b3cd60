"""Writing contacts and deals in batches of 100, one outcome per record.

Contacts: a WriteOp with ``id`` is a batch update, one with ``match_field`` (email)
a batch upsert, one with neither a batch create. Every input carries an
``objectWriteTraceId`` so HubSpot answers 207 with per-input errors instead of
failing the whole batch; batch results come back in any order and are matched to
inputs by that trace id. A create refused with 409 "Contact already exists.
Existing ID: N" is linked to N (and N is updated) rather than failed.

A backward lifecycle stage (the WriteOp carries ``__backward_lifecycle__``) is
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
from dataclasses import dataclass, field
from typing import Any, Literal

from adapters.hubspot.client import HubSpotClient, error_message
from adapters.hubspot.paths import ObjectType, api_path
from adapters.hubspot.values import BACKWARD_LIFECYCLE, to_property_value
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
        inputs: list[_Input] = []
        for index, op in enumerate(batch):
            prepared = self._prepare(object_type, index, op)
            if isinstance(prepared, PushOutcome):
                outcomes[index] = prepared
            else:
                inputs.append(prepared)
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
        return PushResult([outcomes[i] for i in range(len(batch))])

    # -- preparation ---------------------------------------------------------------

    def _prepare(
        self, object_type: ObjectType, index: int, op: WriteOp
    ) -> _Input | PushOutcome:
        fields = dict(op.fields)
        backward = bool(fields.pop(BACKWARD_LIFECYCLE, False))
        properties = {k: to_property_value(v) for k, v in fields.items()}
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
        if backward and not properties.get("lifecyclestage"):
            return _invalid(
                op, f"{BACKWARD_LIFECYCLE} is set but lifecyclestage is empty"
            )
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
                results, errors = _by_trace(payload)
                for item in chunk:
                    problem = errors.get(str(item.index))
                    if problem is None and str(item.index) not in results:
                        problem = payload if status >= 300 else None
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
        results, errors = _by_trace(payload)
        conflicts: list[tuple[_Input, str]] = []
        for item in chunk:
            trace = str(item.index)
            if trace in results:
                result = results[trace]
                created = (
                    bool(result.get("new"))
                    if action == "upsert"
                    else (action == "create")
                )
                outcomes[item.index] = PushOutcome(
                    item.op.key, True, id=str(result["id"]), created=created
                )
                continue
            problem = errors.get(trace) or payload
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


def _by_trace(
    payload: dict[str, Any],
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    results = {
        str(r.get("objectWriteTraceId")): r
        for r in payload.get("results") or []
        if r.get("objectWriteTraceId") is not None
    }
    errors: dict[str, dict[str, Any]] = {}
    for err in payload.get("errors") or []:
        for trace in (err.get("context") or {}).get("objectWriteTraceId") or []:
            errors[str(trace)] = err
    return results, errors


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
