"""The search endpoint: filters, one sort, pages of <= 200 and a 10,000-result cap.

Search reads the index (which lags writes by the configured delay), never returns
archived records, and breaks ties of the sort value in an arbitrary but stable
order, so a client that relies on id order within one timestamp is caught.
"""

from __future__ import annotations

import hashlib
from typing import Any

from tests.fakes.hubspot.objects import CrmStore, WriteRejected, parse_ms

__all__ = ["SearchLimits", "run_search"]


class SearchLimits:
    """Caps of one search request (configurable: HubSpot's sources disagree)."""

    def __init__(
        self,
        *,
        max_groups: int = 5,
        max_filters_per_group: int = 6,
        max_filters: int = 18,
        max_page: int = 200,
        max_total: int = 10_000,
    ) -> None:
        self.max_groups = max_groups
        self.max_filters_per_group = max_filters_per_group
        self.max_filters = max_filters
        self.max_page = max_page
        self.max_total = max_total


def _bad(message: str) -> WriteRejected:
    return WriteRejected(400, "VALIDATION_ERROR", message)


def _comparable(store: CrmStore, type_: str, name: str, value: Any) -> Any:
    if value is None or value == "":
        return None
    definition = store.properties[type_].get(name, {})
    kind = definition.get("type")
    text = str(value)
    if kind in ("datetime", "date"):
        return parse_ms(text)
    if kind == "number":
        try:
            return float(text)
        except ValueError:
            return None
    return text.lower()


def _matches(
    store: CrmStore, type_: str, props: dict[str, str], flt: dict[str, Any]
) -> bool:
    name = flt.get("propertyName")
    op = flt.get("operator")
    if not isinstance(name, str) or not isinstance(op, str):
        raise _bad("each filter needs propertyName and operator")
    have = _comparable(store, type_, name, props.get(name))
    if op == "HAS_PROPERTY":
        return have is not None
    if op == "NOT_HAS_PROPERTY":
        return have is None
    if op in ("IN", "NOT_IN"):
        values = {_comparable(store, type_, name, v) for v in flt.get("values", [])}
        return (have in values) == (op == "IN")
    want = _comparable(store, type_, name, flt.get("value"))
    if op == "EQ":
        return have == want
    if op == "NEQ":
        return have != want
    if have is None or want is None:
        return False
    if op == "BETWEEN":
        high = _comparable(store, type_, name, flt.get("highValue"))
        return bool(high is not None and want <= have <= high)
    checks = {
        "LT": lambda: have < want,
        "LTE": lambda: have <= want,
        "GT": lambda: have > want,
        "GTE": lambda: have >= want,
        "CONTAINS_TOKEN": lambda: str(want) in str(have),
        "NOT_CONTAINS_TOKEN": lambda: str(want) not in str(have),
    }
    if op not in checks:
        raise _bad(f"Unknown operator {op}")
    return bool(checks[op]())


def _tie(record_id: str) -> str:
    return hashlib.sha256(record_id.encode()).hexdigest()


def run_search(
    store: CrmStore, type_: str, body: dict[str, Any], limits: SearchLimits
) -> dict[str, Any]:
    """Answer one search request body, or raise WriteRejected (400)."""
    groups = body.get("filterGroups") or []
    if len(groups) > limits.max_groups:
        raise _bad(f"Too many filter groups ({len(groups)}); max {limits.max_groups}")
    total_filters = 0
    for group in groups:
        count = len(group.get("filters", []))
        total_filters += count
        if count > limits.max_filters_per_group:
            raise _bad(f"Too many filters in a group ({count})")
    if total_filters > limits.max_filters:
        raise _bad(f"Too many filters ({total_filters}); max {limits.max_filters}")
    limit = int(body.get("limit", 10))
    if not 1 <= limit <= limits.max_page:
        raise _bad(f"limit must be between 1 and {limits.max_page}")
    after = int(body.get("after") or 0)
    if after + limit > limits.max_total:
        raise _bad("There was a problem with the request.")
    sorts = body.get("sorts") or []
    if len(sorts) > 1:
        raise _bad("Only one sort is supported")
    if len(str(body.get("query") or "")) > 3000:
        raise _bad("query is longer than 3000 characters")

    hits: list[dict[str, Any]] = []
    for obj in store.objects[type_].values():
        snap = store.search_view(obj)
        if snap is None or snap["archived"]:
            continue
        props = snap["properties"]
        if groups and not any(
            all(_matches(store, type_, props, f) for f in g.get("filters", []))
            for g in groups
        ):
            continue
        hits.append(snap)

    if sorts:
        sort = sorts[0]
        name = sort["propertyName"] if isinstance(sort, dict) else str(sort).lstrip("-")
        descending = (
            sort.get("direction") == "DESCENDING"
            if isinstance(sort, dict)
            else str(sort).startswith("-")
        )

        def key(snap: dict[str, Any]) -> tuple[bool, Any, str]:
            value = _comparable(store, type_, name, snap["properties"].get(name))
            return (value is None, value if value is not None else 0, _tie(snap["id"]))

        hits.sort(key=key, reverse=descending)
    else:
        hits.sort(key=lambda s: int(s["id"]))

    wanted = body.get("properties")
    page = hits[after : after + limit]
    known = set(store.properties[type_])
    results = [_render(snap, wanted, type_, known) for snap in page]
    response: dict[str, Any] = {"total": len(hits), "results": results}
    if after + limit < len(hits):
        response["paging"] = {"next": {"after": str(after + limit)}}
    return response


_SEARCH_DEFAULTS = {
    "contacts": (
        "createdate",
        "email",
        "firstname",
        "hs_object_id",
        "lastmodifieddate",
        "lastname",
    ),
    "deals": (
        "dealname",
        "amount",
        "closedate",
        "pipeline",
        "dealstage",
        "createdate",
        "hs_lastmodifieddate",
        "hs_object_id",
    ),
    "companies": (
        "name",
        "domain",
        "createdate",
        "hs_lastmodifieddate",
        "hs_object_id",
    ),
}


def _render(
    snap: dict[str, Any], wanted: list[str] | None, type_: str, known: set[str]
) -> dict[str, Any]:
    from tests.fakes.hubspot.objects import iso

    names = wanted if wanted else list(_SEARCH_DEFAULTS[type_])
    props = snap["properties"]
    return {
        "id": snap["id"],
        # Unknown requested properties are silently ignored, as HubSpot does.
        "properties": {n: props.get(n) or None for n in names if n in known},
        "createdAt": iso(snap["created_ms"]),
        "updatedAt": iso(snap["updated_ms"]),
        "archived": False,
    }
