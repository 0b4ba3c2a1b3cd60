"""Every endpoint hubspot-api-client knows, read from its generated API modules.

Each generated ``*_with_http_info`` method spells out its path template, HTTP
method, query parameter names, body type and response types. Reading them gives
an index of HubSpot's endpoints that owes nothing to us: the fake uses it to
refuse query parameters the endpoint does not define (HubSpot ignores them
silently, so a misspelt ``propertiesWithHistory`` would quietly do nothing), and
tests use it to check the fake's hand-written route tables against the package.

The date-based paths (``/crm/objects/2026-03/...``) are looked up under the v3
and v4 paths the package speaks: the fact sheet (section 0) found their shapes
identical. Numeric object type ids (``0-1``) are looked up under their names.
"""

from __future__ import annotations

import functools
import importlib.util
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Endpoint", "endpoint_for", "index"]

_API_PACKAGES = (
    "hubspot.crm.contacts.api",
    "hubspot.crm.deals.api",
    "hubspot.crm.companies.api",
    "hubspot.crm.properties.api",
    "hubspot.crm.pipelines.api",
    "hubspot.crm.associations.v4.api",
    "hubspot.crm.schemas.api",
    "hubspot.events.api",
    "hubspot.marketing.events.api",
)
_METHOD = re.compile(r"\n    def (\w+)_with_http_info\(")
_CALL = re.compile(r'call_api\(\s*"(?P<path>[^"]+)",\s*"(?P<verb>[A-Z]+)"')
_QUERY = re.compile(r'query_params\.append\(\("(\w+)"')
_BODY = re.compile(r'body_params = local_var_params\["(\w+)"\]')
_RESPONSES = re.compile(r'(\d{3}): "(\w+)"')
_DATED = [
    (re.compile(r"^/crm/objects/\d{4}-\d{2}/"), "/crm/v3/objects/"),
    (re.compile(r"^/crm/properties/\d{4}-\d{2}/"), "/crm/v3/properties/"),
    (re.compile(r"^/crm/pipelines/\d{4}-\d{2}/"), "/crm/v3/pipelines/"),
    (re.compile(r"^/crm/schemas/\d{4}-\d{2}$"), "/crm/v3/schemas"),
    (re.compile(r"^/crm/associations/\d{4}-\d{2}/"), "/crm/v4/associations/"),
]
_TYPE_IDS = re.compile(r"^(/crm/v3/objects/)(0-1|0-2|0-3)(?=/|$)")
_TYPE_NAMES = {"0-1": "contacts", "0-2": "companies", "0-3": "deals"}


@dataclass(frozen=True)
class Endpoint:
    """One operation of the official client."""

    package: str
    operation: str
    verb: str
    template: str
    query: frozenset[str]
    body_type: str | None
    responses: tuple[tuple[int, str], ...]

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        """The template as a regex (each ``{name}`` one path segment)."""
        parts = re.split(r"\{\w+\}", self.template.rstrip("/"))
        return re.compile("^" + "[^/]+".join(re.escape(p) for p in parts) + "$")

    @property
    def placeholders(self) -> int:
        """How many ``{name}`` segments; fewer means a more specific template."""
        return self.template.count("{")


def _parse(package: str, source: str) -> list[Endpoint]:
    endpoints = []
    starts = [m.start() for m in _METHOD.finditer(source)] + [len(source)]
    for start, end in itertools.pairwise(starts):
        chunk = source[start:end]
        call = _CALL.search(chunk)
        name = _METHOD.match(chunk)
        if call is None or name is None:
            continue
        body_param = _BODY.search(chunk)
        body_type = None
        if body_param is not None:
            declared = re.search(rf":type {body_param[1]}: (\w+)", source)
            body_type = declared[1] if declared else None
        tail = chunk[chunk.find("response_types_map") :]
        endpoints.append(
            Endpoint(
                package=package,
                operation=name[1],
                verb=call["verb"],
                template=call["path"],
                query=frozenset(_QUERY.findall(chunk)),
                body_type=body_type,
                responses=tuple(
                    (int(code), model)
                    for code, model in _RESPONSES.findall(tail[: tail.find("}")])
                ),
            )
        )
    return endpoints


@functools.cache
def index() -> tuple[Endpoint, ...]:
    """All endpoints of the API packages the fake's routes belong to."""
    found: list[Endpoint] = []
    for package in _API_PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        for file in sorted(
            Path(next(iter(spec.submodule_search_locations))).glob("*_api.py")
        ):
            found.extend(_parse(package, file.read_text()))
    return tuple(found)


def normalise(path: str) -> str:
    """The path as the package spells it (v3/v4 family, type names)."""
    for pattern, replacement in _DATED:
        path = pattern.sub(replacement, path)
    return _TYPE_IDS.sub(lambda m: m[1] + _TYPE_NAMES[m[2]], path.rstrip("/"))


def endpoint_for(verb: str, path: str) -> Endpoint | None:
    """The package's endpoint for a request, the most specific if several match."""
    wanted = normalise(path)
    hits = [e for e in index() if e.verb == verb and e.pattern.match(wanted)]
    return min(hits, key=lambda e: e.placeholders) if hits else None
