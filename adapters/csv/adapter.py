"""The CSV adapter: read exports of one system, write import files for the other.

Many SFAs (and some MA tools) are only reachable through CSV export and import, so
this adapter is a first-class system, not a test double.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import httpx
from typing_extensions import override

from adapters.csv.inbox import list_inbox
from adapters.csv.ledger import FileLedger
from adapters.csv.pulling import load_cursor, pull_file, pull_inbox
from adapters.csv.push import push_append, push_table
from adapters.csv.reader import CsvRow, read_rows
from adapters.csv.settings import CsvEntitySettings, CsvReadSettings, CsvSettings
from adapters.protocol import (
    ENTITIES,
    Capabilities,
    CheckResult,
    Cursor,
    Entity,
    Page,
    PushResult,
    WriteOp,
)
from connector.errors import ConfigError
from connector.records import Activity

__all__ = ["CsvAdapter"]


class CsvAdapter:
    """Adapter over CSV files, configured per entity in ``[ma]`` / ``[sfa]``.

    Args:
        name: the system's config name.
        settings: the validated section.
        transport: unused (files need no HTTP); accepted for the factory protocol.
        ledger: where inbox files are remembered once processed; without one the
            cursor remembers them.
        base_dir: relative paths in ``settings`` are taken from here (the config
            file's folder); None keeps them relative to the working directory.
        clock: time source for append-mode file names (tests freeze it).
    """

    settings_model: ClassVar[type[CsvSettings]] = CsvSettings

    def __init__(
        self,
        name: str,
        settings: CsvSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        ledger: FileLedger | None = None,
        base_dir: Path | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.name = name
        self.settings = (
            settings if base_dir is None else settings.resolve_paths(base_dir)
        )
        self.ledger = ledger
        self._clock = clock
        self._expected: dict[str, tuple[str, ...]] = {}

    def expect_columns(self, entity: Entity, columns: tuple[str, ...]) -> None:
        """Name the columns the field mappings read from ``entity``'s export.

        A header that spells one of them differently only in case, width or
        spaces (``Email`` for ``email``) then stops the file before any row is
        used: every value of that column would otherwise be silently missing.
        """
        self._expected[entity] = columns

    def _entity(self, entity: Entity) -> CsvEntitySettings:
        configured: CsvEntitySettings | None = getattr(self.settings, entity)
        if configured is None:
            raise ConfigError(
                f"the CSV adapter of [{self.name}] has no {entity!r} section",
                hint=f"add [{self.name}.{entity}.read] or .write to the config",
                context={"section": f"{self.name}.{entity}"},
            )
        return configured

    def check(self) -> CheckResult:
        """Every configured export is readable and every import folder writable."""
        problems = []
        for entity in ENTITIES:
            configured: CsvEntitySettings | None = getattr(self.settings, entity)
            if configured is None:
                continue
            read = configured.read
            if read and not read.path.exists():
                problems.append(f"{entity}: {read.path} does not exist")
            elif read and read.archive is not None:
                if not read.path.is_dir():
                    problems.append(
                        f"{entity}: archive is set but {read.path} is a file, "
                        "not an inbox folder"
                    )
                elif read.archive.exists() and not read.archive.is_dir():
                    problems.append(f"{entity}: {read.archive} is not a folder")
            if configured.write:
                folder = configured.write.path.parent
                if folder.exists() and not folder.is_dir():
                    problems.append(f"{entity}: {folder} is not a folder")
        if problems:
            return CheckResult(False, "; ".join(problems))
        return CheckResult(True, "all configured CSV files are reachable")

    def pull(
        self, entity: Entity, cursor: Cursor | None, *, full: bool = False
    ) -> Iterator[Page]:
        """Yield pages of rows as records; malformed rows come back as RowErrors.

        ``read.path`` names one export file or an inbox folder; see
        :mod:`adapters.csv.pulling` for what the cursor holds in each case.

        Raises:
            ConfigError: a file or folder cannot be read, lacks a configured
                column, or the cursor is not one of this adapter's.
        """
        spec = self._entity(entity).read
        if spec is None:
            return
        where = f"{self.name}.{entity}"
        state = {} if full else load_cursor(cursor, where=where)
        if spec.path.is_dir():
            yield from pull_inbox(
                self.name,
                entity,
                spec,
                state,
                ledger=self.ledger,
                full=full,
                expected=self._expected.get(entity, ()),
            )
            return
        if spec.archive is not None:
            raise ConfigError(
                f"[{where}.read] archive is set but path {spec.path} is not a folder",
                hint="point path at the inbox folder, or remove archive",
                context={"section": f"{where}.read", "key": "archive"},
            )
        yield from pull_file(
            self.name, entity, spec, state, expected=self._expected.get(entity, ())
        )

    def push(self, entity: Entity, batch: Sequence[WriteOp]) -> PushResult:
        """Write a batch to the import file (``table``) or a batch file (``append``).

        Either way a replayed batch leaves the same files behind.

        Raises:
            ConfigError: the entity has no write section.
            ConnectorError: the file cannot be written.
        """
        spec = self._entity(entity).write
        if spec is None:
            raise ConfigError(
                f"[{self.name}.{entity}] has no `write` file to push to",
                hint=f"add [{self.name}.{entity}.write] with path and id_column",
                context={"section": f"{self.name}.{entity}"},
            )
        if spec.mode == "append":
            return push_append(spec, batch, now=self._clock)
        return push_table(spec, batch)

    def activities_for(self, record_id: str, since: datetime) -> list[Activity] | None:
        """Exports carry their signal counts as columns: no events."""
        return None

    def capabilities(self) -> Capabilities:
        """Entities with a ``read`` export pull, those with a ``write`` file push.

        Table files upsert on ``match_field`` (append files leave matching to the
        importing system); deletes and merges come from configured columns; an
        inbox folder is read through the file ledger.
        """
        sections = {
            entity: configured
            for entity in ENTITIES
            if (configured := getattr(self.settings, entity)) is not None
        }
        reads = {e: s.read for e, s in sections.items() if s.read is not None}
        writes = {e: s.write for e, s in sections.items() if s.write is not None}
        return Capabilities.of(
            pull=reads,
            push=writes,
            upsert=(e for e, w in writes.items() if w.mode == "table"),
            deletes=any(r.deleted_column for r in reads.values()),
            merges=any(r.merged_ids_column for r in reads.values()),
            files=True,
            column_check=True,
        )

    def select_fields(self, entity: Entity, fields: Sequence[str]) -> None:
        """Rows carry every column already: nothing to select."""

    def vocabulary(self, field: str) -> list[str]:
        """Values of ``field``: the configured list, else those seen in the exports."""
        seen: set[str] = set()
        for entity in ("persons", "deals"):
            configured: CsvEntitySettings | None = getattr(self.settings, entity)
            if configured is None:
                continue
            if field in configured.vocabulary:
                return list(configured.vocabulary[field])
            if configured.read is None:
                continue
            for path in _export_files(configured.read):
                for item in read_rows(
                    path,
                    encoding=configured.read.encoding,
                    delimiter=configured.read.delimiter,
                    quotechar=configured.read.quotechar,
                ):
                    if isinstance(item, CsvRow) and item.cells.get(field):
                        seen.add(item.cells[field].strip())
        return sorted(seen)

    def close(self) -> None:
        """Nothing to release: files are opened per call."""

    @override
    def __repr__(self) -> str:
        return f"CsvAdapter({self.name!r})"


def _export_files(spec: CsvReadSettings) -> list[Path]:
    """The export files to read; an inbox folder may be empty, a file must exist."""
    if spec.path.is_dir():
        return list_inbox(spec.path, spec.pattern)
    if not spec.path.exists():
        raise ConfigError(
            f"export file {spec.path} does not exist",
            hint="export the file again, or fix its path in the config",
            context={"file": str(spec.path)},
        )
    return [spec.path]
