"""The fake's own answers checked against the response models HubSpot generated.

A fake that answers in shapes HubSpot never sends lets a client pass against
impossible data (an integer where HubSpot sends a string id, a missing required
field the client then never learns to expect). Every answer the fake gives is
walked against the response model of its route in ``hubspot-api-client`` (see
models.py); a mismatch is the fake's bug, so it never changes the answer and is
only recorded in ``FakeHubSpot.response_violations`` for tests to assert empty.
"""

from __future__ import annotations

import importlib
import json
import re
from typing import Any

from tests.fakes.hubspot.models import check_value

__all__ = ["RATE_LIMIT_KEYS", "UNCHECKED_RESPONSES", "check_response", "response_model"]

_V = r"(?:v3/{0}|{0}/\d{{4}}-\d{{2}})"
_OBJECTS = re.compile(rf"^/crm/{_V.format('objects')}/(?P<type>[\w-]+)(?P<rest>.*)$")
_PROPS = re.compile(rf"^/crm/{_V.format('properties')}/[\w-]+(?P<rest>.*)$")
_PIPES = re.compile(rf"^/crm/{_V.format('pipelines')}/[\w-]+(?P<rest>.*)$")
_ASSOC = re.compile(
    r"^/crm/(?:v4/associations|associations/\d{4}-\d{2})/[\w-]+/[\w-]+"
    r"/batch/(?P<action>[\w/]+)$"
)
_MODULES = {
    "contacts": "contacts",
    "0-1": "contacts",
    "deals": "deals",
    "0-3": "deals",
    "companies": "companies",
    "0-2": "companies",
}
_BATCH = "BatchResponseSimplePublicObject"
_UPSERT = "BatchResponseSimplePublicUpsertObject"
_OBJECT_ROUTES: list[tuple[str, str, str]] = [
    ("GET", r"", "CollectionResponseSimplePublicObjectWithAssociationsForwardPaging"),
    ("POST", r"", "SimplePublicObject"),
    ("POST", r"/search", "CollectionResponseWithTotalSimplePublicObjectForwardPaging"),
    ("POST", r"/merge", "SimplePublicObject"),
    ("POST", r"/batch/(?:create|update|read)", _BATCH),
    ("POST", r"/batch/upsert", _UPSERT),
    ("GET", r"/[^/]+", "SimplePublicObjectWithAssociations"),
    ("PATCH", r"/[^/]+", "SimplePublicObject"),
]
_PROPERTY_ROUTES: list[tuple[str, str, str]] = [
    ("GET", r"", "CollectionResponsePropertyNoPaging"),
    ("POST", r"", "ModelProperty"),
    ("GET", r"/groups", "CollectionResponsePropertyGroupNoPaging"),
    ("POST", r"/groups", "PropertyGroup"),
    ("GET", r"/groups/[^/]+", "PropertyGroup"),
    ("GET", r"/[^/]+", "ModelProperty"),
]
_PIPELINE_ROUTES: list[tuple[str, str, str]] = [
    ("GET", r"", "CollectionResponsePipelineNoPaging"),
    ("GET", r"/[^/]+", "Pipeline"),
    ("GET", r"/[^/]+/stages", "CollectionResponsePipelineStageNoPaging"),
]
_ASSOCIATION_ROUTES = {
    "read": "BatchResponsePublicAssociationMultiWithLabel",
    "create": "BatchResponseLabelsBetweenObjectPair",
    # The package has one model for both outcomes of this route.
    "associate/default": "BatchResponsePublicDefaultAssociation",
}
_FIXED = {
    ("GET", "/events/v3/events"): (
        "hubspot.events.models",
        "CollectionResponseExternalUnifiedEvent",
    ),
}
_PARTICIPATIONS = re.compile(
    r"^/marketing/v3/marketing-events/participations/contacts/[^/]+/breakdown$"
)
_SCHEMAS = re.compile(r"^/crm/(?:v3/schemas|schemas/\d{4}-\d{2})$")

UNCHECKED_RESPONSES = {
    "/account-info/v3/api-usage/daily/private-apps": "account-info is not in "
    "hubspot-api-client; the fact sheet (section 12) gives the body's fields",
}

RATE_LIMIT_KEYS = frozenset(
    {"status", "message", "errorType", "correlationId", "policyName", "requestId"}
)
"""The 429 body's keys as HubSpot's usage guidelines quote it (fact sheet s. 12)."""


def _match(table: list[tuple[str, str, str]], method: str, rest: str) -> str | None:
    for verb, pattern, name in table:
        if verb == method and re.fullmatch(pattern, rest):
            return name
    return None


def response_model(method: str, path: str, status: int) -> tuple[str, str] | None:
    """(models module, model name) for a 2xx answer, None if not modelled."""
    if (m := _OBJECTS.match(path)) is not None:
        kind = _MODULES.get(m["type"])
        name = _match(_OBJECT_ROUTES, method, m["rest"]) if kind else None
        if name is None:
            return None
        if status == 207 and name in (_BATCH, _UPSERT):
            name += "WithErrors"
        return f"hubspot.crm.{kind}.models", name
    if (m := _PROPS.match(path)) is not None:
        name = _match(_PROPERTY_ROUTES, method, m["rest"])
        return ("hubspot.crm.properties.models", name) if name else None
    if (m := _PIPES.match(path)) is not None:
        name = _match(_PIPELINE_ROUTES, method, m["rest"])
        return ("hubspot.crm.pipelines.models", name) if name else None
    if (m := _ASSOC.match(path)) is not None and method == "POST":
        name = _ASSOCIATION_ROUTES.get(m["action"])
        if name is None:
            return None
        if status == 207 and m["action"] != "associate/default":
            name += "WithErrors"
        return "hubspot.crm.associations.v4.models", name
    if method == "GET" and _PARTICIPATIONS.match(path):
        return (
            "hubspot.marketing.events.models",
            "CollectionResponseWithTotalParticipationBreakdownForwardPaging",
        )
    if method == "GET" and _SCHEMAS.match(path):
        return "hubspot.crm.schemas.models", "CollectionResponseObjectSchemaNoPaging"
    return _FIXED.get((method, path))


def check_response(
    method: str, path: str, status: int, content: bytes
) -> tuple[str, list[str]]:
    """The model an answer should follow and every way the fake's answer does not."""
    if status == 204:
        return "(no body)", [f"204 with a {len(content)}-byte body"] if content else []
    try:
        body: Any = json.loads(content)
    except ValueError:
        return "(json)", [f"{status} answer is not JSON: {content[:80]!r}"]
    if status == 429:
        keys = set(body) if isinstance(body, dict) else set()
        if keys != RATE_LIMIT_KEYS:
            return "(429)", [f"429 keys {sorted(keys)} != {sorted(RATE_LIMIT_KEYS)}"]
        return "(429)", []
    if status >= 400:
        found: tuple[str, str] | None = ("hubspot.crm.contacts.models", "Error")
    else:
        found = response_model(method, path, status)
    if found is None:
        return "-", []
    module_name, name = found
    problems: list[str] = []
    check_value(
        body, name, importlib.import_module(module_name), "$", problems, response=True
    )
    return name, problems
