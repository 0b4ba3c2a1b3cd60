"""The Salesforce adapter (Lead/Contact persons, Opportunity deals) and its settings."""

from __future__ import annotations

from adapters.salesforce.adapter import SalesforceAdapter
from adapters.salesforce.settings import SalesforceSettings

__all__ = ["SalesforceAdapter", "SalesforceSettings"]
