"""Where a configuration value came from: environment, secret file, TOML or default.

A value set in two places is a classic trap (the image's environment beating the
mounted TOML), and an error blamed on the wrong one sends the admin to a file
that holds the right value. These helpers name the source a value really came
from, for error messages and for ``connector config check``.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

__all__ = ["Origins", "did_you_mean", "known_keys"]

ENV_PREFIX = "CONNECTOR_"
NESTED = "__"


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def known_keys(model: type[BaseModel], path: Sequence[str | int]) -> list[str]:
    """The keys a model accepts at ``path`` (a key's parent), for "did you mean"."""
    current: Any = model
    for part in path:
        fields = getattr(current, "model_fields", None)
        if fields is None or part not in fields:
            return []
        current = _model_of(fields[str(part)].annotation)
    fields = getattr(current, "model_fields", None)
    return sorted(fields) if fields else []


def _model_of(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


class Origins:
    """Answers "where did this key's value come from?" for one config file."""

    def __init__(
        self,
        config_path: Path,
        *,
        environ: dict[str, str] | None = None,
        secrets_dir: Path | None = None,
    ) -> None:
        self.config_path = config_path
        env = os.environ if environ is None else environ
        self.environ = {k.upper(): k for k in env if k.upper().startswith(ENV_PREFIX)}
        self.secrets = (
            {p.name.upper(): p for p in secrets_dir.iterdir() if p.is_file()}
            if secrets_dir is not None and secrets_dir.is_dir()
            else {}
        )
        try:
            self.toml: dict[str, Any] = tomllib.loads(
                config_path.read_text(encoding="utf-8")
            )
        except (OSError, ValueError):
            self.toml = {}

    def of(self, loc: Sequence[str | int]) -> str:
        """``env NAME``, ``secret file PATH``, the config file's path, or ``default``.

        A variable naming a parent section (``CONNECTOR_FLOWS__HANDOFF={...}``)
        counts as the source of every key under it.
        """
        parts = [str(p) for p in loc]
        for end in range(len(parts), 0, -1):
            name = ENV_PREFIX + NESTED.join(parts[:end]).upper()
            if name in self.environ:
                return f"env {self.environ[name]}"
        secret = self.secrets.get((ENV_PREFIX + parts[0]).upper()) if parts else None
        if secret is not None:
            return f"secret file {secret}"
        node: Any = self.toml
        for part in parts:
            if not isinstance(node, dict) or part not in node:
                return "default"
            node = node[part]
        return str(self.config_path)

    def walk(
        self, data: dict[str, Any], prefix: tuple[str, ...] = ()
    ) -> Iterator[tuple[str, str]]:
        """Every leaf key of ``data`` (dotted) with the origin of its value."""
        for key, value in data.items():
            path = (*prefix, key)
            if isinstance(value, dict) and value:
                yield from self.walk(value, path)
            else:
                yield ".".join(path), self.of(path)

    def shadowed(self, loc: Sequence[str]) -> bool:
        """Whether the TOML file sets ``loc`` but a higher source overrides it."""
        node: Any = self.toml
        for part in loc:
            if not isinstance(node, dict) or part not in node:
                return False
            node = node[part]
        return self.of(loc) != str(self.config_path)
