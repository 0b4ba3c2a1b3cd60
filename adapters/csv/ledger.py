"""The one window the CSV adapter has on the state store: which inbox files are done.

Adapters never see the state store (see :mod:`adapters.protocol`); an inbox is
the exception, because "this file was already imported" must outlive any cursor.
The adapter only asks and tells through this small protocol, so it can be given
the store-backed ledger (:class:`connector.store.ledger.StoreFileLedger`), an
in-memory one in tests, or none at all (then the cursor remembers the files).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

__all__ = ["FileLedger"]


@runtime_checkable
class FileLedger(Protocol):
    """Remembers inbox files by content checksum, per system."""

    def is_processed(self, system: str, checksum: str) -> bool:
        """Whether a file with this content was fully processed for ``system``."""
        ...

    def mark_processed(self, system: str, checksum: str, path: str, rows: int) -> None:
        """Record that the file was fully processed (idempotent).

        Only called for files whose last page's cursor the flow has committed.
        """
        ...
