"""Turning a WriteOp's values into what a Salesforce field accepts (fact sheet §10).

Describe decides: a picklist gets its API value (a label, such as a Japanese
translation a user sees, is swapped for its value; a restricted picklist
refuses anything else before a request is sent), numbers travel as JSON
numbers, checkboxes as booleans, dates as ``YYYY-MM-DD`` and datetimes in UTC
with a zone. A value that cannot be converted makes the record invalid, with a
reason, instead of failing the whole collection request it would travel in.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from adapters.salesforce.describe import FieldInfo

__all__ = ["ValueProblem", "encode_value"]

_NUMBERS = {"double", "currency", "percent"}
_TRUE = {"true", "1", "yes", "y"}
_FALSE = {"false", "0", "no", "n", ""}


class ValueProblem(ValueError):
    """A value the field cannot take; the message says why."""


def encode_value(field: FieldInfo, value: Any) -> Any:
    """The JSON value to send for ``field``.

    Raises:
        ValueProblem: the value does not fit the field's type or picklist.
    """
    if value is None or (
        isinstance(value, str) and value == "" and field.type != "string"
    ):
        return None
    kind = field.type
    if kind in ("picklist", "multipicklist"):
        return _picklist(field, value)
    if kind == "boolean":
        return _boolean(field, value)
    if kind == "int":
        return int(_number(field, value))
    if kind in _NUMBERS:
        return float(_number(field, value))
    if kind == "date":
        return _date(field, value)
    if kind == "datetime":
        return _datetime(field, value)
    if isinstance(value, bool | int | float | Decimal):
        return str(value)
    return value


def _picklist(field: FieldInfo, value: Any) -> Any:
    text = str(value)
    parts = text.split(";") if field.type == "multipicklist" else [text]
    chosen: list[str] = []
    for part in parts:
        api = field.api_value(part)
        if api is None:
            if field.restricted:
                allowed = ", ".join(p.value for p in field.picklist if p.active)
                raise ValueProblem(
                    f"{field.name} is a restricted picklist and {part!r} is none "
                    f"of its active values or labels (values: {allowed})"
                )
            api = part
        chosen.append(api)
    return ";".join(chosen)


def _boolean(field: FieldInfo, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueProblem(f"{field.name} is a checkbox and {value!r} is not true/false")


def _number(field: FieldInfo, value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueProblem(f"{field.name} is a number, not {value!r}")
    try:
        return Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ValueProblem(f"{field.name} is a number and {value!r} is not") from None


def _date(field: FieldInfo, value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        raise ValueProblem(
            f"{field.name} is a date and {value!r} is not YYYY-MM-DD"
        ) from None


def _datetime(field: FieldInfo, value: Any) -> str:
    moment = value if isinstance(value, datetime) else None
    if moment is None:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueProblem(
                f"{field.name} is a date and time and {value!r} is not ISO 8601"
            ) from None
    if moment.tzinfo is None:
        raise ValueProblem(
            f"{field.name}: {value!r} has no time zone (Salesforce would guess one)"
        )
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
