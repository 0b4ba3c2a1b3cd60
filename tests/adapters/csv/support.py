"""Helpers shared by the CSV adapter tests: an in-memory ledger and file builders."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adapters.csv import CsvAdapter, CsvSettings
from adapters.protocol import Page

HEADER = "id,name,company,updated\r\n"


@dataclass
class MemoryLedger:
    """A FileLedger in a dict, recording every call so tests can see the order."""

    done: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)

    def is_processed(self, system: str, checksum: str) -> bool:
        return (system, checksum) in self.done

    def mark_processed(self, system: str, checksum: str, path: str, rows: int) -> None:
        self.calls.append(f"mark {Path(path).name}")
        self.done.setdefault((system, checksum), (path, rows))

    def marked_names(self) -> list[str]:
        return sorted(Path(path).name for path, _ in self.done.values())


def rows_csv(first: int, count: int, day: int = 1) -> str:
    """A UTF-8 export body with ``count`` rows, ids from ``first``."""
    body = "".join(
        f"{i},n{i},c,2026-10-{day:02d}T00:00:00+09:00\r\n"
        for i in range(first, first + count)
    )
    return HEADER + body


def inbox_adapter(
    folder: Path,
    *,
    ledger: Any = None,
    archive: Path | None = None,
    **read: Any,
) -> CsvAdapter:
    """A CSV adapter whose persons are read from the inbox ``folder``."""
    spec: dict[str, Any] = {
        "path": str(folder),
        "id_column": "id",
        "updated_column": "updated",
        **read,
    }
    if archive is not None:
        spec["archive"] = str(archive)
    settings = CsvSettings.model_validate({"persons": {"read": spec}})
    return CsvAdapter("sfa", settings, ledger=ledger)


def ids(pages: list[Page]) -> list[str]:
    """Record ids of all pages, in order."""
    return [r.id for p in pages for r in p.records]
