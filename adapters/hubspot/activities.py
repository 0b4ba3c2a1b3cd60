"""Behavioural context for a lead being handed to sales.

For one contact: page views of configured key URLs (pricing, whitepaper...) and form
submissions from ``/events/v3/events``, webinar participation from marketing
events, and email clicks when the portal exposes them as an event type. Not every
portal may read these endpoints (tier, scopes); a 403 or 404 is logged once per
endpoint and the adapter falls back to the contact's analytics properties (page-view
count, last URL, last conversion, last email click).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import structlog

from adapters.hubspot.client import HubSpotClient
from adapters.hubspot.dates import format_datetime, parse_timestamp
from adapters.hubspot.paths import api_path
from connector.records import Activity, SourceRef

__all__ = ["ActivityReader"]

log = structlog.get_logger(__name__)

_UNAVAILABLE = (403, 404)


class ActivityReader:
    """Reads one contact's recent activities, remembering unavailable endpoints."""

    def __init__(self, client: HubSpotClient) -> None:
        self.client = client
        self.settings = client.settings.activities
        self.unavailable: set[str] = set()
        """Endpoint families that answered 403/404 (logged once, then skipped)."""

    def _get(self, family: str, path: str, params: dict[str, Any]) -> Any:
        if family in self.unavailable:
            return None
        response = self.client.request("GET", path, params=params)
        if response.status_code in _UNAVAILABLE:
            self.unavailable.add(family)
            log.warning(
                "hubspot_activity_endpoint_unavailable",
                endpoint=family,
                status=response.status_code,
                hint="falling back to contact analytics properties",
            )
            return None
        return self.client.expect(response, (200,), f"read {family}")

    def for_contact(self, contact_id: str, since: datetime) -> list[Activity]:
        """Activities of ``contact_id`` since ``since``, oldest first."""
        person = SourceRef(self.client.name, contact_id)
        found: list[Activity] = []
        events_ok = True
        kinds = {
            self.settings.page_view_event: "page_view",
            self.settings.form_event: "form_submission",
        }
        if self.settings.email_click_event:
            kinds[self.settings.email_click_event] = "email_click"
        for event_type, kind in kinds.items():
            rows = self._events(contact_id, event_type, since)
            if rows is None:
                events_ok = False
                break
            found.extend(
                self._activity(person, kind, row)
                for row in rows
                if kind != "page_view" or self._is_key_url(row)
            )
        if self.settings.webinars:
            found.extend(self._webinars(person, contact_id, since))
        if not events_ok:
            found.extend(self._fallback(person, contact_id, since))
        return sorted(found, key=lambda a: a.occurred_at)

    def _events(
        self, contact_id: str, event_type: str, since: datetime
    ) -> list[dict[str, Any]] | None:
        rows: list[dict[str, Any]] = []
        after: str | None = None
        while True:
            params: dict[str, Any] = {
                "objectType": "contact",
                "objectId": contact_id,
                "eventType": event_type,
                "occurredAfter": format_datetime(since),
                "limit": 100,
            }
            if after:
                params["after"] = after
            body = self._get("events", api_path("events", "v3"), params)
            if body is None:
                return None
            rows.extend(body.get("results") or [])
            after = ((body.get("paging") or {}).get("next") or {}).get("after")
            if not after:
                return rows

    def _is_key_url(self, row: dict[str, Any]) -> bool:
        props = row.get("properties") or {}
        url = str(props.get("hs_url") or props.get("hs_page_url") or "")
        return any(key in url for key in self.settings.key_urls)

    def _activity(self, person: SourceRef, kind: str, row: dict[str, Any]) -> Activity:
        props = dict(row.get("properties") or {})
        occurred = parse_timestamp(row.get("occurredAt"))
        assert occurred is not None  # noqa: S101 - HubSpot always sends occurredAt
        return Activity(
            source=SourceRef(self.client.name, str(row.get("id"))),
            person=person,
            kind=kind,
            occurred_at=occurred,
            title=props.get("hs_page_title")
            or props.get("hs_form_title")
            or row.get("eventType"),
            url=props.get("hs_url") or props.get("hs_page_url"),
            attributes={"event_type": row.get("eventType"), **props},
        )

    def _webinars(
        self, person: SourceRef, contact_id: str, since: datetime
    ) -> list[Activity]:
        path = api_path("marketing_participation", "v3", contact_id)
        body = self._get("marketing_events", path, {})
        if body is None:
            return []
        found = []
        for row in body.get("results") or []:
            props = row.get("properties") or {}
            event = (row.get("associations") or {}).get("marketingEvent") or {}
            occurred = parse_timestamp(props.get("occurredAt") or row.get("createdAt"))
            if occurred is None or occurred < since:
                continue
            found.append(
                Activity(
                    source=SourceRef(self.client.name, str(row.get("id"))),
                    person=person,
                    kind="webinar",
                    occurred_at=occurred,
                    title=event.get("name"),
                    attributes={
                        "attendance": props.get("attendanceState"),
                        "marketing_event_id": event.get("marketingEventId"),
                    },
                )
            )
        return found

    def _fallback(
        self, person: SourceRef, contact_id: str, since: datetime
    ) -> list[Activity]:
        """Summary activities from the contact's analytics properties."""
        names = self.settings.fallback_properties
        path = api_path(
            "objects", self.client.settings.api_version, "contacts", contact_id
        )
        response = self.client.request(
            "GET", path, params={"properties": ",".join(names)}
        )
        props = self.client.expect(response, (200,), "read contact analytics")
        values: dict[str, Any] = props.get("properties") or {}
        found = []
        conversion = parse_timestamp(values.get("recent_conversion_date"))
        if conversion and conversion >= since:
            found.append(
                Activity(
                    SourceRef(self.client.name, f"{contact_id}:conversion"),
                    person,
                    "form_submission",
                    conversion,
                    title=values.get("recent_conversion_event_name"),
                    attributes={"fallback": True},
                )
            )
        click = parse_timestamp(values.get("hs_email_last_click_date"))
        if click and click >= since:
            found.append(
                Activity(
                    SourceRef(self.client.name, f"{contact_id}:email_click"),
                    person,
                    "email_click",
                    click,
                    attributes={"fallback": True},
                )
            )
        views = values.get("hs_analytics_num_page_views")
        if views not in (None, "", "0"):
            stamp = parse_timestamp(props.get("updatedAt")) or since
            found.append(
                Activity(
                    SourceRef(self.client.name, f"{contact_id}:page_views"),
                    person,
                    "page_views_summary",
                    stamp,
                    url=values.get("hs_analytics_last_url"),
                    attributes={"fallback": True, "page_views": views},
                )
            )
        return found
