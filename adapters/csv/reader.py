"""Streaming rows out of a CSV file in constant memory, one bad row at a time.

Decoding uses ``surrogateescape`` so that undecodable bytes do not abort the file:
the row that holds them is reported as a :class:`~adapters.protocol.RowError` and
every other row is read normally.

A stray quote (``,"株式会社…,`` with no closing quote) makes a CSV parser read on
into the following lines as one field, which used to swallow every later row into
one dead letter named after the last line. Here a record that spans several
physical lines is accepted only when it has exactly the header's number of cells
(and the lines inside its quoted cell do not look like rows themselves);
otherwise its first line alone is reported and reading resumes on the next line,
so the stray quote costs one row and is named at the line it is on.

Line numbers are physical lines as an editor counts them (the header is line 1).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from adapters.csv.encoding import detect_encoding
from adapters.protocol import RowError
from connector.errors import ConfigError

__all__ = ["MAX_RECORD_LINES", "CsvRow", "read_rows"]

_SURROGATE = re.compile("[\udc80-\udcff]")
csv.field_size_limit(64 * 1024 * 1024)

MAX_RECORD_LINES = 1000
"""A quoted cell may hold line breaks, but not more than this many: beyond it the
quote is taken as stray (and one unclosed quote cannot hold a whole file in memory
or make re-reading the following lines quadratic)."""


@dataclass(frozen=True, slots=True)
class CsvRow:
    """A well-formed data row: its cells by header and where it came from."""

    line: int
    cells: dict[str, str]


class _Lines:
    """Physical lines of the file, with push-back and a count of lines taken.

    ``taken`` holds the lines the parser consumed for the record in hand, so a
    record that turns out bad can hand all but its first line back.
    """

    def __init__(self, handle: IO[str]) -> None:
        self._handle = handle
        self._back: deque[str] = deque()
        self.taken: list[str] = []
        self.capped = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if len(self.taken) >= MAX_RECORD_LINES:
            self.capped = True
            raise StopIteration
        line = self._back.popleft() if self._back else self._handle.readline()
        if not line:
            raise StopIteration
        self.taken.append(line)
        return line

    def start_record(self) -> None:
        self.taken = []
        self.capped = False

    def push_back(self, lines: list[str]) -> None:
        self._back.extendleft(reversed(lines))


def read_rows(
    path: Path,
    *,
    encoding: str = "auto",
    delimiter: str = ",",
    quotechar: str = '"',
    required_columns: tuple[str, ...] = (),
    expected_columns: tuple[str, ...] = (),
) -> Iterator[CsvRow | RowError]:
    """Yield each data row of ``path``, or a RowError for a row that is malformed.

    ``required_columns`` must be in the header exactly. ``expected_columns`` (the
    columns the field mappings read) may be absent, but not present under a
    spelling that differs only in case, width or spaces: that is a renamed column
    whose values would otherwise be silently ignored.

    Raises:
        ConfigError: the file cannot be opened, has no header, has a column twice,
            or lacks (or misspells) a column the settings or mappings name: nothing
            in it can be read correctly, so no row is used.
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
        lines = _Lines(handle)
        reader = csv.reader(lines, delimiter=delimiter, quotechar=quotechar)
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
        _check_header(path, chosen, delimiter, header, required_columns)
        _check_expected(path, header, expected_columns)
        yield from _rows(
            reader, lines, header, path, 1 + len(lines.taken), delimiter, quotechar
        )


def _check_header(
    path: Path,
    chosen: str,
    delimiter: str,
    header: list[str],
    required: tuple[str, ...],
) -> None:
    where = {"file": str(path), "line": 1}
    if any(_SURROGATE.search(name) for name in header):
        raise ConfigError(
            f"{path}: line 1: header is not valid {chosen}",
            hint="set `encoding` for this file explicitly (utf-8 or cp932)",
            context=where,
        )
    seen: dict[str, int] = {}
    for index, name in enumerate(header, start=1):
        if _CONTROL.search(name):
            raise ConfigError(
                f"{path}: line 1: the name of column {index} ({_printable(name)!r}) "
                "holds a control character",
                hint="the header is damaged (a NUL or similar byte): export the "
                "file again, or retype that column name",
                context={**where, "column": index},
            )
        if name in seen:
            raise ConfigError(
                f"{path}: line 1: column {name!r} appears twice "
                f"(columns {seen[name]} and {index})",
                hint="remove or rename one of them in the export: it is not "
                "known which one holds the right values",
                context={**where, "column": name},
            )
        seen[name] = index
    missing = [col for col in required if col not in seen]
    if not missing:
        return
    hint = (
        f"the file has: {_shown(', '.join(header))}; fix the export or the "
        "column names in the config"
    )
    if len(header) == 1 and "\t" in header[0] and delimiter != "\t":
        hint = (
            "the file is tab-separated (Excel's 'Unicode text' saves so): set "
            'delimiter = "\\t" for it, or save it as "CSV UTF-8" instead'
        )
    raise ConfigError(
        f"{path}: line 1: missing column(s) {', '.join(missing)}"
        + (f" (the file is {chosen})" if chosen.startswith("utf-16") else ""),
        hint=hint,
        context=where,
    )


