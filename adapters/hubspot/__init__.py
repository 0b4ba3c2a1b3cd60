"""The HubSpot adapter (contacts, deals, pipelines, activities) and its settings."""

from __future__ import annotations

from adapters.hubspot.adapter import HubSpotAdapter
from adapters.hubspot.settings import HubSpotSettings
from adapters.hubspot.values import BACKWARD_LIFECYCLE

__all__ = ["BACKWARD_LIFECYCLE", "HubSpotAdapter", "HubSpotSettings"]
