"""Walk a JSON value against a model class generated into ``hubspot-api-client``.

The generated classes carry ``openapi_types`` (attribute -> type name such as
``list[SimplePublicObjectBatchInput]``) and ``attribute_map`` (attribute -> JSON
key). Their property setters, run with client-side validation on, refuse a
missing required value and a value outside an enumeration; this walker calls them
rather than keeping its own copy of those lists. It reports unknown keys, JSON
type mismatches, missing required keys and bad enumeration values, with a
JSON-path-like location for each.

Where the package is known to disagree with the API we hold facts about, the
difference is listed here with its reason; nothing else is lenient.
"""

from __future__ import annotations

from datetime import datetime
from types import ModuleType, SimpleNamespace
from typing import Any

__all__ = [
    "EXTRA_ENUM_VALUES",
    "RELAXED_REQUIRED",
    "RESPONSE_EXTRA_KEYS",
    "check_value",
]

RELAXED_REQUIRED: dict[tuple[str, str], str] = {
    ("BatchReadInputSimplePublicObjectId", "propertiesWithHistory"): (
        "the package marks it required, but the fact sheet (section 5) lists it "
        "as an optional extra of batch read and notes the spec's required lists "
        "are over-strict; a read without history is the common case"
    ),
}
"""(model, JSON key) the package requires in requests but HubSpot does not."""

EXTRA_ENUM_VALUES: dict[tuple[str, str], frozenset[str]] = {
    # The fact sheet (section 11) read these in the current properties spec;
    # hubspot-api-client 12.0.0 was generated from an older one.
    ("PropertyCreate", "type"): frozenset({"phone_number"}),
    ("PropertyUpdate", "type"): frozenset({"phone_number"}),
    ("ModelProperty", "type"): frozenset({"phone_number"}),
    ("PropertyCreate", "fieldType"): frozenset({"phonenumber", "html"}),
    ("PropertyUpdate", "fieldType"): frozenset({"phonenumber", "html"}),
    ("ModelProperty", "fieldType"): frozenset({"phonenumber", "html"}),
}
"""Enumeration values HubSpot accepts or sends beyond the package's lists."""

RESPONSE_EXTRA_KEYS: dict[tuple[str, str], str] = {
    ("Error", "status"): "the spec's Error has no status, but every live error "
    'body quoted in the fact sheet (section 13) carries "status": "error"',
}
"""Keys HubSpot sends that the response model lacks (with the evidence)."""

_SORT_DIRECTIONS = ("ASCENDING", "DESCENDING")
_STRICT = SimpleNamespace(client_side_validation=True)


def json_kind(value: Any) -> str:
    """The JSON type name of a decoded value, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _is_timestamp(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def check_value(
    value: Any,
    type_name: str,
    module: ModuleType,
    where: str,
    problems: list[str],
    *,
    response: bool = False,
) -> None:
    """Append every way ``value`` breaks ``type_name`` of ``module`` to problems.

    ``response`` judges what HubSpot sends rather than what a client sends:
    map values may be null (HubSpot answers a requested but empty property
    with ``null``), :data:`RESPONSE_EXTRA_KEYS` apply and
    :data:`RELAXED_REQUIRED` does not.
    """
    if type_name.startswith("list["):
        if not isinstance(value, list):
            problems.append(f"{where}: expected array, got {json_kind(value)}")
            return
        for n, item in enumerate(value):
            check_value(
                item, type_name[5:-1], module, f"{where}[{n}]", problems,
                response=response,
            )  # fmt: skip
        return
    if type_name.startswith("dict["):
        if not isinstance(value, dict):
            problems.append(f"{where}: expected object, got {json_kind(value)}")
            return
        inner = type_name[5:-1].split(",", 1)[1].strip()
        for key, item in value.items():
            if item is None and response:
                continue
            check_value(
                item, inner, module, f"{where}.{key}", problems, response=response
            )
        return
    scalar = {
        "str": isinstance(value, str),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, int | float) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "datetime": _is_timestamp(value),
        "date": _is_timestamp(value),
        "object": True,
    }
    if type_name in scalar:
        if not scalar[type_name]:
            expected = {"str": "string", "int": "integer", "float": "number"}
            problems.append(
                f"{where}: expected {expected.get(type_name, type_name)}, "
                f"got {json_kind(value)} {value!r}"[:300]
            )
        return
    cls = getattr(module, type_name)
    _check_model(value, cls, module, where, problems, response)


def _check_model(
    value: Any,
    cls: type[Any],
    module: ModuleType,
    where: str,
    problems: list[str],
    response: bool,
) -> None:
    name = cls.__name__
    if not isinstance(value, dict):
        problems.append(f"{where}: expected {name} object, got {json_kind(value)}")
        return
    json_to_attr = {key: attr for attr, key in cls.attribute_map.items()}
    for key in value:
        if key in json_to_attr or (response and (name, key) in RESPONSE_EXTRA_KEYS):
            continue
        known = sorted(json_to_attr)
        problems.append(f'{where}: unknown field "{key}" in {name}; known: {known}')
    instance = object.__new__(cls)
    instance.local_vars_configuration = _STRICT
    missing: list[str] = []
    for key, attr in json_to_attr.items():
        present = value.get(key)
        at = f"{where}.{key}"
        before = len(problems)
        if present is not None:
            if name == "PublicObjectSearchRequest" and key == "sorts":
                _check_sorts(present, at, problems)
                continue
            check_value(
                present, cls.openapi_types[attr], module, at, problems,
                response=response,
            )  # fmt: skip
        if len(problems) > before:
            continue  # the setter would only repeat a type problem
        if isinstance(present, str) and present in EXTRA_ENUM_VALUES.get(
            (name, key), frozenset()
        ):
            continue
        try:
            setattr(instance, attr, present)
        except (ValueError, TypeError) as exc:
            text = str(exc)
            if present is None and "must not be `None`" in text:
                if response or (name, key) not in RELAXED_REQUIRED:
                    missing.append(key)
            elif present is not None:
                problems.append(f"{at}: " + text.replace(f"`{attr}`", key))
    if missing:
        problems.append(
            f"{where}: Cannot build {name}, some of required attributes are not "
            f"set {missing}"
        )


def _check_sorts(value: Any, where: str, problems: list[str]) -> None:
    """``sorts``: the package types it as strings; HubSpot takes sort objects.

    The fact sheet (section 6) has the official Node client's README sending
    ``{"propertyName", "direction"}`` objects, and notes the spec types the items
    as strings; both forms are accepted, anything else in them is not.
    """
    if not isinstance(value, list):
        problems.append(f"{where}: expected array, got {json_kind(value)}")
        return
    for index, item in enumerate(value):
        at = f"{where}[{index}]"
        if isinstance(item, str):
            continue
        if not isinstance(item, dict):
            problems.append(f"{at}: expected string or sort object")
            continue
        unknown = sorted(set(item) - {"propertyName", "direction"})
        if unknown:
            problems.append(f"{at}: unknown field(s) {unknown} in a sort")
        if not isinstance(item.get("propertyName"), str):
            problems.append(f"{at}: propertyName is required and must be a string")
        if item.get("direction", "ASCENDING") not in _SORT_DIRECTIONS:
            problems.append(
                f"{at}.direction: {item.get('direction')!r} is not one of "
                f"{list(_SORT_DIRECTIONS)}"
            )
