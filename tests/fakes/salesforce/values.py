"""Field values of a JSON write body, decoded by the field's type.

A body that names an unknown field or gives a value of the wrong JSON type cannot
be deserialised, so it fails the whole request (400), even inside sObject
Collections; everything else is checked per record (writes.py). The messages
follow Salesforce's deserialiser; their wording is unconfirmed (see README).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tests.fakes.salesforce.errors import RequestError
from tests.fakes.salesforce.ids import canonical_id
from tests.fakes.salesforce.schema import STRINGY, FieldDef, ObjectDef
from tests.fakes.salesforce.timefmt import parse_date, parse_datetime

__all__ = ["decode_body", "decode_value", "no_such_column"]


def no_such_column(name: str, sobject: str) -> RequestError:
    """The 400 INVALID_FIELD for a write naming a field the object lacks."""
    return RequestError.one(
        400, "INVALID_FIELD", f"No such column '{name}' on sobject of type {sobject}"
    )


def decode_body(obj: ObjectDef, body: Mapping[str, Any]) -> dict[str, Any]:
    """Canonical field name -> Python value; ``attributes`` is ignored."""
    out: dict[str, Any] = {}
    for key, value in body.items():
        if key == "attributes":
            continue
        field = obj.field(key)
        if field is None:
            raise no_such_column(key, obj.name)
        out[field.name] = decode_value(field, value)
    return out


def _token(value: Any) -> str:
    if isinstance(value, bool):
        return "VALUE_TRUE" if value else "VALUE_FALSE"
    if isinstance(value, int):
        return "VALUE_NUMBER_INT"
    if isinstance(value, float):
        return "VALUE_NUMBER_FLOAT"
    if isinstance(value, dict):
        return "START_OBJECT"
    if isinstance(value, list):
        return "START_ARRAY"
    return "VALUE_STRING"


def _refuse(field: FieldDef, value: Any, java_type: str) -> RequestError:
    shown = value if isinstance(value, str | int | float) else ""
    return RequestError.one(
        400,
        "JSON_PARSER_ERROR",
        f"Cannot deserialize instance of {java_type} from {_token(value)} value "
        f"{shown} or request may be missing a required field",
    )


def decode_value(field: FieldDef, value: Any) -> Any:
    """One value as stored, or the JSON_PARSER_ERROR its type calls for."""
    if value is None:
        return None
    kind = field.type
    if kind in STRINGY or kind in ("id", "reference"):
        if not isinstance(value, str):
            raise _refuse(field, value, "string")
        if kind in ("id", "reference") and value == "":
            return None
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _refuse(field, value, "boolean")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise _refuse(field, value, "int")
        return value
    if kind in ("double", "currency", "percent"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _refuse(field, value, "double")
        return float(value)
    if kind == "date":
        parsed = parse_date(value) if isinstance(value, str) else None
        if parsed is None:
            raise _refuse(field, value, "date")
        return parsed
    if kind == "datetime":
        ms = parse_datetime(value) if isinstance(value, str) else None
        if ms is None:
            raise _refuse(field, value, "datetime")
        return ms
    raise AssertionError(f"unmodelled field type {kind}")


def reference_id(value: str) -> str | None:
    """The canonical form of an id written into a lookup field, or None."""
    return canonical_id(value)
