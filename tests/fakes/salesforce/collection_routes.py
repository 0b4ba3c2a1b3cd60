"""sObject Collections: ``/composite/sobjects`` writes of up to 200 (fact sheet §6).

Create, update, delete, retrieve, and upsert by external id.

At most 200 records (more: 400 EXCEEDED_ID_LIMIT), each with ``attributes.type``,
in at most 10 chunks of one type. A well-formed request answers 200 with one
result per record, in request order: ``{"id", "success", "errors"}`` (upsert adds
``created``), errors carrying ``statusCode``. With ``allOrNone: true`` one failure
rolls every record back (the others get ALL_OR_NONE_OPERATION_ROLLED_BACK);
``allOrNone`` defaults to false.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING, Any

import httpx

from tests.fakes.salesforce.call import Call
from tests.fakes.salesforce.errors import (
    NOT_FOUND_MESSAGE,
    RecordError,
    RequestError,
    error_response,
    json_response,
)
from tests.fakes.salesforce.ids import canonical_id
from tests.fakes.salesforce.schema import ObjectDef
from tests.fakes.salesforce.sobject_routes import record_json
from tests.fakes.salesforce.store import Record
from tests.fakes.salesforce.values import decode_body
from tests.fakes.salesforce.writes import create, delete, update, upsert

if TYPE_CHECKING:
    from tests.fakes.salesforce.org import Org

__all__ = ["MAX_RECORDS", "handle_collections"]

MAX_RECORDS = 200
MAX_CHUNKS = 10
ROLLED_BACK = {
    "statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "message": "Record rolled back because not all records were valid and the "
    "request was using AllOrNone header",
    "fields": [],
}
_TOO_MANY = RequestError.one(
    400,
    "EXCEEDED_ID_LIMIT",
    "record limit reached. cannot submit more than 200 records into this call",
)

Outcome = tuple[Record, bool | None]
"""A written record, and for upserts whether it was created."""


class _Rollback(Exception):
    """Raised inside the transaction to undo an all-or-none request."""


def handle_collections(org: Org, call: Call) -> httpx.Response:
    """Everything under ``/composite/sobjects``."""
    if not call.version_at_least(42.0):
        return error_response(404, "NOT_FOUND", NOT_FOUND_MESSAGE)
    rest = call.segments[2:]
    try:
        if not rest:
            if call.method == "POST":
                return _write(org, call, "create")
            if call.method == "PATCH":
                return _write(org, call, "update")
            if call.method == "DELETE":
                return _delete(org, call)
        elif len(rest) == 1 and call.method == "GET":
            return _retrieve(org, call, rest[0])
        elif len(rest) == 2 and call.method == "PATCH" and call.version_at_least(46.0):
            return _write(org, call, "upsert", rest[0], rest[1])
    except RequestError as exc:
        return exc.response()
    if not rest or len(rest) <= 2:
        return error_response(
            405,
            "METHOD_NOT_ALLOWED",
            f"HTTP Method '{call.method}' not allowed. Allowed are "
            + (
                "POST,PATCH,DELETE"
                if not rest
                else "GET"
                if len(rest) == 1
                else "PATCH"
            ),
        )
    return error_response(404, "NOT_FOUND", NOT_FOUND_MESSAGE)


def _all_or_none(value: Any) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise RequestError.one(
            400,
            "JSON_PARSER_ERROR",
            f"Cannot deserialize instance of boolean from VALUE_STRING value {value}",
        )
    return value


def _records(
    org: Org, call: Call
) -> tuple[bool, list[tuple[ObjectDef, dict[str, Any]]]]:
    """The allOrNone flag, and each record's object and fields (400 if malformed)."""
    body = call.json()
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        raise RequestError.one(
            400, "JSON_PARSER_ERROR", "Cannot deserialize request: records expected"
        )
    raw = body["records"]
    if len(raw) > MAX_RECORDS:
        raise _TOO_MANY
    all_or_none = _all_or_none(body.get("allOrNone"))
    out: list[tuple[ObjectDef, dict[str, Any]]] = []
    chunks = 0
    previous: str | None = None
    for item in raw:
        if not isinstance(item, dict):
            raise RequestError.one(
                400, "JSON_PARSER_ERROR", "Cannot deserialize SObject"
            )
        attrs = item.get("attributes")
        type_name = attrs.get("type") if isinstance(attrs, dict) else None
        if not isinstance(type_name, str):
            raise RequestError.one(
                400, "INVALID_TYPE", "No SObject Type defined in JSON"
            )
        obj = org.object(type_name)
        if obj is None:
            raise RequestError.one(
                400, "INVALID_TYPE", f"sObject type '{type_name}' is not supported."
            )
        if obj.name != previous:
            chunks += 1
            previous = obj.name
        values = {k: v for k, v in item.items() if k.lower() != "id"}
        decoded = decode_body(obj, values)
        record_id = next((v for k, v in item.items() if k.lower() == "id"), None)
        if record_id is not None:
            decoded["Id"] = record_id
        out.append((obj, decoded))
    if chunks > MAX_CHUNKS:
        raise RequestError.one(
            400,
            "INVALID_BATCH_REQUEST",
            "Cannot have more than 10 chunks in a single operation. Please rearrange "
            "the data to reduce chunking.",
        )
    return all_or_none, out


