"""``mappings suggest --write``: add unmapped live values to stages.toml as TODOs.

Entries are added *commented out*: the connector never guesses a stage, the admin
decides. Everything else in the file is kept byte for byte, comments included.
tomlkit parses the file to find each table and to prove the result is still the
same TOML; the block itself is inserted as text right after the table's last
entry, because tomlkit attaches the comments that follow a table to its end and
appending there would land the TODOs below the admin's next section comment.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import SingleKey

from connector.errors import MappingError
from connector.mapping.check import LiveValue
from connector.records import Stage

__all__ = ["TODO_MARKER", "render_suggestions", "suggest_block", "write_suggestions"]

TODO_MARKER = "# TODO(connector mappings suggest)"
"""First line of every added block (and how repeated runs recognise them)."""

_STAGES = " ".join(s.value for s in Stage)


def _entry(value: str) -> str:
    return f'# {SingleKey(value).as_string()} = "TODO"'


def suggest_block(values: Sequence[str]) -> list[str]:
    """The commented lines proposing mappings for ``values``."""
    return [
        f"{TODO_MARKER}: live values with no mapping. Replace TODO with one of",
        f"# {_STAGES}, then remove the leading '# '.",
        *(_entry(v) for v in values),
    ]


def _header_path(line: str) -> tuple[str, ...] | None:
    """The key path of a ``[table]`` header line, None for anything else."""
    text = line.strip()
    if not text.startswith("[") or text.startswith("[["):
        return None
    try:
        doc: Any = tomlkit.parse(text)
    except tomlkit.exceptions.ParseError:
        return None
    path: list[str] = []
    while isinstance(doc, dict) and len(doc) == 1:
        key = next(iter(doc))
        path.append(str(key))
        doc = doc[key]
    return tuple(path) or None


def _table_end(lines: list[str], path: tuple[str, ...]) -> int | None:
    """Index after the last entry of table ``path``, None if it has no header."""
    start = next(
        (i for i, line in enumerate(lines) if _header_path(line) == path), None
    )
    if start is None:
        return None
    end = start + 1
    for i in range(start + 1, len(lines)):
        stripped = lines[i].strip()
        if stripped.startswith("["):
            break
        if stripped and not stripped.startswith("#"):
            end = i + 1
    return end


def _already_suggested(text: str, value: str) -> bool:
    return _entry(value) in text.splitlines()


def render_suggestions(text: str, unmapped: Sequence[LiveValue]) -> str:
    """``stages.toml`` text with TODO blocks for ``unmapped`` added.

    Raises:
        MappingError: the file is not valid TOML (fix it first), or adding the
            block would change its data (a bug; nothing is written).
    """
    try:
        before = tomlkit.parse(text).unwrap()
    except tomlkit.exceptions.ParseError as exc:
        raise MappingError(
            f"stages.toml is not valid TOML: {exc}",
            hint="fix it (`connector mappings check`) before suggesting",
            problems=[f"stages.toml: (file): not valid TOML ({exc}): fix it first"],
        ) from None
    newline = "\r\n" if "\r\n" in text else "\n"
    # Split on "\n" only: str.splitlines would also break at U+2028 and friends.
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    if lines[-1] == "":
        lines.pop()
    groups: dict[tuple[str, ...], list[str]] = {}
    for item in unmapped:
        table = (item.system, item.entity)
        path = (
            (*table, "pipelines", item.pipeline)
            if item.pipeline
            else (*table, "values")
        )
        if not _already_suggested(text, item.value):
            groups.setdefault(path, [])
            if item.value not in groups[path]:
                groups[path].append(item.value)
    # Insert bottom-up so earlier insertion points stay valid.
    placed: list[tuple[int, list[str]]] = []
    for where, values in groups.items():
        block = suggest_block(values)
        at = _table_end([line.rstrip("\r\n") for line in lines], where)
        if at is None:
            header = "[" + ".".join(SingleKey(p).as_string() for p in where) + "]"
            block = ["", *block[:2], f"# {header}", *block[2:]]
            at = len(lines)
        placed.append((at, block))
    for at, block in sorted(placed, key=lambda p: p[0], reverse=True):
        if at == len(lines) and lines and not lines[-1].endswith("\n"):
            lines[-1] += newline  # the file had no final newline
        lines[at:at] = [line + newline for line in block]
    result = "".join(lines)
    if tomlkit.parse(result).unwrap() != before:
        raise MappingError(
            "adding the TODO block would change the mappings; nothing was written",
            hint="report this; add the values by hand meanwhile",
        )
    return result


def write_suggestions(path: Path, unmapped: Sequence[LiveValue]) -> bool:
    """Add TODO blocks to ``path`` atomically; True when the file changed.

    Raises:
        MappingError: see :func:`render_suggestions`.
    """
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    result = render_suggestions(text, unmapped)
    if result == text:
        return False
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(result.encode("utf-8"))
        Path(tmp).chmod(path.stat().st_mode & 0o7777)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True
