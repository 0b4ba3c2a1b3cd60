"""Applying a batch of writes to import files: one keyed table, or a file per batch.

Table mode gives the importer one file that always holds the latest row of every
record, at the price of reading and rewriting the whole table for every batch:
about 0.75 KB of memory per row of seven short columns, so a 1M-row table peaks
near 800 MB and takes seconds per batch (see bench/README.md). Append mode holds
only the batch: each batch becomes its own file, which suits importers that take
a folder of delta files, and very large import files.
"""

from __future__ import annotations

import glob
import hashlib
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from adapters.csv.settings import CsvWriteSettings
from adapters.csv.writer import load_table, write_table
from adapters.protocol import PushOutcome, PushResult, WriteOp
from connector.errors import ConnectorError

__all__ = ["batch_file_name", "push_append", "push_table"]


def push_table(spec: CsvWriteSettings, batch: Sequence[WriteOp]) -> PushResult:
    """Apply creates and updates to the keyed import file in one atomic rewrite.

    Creates get an id derived from the op's key, so delivering the same batch
    twice produces the same file (no duplicate rows).

    Raises:
        ConnectorError: the file cannot be written.
    """
    header, rows = load_table(
        spec.path,
        spec.id_column,
        encoding=spec.encoding,
        delimiter=spec.delimiter,
        quotechar=spec.quotechar,
    )
    outcomes: list[PushOutcome] = []
    for op in batch:
        cells = {k: _cell(v) for k, v in op.fields.items()}
        target = op.id
        if target is None and op.match_field and cells.get(op.match_field):
            wanted = cells[op.match_field].strip().lower()
            target = next(
                (
                    rid
                    for rid, row in rows.items()
                    if row.get(op.match_field, "").strip().lower() == wanted
                ),
                None,
            )
        # An update of a known id is an update even when this import file does
        # not hold that row yet; only ids the adapter mints are creations.
        minted = target is None
        if target is None:
            target = _created_id(spec, op)
        created = minted and target not in rows
        row = rows.setdefault(target, {spec.id_column: target})
        row.update(cells)
        row[spec.id_column] = target
        for column in cells:
            if column not in header:
                header.append(column)
        outcomes.append(PushOutcome(op.key, ok=True, id=target, created=created))
    _write(spec, spec.path, header, rows.values())
    return PushResult(outcomes)


def push_append(
    spec: CsvWriteSettings,
    batch: Sequence[WriteOp],
    *,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> PushResult:
    """Write the batch as a new file beside ``spec.path``; replays write nothing.

    The file name ends with a hash of the batch's content, so a batch delivered
    again (after a crash before its state commit) finds its file and is not
    written twice. Rows are not merged with earlier files: updates by
    ``match_field`` without an id are left to the importing system, which must
    match on that column, and every row without an id counts as created.

    Raises:
        ConnectorError: the file cannot be written.
    """
    if not batch:
        return PushResult([])
    header = [spec.id_column]
    rows: list[dict[str, str]] = []
    outcomes: list[PushOutcome] = []
    for op in batch:
        cells = {k: _cell(v) for k, v in op.fields.items()}
        target = op.id if op.id is not None else _created_id(spec, op)
        cells[spec.id_column] = target
        rows.append(cells)
        header.extend(c for c in cells if c not in header)
        outcomes.append(PushOutcome(op.key, ok=True, id=target, created=op.id is None))
    digest = _batch_digest(spec, rows)
    stem = glob.escape(spec.path.stem)
    existing = list(spec.path.parent.glob(f"{stem}-*-{digest}{spec.path.suffix}"))
    if not existing:
        target_path = spec.path.parent / batch_file_name(spec.path, now(), digest)
        _write(spec, target_path, header, rows)
    return PushResult(outcomes)


def batch_file_name(path: Path, when: datetime, digest: str) -> str:
    """``<stem>-<UTC time to the microsecond>-<digest><suffix>``: sorts by time."""
    stamp = when.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{path.stem}-{stamp}-{digest}{path.suffix}"


def _write(spec: CsvWriteSettings, path: Path, header: list[str], rows: Any) -> None:
    try:
        write_table(
            path,
            header,
            rows,
            encoding=spec.encoding,
            delimiter=spec.delimiter,
            escape_formulas=spec.escape_formulas,
            quotechar=spec.quotechar,
            quote_all=spec.quoting == "all",
        )
    except (OSError, UnicodeEncodeError) as exc:
        raise ConnectorError(
            f"cannot write {path}: {exc}",
            hint="check the folder's permissions, or use encoding utf-8-sig "
            "for characters CP932 cannot hold",
            context={"file": str(path)},
        ) from None


def _created_id(spec: CsvWriteSettings, op: WriteOp) -> str:
    return spec.id_prefix + hashlib.sha256(op.key.encode()).hexdigest()[:12]


def _batch_digest(spec: CsvWriteSettings, rows: list[dict[str, str]]) -> str:
    text = json.dumps([spec.id_column, rows], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
