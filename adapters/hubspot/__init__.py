"""The HubSpot adapter (contacts, deals, pipelines, activities) and its settings."""

from __future__ import annotations

from adapters.hubspot.adapter import HubSpotAdapter
from adapters.hubspot.settings import HubSpotSettings

__all__ = ["HubSpotAdapter", "HubSpotSettings"]
