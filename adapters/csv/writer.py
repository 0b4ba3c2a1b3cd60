"""Import files for the other side, written atomically and safe to open in Excel.

In table mode the file is a table keyed by id: updating a record replaces its row,
so replaying a batch leaves the file exactly as one delivery would (the
exactly-once effect the flows promise). Each write goes to a temporary file that
is renamed over the old one, so a crash never leaves half a file behind. The
writing itself, escaping included, is :mod:`connector.csvout`'s, shared by every
CSV the product writes.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path

from connector.csvout import FormulaSafeWriter, escape_cell, write_csv_file

__all__ = ["escape_cell", "load_table", "write_table"]


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
    """Write the whole table atomically (see :func:`connector.csvout.write_csv_file`).

    The temp file's name starts with a dot, so inbox readers skip it.
    """

    def fill(writer: FormulaSafeWriter) -> None:
        for row in rows:
            writer.writerow([row.get(col, "") for col in header])

    write_csv_file(
        path,
        fill,
        encoding=encoding,
        delimiter=delimiter,
        quotechar=quotechar,
        quote_all=quote_all,
        escape_formulas=escape_formulas,
        header=header,
    )
