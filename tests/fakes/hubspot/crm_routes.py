"""Object endpoints of the fake: list, get, create, update, archive, batch, merge.

Batch rules follow HubSpot: at most 100 inputs (the exact VALIDATION_ERROR body),
an id twice in one update, upsert or read refuses the whole batch (400 "Duplicate
IDs found in batch input", as seen in public traces of live responses), a write
is all-or-nothing unless every input carries an ``objectWriteTraceId`` (then 207
with per-input errors; which actions allow that is ``FakeHubSpot.multi_status``),
and inputs are not processed in request order.
"""

from __future__ import annotations

import base64
import bisect
import itertools
from typing import TYPE_CHECKING, Any

import httpx

from tests.fakes.hubspot.errors import (
    BATCH_LIMIT_MESSAGE,
    error,
    invalid_properties,
    json_response,
)
from tests.fakes.hubspot.objects import StoredObject, WriteRejected, iso

if TYPE_CHECKING:
    from tests.fakes.hubspot.app import FakeHubSpot

__all__ = ["handle_objects", "rejected_response", "render"]

_LIST_DEFAULTS = {
    "contacts": (
        "firstname",
        "lastname",
        "email",
        "createdate",
        "lastmodifieddate",
        "hs_object_id",
    ),
    "deals": (
        "dealname",
        "amount",
        "closedate",
        "pipeline",
        "dealstage",
        "createdate",
        "hs_lastmodifieddate",
        "hs_object_id",
    ),
    "companies": (
        "name",
        "domain",
        "createdate",
        "hs_lastmodifieddate",
        "hs_object_id",
    ),
}
ASSOCIATION_TYPES = {("deals", "contacts"): 3, ("contacts", "deals"): 4}


def rejected_response(exc: WriteRejected) -> httpx.Response:
    """The HTTP answer for a refused write."""
    if exc.problems is not None:
        return json_response(exc.status, invalid_properties(exc.problems))
    return error(exc.status, exc.category, exc.message)


def render(
    fake: FakeHubSpot, obj: StoredObject, wanted: list[str] | None
) -> dict[str, Any]:
    """A SimplePublicObject: string values, ISO timestamps, requested properties."""
    known = fake.store.properties[obj.type]
    names = wanted if wanted else list(_LIST_DEFAULTS[obj.type])
    body: dict[str, Any] = {
        "id": obj.id,
        "properties": {n: obj.properties.get(n) or None for n in names if n in known},
        "createdAt": iso(obj.created_ms),
        "updatedAt": iso(obj.updated_ms),
        "archived": obj.archived,
    }
    if obj.archived_ms is not None:
        body["archivedAt"] = iso(obj.archived_ms)
    return body


def _wanted(request: httpx.Request) -> list[str] | None:
    raw = request.url.params.get_list("properties")
    names = [n for chunk in raw for n in chunk.split(",") if n]
    return names or None


def handle_objects(
    fake: FakeHubSpot, request: httpx.Request, type_: str, rest: str, body: Any
) -> httpx.Response:
    """Dispatch one ``/crm/.../objects/{type}...`` request."""
    parts = [p for p in rest.split("/") if p]
    method = request.method
    try:
        if not parts and method == "GET":
            return _list(fake, request, type_)
        if not parts and method == "POST":
            obj = fake.store.create(type_, body.get("properties") or {})
            _associate_inputs(fake, obj, body.get("associations") or [])
            return json_response(201, render(fake, obj, list(obj.properties)))
        if parts == ["merge"] and method == "POST":
            merged = fake.store.merge(
                type_,
                str(body.get("primaryObjectId")),
                str(body.get("objectIdToMerge")),
            )
            return json_response(200, render(fake, merged, list(merged.properties)))
        if len(parts) == 2 and parts[0] == "batch" and method == "POST":
            return _batch(fake, type_, parts[1], body)
        if len(parts) == 1 and parts[0] != "search":
            return _single(fake, request, type_, parts[0], body)
    except WriteRejected as exc:
        return rejected_response(exc)
    return fake.not_found(request)


