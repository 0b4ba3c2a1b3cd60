"""Non-record endpoints of the fake: properties, pipelines, associations, events.

Also webinar participation and the daily usage report.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

import httpx

from tests.fakes.hubspot.errors import BATCH_LIMIT_MESSAGE, error, json_response
from tests.fakes.hubspot.objects import iso, parse_ms

if TYPE_CHECKING:
    from tests.fakes.hubspot.app import FakeHubSpot

__all__ = [
    "handle_associations",
    "handle_events",
    "handle_participations",
    "handle_pipelines",
    "handle_properties",
    "handle_usage",
]

_PROPERTY_TYPES = {
    "bool",
    "date",
    "datetime",
    "enumeration",
    "number",
    "phone_number",
    "string",
}


def handle_properties(
    fake: FakeHubSpot, request: httpx.Request, type_: str, rest: str, body: Any
) -> httpx.Response:
    """Property definitions and property groups of one object type."""
    parts = [p for p in rest.split("/") if p]
    defs = fake.store.properties.get(type_)
    if defs is None:
        return error(
            400, "VALIDATION_ERROR", f"Unable to infer object type from: {type_}"
        )
    groups = fake.store.groups[type_]
    if parts[:1] == ["groups"]:
        if len(parts) == 1 and request.method == "GET":
            return json_response(200, {"results": list(groups.values())})
        if len(parts) == 1 and request.method == "POST":
            name = str(body.get("name", ""))
            if not name or not body.get("label"):
                return error(400, "VALIDATION_ERROR", "name and label are required")
            if name in groups:
                return error(
                    409,
                    "OBJECT_ALREADY_EXISTS",
                    f"A property group named '{name}' already exists.",
                )
            groups[name] = {
                "name": name,
                "label": body["label"],
                "displayOrder": body.get("displayOrder", -1),
                "archived": False,
            }
            return json_response(201, groups[name])
        if len(parts) == 2 and request.method == "GET":
            if parts[1] not in groups:
                return error(
                    404, "OBJECT_NOT_FOUND", f"group {parts[1]} does not exist"
                )
            return json_response(200, groups[parts[1]])
        return fake.not_found(request)
    if not parts and request.method == "GET":
        return json_response(200, {"results": list(defs.values())})
    if not parts and request.method == "POST":
        return _create_property(type_, defs, groups, body)
    if len(parts) == 1 and request.method == "GET":
        if parts[0] not in defs:
            return error(404, "OBJECT_NOT_FOUND", f"property {parts[0]} does not exist")
        return json_response(200, defs[parts[0]])
    if len(parts) == 1 and request.method == "PATCH":
        return _update_property(defs, parts[0], body)
    return fake.not_found(request)


def _update_property(
    defs: dict[str, dict[str, Any]], name: str, body: Any
) -> httpx.Response:
    """PATCH a property definition: given keys replace, ``options`` whole."""
    if name not in defs:
        return error(404, "OBJECT_NOT_FOUND", f"property {name} does not exist")
    definition = defs[name]
    if "options" in body and definition["type"] == "enumeration":
        values = [o.get("value") for o in body["options"]]
        if len(set(values)) != len(values):
            return error(400, "VALIDATION_ERROR", "option values must be unique")
    for key in ("label", "description", "groupName", "options", "fieldType"):
        if key in body:
            definition[key] = body[key]
    return json_response(200, definition)


def _create_property(
    type_: str,
    defs: dict[str, dict[str, Any]],
    groups: dict[str, dict[str, Any]],
    body: Any,
) -> httpx.Response:
    missing = [
        k
        for k in ("name", "label", "type", "fieldType", "groupName")
        if not body.get(k)
    ]
    if missing:
        return error(400, "VALIDATION_ERROR", f"missing required fields: {missing}")
    if body["type"] not in _PROPERTY_TYPES:
        return error(400, "VALIDATION_ERROR", f"invalid type {body['type']}")
    if body["type"] == "enumeration" and not body.get("options"):
        return error(400, "VALIDATION_ERROR", "enumeration properties need options")
    if body["groupName"] not in groups and body["groupName"] not in {
        d["groupName"] for d in defs.values()
    }:
        return error(
            400,
            "VALIDATION_ERROR",
            f"property group {body['groupName']} does not exist",
        )
    if body["name"] in defs:
        return error(
            409,
            "OBJECT_ALREADY_EXISTS",
            f"A property named '{body['name']}' already exists.",
        )
    definition = {
        "name": body["name"],
        "label": body["label"],
        "description": body.get("description", ""),
        "type": body["type"],
        "fieldType": body["fieldType"],
        "groupName": body["groupName"],
        "options": body.get("options", []),
        "hasUniqueValue": bool(body.get("hasUniqueValue")),
        "calculated": False,
        "modificationMetadata": {
            "readOnlyValue": False,
            "readOnlyDefinition": False,
            "archivable": True,
        },
    }
    defs[body["name"]] = definition
    return json_response(201, definition)


def handle_pipelines(
    fake: FakeHubSpot, request: httpx.Request, type_: str, rest: str
) -> httpx.Response:
    """Deal pipelines and their stages (ids, labels, metadata)."""
    if type_ != "deals" or request.method != "GET":
        return fake.not_found(request)
    parts = [p for p in rest.split("/") if p]
    if not parts:
        return json_response(200, {"results": fake.store.pipelines})
    for pipeline in fake.store.pipelines:
        if pipeline["id"] == parts[0]:
            if parts[1:] == ["stages"]:
                return json_response(200, {"results": pipeline["stages"]})
            return json_response(200, pipeline)
    return error(404, "OBJECT_NOT_FOUND", f"pipeline {parts[0]} does not exist")


_TYPE_IDS = {"contacts": "0-1", "companies": "0-2", "deals": "0-3"}
_DEFAULT_LINK = {("deals", "contacts"): 3, ("contacts", "deals"): 4}
"""Unlabelled HUBSPOT_DEFINED association type ids (fact sheet section 8)."""


def handle_associations(
    fake: FakeHubSpot, from_type: str, to_type: str, action: str, body: Any
) -> httpx.Response:
    """v4-shaped batch association endpoints (default links, create, read).

    Answers follow the package's response models: batch envelopes with
    ``startedAt``/``completedAt``, string ``toObjectId`` (the spec's type; live
    responses may carry numbers, UNCONFIRMED), typed association specs.
    """
    inputs = body.get("inputs") if isinstance(body, dict) else None
    if not isinstance(inputs, list):
        return error(400, "VALIDATION_ERROR", "inputs is required")
    if len(inputs) > 100:
        return error(400, "VALIDATION_ERROR", BATCH_LIMIT_MESSAGE)
    now = iso(int(fake.clock.time() * 1000))
    envelope = {"status": "COMPLETE", "startedAt": now, "completedAt": now}
    type_id = _DEFAULT_LINK.get((from_type, to_type), 0)
    if action in ("associate/default", "create"):
        results: list[dict[str, Any]] = []
        for item in inputs:
            source = fake.store.resolve(from_type, str(item["from"]["id"]))
            target = fake.store.resolve(to_type, str(item["to"]["id"]))
            if source is None or target is None:
                return error(
                    400,
                    "VALIDATION_ERROR",
                    f"object {item['from']['id']} or {item['to']['id']} not found",
                )
            fake.link(source, target)
            if action == "create":
                results.append(
                    {
                        "fromObjectTypeId": _TYPE_IDS.get(from_type, from_type),
                        "fromObjectId": source.id,
                        "toObjectTypeId": _TYPE_IDS.get(to_type, to_type),
                        "toObjectId": target.id,
                        "labels": [],
                    }
                )
                continue
            results.append(
                {
                    "from": {"id": source.id},
                    "to": {"id": target.id},
                    "associationSpec": {
                        "associationCategory": "HUBSPOT_DEFINED",
                        "associationTypeId": type_id,
                    },
                }
            )
        status = 200 if action != "create" else 201
        return json_response(status, {**envelope, "results": results})
    if action == "read":
        results = []
        spec = {"category": "HUBSPOT_DEFINED", "typeId": type_id, "label": None}
        for item in inputs:
            source = fake.store.resolve(from_type, str(item["id"]))
            linked = sorted(source.associations.get(to_type, set())) if source else []
            results.append(
                {
                    "from": {"id": str(item["id"])},
                    "to": [
                        {"toObjectId": i, "associationTypes": [dict(spec)]}
                        for i in linked
                    ],
                }
            )
        return json_response(200, {**envelope, "results": results})
    return error(404, "OBJECT_NOT_FOUND", f"unknown association action {action}")


def handle_events(fake: FakeHubSpot, request: httpx.Request) -> httpx.Response:
    """``GET /events/v3/events`` for one contact, newest first, cursor paging."""
    params = request.url.params
    object_id = params.get("objectId")
    if params.get("objectType") not in ("contact", "0-1") or not object_id:
        return error(400, "VALIDATION_ERROR", "objectType and objectId are required")
    after_ms = parse_ms(params.get("occurredAfter", "0")) or 0
    event_type = params.get("eventType")
    limit = min(int(params.get("limit", "100")), 100)
    rows = [
        e
        for e in fake.events
        if e["objectId"] == object_id
        and (event_type is None or e["eventType"] == event_type)
        and parse_ms(e["occurredAt"]) is not None
        and (parse_ms(e["occurredAt"]) or 0) > after_ms
    ]
    rows.sort(key=lambda e: e["occurredAt"], reverse=True)
    start = (
        int(base64.b64decode(params["after"]).decode()) if params.get("after") else 0
    )
    page = rows[start : start + limit]
    body: dict[str, Any] = {"results": page}
    if start + limit < len(rows):
        token = base64.b64encode(str(start + limit).encode()).decode()
        body["paging"] = {"next": {"after": token}}
    return json_response(200, body)


def handle_participations(fake: FakeHubSpot, contact_id: str) -> httpx.Response:
    """Webinar (marketing event) participation of one contact."""
    rows = [p for p in fake.participations if p["contactId"] == contact_id]
    contact = fake.store.resolve("contacts", contact_id)
    email = contact.properties.get("email", "") if contact is not None else ""
    results = [
        {
            "id": p["id"],
            "createdAt": p["occurredAt"],
            "associations": {
                "marketingEvent": {"marketingEventId": p["eventId"], "name": p["name"]},
                "contact": {"contactId": contact_id, "email": email},
            },
            "properties": {
                "attendanceState": p["state"],
                # The model types occurredAt as epoch milliseconds here.
                "occurredAt": parse_ms(p["occurredAt"]),
            },
        }
        for p in rows
    ]
    return json_response(200, {"total": len(results), "results": results})


def handle_usage(fake: FakeHubSpot) -> httpx.Response:
    """Today's API usage of private apps."""
    now = fake.clock.time()
    return json_response(
        200,
        {
            "results": [
                {
                    "name": "private-apps-api-calls-daily",
                    "usageLimit": fake.daily.limit,
                    "currentUsage": fake.daily.limit - fake.daily.remaining(now),
                    "collectedAt": iso(int(now * 1000)),
                    "fetchStatus": "SUCCESS",
                    "resetsAt": iso(int((now // 86_400 + 1) * 86_400_000)),
                }
            ]
        },
    )
