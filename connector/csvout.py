"""The one way the product writes CSV: formula-safe cells, atomic files.

Import files, ``report funnel --format csv`` and ``dedupe scan --output`` all end
up in Excel, where a cell such as ``=HYPERLINK("http://evil","click")`` taken
from a lead's name or a campaign runs as a formula. Every CSV the connector
writes goes through :func:`formula_safe_writer`, so no writer can forget the
escaping; files are written through :func:`write_csv_file`, which never leaves a
half-written file, a stale temporary or an owner-only file behind.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import IO, Any

__all__ = [
    "STALE_TEMP_SECONDS",
    "FormulaSafeWriter",
    "escape_cell",
    "formula_safe_writer",
    "write_csv_file",
]

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d+)*|\d*\.\d+)([eE][+-]?\d+)?$")
_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r", "\n")

STALE_TEMP_SECONDS = 600
"""A temporary file of ours older than this was left by a killed writer."""


def escape_cell(value: str) -> str:
    """Neutralise spreadsheet formulas (``=HYPERLINK(...)``) but keep numbers.

    A leading apostrophe makes Excel and LibreOffice show the text as typed instead
    of evaluating it; ``-5`` and ``+81`` style numbers are left as they are.
    """
    if value.startswith(_DANGEROUS_START) and not _NUMBER.match(value):
        return "'" + value
    return value


class FormulaSafeWriter:
    """A ``csv.writer`` whose text cells are escaped (numbers pass untouched)."""

    def __init__(self, writer: Any, *, escape: bool) -> None:
        self._writer = writer
        self._escape = escape

    def writerow(self, row: Iterable[Any]) -> None:
        """Write one row; ``None`` becomes an empty cell."""
        cells = ["" if cell is None else cell for cell in row]
        if self._escape:
            cells = [escape_cell(c) if isinstance(c, str) else c for c in cells]
        self._writer.writerow(cells)

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        """Write each row."""
        for row in rows:
            self.writerow(row)


def formula_safe_writer(
    handle: IO[str],
    *,
    delimiter: str = ",",
    quotechar: str = '"',
    quote_all: bool = False,
    escape_formulas: bool = True,
) -> FormulaSafeWriter:
    """A CSV writer on ``handle`` with CRLF line ends and formula escaping.

    ``escape_formulas=False`` exists only for import files whose admin turned the
    escaping off for a target that reads raw values (``escape_formulas`` in the
    CSV adapter's write settings).
    """
    writer = csv.writer(
        handle,
        delimiter=delimiter,
        quotechar=quotechar,
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
        lineterminator="\r\n",
    )
    return FormulaSafeWriter(writer, escape=escape_formulas)


def write_csv_file(
    path: Path,
    fill: Callable[[FormulaSafeWriter], None],
    *,
    encoding: str = "utf-8-sig",
    delimiter: str = ",",
    quotechar: str = '"',
    quote_all: bool = False,
    escape_formulas: bool = True,
    header: Sequence[str] | None = None,
) -> None:
    """Write a CSV file atomically: temp file beside ``path``, fsync, rename.

    ``fill`` writes the rows. The temp file's name starts with a dot (inbox
    readers skip it); temporaries a killed writer left behind are removed; the
    file gets the usual permissions (``0666`` less the umask), not the
    owner-only mode temporary files are created with, so the importing user or
    tool can read it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(path)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            writer = formula_safe_writer(
                handle,
                delimiter=delimiter,
                quotechar=quotechar,
                quote_all=quote_all,
                escape_formulas=escape_formulas,
            )
            if header is not None:
                writer.writerow(header)
            fill(writer)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temp_name).replace(path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def _remove_stale_temporaries(path: Path) -> None:
    cutoff = time.time() - STALE_TEMP_SECONDS
    for leftover in path.parent.glob(f".{glob_escape(path.name)}.*"):
        with suppress(OSError):
            if leftover.is_file() and leftover.stat().st_mtime < cutoff:
                leftover.unlink()


def glob_escape(name: str) -> str:
    """``name`` with glob wildcards escaped (file names may contain ``[``)."""
    return re.sub(r"([*?\[])", r"[\1]", name)