def _target(org: Org, obj: ObjectDef, values: dict[str, Any]) -> Record:
    """The record an update names by ``id`` (per-record errors if it cannot)."""
    given = values.get("Id")
    if given is None:
        raise RecordError("MISSING_ARGUMENT", "Id not specified in an update call")
    record_id = canonical_id(str(given))
    if record_id is None:
        raise RecordError("MALFORMED_ID", f"malformed id {given}", ["Id"])
    record = org.store.get(record_id)
    if record is None or record.sobject != obj.name:
        raise RecordError(
            "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", ["Id"]
        )
    return record


def _write(
    org: Org,
    call: Call,
    op: str,
    type_name: str | None = None,
    field_name: str | None = None,
) -> httpx.Response:
    all_or_none, items = _records(org, call)
    writers: list[Callable[[], Outcome]] = []
    if op == "upsert":
        assert type_name is not None
        assert field_name is not None
        writers = _upsert_writers(org, call, items, type_name, field_name)
    for obj, values in items:
        if op == "create":
            writers.append(_creator(org, call, obj, values))
        elif op == "update":
            writers.append(_updater(org, call, obj, values))
    ids = [values.get("Id") for _, values in items]
    return json_response(200, _run(org, writers, all_or_none, ids))


def _creator(
    org: Org, call: Call, obj: ObjectDef, values: dict[str, Any]
) -> Callable[[], Outcome]:
    def run() -> Outcome:
        return create(org, obj, values, call.ctx), None

    return run


def _updater(
    org: Org, call: Call, obj: ObjectDef, values: dict[str, Any]
) -> Callable[[], Outcome]:
    def run() -> Outcome:
        return update(org, obj, _target(org, obj, values), values, call.ctx), None

    return run


