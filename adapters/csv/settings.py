"""Settings of the CSV adapter: per entity, a file to read and/or a file to write."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["CsvEntitySettings", "CsvReadSettings", "CsvSettings", "CsvWriteSettings"]

_STRICT = ConfigDict(extra="forbid", frozen=True)

Encoding = Literal["auto", "utf-8", "utf-8-sig", "cp932", "shift_jis", "utf-16"]


class CsvReadSettings(BaseModel):
    """An export to read: one file, or every ``*.csv`` in an inbox folder.

    When ``path`` is a folder it is an inbox: every file matching ``pattern`` is
    read once, in name order, and (with ``archive``) moved away afterwards.
    """

    model_config = _STRICT

    path: Path
    """The export file, or the inbox folder."""
    pattern: str = Field(default="*.csv", min_length=1)
    """Inbox only: which files of the folder to read (names starting with ``.``
    are skipped, so half-copied ``.tmp`` files of other tools are not read)."""
    archive: Path | None = None
    """Inbox only: folder that fully processed files are moved to."""
    min_age_seconds: float = Field(default=0, ge=0)
    """Inbox only: leave files modified more recently than this (still being
    copied in) for the next run."""
    encoding: Encoding = "auto"
    """``auto`` detects UTF-8, UTF-8 with BOM, CP932 (Shift_JIS) and UTF-16."""
    delimiter: str = Field(default=",", min_length=1, max_length=1)
    quotechar: str = Field(default='"', min_length=1, max_length=1)
    id_column: str
    """Column holding the record's id in that system."""
    updated_column: str | None = None
    """Column with the last-modified time; when set it is the incremental cursor."""
    skip_older: bool = True
    """With ``updated_column``: skip rows older than the newest time already read
    (inclusive at that time) in a re-exported file or a later inbox file. Turn it
    off when inbox files may hold older backfill rows that must still be read."""
    timezone: str = "Asia/Tokyo"
    """Zone of timestamps written without an offset (Japanese exports omit it)."""
    page_size: int = Field(default=500, ge=1, le=100_000)
    merged_ids_column: str | None = None
    """Column listing ids merged into this record (separated by ``;``), if any."""
    deleted_column: str | None = None
    """Column whose truthy value marks a deleted/archived record, if any."""


class CsvWriteSettings(BaseModel):
    """An import file to write for the other side.

    ``mode = "table"`` keeps one file keyed by id (replays and updates replace
    rows; the whole table is held in memory while a batch is applied).
    ``mode = "append"`` writes each batch as its own file beside ``path``, named
    ``<stem>-<time>-<batch hash><suffix>``, in memory proportional to the batch.
    """

    model_config = _STRICT

    path: Path
    id_column: str
    mode: Literal["table", "append"] = "table"
    encoding: Literal["utf-8", "utf-8-sig", "cp932"] = "utf-8-sig"
    """``utf-8-sig`` (with BOM) lets Excel open Japanese text correctly."""
    delimiter: str = Field(default=",", min_length=1, max_length=1)
    quotechar: str = Field(default='"', min_length=1, max_length=1)
    quoting: Literal["minimal", "all"] = "minimal"
    """``all`` quotes every cell, for importers that want it."""
    id_prefix: str = ""
    """Prefix of ids the adapter gives to rows it creates."""
    escape_formulas: bool = True
    """Prefix cells starting with = + - @ (and tab/CR/LF) with ' against formula
    injection; plain numbers such as -5 are left alone."""


class CsvEntitySettings(BaseModel):
    """What to read and write for one entity (persons, deals, ...)."""

    model_config = _STRICT

    read: CsvReadSettings | None = None
    write: CsvWriteSettings | None = None
    vocabulary: dict[str, list[str]] = Field(default_factory=dict)
    """Known values of stage fields, when the system's full list is known."""


class CsvSettings(BaseModel):
    """The ``[ma]``/``[sfa]`` section when ``adapter = "csv"``."""

    model_config = _STRICT

    persons: CsvEntitySettings | None = None
    deals: CsvEntitySettings | None = None
    activities: CsvEntitySettings | None = None
    campaigns: CsvEntitySettings | None = None

    def resolve_paths(self, base_dir: Path) -> CsvSettings:
        """Return a copy whose relative paths are relative to ``base_dir``."""

        def fix(path: Path) -> Path:
            return path if path.is_absolute() else base_dir / path

        updates: dict[str, CsvEntitySettings] = {}
        for name in ("persons", "deals", "activities", "campaigns"):
            entity: CsvEntitySettings | None = getattr(self, name)
            if entity is None:
                continue
            read = entity.read
            write = entity.write
            updates[name] = entity.model_copy(
                update={
                    "read": read.model_copy(
                        update={
                            "path": fix(read.path),
                            "archive": fix(read.archive) if read.archive else None,
                        }
                    )
                    if read
                    else None,
                    "write": write.model_copy(update={"path": fix(write.path)})
                    if write
                    else None,
                }
            )
        return self.model_copy(update=updates)
