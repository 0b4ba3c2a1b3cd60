"""Every HubSpot URL path, built by one function from the configured API version.

HubSpot retires ``/crm/v3`` (September 2027) and ``/crm/v4`` associations (March
2027) in favour of date-based versions such as ``/crm/objects/2026-03/contacts``.
Request and response bodies are the same in both families, so only the path
changes; keeping that in one place makes the switch a one-line setting.
"""

from __future__ import annotations

from typing import Literal

from adapters.hubspot.settings import ApiVersion

__all__ = ["ObjectType", "PathKind", "api_path"]

ObjectType = Literal["contacts", "deals", "companies"]
"""The CRM object types the connector reads and writes."""

PathKind = Literal[
    "objects",
    "search",
    "batch",
    "merge",
    "properties",
    "property_groups",
    "pipelines",
    "associations_batch",
    "events",
    "marketing_participation",
]
"""What the path addresses; see :func:`api_path` for the shapes."""


def _crm(area: str, version: ApiVersion) -> str:
    # Legacy puts the version before the area, date-based after it.
    if version == "v3":
        legacy = "v4" if area == "associations" else "v3"
        return f"/crm/{legacy}/{area}"
    return f"/crm/{area}/{version}"


def api_path(kind: PathKind, version: ApiVersion, *parts: str) -> str:
    """Return the path of one HubSpot endpoint.

    Args:
        kind: which endpoint family.
        version: ``2026-03`` or ``v3`` (legacy; associations then use ``v4``).
        parts: path segments after the family root, e.g. the object type, then
            ``"batch"`` and ``"upsert"``; for ``associations_batch`` the from and to
            object types, then the action.

    Examples:
        ``api_path("search", "2026-03", "contacts")`` is
        ``/crm/objects/2026-03/contacts/search``;
        ``api_path("associations_batch", "v3", "deals", "contacts", "associate",
        "default")`` is ``/crm/v4/associations/deals/contacts/batch/associate/default``.
    """
    tail = "/".join(parts)
    if kind == "objects":
        return f"{_crm('objects', version)}/{tail}"
    if kind == "search":
        return f"{_crm('objects', version)}/{tail}/search"
    if kind == "batch":
        object_type, *action = parts
        return f"{_crm('objects', version)}/{object_type}/batch/{'/'.join(action)}"
    if kind == "merge":
        return f"{_crm('objects', version)}/{tail}/merge"
    if kind == "properties":
        return f"{_crm('properties', version)}/{tail}"
    if kind == "property_groups":
        object_type, *rest = parts
        suffix = "/".join(("groups", *rest))
        return f"{_crm('properties', version)}/{object_type}/{suffix}"
    if kind == "pipelines":
        return f"{_crm('pipelines', version)}/{tail}"
    if kind == "associations_batch":
        from_type, to_type, *action = parts
        root = _crm("associations", version)
        return f"{root}/{from_type}/{to_type}/batch/{'/'.join(action)}"
    if kind == "events":
        # The events API has no date-based version in the specs we know of.
        return f"/events/v3/events{'/' + tail if tail else ''}"
    # marketing_participation: webinar attendance of one contact.
    return f"/marketing/v3/marketing-events/participations/contacts/{tail}/breakdown"
