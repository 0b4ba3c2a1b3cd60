"""Streaming rows out of a CSV file in constant memory, one bad row at a time.

Decoding uses ``surrogateescape`` so that undecodable bytes do not abort the file:
the row that holds them is reported as a :class:`~adapters.protocol.RowError` and
every other row is read normally.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.csv.encoding import detect_encoding
from adapters.protocol import RowError
from connector.errors import ConfigError

__all__ = ["CsvRow", "read_rows"]

_SURROGATE = re.compile("[\udc80-\udcff]")
csv.field_size_limit(64 * 1024 * 1024)


@dataclass(frozen=True, slots=True)
class CsvRow:
    """A well-formed data row: its cells by header and where it came from."""

    line: int
    cells: dict[str, str]


def read_rows(
    path: Path,
    *,
    encoding: str = "auto",
    delimiter: str = ",",
    quotechar: str = '"',
    required_columns: tuple[str, ...] = (),
) -> Iterator[CsvRow | RowError]:
    """Yield each data row of ``path``, or a RowError for a row that is malformed.

    Raises:
        ConfigError: the file cannot be opened, has no header, or lacks a column
            the settings name (nothing in it can be read correctly).
    """
    try:
        chosen = detect_encoding(path) if encoding == "auto" else encoding
        handle = path.open(
            encoding=chosen, errors="surrogateescape", newline="", buffering=1 << 20
        )
    except OSError as exc:
        raise ConfigError(
            f"cannot read CSV file {path}: {exc.strerror or exc}",
            hint="check the path in the config and the file's permissions",
            context={"file": str(path)},
        ) from None
    with handle:
        reader = csv.reader(handle, delimiter=delimiter, quotechar=quotechar)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            raise ConfigError(
                f"{path}: line 1: the header row is not valid CSV: {exc}",
                hint="check the delimiter and quoting settings",
                context={"file": str(path), "line": 1},
            ) from None
        if header is None:
            raise ConfigError(
                f"{path} is empty: a header row is required",
                hint="export the file again with column names",
                context={"file": str(path)},
            )
        header = [_clean_header(name) for name in header]
        if any(_SURROGATE.search(name) for name in header):
            raise ConfigError(
                f"{path}: line 1: header is not valid {chosen}",
                hint="set `encoding` for this file explicitly (utf-8 or cp932)",
                context={"file": str(path), "line": 1},
            )
        missing = [col for col in required_columns if col not in header]
        if missing:
            raise ConfigError(
                f"{path}: line 1: missing column(s) {', '.join(missing)}",
                hint=f"the file has: {', '.join(header)}; fix the export or the "
                "column names in the config",
                context={"file": str(path), "line": 1},
            )
        yield from _rows(reader, header, path)


def _rows(reader: Any, header: list[str], path: Path) -> Iterator[CsvRow | RowError]:
    width = len(header)
    while True:
        start = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield RowError(f"{path.name}:{start}", f"malformed CSV: {exc}", "")
            continue
        line = reader.line_num
        if not values or (len(values) == 1 and not values[0].strip()):
            continue  # blank line
        raw = ",".join(values)
        if len(values) != width:
            yield RowError(
                f"{path.name}:{line}",
                f"expected {width} columns, found {len(values)}",
                _printable(raw),
            )
            continue
        # One search over the joined row: a per-cell search cost more than parsing.
        if _SURROGATE.search(raw):
            bad = next(i for i, v in enumerate(values) if _SURROGATE.search(v))
            yield RowError(
                f"{path.name}:{line}",
                f"undecodable bytes in column {header[bad]!r}",
                _printable(raw),
            )
            continue
        yield CsvRow(line, dict(zip(header, values, strict=True)))


def _clean_header(name: str) -> str:
    return name.strip().lstrip("\ufeff")


def _printable(raw: str) -> str:
    return raw.encode("utf-8", "backslashreplace").decode("utf-8")[:2000]
