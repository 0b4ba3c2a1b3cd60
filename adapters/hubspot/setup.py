"""The properties the closed loop writes, created once by ``connector setup hubspot``.

Outcome data (SFA id, canonical stage, won amount, loss and rejection reasons,
handoff time) lives in connector-owned properties in their own group, so admins can
see what the connector writes and nothing collides with the portal's own fields.
Creating them is idempotent: what exists is left alone, except that an enumeration
missing options a flow writes (an upgrade added ``rejected`` to ``outcome``) gets
them added, keeping the options an admin created.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adapters.hubspot.client import HubSpotClient
from adapters.hubspot.paths import api_path
from connector.records import OUTCOMES, Stage

__all__ = ["OWNED_PROPERTIES", "OwnedProperty", "ensure_properties"]


@dataclass(frozen=True, slots=True)
class OwnedProperty:
    """One connector-owned property definition."""

    object_type: str
    name: str
    label: str
    type: str
    field_type: str
    options: tuple[str, ...] = ()

    def body(self, group: str) -> dict[str, Any]:
        """The properties-API create body."""
        body: dict[str, Any] = {
            "name": self.name,
            "label": self.label,
            "type": self.type,
            "fieldType": self.field_type,
            "groupName": group,
            "description": "Written by the connector (sales sync); do not edit.",
        }
        if self.options:
            body["options"] = [_option(v, i) for i, v in enumerate(self.options)]
        return body


def _option(value: str, order: int) -> dict[str, Any]:
    return {
        "label": value.replace("_", " ").title(),
        "value": value,
        "displayOrder": order,
        "hidden": False,
    }


_STAGES = tuple(s.value for s in Stage)


def _both(
    name: str, label: str, type_: str, field_type: str, options: tuple[str, ...] = ()
) -> tuple[OwnedProperty, OwnedProperty]:
    return (
        OwnedProperty("contacts", name, label, type_, field_type, options),
        OwnedProperty("deals", name, label, type_, field_type, options),
    )


OWNED_PROPERTIES: tuple[OwnedProperty, ...] = (
    OwnedProperty("contacts", "sfa_lead_id", "SFA lead id", "string", "text"),
    OwnedProperty("contacts", "handoff_time", "Handed to sales at", "datetime", "date"),
    OwnedProperty(
        "contacts", "rejected_reason", "Sales rejection reason", "string", "textarea"
    ),
    OwnedProperty(
        "deals", "sfa_opportunity_id", "SFA opportunity id", "string", "text"
    ),
    *_both(
        "canonical_stage", "Canonical funnel stage", "enumeration", "select", _STAGES
    ),
    *_both("outcome", "Sales outcome", "enumeration", "select", OUTCOMES),
    *_both("amount_won", "Amount won", "number", "number"),
    *_both("loss_reason", "Loss reason", "string", "textarea"),
)
"""Every property the closed loop writes, on contacts and deals."""


def _existing(client: HubSpotClient, path: str, what: str) -> dict[str, Any] | None:
    response = client.request("GET", path)
    if response.status_code == 404:
        return None
    found = client.expect(response, (200,), what)
    return found if isinstance(found, dict) else {}


def _missing_options(prop: OwnedProperty, existing: dict[str, Any]) -> list[str]:
    have = {str(o.get("value")) for o in existing.get("options") or []}
    return [v for v in prop.options if v not in have]


def ensure_properties(
    client: HubSpotClient, *, group: str, dry_run: bool = False
) -> list[str]:
    """Create the property group and owned properties that are missing.

    Returns one line per group/property: ``exists``, ``created``, ``added options
    ...`` or (dry run) ``would create`` / ``would add options ...``.

    Raises:
        AuthError: the token lacks ``crm.schemas.contacts.write`` /
            ``crm.schemas.deals.write``.
    """
    version = client.settings.api_version
    lines: list[str] = []
    verb = "would create" if dry_run else "created"
    for object_type in ("contacts", "deals"):
        group_path = api_path("property_groups", version, object_type, group)
        if _existing(client, group_path, f"read property group {group}") is not None:
            lines.append(f"group {object_type}/{group}: exists")
        else:
            if not dry_run:
                response = client.request(
                    "POST",
                    api_path("property_groups", version, object_type),
                    json={
                        "name": group,
                        "label": "Connector (sales sync)",
                        "displayOrder": -1,
                    },
                )
                client.expect(response, (200, 201, 409), f"create group {group}")
            lines.append(f"group {object_type}/{group}: {verb}")
    for prop in OWNED_PROPERTIES:
        path = api_path("properties", version, prop.object_type, prop.name)
        label = f"property {prop.object_type}.{prop.name} ({prop.type})"
        existing = _existing(client, path, f"read property {prop.name}")
        if existing is not None:
            missing = _missing_options(prop, existing)
            if not missing:
                lines.append(f"{label}: exists")
                continue
            if not dry_run:
                kept = list(existing.get("options") or [])
                added = [_option(v, len(kept) + i) for i, v in enumerate(missing)]
                response = client.request("PATCH", path, json={"options": kept + added})
                client.expect(response, (200,), f"add options to {prop.name}")
            done = "would add" if dry_run else "added"
            lines.append(f"{label}: {done} options {', '.join(missing)}")
            continue
        if not dry_run:
            response = client.request(
                "POST",
                api_path("properties", version, prop.object_type),
                json=prop.body(group),
            )
            # 409: created meanwhile by another run; that is what we wanted.
            client.expect(response, (200, 201, 409), f"create property {prop.name}")
        lines.append(f"{label}: {verb}")
    return lines
