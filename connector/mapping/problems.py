"""Collecting mapping-file problems as ``file: key: problem: fix`` lines.

Loading never stops at the first mistake: an admin fixing a file wants every
problem at once, each naming the file, the key, what is wrong and what to do.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from connector import tomlsafe

__all__ = ["Problems", "read_toml"]


@dataclass
class Problems:
    """The problems found in one load, in the order found."""

    lines: list[str] = field(default_factory=list)

    def add(self, file: str, key: str, problem: str, fix: str) -> None:
        """Record one problem."""
        self.lines.append(f"{file}: {key or '(file)'}: {problem}: {fix}")

    def unknown_keys(
        self, file: str, prefix: str, table: dict[str, Any], allowed: tuple[str, ...]
    ) -> None:
        """Report every key of ``table`` that is not in ``allowed``."""
        for key in table:
            if key not in allowed:
                self.add(
                    file,
                    f"{prefix}.{key}" if prefix else key,
                    "unknown key",
                    f"use one of: {', '.join(allowed)}",
                )

    def __bool__(self) -> bool:
        return bool(self.lines)


_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def read_toml(path: Path, problems: Problems) -> dict[str, Any] | None:
    """Parse one TOML file, recording a problem (with its line) when it cannot."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.add(
            name,
            "",
            f"missing (looked in {path.parent})",
            f"copy mappings/{name} from the connector and adapt it",
        )
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.add(name, "", f"cannot read: {exc}", "save it as UTF-8 text")
        return None
    try:
        return tomlsafe.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _AT.search(message)
        where = f"line {found.group(1)}" if found else ""
        what = _AT.sub("", message).strip()
        fix = "fix the TOML syntax on that line"
        if "overwrite" in what or "declare" in what.lower():
            what = f"duplicate key ({what})"
            fix = "list each value once; merge the two entries"
        problems.add(name, where, what, fix)
        return None
