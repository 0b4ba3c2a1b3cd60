"""Request bodies checked against HubSpot's own generated models, not against ours.

The fake was written by the same people as the adapter, so its idea of a valid
request agreed with the adapter by construction. This module takes that judgement
away from both: every body is walked against the OpenAPI-generated model classes of
HubSpot's official Python client (``hubspot-api-client``, a test-only dependency).
Their ``openapi_types`` / ``attribute_map`` give the JSON keys and types, and their
own property setters (run with client-side validation on) decide required fields
and enumerations, so no list of required keys or operators is typed in here.

Where that package is known to disagree with the API we hold facts about, the
difference is listed below with its reason (:data:`RELAXED_REQUIRED`,
:data:`EXTRA_ENUM_VALUES`, the sort-object rule); nothing else is lenient. Unknown
keys are always a violation: whether HubSpot rejects or silently drops them is not
confirmed, and a silently dropped key is a lost write either way.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from types import ModuleType, SimpleNamespace
from typing import Any

__all__ = [
    "EXTRA_ENUM_VALUES",
    "RELAXED_REQUIRED",
    "UNVALIDATED",
    "ContractViolation",
    "check_body",
    "contract_for",
    "model_class",
]

_VERSION = r"\d{4}-\d{2}"
_MODULES = {
    "contacts": "hubspot.crm.contacts.models",
    "0-1": "hubspot.crm.contacts.models",
    "deals": "hubspot.crm.deals.models",
    "0-3": "hubspot.crm.deals.models",
    "companies": "hubspot.crm.companies.models",
    "0-2": "hubspot.crm.companies.models",
}
_PROPERTIES = "hubspot.crm.properties.models"
_ASSOCIATIONS = "hubspot.crm.associations.v4.models"

_OBJECTS = re.compile(
    rf"^/crm/(?:v3/objects|objects/{_VERSION})/(?P<type>[\w-]+)(?P<rest>(?:/[^/]+)*)$"
)
_PROPS = re.compile(
    rf"^/crm/(?:v3/properties|properties/{_VERSION})/(?P<type>[\w-]+)(?P<rest>(?:/[^/]+)*)$"
)
_ASSOC = re.compile(
    rf"^/crm/(?:v4/associations|associations/{_VERSION})/[\w-]+/[\w-]+/batch/(?P<action>[\w/]+)$"
)

# (method, rest of an objects path) -> model name in the object type's module.
# The date-based paths (2026-03) use the v3 models: the fact sheet (section 0)
# found the request shapes of v3, 2026-03 and 2026-09 identical in the specs.
_OBJECT_MODELS: list[tuple[str, re.Pattern[str], str]] = [
    ("POST", re.compile(r"^$"), "SimplePublicObjectInputForCreate"),
    ("POST", re.compile(r"^/search$"), "PublicObjectSearchRequest"),
    ("POST", re.compile(r"^/merge$"), "PublicMergeInput"),
    (
        "POST",
        re.compile(r"^/batch/create$"),
        "BatchInputSimplePublicObjectBatchInputForCreate",
    ),
    ("POST", re.compile(r"^/batch/update$"), "BatchInputSimplePublicObjectBatchInput"),
    (
        "POST",
        re.compile(r"^/batch/upsert$"),
        "BatchInputSimplePublicObjectBatchInputUpsert",
    ),
    ("POST", re.compile(r"^/batch/archive$"), "BatchInputSimplePublicObjectId"),
    ("POST", re.compile(r"^/batch/read$"), "BatchReadInputSimplePublicObjectId"),
    ("PATCH", re.compile(r"^/[^/]+$"), "SimplePublicObjectInput"),
]
_PROPERTY_MODELS: list[tuple[str, re.Pattern[str], str]] = [
    ("POST", re.compile(r"^$"), "PropertyCreate"),
    ("POST", re.compile(r"^/groups$"), "PropertyGroupCreate"),
    ("PATCH", re.compile(r"^/groups/[^/]+$"), "PropertyGroupUpdate"),
    ("PATCH", re.compile(r"^/[^/]+$"), "PropertyUpdate"),
]
_ASSOCIATION_MODELS = {
    "associate/default": "BatchInputPublicDefaultAssociationMultiPost",
    "create": "BatchInputPublicAssociationMultiPost",
    "read": "BatchInputPublicFetchAssociationsBatchRequest",
    "archive": "BatchInputPublicAssociationMultiArchive",
}

UNVALIDATED: dict[str, str] = {
    "GET, DELETE (every route)": "no request body in the API; a body sent with "
    "them is reported as a violation instead",
    "query parameters (every route)": "the package keeps them as API-method "
    "arguments, not as models; the route handlers check the ones they use",
    "GET /events/v3/events, GET /marketing/v3/.../breakdown, "
    "GET /account-info/v3/api-usage/...": "read-only, no body",
}
"""What this module does not check, and why (shown in the fake's docs and tests)."""

RELAXED_REQUIRED: dict[tuple[str, str], str] = {
    ("BatchReadInputSimplePublicObjectId", "propertiesWithHistory"): (
        "the package marks it required, but the fact sheet (section 5) lists it "
        "as an optional extra of batch read and notes the spec's required lists "
        "are over-strict; a read without history is the common case"
    ),
}
"""(model, JSON key) the package requires but HubSpot does not."""

EXTRA_ENUM_VALUES: dict[tuple[str, str], frozenset[str]] = {
    # The fact sheet (section 11) read these in the current properties spec;
    # hubspot-api-client 12.0.0 was generated from an older one.
    ("PropertyCreate", "type"): frozenset({"phone_number"}),
    ("PropertyUpdate", "type"): frozenset({"phone_number"}),
    ("PropertyCreate", "fieldType"): frozenset({"phonenumber", "html"}),
    ("PropertyUpdate", "fieldType"): frozenset({"phonenumber", "html"}),
}
"""Enumeration values HubSpot accepts beyond the package's lists."""

_SORT_DIRECTIONS = ("ASCENDING", "DESCENDING")
_STRICT = SimpleNamespace(client_side_validation=True)


@dataclass(frozen=True)
class ContractViolation:
    """One request whose body broke the generated model of its route."""

    method: str
    path: str
    model: str
    problems: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON form, for the admin endpoint and for assertion messages."""
        return {
            "method": self.method,
            "path": self.path,
            "model": self.model,
            "problems": list(self.problems),
        }


def model_class(module_name: str, name: str) -> type[Any]:
    """The generated model class ``name`` of a ``hubspot...models`` module."""
    cls: type[Any] = getattr(importlib.import_module(module_name), name)
    return cls


def contract_for(method: str, path: str) -> tuple[str, str] | None:
    """(models module, model name) for a request, None when no body is defined."""
    if (match := _OBJECTS.match(path)) is not None:
        module = _MODULES.get(match["type"])
        table, rest = _OBJECT_MODELS, match["rest"]
    elif (match := _PROPS.match(path)) is not None:
        module = _PROPERTIES
        table, rest = _PROPERTY_MODELS, match["rest"]
    elif (match := _ASSOC.match(path)) is not None:
        name = _ASSOCIATION_MODELS.get(match["action"])
        return (_ASSOCIATIONS, name) if method == "POST" and name else None
    else:
        return None
    if module is None:
        return None  # unknown object type: the fake answers 400 anyway
    for verb, pattern, name in table:
        if verb == method and pattern.match(rest):
            return module, name
    return None


def check_body(method: str, path: str, body: Any, raw: bytes) -> tuple[str, list[str]]:
    """The route's model name and every way this request's body breaks it."""
    found = contract_for(method, path)
    if found is None:
        if raw.strip():
            problem = f"{method} {path} takes no request body, got {len(raw)} bytes"
            return "-", [problem]
        return "-", []
    module_name, name = found
    module = importlib.import_module(module_name)
    problems: list[str] = []
    _check_value(body, name, module, "$", problems)
    return name, problems


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _check_value(
    value: Any, type_name: str, module: ModuleType, where: str, problems: list[str]
) -> None:
    """Check one JSON value against a generated type name (``list[X]``...)."""
    if type_name.startswith("list["):
        if not isinstance(value, list):
            problems.append(f"{where}: expected array, got {_json_kind(value)}")
            return
        for index, item in enumerate(value):
            _check_value(item, type_name[5:-1], module, f"{where}[{index}]", problems)
        return
    if type_name.startswith("dict["):
        if not isinstance(value, dict):
            problems.append(f"{where}: expected object, got {_json_kind(value)}")
            return
        inner = type_name[5:-1].split(",", 1)[1].strip()
        for key, item in value.items():
            _check_value(item, inner, module, f"{where}.{key}", problems)
        return
    scalar = {
        "str": isinstance(value, str),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, int | float) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "object": True,
    }
    if type_name in scalar:
        if not scalar[type_name]:
            expected = {"str": "string", "int": "integer", "float": "number"}
            problems.append(
                f"{where}: expected {expected.get(type_name, type_name)}, "
                f"got {_json_kind(value)} {value!r}"[:300]
            )
        return
    _check_model(value, getattr(module, type_name), module, where, problems)


def _check_model(
    value: Any, cls: type[Any], module: ModuleType, where: str, problems: list[str]
) -> None:
    name = cls.__name__
    if not isinstance(value, dict):
        problems.append(f"{where}: expected {name} object, got {_json_kind(value)}")
        return
    json_to_attr = {key: attr for attr, key in cls.attribute_map.items()}
    for key in value:
        if key not in json_to_attr:
            known = sorted(json_to_attr)
            problems.append(
                f'{where}: unknown field "{key}" in {name} (known: {known})'
            )
    instance = object.__new__(cls)
    instance.local_vars_configuration = _STRICT
    missing: list[str] = []
    for key, attr in json_to_attr.items():
        present = value.get(key)
        before = len(problems)
        if present is not None:
            if name == "PublicObjectSearchRequest" and key == "sorts":
                _check_sorts(present, f"{where}.{key}", problems)
                continue
            _check_value(
                present, cls.openapi_types[attr], module, f"{where}.{key}", problems
            )
        if len(problems) > before:
            continue  # the setter would only repeat a type problem
        extra = EXTRA_ENUM_VALUES.get((name, key), frozenset())
        if isinstance(present, str) and present in extra:
            continue
        try:
            setattr(instance, attr, present)
        except (ValueError, TypeError) as exc:
            text = str(exc)
            if present is None and "must not be `None`" in text:
                if (name, key) not in RELAXED_REQUIRED:
                    missing.append(key)
            elif present is not None:
                problems.append(f"{where}.{key}: " + text.replace(f"`{attr}`", key))
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
        problems.append(f"{where}: expected array, got {_json_kind(value)}")
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


def violation_body(problems: list[str], correlation_id: str) -> dict[str, Any]:
    """HubSpot's VALIDATION_ERROR body for a request its model refuses.

    The message starts the way HubSpot's own deserialisation errors do ("Invalid
    input JSON on line 1, ...", seen in public issue threads); every problem is
    also listed under ``errors`` with where in the body it is.
    """
    return {
        "status": "error",
        "message": f"Invalid input JSON on line 1, column 1: {problems[0]}",
        "correlationId": correlation_id,
        "category": "VALIDATION_ERROR",
        "errors": [
            {"message": p, "in": p.split(":", 1)[0], "code": "INVALID_INPUT"}
            for p in problems
        ],
    }
