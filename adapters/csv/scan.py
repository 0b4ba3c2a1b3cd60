"""Turning one CSV file into page-sized chunks of records and row errors.

Both read modes (one export file, an inbox of files) scan files the same way;
they differ only in how they build the cursor around each chunk.

A row dated in the future (a typo such as 2099, or a clock set wrong) is read, but
its time never becomes the file's newest time: with ``skip_older`` that time is
the floor of the next export, and one such row would otherwise hide every later
row of every export until someone ran a backfill.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import structlog

from adapters.csv.reader import CsvRow, read_rows
from adapters.csv.settings import CsvReadSettings
from adapters.csv.timestamps import parse_timestamp
from adapters.protocol import Entity, Record, RowError

__all__ = ["FUTURE_TOLERANCE", "Chunk", "clean_id", "scan_file"]

FUTURE_TOLERANCE = timedelta(days=1)
"""How far past now an update time may be and still move the cursor (clock skew
between the exporting system and this host, zones written wrongly)."""

log = structlog.get_logger(__name__)

_DELETED_VALUES = frozenset({"1", "true", "yes", "y", "deleted", "archived", "削除"})


@dataclass(slots=True)
class Chunk:
    """Up to a page of results and where in the file they end.

    Attributes:
        records: well-formed rows as records.
        errors: malformed rows, located by ``file:line``.
        line: the last physical line consumed (resume after it).
        rows: data rows of the file consumed so far, this chunk included.
        newest: the newest ``updated_at`` read so far, if any (compared as times:
            ISO strings with different offsets do not sort chronologically).
        eof: the file has been read to its end.
    """

    records: list[Record] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    line: int = 0
    rows: int = 0
    newest: datetime | None = None
    eof: bool = False


def scan_file(
    system: str,
    entity: Entity,
    spec: CsvReadSettings,
    path: Path,
    *,
    skip_through: int = 0,
    rows: int = 0,
    since: datetime | None = None,
    newest: datetime | None = None,
    expected: tuple[str, ...] = (),
    unread: frozenset[str] = frozenset(),
) -> Iterator[Chunk]:
    """Yield chunks of at most ``spec.page_size`` results, the last one with eof.

    Lines up to ``skip_through`` were read before and are skipped. Rows updated
    before ``since`` are dropped (counted, not returned); rows without a time
    always pass, as they cannot be placed, and so do rows whose id is in
    ``unread`` (a row that could not be read before: the cursor moved past its
    time without it, so its fix must not be skipped as old). ``expected`` are
    the columns the field mappings read (see :func:`~adapters.csv.reader.read_rows`).

    Raises:
        ConfigError: the file cannot be opened or lacks a configured column.
    """
    zone = ZoneInfo(spec.timezone)
    required = tuple(
        c
        for c in (
            spec.id_column,
            spec.updated_column,
            spec.merged_ids_column,
            spec.deleted_column,
        )
        if c
    )
    chunk = Chunk(line=skip_through, rows=rows, newest=newest)
    horizon = datetime.now(UTC) + FUTURE_TOLERANCE
    for item in read_rows(
        path,
        encoding=spec.encoding,
        delimiter=spec.delimiter,
        quotechar=spec.quotechar,
        required_columns=required,
        expected_columns=expected,
    ):
        line = _line_of(item)
        if line <= skip_through:
            continue
        chunk.line = line
        chunk.rows += 1
        parsed = (
            item
            if isinstance(item, RowError)
            else _to_record(system, entity, item, path, zone, spec)
        )
        if isinstance(parsed, RowError):
            chunk.errors.append(parsed)
        elif (
            since is None
            or parsed.updated_at is None
            or parsed.updated_at >= since
            or (unread and parsed.id in unread)
        ):
            chunk.records.append(parsed)
            stamp = parsed.updated_at
            if stamp is not None and stamp > horizon:
                log.warning(
                    "csv_row_dated_in_future",
                    location=parsed.location,
                    column=spec.updated_column,
                    value=stamp.isoformat(),
                    hint="the row is read, but its time does not move the cursor; "
                    "fix the date in the source system",
                )
            elif stamp is not None and (chunk.newest is None or stamp > chunk.newest):
                chunk.newest = stamp
        if len(chunk.records) + len(chunk.errors) >= spec.page_size:
            yield chunk
            chunk = Chunk(line=chunk.line, rows=chunk.rows, newest=chunk.newest)
    chunk.eof = True
    yield chunk


def _to_record(
    system: str,
    entity: Entity,
    row: CsvRow,
    path: Path,
    zone: ZoneInfo,
    spec: CsvReadSettings,
) -> Record | RowError:
    location = f"{path.name}:{row.line}"
    record_id = clean_id(row.cells[spec.id_column])
    row.cells[spec.id_column] = record_id
    if not record_id:
        return RowError(
            location,
            f"empty id column {spec.id_column!r}",
            json.dumps(row.cells, ensure_ascii=False),
        )
    updated_at = None
    if spec.updated_column:
        text = row.cells[spec.updated_column].strip()
        if text:
            try:
                updated_at = parse_timestamp(text, zone)
            except ValueError as exc:
                return RowError(
                    location,
                    f"{spec.id_column} {record_id}: bad date in column "
                    f"{spec.updated_column!r}: {exc}",
                    json.dumps(row.cells, ensure_ascii=False),
                )
    merged: tuple[str, ...] = ()
    if spec.merged_ids_column:
        merged = tuple(
            i.strip() for i in row.cells[spec.merged_ids_column].split(";") if i.strip()
        )
    deleted = bool(
        spec.deleted_column
        and row.cells[spec.deleted_column].strip().lower() in _DELETED_VALUES
    )
    return Record(
        system=system,
        entity=entity,
        id=record_id,
        fields=row.cells,
        updated_at=updated_at,
        deleted=deleted,
        merged_ids=merged,
        location=location,
    )


_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00a0"), " ")


def clean_id(text: str) -> str:
    """An id as the system means it: NFKC, no BOM, zero-width or outer spaces.

    ``５１００７`` is 51007. Exports edited in Excel or pasted from the web carry
    these; read as-is, the same person's id would differ and a second lead
    would be created.
    """
    return unicodedata.normalize("NFKC", text.translate(_INVISIBLE)).strip()


def _line_of(item: CsvRow | RowError) -> int:
    if isinstance(item, CsvRow):
        return item.line
    return int(item.location.rsplit(":", 1)[1])


MAX_UNREAD_IDS = 2_000
"""Bound on the ids a cursor keeps of unreadable rows (a file of garbage must not
grow the cursor without end); beyond it, a fixed row older than the cursor waits
for a backfill, as before."""


def unread_ids(errors: Iterable[RowError], delimiter: str) -> set[str]:
    """What may be the ids of rows that could not be read: their short cells.

    The id column of a broken row cannot be trusted (a row with too few or too
    many columns), so every short cell is kept; a clean row with one of these
    ids is then read even if older than the cursor, which costs a re-read at most.
    """
    found: set[str] = set()
    for error in errors:
        for cell in error.raw.split(delimiter)[:40]:
            cleaned = clean_id(cell.strip().strip('"'))
            if cleaned and len(cleaned) <= 64:
                found.add(cleaned)
    return found
