"""Generic REST adapter: any SFA with a JSON API, configured entirely in TOML."""

from __future__ import annotations

from adapters.rest.adapter import RestAdapter
from adapters.rest.settings import RestSettings

__all__ = ["RestAdapter", "RestSettings"]