def _list(fake: FakeHubSpot, request: httpx.Request, type_: str) -> httpx.Response:
    params = request.url.params
    limit = int(params.get("limit", "10"))
    if not 1 <= limit <= fake.list_max:
        return error(
            400, "VALIDATION_ERROR", f"limit must be between 1 and {fake.list_max}"
        )
    archived = params.get("archived", "false") == "true"
    after = params.get("after")
    start = int(base64.urlsafe_b64decode(after.encode()).decode()) if after else 0
    objects = fake.store.objects[type_]
    order = fake.store.in_id_order(type_)
    page: list[StoredObject] = []
    following: StoredObject | None = None
    for _, key in itertools.islice(order, bisect.bisect_left(order, (start, "")), None):
        obj = objects[key]
        if obj.archived != archived:
            continue
        if len(page) == limit:
            following = obj
            break
        page.append(obj)
    body: dict[str, Any] = {
        "results": [render(fake, o, _wanted(request)) for o in page]
    }
    if following is not None:
        token = base64.urlsafe_b64encode(following.id.encode()).decode()
        body["paging"] = {"next": {"after": token, "link": f"?after={token}"}}
    return json_response(200, body)


def _single(
    fake: FakeHubSpot, request: httpx.Request, type_: str, record_id: str, body: Any
) -> httpx.Response:
    archived = request.url.params.get("archived", "false") == "true"
    if request.url.params.get("idProperty") == "email":
        obj = fake.store.by_email(record_id)
    else:
        obj = fake.store.resolve(type_, record_id)
    if obj is None or obj.archived != archived:
        return error(
            404, "OBJECT_NOT_FOUND", f"Object not found.  objectId: {record_id}"
        )
    if request.method == "GET":
        return json_response(200, render(fake, obj, _wanted(request)))
    if request.method == "PATCH":
        fake.store.update(obj, body.get("properties") or {})
        return json_response(200, render(fake, obj, list(obj.properties)))
    if request.method == "DELETE":
        fake.store.archive(obj)
        return httpx.Response(204)
    return fake.not_found(request)


def _associate_inputs(
    fake: FakeHubSpot, obj: StoredObject, associations: list[dict[str, Any]]
) -> None:
    for assoc in associations:
        to_id = str(assoc.get("to", {}).get("id"))
        type_ids = {t.get("associationTypeId") for t in assoc.get("types", [])}
        target_type = "contacts" if obj.type == "deals" else "deals"
        expected = ASSOCIATION_TYPES.get((obj.type, target_type))
        target = fake.store.resolve(target_type, to_id)
        if target is None or expected not in type_ids:
            raise WriteRejected(
                400,
                "VALIDATION_ERROR",
                f"invalid association to {to_id} with types {type_ids}",
            )
        fake.link(obj, target)


def _batch(fake: FakeHubSpot, type_: str, action: str, body: Any) -> httpx.Response:
    inputs = body.get("inputs")
    if not isinstance(inputs, list):
        return error(400, "VALIDATION_ERROR", "inputs is required")
    if len(inputs) > 100:
        return error(400, "VALIDATION_ERROR", BATCH_LIMIT_MESSAGE)
    if action in ("update", "upsert", "read"):
        duplicates = _duplicate_ids(inputs)
        if duplicates:
            return error(
                400,
                "VALIDATION_ERROR",
                f"Duplicate IDs found in batch input: [{', '.join(duplicates)}]. "
                "IDs must be unique",
                context={"ids": duplicates},
            )
    if action == "archive":
        for item in inputs:
            obj = fake.store.resolve(type_, str(item.get("id")))
            if obj is not None and not obj.archived:
                fake.store.archive(obj)
        return httpx.Response(204)
    if action == "read":
        return _batch_read(fake, type_, body, inputs)
    if action not in ("create", "update", "upsert"):
        return error(404, "OBJECT_NOT_FOUND", f"unknown batch action {action}")
    traced = (
        bool(inputs)
        and all(i.get("objectWriteTraceId") for i in inputs)
        and (action == "create" or fake.multi_status == "all")
    )
    started = iso(int(fake.clock.time() * 1000))
    if not traced:
        # All-or-nothing: check every input before writing any.
        for item in inputs:
            problem = _dry_run(fake, type_, action, item, body)
            if problem is not None:
                return rejected_response(problem)
    results: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    # HubSpot does not process batch inputs in request order.
    for item in reversed(inputs):
        try:
            obj, new = _apply(fake, type_, action, item, body)
        except WriteRejected as exc:
            errors.append(_standard_error(exc, item))
            continue
        rendered = render(fake, obj, list(obj.properties))
        if item.get("objectWriteTraceId") and fake.trace_echo == "echo":
            rendered["objectWriteTraceId"] = item["objectWriteTraceId"]
        if action == "upsert":
            rendered["new"] = new
        results.append(rendered)
    status = 207 if errors else (201 if action == "create" else 200)
    payload: dict[str, Any] = {
        "status": "COMPLETE",
        "results": results,
        "startedAt": started,
        "completedAt": started,
    }
    if errors:
        payload["numErrors"] = len(errors)
        payload["errors"] = errors
    return json_response(status, payload)


