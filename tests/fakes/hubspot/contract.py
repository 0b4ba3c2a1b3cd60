"""Request bodies checked against HubSpot's own generated models, not against ours.

The fake was written by the same people as the adapter, so its idea of a valid
request agreed with the adapter by construction. This module takes that judgement
away from both: each (method, path) the fake serves is mapped to the model class
that HubSpot's official Python client (``hubspot-api-client``, a test-only
dependency) generated for it, and every body is walked against that class (see
models.py: unknown keys, JSON types, required keys, enumerations). Unknown keys
are always a violation: whether HubSpot rejects or silently drops them is not
confirmed, and a silently dropped key is a lost write either way.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Any

from tests.fakes.hubspot.api_index import endpoint_for
from tests.fakes.hubspot.models import check_value

__all__ = [
    "UNVALIDATED",
    "ContractViolation",
    "check_body",
    "check_query",
    "contract_for",
    "model_class",
    "violation_body",
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

UNVALIDATED: list[tuple[str, str, str]] = [
    ("GET", "/crm/{v3/objects|objects/<v>}/{type}[/{id}]", "no request body"),
    ("DELETE", "/crm/{v3/objects|objects/<v>}/{type}/{id}", "no request body"),
    ("GET", "/crm/{v3/properties|properties/<v>}/{type}[/...]", "no request body"),
    ("GET", "/crm/{v3/pipelines|pipelines/<v>}/deals[/...]", "no request body"),
    ("GET", "/crm/{v3/schemas|schemas/<v>}", "no request body"),
    ("GET", "/events/v3/events", "no request body"),
    (
        "GET",
        "/marketing/v3/marketing-events/participations/contacts/{id}/breakdown",
        "no request body",
    ),
    (
        "GET",
        "/account-info/v3/api-usage/daily/private-apps",
        "no request body; account-info is not in hubspot-api-client at all",
    ),
    (
        "*",
        "query parameter values",
        "names are checked against the package's API methods (api_index.py); "
        "their values are left to the route handlers",
    ),
    ("GET", "/crm/{v3/schemas|schemas/<v>}", "query: the package has no such path"),
]
"""Routes the fake serves whose requests are not model-checked, and why. A body
sent with a GET or DELETE is still reported (none of them takes one)."""


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
        if method in ("GET", "DELETE") and raw.strip():
            problem = f"{method} {path} takes no request body, got {len(raw)} bytes"
            return "-", [problem]
        # Not a route HubSpot defines a body for here: the fake answers 404.
        return "-", []
    module_name, name = found
    module = importlib.import_module(module_name)
    problems: list[str] = []
    check_value(body, name, module, "$", problems)
    return name, problems


def check_query(method: str, path: str, names: list[str]) -> list[str]:
    """Query parameter names the package's endpoint for this request lacks."""
    endpoint = endpoint_for(method, path)
    if endpoint is None:
        return []
    unknown = sorted(set(names) - endpoint.query)
    if not unknown:
        return []
    return [
        f"query: unknown parameter(s) {unknown} for {endpoint.operation} "
        f"({method} {endpoint.template}); known: {sorted(endpoint.query)}"
    ]


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
