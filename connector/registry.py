"""Finding adapters by name: built-ins first, then the ``connector.adapters`` group.

Built-ins sit in an explicit name -> import path table, so they never depend on
installed metadata. Third-party adapters register an entry point; one that fails to
import is reported as a warning and cannot crash start-up.
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, cast

import httpx
import structlog
from pydantic import BaseModel, ValidationError

from adapters.protocol import Adapter, AdapterFactory, FileLedger
from connector.config import SystemSettings, format_validation_error
from connector.errors import ConfigError

__all__ = [
    "BUILTIN_ADAPTERS",
    "adapter_names",
    "build_adapter",
    "load_adapter_class",
    "load_system_adapter",
    "validate_adapter_settings",
]

BUILTIN_ADAPTERS: dict[str, str] = {
    "csv": "adapters.csv:CsvAdapter",
    "rest": "adapters.rest:RestAdapter",
    "hubspot": "adapters.hubspot:HubSpotAdapter",
    "salesforce": "adapters.salesforce:SalesforceAdapter",
}
"""Adapter name -> ``module:Class`` of the adapters shipped with the connector."""

ENTRY_POINT_GROUP = "connector.adapters"

log = structlog.get_logger(__name__)


def _plugin_entry_points() -> dict[str, Any]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def adapter_names() -> list[str]:
    """Every adapter name that config may use."""
    return sorted(set(BUILTIN_ADAPTERS) | set(_plugin_entry_points()))


def load_adapter_class(name: str) -> AdapterFactory:
    """Import the adapter class registered as ``name``.

    Raises:
        ConfigError: no adapter has that name (lists the valid ones), or a plugin
            does not look like an adapter.
    """
    if name in BUILTIN_ADAPTERS:
        module_name, _, attr = BUILTIN_ADAPTERS[name].partition(":")
        factory = getattr(importlib.import_module(module_name), attr)
    else:
        plugin = _plugin_entry_points().get(name)
        if plugin is None:
            raise ConfigError(
                f"unknown adapter {name!r}",
                hint=f"use one of: {', '.join(adapter_names())}",
                context={"key": "adapter", "value": name},
            )
        try:
            factory = plugin.load()
        except Exception as exc:  # noqa: BLE001 - a broken plugin must not crash us
            log.warning("adapter_plugin_broken", adapter=name, error=str(exc))
            raise ConfigError(
                f"adapter plugin {name!r} failed to load: {exc}",
                hint="reinstall the plugin package or choose another adapter",
                context={"key": "adapter", "value": name},
            ) from None
    model = getattr(factory, "settings_model", None)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise ConfigError(
            f"adapter {name!r} has no pydantic `settings_model`",
            hint="the plugin does not implement the connector adapter protocol",
            context={"key": "adapter", "value": name},
        )
    return cast(AdapterFactory, factory)


def load_system_adapter(system: str, section: SystemSettings) -> AdapterFactory:
    """The adapter class of ``[ma]`` or ``[sfa]``; errors name the section.

    Raises:
        ConfigError: the section names no known adapter ("did you mean" included).
    """
    try:
        return load_adapter_class(section.adapter)
    except ConfigError as exc:
        if exc.context.get("value") != section.adapter or "unknown" not in str(exc):
            raise
        from connector.config_origin import did_you_mean

        names = adapter_names()
        raise ConfigError(
            f"[{system}] adapter = {section.adapter!r}: unknown adapter"
            + did_you_mean(section.adapter, names),
            hint=f"set [{system}] adapter to one of: {', '.join(names)}",
            context={"section": system, "key": "adapter", "value": section.adapter},
        ) from None


def validate_adapter_settings(
    system: str, section: SystemSettings, *, source: str = "config"
) -> BaseModel:
    """Validate a system section with its adapter's own settings model.

    Raises:
        ConfigError: with one problem line per bad key, prefixed by the section.
    """
    factory = load_system_adapter(system, section)
    try:
        return factory.settings_model.model_validate(section.options)
    except ValidationError as exc:
        problems = [
            line.replace(f"{source}: ", f"{source}: {system}.", 1)
            for line in format_validation_error(
                exc, source, model=factory.settings_model
            )
        ]
        raise ConfigError(
            f"{len(problems)} problem(s) in [{system}] ({section.adapter} adapter)",
            hint="fix each key listed, then run `connector config check`",
            context={"section": system},
            problems=problems,
        ) from None


def build_adapter(
    system: str,
    section: SystemSettings,
    *,
    base_dir: Path,
    source: str = "config",
    transport: httpx.BaseTransport | None = None,
    ledger: FileLedger | None = None,
) -> Adapter:
    """Build the adapter configured for ``system`` (``ma`` or ``sfa``).

    Args:
        system: the config section name; it becomes the adapter's ``name``.
        section: the section's settings.
        base_dir: folder that relative paths in the section are relative to.
        source: the config file, for error messages.
        transport: an httpx transport to inject (tests point it at fakes).
        ledger: a processed-file ledger; adapters declaring
            ``Capabilities.files`` (the CSV inbox) use it, others ignore it.
    """
    factory = load_system_adapter(system, section)
    settings = validate_adapter_settings(system, section, source=source)
    adapter = factory(
        system, settings, transport=transport, ledger=ledger, base_dir=base_dir
    )
    if not isinstance(adapter, Adapter):
        raise ConfigError(
            f"adapter {section.adapter!r} does not implement the Adapter protocol",
            context={"section": system},
        )
    return adapter
