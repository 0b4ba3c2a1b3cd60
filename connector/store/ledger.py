"""The inbox file ledger: which CSV files were fully processed, by content checksum.

Cursors say where reading stopped; the ledger says which files are finished for
good, so a file dropped into an inbox again (or never archived) is not imported
twice. :class:`StoreFileLedger` is what the CSV adapter is given (it implements
``adapters.csv.ledger.FileLedger`` structurally, so the store need not import
adapters).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from connector.store.engine import StateStore
from connector.store.schema import file_ledger

__all__ = ["StoreFileLedger", "is_processed", "list_processed", "mark_processed"]


def is_processed(conn: Connection, system: str, checksum: str) -> bool:
    """Whether a file with this content was processed for ``system``."""
    row = conn.execute(
        select(file_ledger.c.checksum).where(
            file_ledger.c.system == system, file_ledger.c.checksum == checksum
        )
    ).first()
    return row is not None


def mark_processed(
    conn: Connection, system: str, checksum: str, path: str, rows: int
) -> None:
    """Record a processed file; marking it again keeps the first time and path."""
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = insert(file_ledger).values(
        system=system,
        checksum=checksum,
        path=path,
        rows=rows,
        processed_at=datetime.now(UTC),
    )
    conn.execute(
        statement.on_conflict_do_nothing(index_elements=["system", "checksum"])
    )


def list_processed(
    conn: Connection, system: str | None = None
) -> list[dict[str, object]]:
    """Processed files, oldest first, for status output and support."""
    query = select(file_ledger).order_by(file_ledger.c.processed_at, file_ledger.c.path)
    if system is not None:
        query = query.where(file_ledger.c.system == system)
    return [dict(row._mapping) for row in conn.execute(query)]


class StoreFileLedger:
    """The file ledger over the state store, one short transaction per call.

    Args:
        store: the store, or a function returning it, so that building an
            adapter does not open (and migrate) the store before it is needed.
    """

    def __init__(self, store: StateStore | Callable[[], StateStore]) -> None:
        self._store = store

    def _get_store(self) -> StateStore:
        return self._store if isinstance(self._store, StateStore) else self._store()

    def is_processed(self, system: str, checksum: str) -> bool:
        """Whether a file with this content was processed for ``system``."""
        with self._get_store().read() as conn:
            return is_processed(conn, system, checksum)

    def mark_processed(self, system: str, checksum: str, path: str, rows: int) -> None:
        """Record a processed file in its own transaction (idempotent)."""
        with self._get_store().transaction() as conn:
            mark_processed(conn, system, checksum, path, rows)
