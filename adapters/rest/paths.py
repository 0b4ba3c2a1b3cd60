"""Dotted field paths (``owner.email``) and per-field value wrappers.

APIs nest fields (``{"owner": {"email": ...}}``) and some wrap every value
(kintone: ``{"name": {"value": "..."}}``). Records reach the mapping layer flat, as
``{"owner.email": ...}``, so a mapping names a nested field the same way the config
does, and writes are rebuilt into the nested shape the API expects.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from typing_extensions import override

__all__ = ["MISSING", "flatten", "get_path", "jsonable", "set_path", "unflatten"]


class _Missing:
    @override
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
"""Returned by :func:`get_path` when a path does not exist (None may be a value)."""


def get_path(data: Any, path: str, default: Any = MISSING) -> Any:
    """Follow a dotted path through mappings (and list indexes); empty path: data."""
    if not path:
        return data
    current = data
    for part in path.split("."):
        if isinstance(current, Mapping) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return default
    return current


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set a dotted path, creating the mappings on the way."""
    parts = path.split(".")
    current = data
    for part in parts[:-1]:
        child = current.get(part)
        if not isinstance(child, dict):
            child = current[part] = {}
        current = child
    current[parts[-1]] = value


def flatten(record: Mapping[str, Any], wrapper: str | None = None) -> dict[str, Any]:
    """Nested mappings become dotted keys; wrapped values are unwrapped.

    A mapping holding the wrapper key is a value, not a branch (kintone sends
    ``{"type": "SINGLE_LINE_TEXT", "value": "x"}``). Lists stay as they are.
    """
    flat: dict[str, Any] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, Mapping):
            if wrapper is not None and wrapper in value:
                flat[prefix] = value[wrapper]
                return
            if value:
                for key, child in value.items():
                    walk(f"{prefix}.{key}" if prefix else str(key), child)
                return
        flat[prefix] = value

    for key, value in record.items():
        walk(str(key), value)
    return flat


def unflatten(fields: Mapping[str, Any], wrapper: str | None = None) -> dict[str, Any]:
    """Dotted keys become nested mappings; each value is wrapped when configured."""
    body: dict[str, Any] = {}
    for key, value in fields.items():
        set_path(body, key, {wrapper: value} if wrapper else value)
    return body


def jsonable(value: Any) -> Any:
    """Turn values JSON cannot carry into what APIs expect.

    Raises:
        TypeError: the value has no JSON form (the record is then refused as
            invalid rather than failing the whole batch).
    """
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    raise TypeError(f"{type(value).__name__} value {value!r} cannot be sent as JSON")
