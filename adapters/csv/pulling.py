"""Pulling pages from one export file or from an inbox folder, with resumable cursors.

One file: the cursor holds the file's checksum, the last line read and the newest
update time, so a kill mid-file resumes mid-file and a re-exported file is read
from the newest time on (inclusively).

Inbox: every file is read once, in name order (a file interrupted mid-way first).
A file is marked processed in the ledger and moved to the archive only by the
pull *after* the one that read its last page, from the cursor the flow committed:
marking on read would lose the file's last page if the run died before committing
it. Without a ledger the cursor itself keeps the checksums of processed files.

Both store the shared versioned cursor of :mod:`adapters.cursor`: its watermark
is the newest update time read (``updated``, no boundary ids: rows at that time
are re-read when a file is re-exported), its position the file checksum, line,
rows, floor and finished files. The raw dicts stored before it still load.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import structlog

from adapters.csv.inbox import archive_file, file_digest, list_inbox
from adapters.csv.ledger import FileLedger
from adapters.csv.scan import MAX_UNREAD_IDS, scan_file, unread_ids
from adapters.csv.settings import CsvReadSettings
from adapters.cursor import VersionedCursor, Watermark, decode_cursor
from adapters.protocol import Cursor, Entity, Page

__all__ = ["CURSOR_KIND", "load_cursor", "pull_file", "pull_inbox"]

log = structlog.get_logger(__name__)


CURSOR_KIND = "csv"

_LEGACY_KEYS = frozenset({"sha", "line", "updated", "done", "rows", "floor"})


class _Unread:
    """The ids of rows that could not be read, carried in the cursor.

    The watermark moves past an unreadable row's time without it; these ids
    let its fixed version through the "older than the cursor" filter. An id is
    dropped once a clean row with it was read (or the bound is reached).
    """

    def __init__(self, stored: object, delimiter: str) -> None:
        self.ids = {str(i) for i in stored} if isinstance(stored, list) else set()
        self.delimiter = delimiter

    def frozen(self) -> frozenset[str]:
        return frozenset(self.ids)

    def update(self, records: list[Any], errors: list[Any]) -> list[str]:
        self.ids -= {r.id for r in records}
        self.ids |= unread_ids(errors, self.delimiter)
        return sorted(self.ids)[:MAX_UNREAD_IDS]


def load_cursor(cursor: Cursor | None, *, where: str) -> dict[str, Any]:
    """Parse a stored cursor; an empty or absent one means "from the start".

    Returns the position keys plus ``updated`` (the watermark, ISO text).

    Raises:
        CursorError: the cursor was not written by the CSV adapter.
    """
    if not cursor:
        return {}
    stored = decode_cursor(cursor, kind=CURSOR_KIND, where=where, legacy=_legacy)
    return {**stored.position, "updated": _iso(stored.mark.at)}


def _legacy(data: dict[str, Any]) -> VersionedCursor | None:
    """The raw dicts of before: one file's, an inbox's mid-file or between files."""
    if "v" in data or not set(data) <= _LEGACY_KEYS:
        return None
    position = {k: v for k, v in data.items() if k != "updated"}
    mark = Watermark(_time(data.get("updated")))
    return VersionedCursor(CURSOR_KIND, mark, position, version=1)


def pull_file(
    system: str,
    entity: Entity,
    spec: CsvReadSettings,
    state: Mapping[str, Any],
    *,
    expected: tuple[str, ...] = (),
) -> Iterator[Page]:
    """Pages of the single export file ``spec.path``, resuming from ``state``."""
    digest = file_digest(spec.path)
    same_file = state.get("sha") == digest
    skip_through = int(state.get("line", 0)) if same_file else 0
    newest = _time(state.get("updated"))
    since = newest if spec.skip_older and not same_file else None
    unread = _Unread(state.get("unread"), spec.delimiter)
    for chunk in scan_file(
        system,
        entity,
        spec,
        spec.path,
        skip_through=skip_through,
        since=since,
        newest=newest,
        expected=expected,
        unread=unread.frozen(),
    ):
        unchanged = same_file and chunk.line == skip_through
        if chunk.eof and unchanged and not (chunk.records or chunk.errors):
            return  # nothing new since the cursor: no page, no cursor move
        cursor: dict[str, Any] = {
            "sha": digest,
            "line": chunk.line,
            "updated": _iso(chunk.newest),
        }
        if ids := unread.update(chunk.records, chunk.errors):
            cursor["unread"] = ids
        yield Page(chunk.records, _dump(cursor), chunk.errors)


def pull_inbox(
    system: str,
    entity: Entity,
    spec: CsvReadSettings,
    state: Mapping[str, Any],
    *,
    ledger: FileLedger | None,
    full: bool = False,
    expected: tuple[str, ...] = (),
) -> Iterator[Page]:
    """Pages of every unprocessed file of the inbox folder ``spec.path``.

    ``state`` must be the cursor the flow committed; ``full`` re-reads every file
    still in the inbox, processed or not.
    """
    folder = spec.path
    finished = [] if full else [_Done.load(e) for e in state.get("done", [])]
    for done in finished:
        if ledger is not None:
            ledger.mark_processed(system, done.sha, str(folder / done.name), done.rows)
        if spec.archive is not None:
            _archive(folder / done.name, spec.archive, done.sha)
    remembered = [] if ledger is not None else finished
    current = None if full else state.get("sha")
    newest = None if full else _time(state.get("updated"))
    files = [
        (path, file_digest(path))
        for path in list_inbox(
            folder, spec.pattern, min_age_seconds=spec.min_age_seconds
        )
    ]
    files.sort(key=lambda item: item[1] != current)  # stable: name order otherwise
    seen = {done.sha for done in remembered}
    unread = _Unread(None if full else state.get("unread"), spec.delimiter)
    yielded = False
    for path, sha in files:
        if sha in seen:
            continue
        seen.add(sha)
        if ledger is not None and not full and ledger.is_processed(system, sha):
            log.info("csv_inbox_file_already_processed", file=str(path), sha=sha)
            if spec.archive is not None:
                _archive(path, spec.archive, sha)
            continue
        resume = sha == current
        floor = _time(state.get("floor")) if resume else newest
        for chunk in scan_file(
            system,
            entity,
            spec,
            path,
            skip_through=int(state.get("line", 0)) if resume else 0,
            rows=int(state.get("rows", 0)) if resume else 0,
            since=floor if spec.skip_older else None,
            newest=newest,
            expected=expected,
            unread=unread.frozen(),
        ):
            newest = chunk.newest
            if chunk.eof:
                remembered = [*remembered, _Done(sha, path.name, chunk.rows)]
                at: dict[str, Any] = {"sha": None, "line": 0, "rows": 0, "floor": None}
            else:
                at = {
                    "sha": sha,
                    "line": chunk.line,
                    "rows": chunk.rows,
                    "floor": _iso(floor),
                }
            cursor = {
                "done": [d.dump() for d in remembered],
                "updated": _iso(newest),
                **at,
            }
            if ids := unread.update(chunk.records, chunk.errors):
                cursor["unread"] = ids
            yield Page(chunk.records, _dump(cursor), chunk.errors)
            yielded = True
    if not yielded and finished and ledger is not None:
        # Nothing new to read, but the confirmed files must leave the cursor.
        cursor = {"done": [], "updated": _iso(newest), "sha": None, "line": 0}
        yield Page([], _dump({**cursor, "rows": 0, "floor": None}), [])


@dataclass(frozen=True, slots=True)
class _Done:
    """A file read to its end: its checksum, name in the inbox and data rows."""

    sha: str
    name: str
    rows: int

    @classmethod
    def load(cls, entry: Any) -> _Done:
        return cls(str(entry["sha"]), str(entry["name"]), int(entry["rows"]))

    def dump(self) -> dict[str, Any]:
        return {"sha": self.sha, "name": self.name, "rows": self.rows}


def _archive(path: Path, archive: Path, sha: str) -> None:
    moved = archive_file(path, archive, sha)
    if moved is not None:
        log.info("csv_inbox_file_archived", file=str(path), archived_as=str(moved))


def _time(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _dump(cursor: Mapping[str, Any]) -> str:
    position = {k: v for k, v in cursor.items() if k != "updated"}
    mark = Watermark(_time(cursor.get("updated")))
    return VersionedCursor(CURSOR_KIND, mark, position).encode()
