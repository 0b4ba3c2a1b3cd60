"""``/sobjects``: describe and single-record REST, upsert included (§5, §7, §10).

Create answers 201 ``{"id", "success", "errors"}``; update and delete 204; upsert
201 with ``created: true`` when it creates, 204 (or 200 with ``created: false``,
option ``upsert_update_status``) when it updates, and 300 with the matching
records' URLs when the key matches several. Errors are 400 arrays; a missing
record 404 NOT_FOUND.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from tests.fakes.salesforce.call import Call
from tests.fakes.salesforce.describe import (
    describe_global,
    describe_object,
    object_summary,
)
from tests.fakes.salesforce.errors import (
    NOT_FOUND_MESSAGE,
    RecordError,
    RequestError,
    error_response,
    json_response,
)
from tests.fakes.salesforce.ids import canonical_id
from tests.fakes.salesforce.schema import FieldDef, ObjectDef
from tests.fakes.salesforce.soql_run import attributes
from tests.fakes.salesforce.store import Record
from tests.fakes.salesforce.timefmt import format_datetime
from tests.fakes.salesforce.values import decode_body
from tests.fakes.salesforce.writes import (
    MultipleMatches,
    create,
    delete,
    find_by_external_id,
    update,
    upsert,
)

if TYPE_CHECKING:
    from tests.fakes.salesforce.org import Org

__all__ = ["handle_sobjects", "record_json", "resolve_record"]


def _not_found(message: str = NOT_FOUND_MESSAGE) -> httpx.Response:
    return error_response(404, "NOT_FOUND", message)


def _method_not_allowed(method: str, allowed: str) -> httpx.Response:
    return error_response(
        405,
        "METHOD_NOT_ALLOWED",
        f"HTTP Method '{method}' not allowed. Allowed are {allowed}",
    )


def record_json(
    record: Record, obj: ObjectDef, version: str, fields: list[FieldDef] | None = None
) -> dict[str, Any]:
    """A record as GET /sobjects/{Type}/{id} answers it."""
    out: dict[str, Any] = {"attributes": attributes(obj.name, record.id, version)}
    for field in fields or obj.fields:
        value = record.values.get(field.name)
        if field.type == "datetime" and value is not None:
            value = format_datetime(value)
        out[field.name] = value
    return out


def resolve_record(org: Org, obj: ObjectDef, text: str) -> Record | None:
    """The record of this object with this id (15 or 18 characters), or None."""
    record_id = canonical_id(text)
    record = org.store.get(record_id)
    if record is None or record.sobject != obj.name:
        return None
    return record


def _record_error(exc: RecordError) -> httpx.Response:
    return json_response(exc.status if exc.status != 300 else 400, exc.rest_body())


def _body_fields(org: Org, obj: ObjectDef, call: Call) -> dict[str, Any]:
    body = call.json()
    if not isinstance(body, dict):
        raise RequestError.one(
            400,
            "JSON_PARSER_ERROR",
            "Cannot deserialize instance of SObject from START_ARRAY value",
        )
    return decode_body(obj, body)


def handle_sobjects(org: Org, call: Call) -> httpx.Response:
    """Everything under ``/sobjects``."""
    segments = call.segments
    if len(segments) == 1:
        if call.method != "GET":
            return _method_not_allowed(call.method, "GET,HEAD")
        return json_response(
            200, describe_global(list(org.catalog.values()), call.version)
        )
    obj = org.object(segments[1])
    if obj is None:
        return _not_found()
    if len(segments) == 3 and segments[2] == "describe":
        if call.method != "GET":
            return _method_not_allowed(call.method, "GET,HEAD")
        return json_response(200, describe_object(obj, call.version))
    try:
        # A failed write leaves nothing behind (derived writes included).
        with org.store.transaction():
            if len(segments) == 2:
                return _collection_root(org, obj, call)
            if len(segments) == 3 and segments[2] == "Id" and call.method == "POST":
                return _create(org, obj, call)
            if len(segments) == 3:
                return _one_record(org, obj, call, segments[2])
            if len(segments) == 4:
                return _by_external_id(org, obj, call, segments[2], segments[3])
    except RequestError as exc:
        return exc.response()
    except RecordError as exc:
        return _record_error(exc)
    return _not_found()


def _collection_root(org: Org, obj: ObjectDef, call: Call) -> httpx.Response:
    if call.method == "GET":
        return json_response(
            200,
            {"objectDescribe": object_summary(obj, call.version), "recentItems": []},
        )
    if call.method == "POST":
        return _create(org, obj, call)
    return _method_not_allowed(call.method, "GET,HEAD,POST")


def _create(org: Org, obj: ObjectDef, call: Call) -> httpx.Response:
    values = _body_fields(org, obj, call)
    record = create(org, obj, values, call.ctx)
    return json_response(201, {"id": record.id, "success": True, "errors": []})


def _fields_param(obj: ObjectDef, call: Call) -> list[FieldDef] | None:
    wanted = call.param("fields")
    if not wanted:
        return None
    fields = []
    for name in wanted.split(","):
        field = obj.field(name.strip())
        if field is None:
            raise RequestError.one(
                400,
                "INVALID_FIELD",
                f"No such column '{name.strip()}' on entity '{obj.name}'. If you are "
                "attempting to use a custom field, be sure to append the '__c' after "
                "the custom field name. Please reference your WSDL or the describe "
                "call for the appropriate names.",
            )
        fields.append(field)
    return fields


def _one_record(org: Org, obj: ObjectDef, call: Call, text: str) -> httpx.Response:
    if canonical_id(text) is None:
        # Not an id: Salesforce reads the segment as an external-id field name.
        return _not_found(
            f"Provided external ID field does not exist or is not accessible: {text}"
        )
    record = resolve_record(org, obj, text)
    if record is None:
        return _not_found()
    if call.method == "GET":
        if record.deleted:
            return error_response(404, "ENTITY_IS_DELETED", "entity is deleted")
        fields = _fields_param(obj, call)
        return json_response(200, record_json(record, obj, call.version, fields))
    if call.method == "PATCH":
        update(org, obj, record, _body_fields(org, obj, call), call.ctx)
        return httpx.Response(204)
    if call.method == "DELETE":
        delete(org, record, call.ctx)
        return httpx.Response(204)
    return _method_not_allowed(call.method, "GET,PATCH,DELETE,HEAD")


def _by_external_id(
    org: Org, obj: ObjectDef, call: Call, field_name: str, value: str
) -> httpx.Response:
    field = obj.field(field_name)
    if field is None:
        return _not_found()
    if field.name == "Id":
        return _one_record(org, obj, call, value)
    if not field.external_id:
        return error_response(
            400,
            "INVALID_FIELD",
            f"Field {field.name} is not an External ID or indexed field for {obj.name}",
        )
    if call.method == "GET":
        matches = find_by_external_id(org, obj, field, value)
        if not matches:
            return _not_found()
        if len(matches) > 1:
            return _multiple(obj, call, matches)
        return json_response(200, record_json(matches[0], obj, call.version))
    if call.method == "DELETE":
        matches = find_by_external_id(org, obj, field, value)
        if not matches:
            return _not_found()
        if len(matches) > 1:
            return _multiple(obj, call, matches)
        delete(org, matches[0], call.ctx)
        return httpx.Response(204)
    if call.method != "PATCH":
        return _method_not_allowed(call.method, "GET,PATCH,DELETE,HEAD")
    values = _body_fields(org, obj, call)
    if field.name in values:
        if org.options.external_id_in_body == "error":
            raise RequestError.one(
                400,
                "INVALID_FIELD",
                f"{field.name}: the external ID field used for the upsert cannot "
                "also be set in the request body",
                [field.name],
            )
        values.pop(field.name)
    update_only = (call.param("updateOnly") or "").lower() == "true"
    try:
        record, created = upsert(
            org, obj, field, value, values, call.ctx, update_only=update_only
        )
    except MultipleMatches as exc:
        return _multiple(obj, call, exc.records)
    if created:
        return json_response(
            201, {"id": record.id, "success": True, "errors": [], "created": True}
        )
    if org.options.upsert_update_status == 200:
        return json_response(
            200, {"id": record.id, "success": True, "errors": [], "created": False}
        )
    return httpx.Response(204)


def _multiple(obj: ObjectDef, call: Call, records: list[Record]) -> httpx.Response:
    """300 Multiple Choices: the URLs of every matching record (§7)."""
    return json_response(
        300,
        [f"/services/data/v{call.version}/sobjects/{obj.name}/{r.id}" for r in records],
    )