def _upsert_writers(
    org: Org,
    call: Call,
    items: list[tuple[ObjectDef, dict[str, Any]]],
    type_name: str,
    field_name: str,
) -> list[Callable[[], Outcome]]:
    obj = org.object(type_name)
    if obj is None:
        raise RequestError.one(
            400, "INVALID_TYPE", f"sObject type '{type_name}' is not supported."
        )
    field = obj.field(field_name)
    if field is None or not (field.external_id or field.name == "Id"):
        raise RequestError.one(404, "NOT_FOUND", NOT_FOUND_MESSAGE)
    keys: dict[str, int] = {}
    for item_obj, values in items:
        if item_obj.name != obj.name:
            raise RequestError.one(
                400,
                "INVALID_TYPE",
                f"Record type {item_obj.name} does not match {obj.name} in the URL",
            )
        key = values.get(field.name)
        if isinstance(key, str):
            folded = key if org.options.external_id_case_sensitive else key.casefold()
            keys[folded] = keys.get(folded, 0) + 1

    def writer(values: dict[str, Any]) -> Callable[[], Outcome]:
        def run() -> Outcome:
            key = values.get(field.name)
            if key is None:
                raise RecordError(
                    "MISSING_ARGUMENT", f"{field.name} not specified", [field.name]
                )
            folded = (
                key if org.options.external_id_case_sensitive else str(key).casefold()
            )
            if keys.get(folded, 0) > 1:
                raise RecordError(
                    "DUPLICATE_EXTERNAL_ID",
                    f"Duplicate external id specified: {key}",
                    [field.name],
                )
            rest = {k: v for k, v in values.items() if k != field.name}
            return upsert(org, obj, field, str(key), rest, call.ctx)

        return run

    return [writer(values) for _, values in items]


def _run(
    org: Org,
    writers: list[Callable[[], Outcome]],
    all_or_none: bool,
    ids: list[Any],
) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    failed = False
    with suppress(_Rollback), org.store.transaction():
        for writer, given_id in zip(writers, ids, strict=True):
            try:
                with org.store.transaction():
                    record, created = writer()
            except RecordError as exc:
                failed = True
                result: dict[str, Any] = {
                    "success": False,
                    "errors": exc.collection_errors(),
                }
                if org.options.failed_result_id == "include" and given_id is not None:
                    result = {"id": canonical_id(str(given_id)) or given_id, **result}
                results.append(result)
                continue
            ok: dict[str, Any] = {"id": record.id, "success": True, "errors": []}
            if created is not None:
                ok["created"] = created
            results.append(ok)
        if failed and all_or_none:
            raise _Rollback
    if failed and all_or_none:
        results = [
            r if not r["success"] else {"success": False, "errors": [dict(ROLLED_BACK)]}
            for r in results
        ]
    return results


def _delete(org: Org, call: Call) -> httpx.Response:
    ids = [i for i in (call.param("ids") or "").split(",") if i]
    if not ids:
        raise RequestError.one(400, "MISSING_ARGUMENT", "ids parameter is required")
    if len(ids) > MAX_RECORDS:
        raise _TOO_MANY
    all_or_none = (call.param("allOrNone") or "false").lower() == "true"

    def deleter(text: str) -> Callable[[], Outcome]:
        def run() -> Outcome:
            record_id = canonical_id(text)
            if record_id is None:
                raise RecordError("MALFORMED_ID", f"malformed id {text}")
            record = org.store.get(record_id)
            if record is None:
                raise RecordError(
                    "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id"
                )
            delete(org, record, call.ctx)
            return record, None

        return run

    return json_response(200, _run(org, [deleter(i) for i in ids], all_or_none, ids))


def _retrieve(org: Org, call: Call, type_name: str) -> httpx.Response:
    obj = org.object(type_name)
    if obj is None:
        raise RequestError.one(404, "NOT_FOUND", NOT_FOUND_MESSAGE)
    ids = [i for i in (call.param("ids") or "").split(",") if i]
    names = [n for n in (call.param("fields") or "").split(",") if n]
    if not ids or not names:
        raise RequestError.one(400, "MISSING_ARGUMENT", "ids and fields are required")
    if len(ids) > 2000:
        raise _TOO_MANY
    fields = []
    for name in names:
        field = obj.field(name)
        if field is None:
            raise RequestError.one(
                400, "INVALID_FIELD", f"No such column '{name}' on entity '{obj.name}'."
            )
        fields.append(field)
    out: list[dict[str, Any] | None] = []
    for text in ids:
        record = org.store.get(canonical_id(text))
        if record is None or record.sobject != obj.name or record.deleted:
            out.append(None)
        else:
            out.append(record_json(record, obj, call.version, fields))
    return json_response(200, out)