def _fold(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def _check_expected(path: Path, header: list[str], expected: tuple[str, ...]) -> None:
    present = set(header)
    folded = {_fold(name): name for name in header}
    for column in expected:
        if column in present:
            continue
        near = folded.get(_fold(column))
        if near is not None:
            raise ConfigError(
                f"{path}: line 1: column {near!r} is not the mapped column "
                f"{column!r} (they differ only in case, width or spaces)",
                hint=f"rename the column to {column!r} in the export, or the key "
                "in mappings/fields.toml",
                context={"file": str(path), "line": 1, "column": near},
            )


def _rows_inside(taken: list[str], width: int, delimiter: str) -> bool:
    """Whether whole lines inside a quoted cell look like rows of their own.

    Two stray quotes lines apart can close each other and happen to leave the
    header's number of cells; the rows between them then have every delimiter a
    row has, which text in a note rarely does.
    """
    return width > 2 and any(line.count(delimiter) >= width - 1 for line in taken[1:-1])


def _quote_in_bare_cell(text: str, delimiter: str, quotechar: str) -> bool:
    """Whether a cell that does not start with a quote holds one (RFC 4180 bars it).

    Only records spanning several lines are scanned, so its cost does not matter.
    """
    quoted, at_start = False, True
    index, size = 0, len(text)
    while index < size:
        char = text[index]
        if quoted:
            if char == quotechar:
                if index + 1 < size and text[index + 1] == quotechar:
                    index += 1  # a doubled quote inside the cell
                else:
                    quoted, at_start = False, False
        elif char == quotechar:
            if not at_start:
                return True
            quoted = True
        elif char in (delimiter, "\r", "\n"):
            at_start = True
        else:
            at_start = False
        index += 1
    return False


def _rows(
    reader: Any,
    lines: _Lines,
    header: list[str],
    path: Path,
    start: int,
    delimiter: str,
    quotechar: str,
) -> Iterator[CsvRow | RowError]:
    width = len(header)
    while True:
        lines.start_record()
        try:
            values = next(reader)
        except StopIteration:
            if not lines.taken:
                return
            values = None  # only a capped quoted cell ends the reader early
        except csv.Error as exc:
            values = None
            error = f"malformed CSV: {exc}"
        else:
            error = ""
        taken = list(lines.taken)
        if not taken:
            return
        line = start
        if values is None or lines.capped:
            yield RowError(
                f"{path.name}:{line}",
                error or _unclosed(len(taken)),
                _printable(taken[0].rstrip("\r\n")),
            )
            lines.push_back(taken[1:])
            start += 1
            continue
        if len(taken) > 1 and (
            len(values) != width
            or _rows_inside(taken, width, delimiter)
            # A quoted cell closes on the record's last line; a last line with no
            # quote means the file ended inside the cell (`R2,,,"` then `R3,,,`).
            or quotechar not in taken[-1]
            # A stray quote closed by the opening quote of a real cell leaves that
            # cell's closing quote inside an unquoted one (`R4,",,` + `R5,",0",`).
            or _quote_in_bare_cell("".join(taken), delimiter, quotechar)
        ):
            # A quote opened on this line closes lines later: stray, not a cell.
            yield RowError(
                f"{path.name}:{line}",
                f"expected {width} columns, found {len(values)}: a quote opened "
                f"on this line is closed only on line {line + len(taken) - 1}; "
                'remove the stray " (or double it) and export again',
                _printable(taken[0].rstrip("\r\n")),
            )
            lines.push_back(taken[1:])
            start += 1
            continue
        start += len(taken)
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


def _unclosed(count: int) -> str:
    return (
        f"a quote opened on this line is not closed within {count} lines; "
        'remove the stray " (or double it) and export again'
    )


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
"""Control characters no column name holds; tab, LF and CR are quoting's business."""


def _clean_header(name: str) -> str:
    return name.strip().lstrip("\ufeff")


def _shown(text: str) -> str:
    return _printable(text.replace("\x00", ""))[:300]


def _printable(raw: str) -> str:
    return raw.encode("utf-8", "backslashreplace").decode("utf-8")[:2000]
