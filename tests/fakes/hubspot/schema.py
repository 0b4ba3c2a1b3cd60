"""Default property definitions and deal pipelines of a fresh HubSpot portal.

Only what the connector touches is modelled. Read-only system properties refuse
writes, enumerations accept only their option values, and ``date`` properties only
midnight UTC, as HubSpot does.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "LIFECYCLE_ORDER",
    "READ_ONLY",
    "default_pipelines",
    "default_properties",
]

LIFECYCLE_ORDER = (
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "evangelist",
    "other",
)
"""HubSpot's default lifecycle stages, first to last."""

READ_ONLY = frozenset(
    {
        "hs_object_id",
        "createdate",
        "lastmodifieddate",
        "hs_lastmodifieddate",
        "hs_merged_object_ids",
    }
)


def _prop(
    name: str,
    type_: str = "string",
    field_type: str = "text",
    group: str = "contactinformation",
    options: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "name": name,
        "label": name.replace("_", " ").title(),
        "description": "",
        "type": type_,
        "fieldType": field_type,
        "groupName": group,
        "options": options or [],
        "hasUniqueValue": False,
        "calculated": False,
        "modificationMetadata": {
            "readOnlyValue": name in READ_ONLY,
            "readOnlyDefinition": True,
            "archivable": False,
        },
    }


def _options(values: tuple[str, ...]) -> list[dict[str, Any]]:
    return [
        {
            "label": v.title(),
            "value": v,
            "displayOrder": i,
            "hidden": False,
            "description": "",
        }
        for i, v in enumerate(values)
    ]


def default_properties() -> dict[str, dict[str, dict[str, Any]]]:
    """Object type -> property name -> definition."""
    contacts = [
        _prop("email"),
        _prop("firstname"),
        _prop("lastname"),
        _prop("company"),
        _prop("phone", "string", "phonenumber"),
        _prop(
            "lifecyclestage",
            "enumeration",
            "radio",
            options=_options(LIFECYCLE_ORDER),
        ),
        _prop(
            "hs_lead_status",
            "enumeration",
            "radio",
            options=_options(("NEW", "OPEN", "IN_PROGRESS", "UNQUALIFIED")),
        ),
        _prop("hs_object_id", "number", "number"),
        _prop("createdate", "datetime", "date"),
        _prop("lastmodifieddate", "datetime", "date"),
        # Exists on contacts but is not kept current: filtering on it finds nothing.
        _prop("hs_lastmodifieddate", "datetime", "date"),
        _prop("hs_merged_object_ids", "enumeration", "checkbox"),
        _prop(
            "hs_analytics_num_page_views", "number", "number", "analyticsinformation"
        ),
        _prop("hs_analytics_last_url", group="analyticsinformation"),
        _prop("recent_conversion_event_name", group="conversioninformation"),
        _prop("recent_conversion_date", "datetime", "date", "conversioninformation"),
        _prop("hs_email_last_click_date", "datetime", "date", "emailinformation"),
    ]
    deals = [
        _prop("dealname", group="dealinformation"),
        _prop("amount", "number", "number", "dealinformation"),
        _prop("dealstage", "enumeration", "radio", "dealinformation"),
        _prop("pipeline", "enumeration", "select", "dealinformation"),
        _prop("closedate", "datetime", "date", "dealinformation"),
        _prop("hs_object_id", "number", "number", "dealinformation"),
        _prop("createdate", "datetime", "date", "dealinformation"),
        _prop("hs_lastmodifieddate", "datetime", "date", "dealinformation"),
    ]
    return {
        "contacts": {p["name"]: p for p in contacts},
        "deals": {p["name"]: p for p in deals},
        "companies": {
            p["name"]: p
            for p in (
                _prop("name"),
                _prop("domain"),
                _prop("hs_object_id", "number"),
                _prop("createdate", "datetime"),
                _prop("hs_lastmodifieddate", "datetime"),
            )
        },
    }


def _stage(stage_id: str, label: str, order: int, probability: str) -> dict[str, Any]:
    closed = probability in ("0.0", "1.0")
    return {
        "id": stage_id,
        "label": label,
        "displayOrder": order,
        "metadata": {
            "isClosed": "true" if closed else "false",
            "probability": probability,
        },
        "archived": False,
        "createdAt": "1970-01-01T00:00:00Z",
        "updatedAt": "1970-01-01T00:00:00Z",
    }


def default_pipelines() -> list[dict[str, Any]]:
    """The default sales pipeline plus one custom pipeline with numeric stage ids."""
    default = [
        ("appointmentscheduled", "Appointment Scheduled", "0.2"),
        ("qualifiedtobuy", "Qualified To Buy", "0.4"),
        ("presentationscheduled", "Presentation Scheduled", "0.6"),
        ("decisionmakerboughtin", "Decision Maker Bought-In", "0.8"),
        ("contractsent", "Contract Sent", "0.9"),
        ("closedwon", "Closed Won", "1.0"),
        ("closedlost", "Closed Lost", "0.0"),
    ]
    custom = [
        ("122178070", "Inbound", "0.3"),
        ("122178071", "Won", "1.0"),
        ("122178072", "Lost", "0.0"),
    ]
    return [
        {
            "id": "default",
            "label": "Sales Pipeline",
            "displayOrder": 0,
            "archived": False,
            "createdAt": "1970-01-01T00:00:00Z",
            "updatedAt": "1970-01-01T00:00:00Z",
            "stages": [_stage(s, lbl, i, p) for i, (s, lbl, p) in enumerate(default)],
        },
        {
            "id": "987654",
            "label": "Partner Pipeline",
            "displayOrder": 1,
            "archived": False,
            "createdAt": "2025-01-10T08:00:00.000Z",
            "updatedAt": "2025-01-10T08:00:00.000Z",
            "stages": [_stage(s, lbl, i, p) for i, (s, lbl, p) in enumerate(custom)],
        },
    ]
