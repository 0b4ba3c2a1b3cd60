"""The checks ``connector config check`` adds beyond validation: files and sources.

Validation accepts any path, so a typo in a CSV path passed ``config check`` and
failed at the first run; and a value overridden by the environment (an image's
``ENV``) looked as if it came from the file. Both are answered here.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from connector.app import App
from connector.config import Settings
from connector.config_origin import Origins
from connector.registry import validate_adapter_settings

__all__ = ["origin_lines", "path_problems"]


def _paths(model: BaseModel, prefix: str) -> Iterator[tuple[str, str, Path]]:
    """(dotted key, "read"/"write", path) for every path of a read/write section."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        key = f"{prefix}.{name}"
        if isinstance(value, BaseModel):
            yield from _paths(value, key)
        elif isinstance(value, dict):
            for sub, item in value.items():
                if isinstance(item, BaseModel):
                    yield from _paths(item, f"{key}.{sub}")
        elif isinstance(value, Path) and name == "path":
            kind = prefix.rsplit(".", 1)[-1]
            if kind in ("read", "write"):
                yield key, kind, value


def path_problems(app: App) -> list[str]:
    """One line per read path that does not exist or write path that cannot be made.

    A write path may not exist yet (the first run creates it), but the nearest
    folder that does exist must be writable by this user.
    """
    problems = []
    for system in ("ma", "sfa"):
        section = getattr(app.settings, system)
        typed = validate_adapter_settings(system, section, source=str(app.config_path))
        for key, kind, path in _paths(typed, system):
            full = path if path.is_absolute() else app.base_dir / path
            if kind == "read" and not full.exists():
                problems.append(f"{app.config_path}: {key}: not found: {full}")
            if kind == "write":
                existing = next(p for p in (full, *full.parents) if p.exists())
                if not os.access(existing, os.W_OK):
                    problems.append(
                        f"{app.config_path}: {key}: {existing} is not writable by "
                        f"uid {os.getuid()}, so {full} cannot be written"
                    )
    return problems


def origin_lines(app: App, config: dict[str, Any]) -> list[str]:
    """Where each value that is not a default came from, and what it overrides."""
    folder = Settings.model_config.get("secrets_dir")
    origins = Origins(
        app.config_path, secrets_dir=Path(str(folder)) if folder else None
    )
    lines = [
        f"  {key}: {origin}"
        for key, origin in origins.walk(config)
        if origin != "default"
    ]
    for key, _ in origins.walk(config):
        loc = key.split(".")
        if origins.shadowed(loc):
            lines.append(
                f"warning: {key} in {app.config_path} is overridden by "
                f"{origins.of(loc)}"
            )
    return ["where the values come from (all others are defaults):", *lines]
