"""Settings of the HubSpot adapter (the ``[ma]`` section when ``adapter = "hubspot"``).

Every number HubSpot enforces (burst tier, search rate, daily budget) is a setting
with the documented default, because portals differ by tier and some figures are
not confirmed by HubSpot; the adapter must never hard-code a guess.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

__all__ = [
    "ActivitySettings",
    "ApiVersion",
    "HubSpotSettings",
    "LimitSettings",
    "PropertySelection",
]

_STRICT = ConfigDict(extra="forbid", frozen=True)

ApiVersion = Literal["2026-03", "v3"]
"""``2026-03`` (date-based paths, default) or ``v3`` (legacy ``/crm/v3`` objects and
``/crm/v4`` associations, unsupported by HubSpot from 2027)."""


class LimitSettings(BaseModel):
    """Client-side limits, so the connector never earns a 429 in the first place."""

    model_config = _STRICT

    burst_per_10s: int = Field(default=100, ge=1, le=1000)
    """Requests per rolling 10 s for this app: 100 (Free/Starter), 190
    (Professional/Enterprise) or 250 (API limit increase)."""
    search_per_second: int = Field(default=5, ge=1, le=50)
    """Search requests per second per account (HubSpot: 5)."""
    window_margin_seconds: float = Field(default=0.0, ge=0, le=5)
    """Extra wait past a window edge, for a portal whose clock counts windows
    differently from ours. Not needed for network jitter: a request's window
    starts at its response, after HubSpot has surely counted it (limits.py)."""
    daily_reserve: int = Field(default=10_000, ge=0)
    """Requests of the daily budget left for the customer's other integrations;
    the run stops cleanly once ``X-HubSpot-RateLimit-Daily-Remaining`` reaches it."""
    max_attempts: int = Field(default=8, ge=1, le=20)
    """Attempts per request for 5xx, connection errors and 429s: enough for a
    burst of 429s from other integrations sharing the portal's window."""
    backoff_base: float = Field(default=1.0, gt=0)
    """First backoff in seconds for 5xx/connection errors (doubles, with jitter):
    1+2+4+...+60 s outlasts a two-minute outage before the run gives up."""
    backoff_max: float = Field(default=60.0, gt=0)
    timeout: float = Field(default=30.0, gt=0)
    """HTTP timeout per request, in seconds."""


class PropertySelection(BaseModel):
    """Which HubSpot properties a pull asks for (only those the mappings need)."""

    model_config = _STRICT

    persons: tuple[str, ...] = (
        "email",
        "firstname",
        "lastname",
        "company",
        "phone",
        "lifecyclestage",
        "hs_lead_status",
    )
    deals: tuple[str, ...] = (
        "dealname",
        "amount",
        "dealstage",
        "pipeline",
        "closedate",
    )


class ActivitySettings(BaseModel):
    """What counts as handoff context, read by :meth:`HubSpotAdapter.activities_for`."""

    model_config = _STRICT

    key_urls: tuple[str, ...] = ("/pricing", "/whitepaper")
    """Page views count only when the page URL contains one of these."""
    page_view_event: str = "e_visited_page"
    form_event: str = "e_submitted_form"
    email_click_event: str | None = None
    """Event type of email clicks, if the portal exposes one (not confirmed)."""
    webinars: bool = True
    """Read marketing-event (webinar) participation."""
    lookback_days: int = Field(default=90, ge=1)
    fallback_properties: tuple[str, ...] = (
        "hs_analytics_num_page_views",
        "hs_analytics_last_url",
        "recent_conversion_event_name",
        "recent_conversion_date",
        "hs_email_last_click_date",
    )
    """Contact analytics properties used when an events endpoint is unavailable."""


class HubSpotSettings(BaseModel):
    """Connection and behaviour of the HubSpot adapter."""

    model_config = _STRICT

    token: SecretStr
    """Private-app or Service Key token (``pat-...``), sent as a bearer token."""
    base_url: str = "https://api.hubapi.com"
    api_version: ApiVersion = "2026-03"
    search_page_size: int = Field(default=200, ge=1, le=200)
    list_page_size: int = Field(default=100, ge=1, le=100)
    batch_size: int = Field(default=100, ge=1, le=100)
    max_in_flight: int = Field(default=4, ge=1, le=8)
    """Batch requests of one push sent at once. One request at a time cannot use
    the 10-second bucket when HubSpot answers slowly (at 150 ms, 67 of 100). Two
    fill it at 150 ms but only half at 400 ms; four fill it at both (measured in
    bench/README.md). The limiter caps the bucket, so more never means 429s.
    """
    lookback_seconds: int = Field(default=120, ge=0)
    """Incremental pulls re-read this much before the cursor: search lags writes."""
    catch_up_by_list_above: int | None = Field(default=2000, ge=0)
    """An incremental pull whose search finds more changed records than this
    (or that starts with no cursor) reads them through the list endpoint when
    that takes no longer at the configured limits: the list has no lag and no
    10,000 cap, and leaves the search bucket free. None: always search."""
    read_ahead_pages: int = Field(default=1, ge=0, le=4)
    """Pages fetched ahead while the flow maps the current one, in a thread;
    0 reads a page only when the flow asks for it. Searches of one catch-up
    may also run ``max_in_flight`` at once, in separate time slices."""
    properties: PropertySelection = PropertySelection()
    limits: LimitSettings = LimitSettings()
    activities: ActivitySettings = ActivitySettings()
    property_group: str = "connector"
    """Group that ``connector setup hubspot`` creates for connector-owned properties."""
