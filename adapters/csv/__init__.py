"""CSV adapter: exports in (UTF-8, UTF-8 with BOM, CP932), import files out."""

from __future__ import annotations

from adapters.csv.adapter import CsvAdapter
from adapters.csv.ledger import FileLedger
from adapters.csv.settings import CsvSettings

__all__ = ["CsvAdapter", "CsvSettings", "FileLedger"]
