"""``/__admin``: the test's side door into the fake portal (no auth, not counted).

End-to-end tests run the connector as a process against the fake as a process, so
they cannot reach into Python objects. These endpoints let them seed records and
events, act the way HubSpot users do outside the API (a bulk edit that gives many
contacts one timestamp, a merge in the UI), read the ground truth, the request
log and the contract violations. Nothing here is part of HubSpot's API; requests
to it are neither rate-limited, logged nor contract-checked.

Endpoints (JSON in, JSON out):

- ``GET /__admin/state``: every record with properties and archive/merge info.
- ``GET /__admin/requests``; ``POST /__admin/requests/clear``.
- ``POST /__admin/contacts`` ``{"contacts": [{<property>: <value>}, ...]}``.
- ``POST /__admin/contacts/bulk-edit`` ``{"ids": [...] | "all": true,
  "properties": {...}, "same_timestamp": true}``.
- ``POST /__admin/merge`` ``{"primary": id, "secondary": id, "type"?: "contacts"}``.
- ``POST /__admin/events`` ``{"events": [{"contactId", "eventType", "occurredAt",
  "properties"?}]}`` (``occurredAt``: ISO 8601 or epoch ms).
- ``GET /__admin/contract-violations``: ``{"violations": [requests that broke
  the contract], "responseViolations": [answers of the fake that did]}``;
  ``POST /__admin/contract-violations/clear``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import httpx

from tests.fakes.hubspot.errors import json_response
from tests.fakes.hubspot.objects import WriteRejected
from tests.fakes.hubspot.state import dump_state, record_json
from tests.fakes.hubspot.timefmt import iso, parse_ms

if TYPE_CHECKING:
    from tests.fakes.hubspot.app import FakeHubSpot

__all__ = ["handle_admin"]


class _BadRequest(Exception):
    """An admin call the fake cannot carry out (answered 400 or 404)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def handle_admin(fake: FakeHubSpot, request: httpx.Request) -> httpx.Response:
    """Answer one ``/__admin/...`` request."""
    route = (request.method, request.url.path.rstrip("/"))
    try:
        body: Any = json.loads(request.content) if request.content else {}
        return _dispatch(fake, route, body)
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        return json_response(400, {"error": f"bad admin request: {exc!r}"})
    except WriteRejected as exc:
        detail = exc.problems if exc.problems is not None else exc.message
        return json_response(exc.status, {"error": exc.category, "detail": detail})
    except _BadRequest as exc:
        return json_response(exc.status, {"error": exc.message})


def _dispatch(fake: FakeHubSpot, route: tuple[str, str], body: Any) -> httpx.Response:
    method, path = route
    if route == ("GET", "/__admin/state"):
        return json_response(200, dump_state(fake))
    if route == ("GET", "/__admin/requests"):
        rows = [
            {"at": e.at, "method": e.method, "path": e.path, "status": e.status}
            for e in fake.log
        ]
        return json_response(200, {"requests": rows})
    if route == ("POST", "/__admin/requests/clear"):
        fake.log.clear()
        return json_response(200, {"cleared": True})
    if route == ("GET", "/__admin/contract-violations"):
        rows = [v.as_dict() for v in fake.contract_violations]
        answers = [v.as_dict() for v in fake.response_violations]
        return json_response(200, {"violations": rows, "responseViolations": answers})
    if route == ("POST", "/__admin/contract-violations/clear"):
        fake.contract_violations.clear()
        fake.response_violations.clear()
        return json_response(200, {"cleared": True})
    if route == ("POST", "/__admin/contacts"):
        return _seed_contacts(fake, body)
    if route == ("POST", "/__admin/contacts/bulk-edit"):
        return _bulk_edit(fake, body)
    if route == ("POST", "/__admin/merge"):
        type_ = str(body.get("type", "contacts"))
        if type_ not in fake.store.objects:
            raise _BadRequest(400, f"unknown object type {type_}")
        merged = fake.store.merge(
            type_, str(body.get("primary")), str(body.get("secondary"))
        )
        return json_response(200, record_json(merged))
    if route == ("POST", "/__admin/events"):
        return _seed_events(fake, body)
    raise _BadRequest(404, f"no admin route {method} {path}")


def _seed_contacts(fake: FakeHubSpot, body: Any) -> httpx.Response:
    rows = body.get("contacts") if isinstance(body, dict) else body
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise _BadRequest(400, 'expected {"contacts": [{property: value}, ...]}')
    ids = [fake.store.create("contacts", row).id for row in rows]
    return json_response(201, {"ids": ids})


def _bulk_edit(fake: FakeHubSpot, body: Any) -> httpx.Response:
    """What a HubSpot user's bulk edit does: many records, one write each.

    With ``same_timestamp`` (the default) every record gets the same
    ``lastmodifieddate``, the case that breaks incremental syncs paging by time.
    Values are validated like API writes, but the lifecycle rule is not applied.
    """
    store = fake.store
    contacts = store.objects["contacts"]
    if body.get("all") is True:
        targets = [o for o in contacts.values() if not o.archived]
    elif isinstance(body.get("ids"), list):
        targets = []
        for record_id in body["ids"]:
            obj = store.resolve("contacts", str(record_id))
            if obj is None:
                raise _BadRequest(404, f"no contact {record_id}")
            targets.append(obj)
    else:
        raise _BadRequest(400, 'give "ids": [...] or "all": true')
    props = body.get("properties") or {}
    if not isinstance(props, dict):
        raise _BadRequest(400, '"properties" must be an object')
    clean = store.validate("contacts", props, None)
    at_ms = int(fake.clock.time() * 1000)
    same = body.get("same_timestamp", True) is not False
    for n, obj in enumerate(targets):
        obj.properties.update(clean)
        store.set_modified([obj], at_ms if same else at_ms + n)
    return json_response(
        200,
        {"updated": len(targets), "ids": [o.id for o in targets], "at": iso(at_ms)},
    )


def _seed_events(fake: FakeHubSpot, body: Any) -> httpx.Response:
    rows = body.get("events") if isinstance(body, dict) else None
    if not isinstance(rows, list):
        raise _BadRequest(400, 'expected {"events": [...]}')
    for row in rows:
        at_ms = parse_ms(str(row.get("occurredAt", "")))
        contact = row.get("contactId")
        if at_ms is None or not contact or not row.get("eventType"):
            raise _BadRequest(
                400, f"event needs contactId, eventType, occurredAt: {row}"
            )
        properties = {str(k): str(v) for k, v in (row.get("properties") or {}).items()}
        fake.add_event(str(contact), str(row["eventType"]), at_ms, **properties)
    return json_response(201, {"added": len(rows)})