def _duplicate_ids(inputs: list[Any]) -> list[str]:
    """Ids that occur more than once, in first-seen order."""
    seen: set[str] = set()
    repeated: list[str] = []
    for item in inputs:
        key = str(item.get("id")) if isinstance(item, dict) else repr(item)
        if key in seen and key not in repeated:
            repeated.append(key)
        seen.add(key)
    return repeated


def _standard_error(exc: WriteRejected, item: dict[str, Any]) -> dict[str, Any]:
    message = exc.message
    if exc.problems is not None:
        message = invalid_properties(exc.problems)["message"]
    context: dict[str, list[str]] = {}
    if item.get("objectWriteTraceId"):
        context["objectWriteTraceId"] = [str(item["objectWriteTraceId"])]
    elif item.get("id"):
        context["ids"] = [str(item["id"])]
    return {
        "status": "error",
        "category": exc.category,
        "message": message,
        "context": context,
        "errors": [],
        "links": {},
    }


def _dry_run(
    fake: FakeHubSpot, type_: str, action: str, item: dict[str, Any], body: Any
) -> WriteRejected | None:
    props = item.get("properties") or {}
    try:
        if action == "create":
            clean = fake.store.validate(type_, props, None)
            if type_ == "contacts" and clean.get("email"):
                existing = fake.store.by_email(clean["email"])
                if existing is not None:
                    return WriteRejected(
                        409,
                        "CONFLICT",
                        f"Contact already exists. Existing ID: {existing.id}",
                    )
        elif action == "update":
            obj = fake.store.resolve(type_, str(item.get("id")))
            if obj is None or obj.archived:
                return WriteRejected(
                    404,
                    "OBJECT_NOT_FOUND",
                    f"Object not found.  objectId: {item.get('id')}",
                )
            fake.store.validate(type_, props, obj)
        else:
            target = _upsert_target(fake, type_, item)
            fake.store.validate(type_, props, target)
    except WriteRejected as exc:
        return exc
    return None


def _upsert_target(
    fake: FakeHubSpot, type_: str, item: dict[str, Any]
) -> StoredObject | None:
    if type_ != "contacts" or item.get("idProperty") != "email":
        raise WriteRejected(
            400, "VALIDATION_ERROR", "upsert needs idProperty naming a unique property"
        )
    return fake.store.by_email(str(item.get("id")))


def _apply(
    fake: FakeHubSpot, type_: str, action: str, item: dict[str, Any], body: Any
) -> tuple[StoredObject, bool]:
    props = item.get("properties") or {}
    if action == "create":
        obj = fake.store.create(type_, props)
        _associate_inputs(fake, obj, item.get("associations") or [])
        return obj, True
    if action == "update":
        target = fake.store.resolve(type_, str(item.get("id")))
        if target is None or target.archived:
            raise WriteRejected(
                404,
                "OBJECT_NOT_FOUND",
                f"Object not found.  objectId: {item.get('id')}",
            )
        return fake.store.update(target, props), False
    existing = _upsert_target(fake, type_, item)
    if existing is None:
        return fake.store.create(type_, {**props, "email": str(item.get("id"))}), True
    return fake.store.update(existing, props), False


def _batch_read(
    fake: FakeHubSpot, type_: str, body: Any, inputs: list[dict[str, Any]]
) -> httpx.Response:
    wanted = body.get("properties") or None
    if body.get("propertiesWithHistory") and len(inputs) > 50:
        from tests.fakes.hubspot.errors import HISTORY_BATCH_LIMIT_MESSAGE

        return error(400, "VALIDATION_ERROR", HISTORY_BATCH_LIMIT_MESSAGE)
    results, errors = [], []
    for item in inputs:
        if body.get("idProperty") == "email" and type_ == "contacts":
            obj = fake.store.by_email(str(item.get("id")))
        else:
            obj = fake.store.resolve(type_, str(item.get("id")))
        if obj is None or obj.archived:
            errors.append(
                _standard_error(
                    WriteRejected(
                        404, "OBJECT_NOT_FOUND", "Could not get some objects"
                    ),
                    item,
                )
            )
            continue
        results.append(render(fake, obj, wanted))
    now = iso(int(fake.clock.time() * 1000))
    payload: dict[str, Any] = {
        "status": "COMPLETE",
        "results": results,
        "startedAt": now,
        "completedAt": now,
    }
    if errors:
        payload |= {"numErrors": len(errors), "errors": errors}
    return json_response(207 if errors else 200, payload)
