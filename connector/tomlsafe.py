"""TOML parsing that turns every kind of unreadable file into a TOMLDecodeError.

``tomllib`` is recursive: a file with a 100k-deep nested array raises
RecursionError, which no loader expected, so ``mappings check`` printed a
traceback and the daemon's reload kept the old mapping without saying why. Every
admin-edited TOML file goes through :func:`loads`, so each loader's existing
``TOMLDecodeError`` handling reports it as one named problem.
"""

from __future__ import annotations

import tomllib
from typing import Any

__all__ = ["MAX_TOML_BYTES", "loads"]

MAX_TOML_BYTES = 8 * 1024 * 1024
"""Mapping and config files are a few kilobytes; anything this large is a mistake."""


def loads(text: str) -> dict[str, Any]:
    """Parse TOML text, raising only :class:`tomllib.TOMLDecodeError` on bad input."""
    if len(text) > MAX_TOML_BYTES:
        raise tomllib.TOMLDecodeError(
            f"the file is {len(text)} characters long; mapping and config files "
            "are a few thousand"
        )
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise tomllib.TOMLDecodeError(
            "arrays or tables are nested too deeply to read (a pasted value "
            "repeated many times?)"
        ) from None
