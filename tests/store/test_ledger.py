"""The inbox file ledger on SQLite and PostgreSQL, alone and behind the CSV adapter."""

from __future__ import annotations

from pathlib import Path

from adapters.csv import CsvAdapter, CsvSettings
from adapters.csv.ledger import FileLedger
from connector.store import StateStore
from connector.store.ledger import (
    StoreFileLedger,
    is_processed,
    list_processed,
    mark_processed,
)


def test_marking_is_idempotent_and_keeps_the_first_path(store: StateStore) -> None:
    """Marking a checksum twice keeps one row with the first path and row count."""
    with store.transaction() as conn:
        assert not is_processed(conn, "sfa", "abc")
        mark_processed(conn, "sfa", "abc", "/inbox/a.csv", 10)
        mark_processed(conn, "sfa", "abc", "/inbox/copy.csv", 99)
    with store.read() as conn:
        assert is_processed(conn, "sfa", "abc")
        rows = list_processed(conn, "sfa")
    assert [(r["path"], r["rows"]) for r in rows] == [("/inbox/a.csv", 10)]


def test_checksums_are_per_system(store: StateStore) -> None:
    """A file processed for one system is still new for the other."""
    ledger = StoreFileLedger(store)
    ledger.mark_processed("sfa", "abc", "a.csv", 1)
    assert ledger.is_processed("sfa", "abc")
    assert not ledger.is_processed("ma", "abc")
    with store.read() as conn:
        assert [r["system"] for r in list_processed(conn)] == ["sfa"]


def test_lazy_store_is_opened_on_first_use(store: StateStore) -> None:
    """Given a function, the ledger calls it only when asked something."""
    opened: list[int] = []

    def open_store() -> StateStore:
        opened.append(1)
        return store

    ledger = StoreFileLedger(open_store)
    assert isinstance(ledger, FileLedger)
    assert opened == []
    assert not ledger.is_processed("sfa", "x")
    assert opened == [1]


def test_inbox_files_are_recorded_after_the_commit(
    store: StateStore, tmp_path: Path
) -> None:
    """Through the adapter, a read file lands in the ledger on the next pull only."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.csv").write_text("id,n\r\n1,x\r\n2,y\r\n", encoding="utf-8")
    settings = CsvSettings.model_validate(
        {"persons": {"read": {"path": str(inbox), "id_column": "id"}}}
    )
    adapter = CsvAdapter("sfa", settings, ledger=StoreFileLedger(store))
    cursor = list(adapter.pull("persons", None))[-1].cursor
    with store.read() as conn:
        assert list_processed(conn) == []
    assert next(iter(adapter.pull("persons", cursor))).records == []
    with store.read() as conn:
        rows = list_processed(conn, "sfa")
    assert [(Path(str(r["path"])).name, r["rows"]) for r in rows] == [("a.csv", 2)]
