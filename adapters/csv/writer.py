"""Import files for the other side, written atomically and safe to open in Excel.

In table mode the file is a table keyed by id: updating a record replaces its row,
so replaying a batch leaves the file exactly as one delivery would (the
exactly-once effect the flows promise). Each write goes to a temporary file that
is renamed over the old one, so a crash never leaves half a file behind.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

__all__ = ["escape_cell", "load_table", "write_table"]

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d+)*|\d*\.\d+)([eE][+-]?\d+)?$")
_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def escape_cell(value: str) -> str:
    """Neutralise spreadsheet formulas (``=HYPERLINK(...)``) but keep numbers.

    A leading apostrophe makes Excel and LibreOffice show the text as typed instead
    of evaluating it; ``-5`` and ``+81`` style numbers are left as they are.
    """
    if value.startswith(_DANGEROUS_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def load_table(
    path: Path,
    id_column: str,
    *,
    encoding: str,
    delimiter: str,
    quotechar: str = '"',
) -> tuple[list[str], dict[str, dict[str, str]]]:
    """Read an import file written earlier: its header and rows keyed by id."""
    if not path.exists():
        return [id_column], {}
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.DictReader(handle, delimiter=delimiter, quotechar=quotechar)
        header = [name.lstrip("\ufeff") for name in (reader.fieldnames or [])]
        reader.fieldnames = header
        rows = {row[id_column]: dict(row) for row in reader}
    if id_column not in header:
        header.insert(0, id_column)
    return header, rows


def write_table(
    path: Path,
    header: list[str],
    rows: Iterable[Mapping[str, str]],
    *,
    encoding: str,
    delimiter: str,
    escape_formulas: bool,
    quotechar: str = '"',
    quote_all: bool = False,
) -> None:
    """Write the whole table to a temp file beside ``path``, fsync, then rename.

    The temp file's name starts with a dot, so inbox readers skip it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            writer = csv.writer(
                handle,
                delimiter=delimiter,
                quotechar=quotechar,
                quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
                lineterminator="\r\n",
            )
            writer.writerow(header)
            for row in rows:
                cells = [row.get(col, "") for col in header]
                if escape_formulas:
                    cells = [escape_cell(c) for c in cells]
                writer.writerow(cells)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temp_name).replace(path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
