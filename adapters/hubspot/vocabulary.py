"""Live stage vocabularies: lifecycle options and deal pipelines with their stages.

Mappings name HubSpot's *internal* values (``marketingqualifiedlead``, stage ids such
as ``closedwon`` or ``122178070``), never the labels a portal admin can rename, so
``connector mappings check --live`` compares them with what the portal has now.

Vocabulary formats:

- ``lifecyclestage`` (or any enumeration property of contacts, then deals): the
  option values, in display order.
- ``dealstage``: ``"<pipeline id>:<stage id>"`` for every stage of every active
  pipeline, e.g. ``default:closedwon``, ``987654:122178071``.
- ``pipeline``: the pipeline ids.
"""

from __future__ import annotations

from typing import Any

from adapters.hubspot.client import HubSpotClient
from adapters.hubspot.paths import api_path
from connector.errors import ConfigError

__all__ = ["Vocabulary"]


class Vocabulary:
    """Reads and caches (per adapter instance) pipelines and property options."""

    def __init__(self, client: HubSpotClient) -> None:
        self.client = client
        self._pipelines: list[dict[str, Any]] | None = None

    def pipelines(self) -> list[dict[str, Any]]:
        """Active deal pipelines with their active stages (one request, cached)."""
        if self._pipelines is None:
            path = api_path("pipelines", self.client.settings.api_version, "deals")
            response = self.client.request("GET", path)
            body = self.client.expect(response, (200,), "read deal pipelines")
            self._pipelines = [
                p for p in body.get("results") or [] if not p.get("archived")
            ]
        return self._pipelines

    def stage_ids(self) -> dict[str, set[str]]:
        """Pipeline id -> ids of its active stages."""
        return {
            str(p["id"]): {
                str(s["id"]) for s in p.get("stages") or [] if not s.get("archived")
            }
            for p in self.pipelines()
        }

    def property_options(self, object_type: str, name: str) -> list[str] | None:
        """Option values of an enumeration property, None if it does not exist.

        Raises:
            ConfigError: the property exists but is not an enumeration.
        """
        path = api_path(
            "properties", self.client.settings.api_version, object_type, name
        )
        response = self.client.request("GET", path)
        if response.status_code == 404:
            return None
        definition = self.client.expect(response, (200,), f"read property {name}")
        if definition.get("type") not in ("enumeration", "bool"):
            raise ConfigError(
                f"HubSpot property {name!r} of {object_type} is a "
                f"{definition.get('type')}, not a list of values",
                hint="vocabulary checks apply to enumeration (dropdown) properties",
                context={"property": name},
            )
        options = sorted(
            definition.get("options") or [], key=lambda o: o.get("displayOrder", 0)
        )
        return [str(o["value"]) for o in options if not o.get("hidden")]

    def values(self, field: str) -> list[str]:
        """The live values of ``field`` (see the module docstring for formats).

        Raises:
            ConfigError: no contact or deal property has that name.
        """
        if field == "dealstage":
            return [
                f"{p['id']}:{s['id']}"
                for p in self.pipelines()
                for s in sorted(
                    p.get("stages") or [], key=lambda s: s.get("displayOrder", 0)
                )
                if not s.get("archived")
            ]
        if field == "pipeline":
            return [str(p["id"]) for p in self.pipelines()]
        for object_type in ("contacts", "deals"):
            options = self.property_options(object_type, field)
            if options is not None:
                return options
        raise ConfigError(
            f"HubSpot has no contact or deal property {field!r}",
            hint="use the property's internal name (Settings > Properties)",
            context={"field": field},
        )
