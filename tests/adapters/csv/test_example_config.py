"""The CSV-only example config with inboxes is valid and works as described."""

from __future__ import annotations

import shutil
from pathlib import Path

from adapters.csv import CsvAdapter
from connector.app import App
from connector.config import load_settings
from connector.registry import build_adapter
from connector.store.ledger import StoreFileLedger, list_processed
from tests.adapters.csv.support import MemoryLedger

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "config.csv-only.toml"


def test_example_validates_and_builds_both_sides(tmp_path: Path) -> None:
    """Both sections validate, and relative inbox and archive paths resolve."""
    settings, base_dir = load_settings(EXAMPLE)
    ledger = MemoryLedger()
    ma = build_adapter("ma", settings.ma, base_dir=base_dir, ledger=ledger)
    sfa = build_adapter("sfa", settings.sfa, base_dir=base_dir, ledger=ledger)
    assert isinstance(ma, CsvAdapter)
    assert isinstance(sfa, CsvAdapter)
    assert ma.settings.persons is not None
    read = ma.settings.persons.read
    assert read is not None
    assert read.path == base_dir / "exports" / "ma"
    assert read.archive == base_dir / "archive" / "ma"
    assert sfa.ledger is ledger


def test_example_inbox_reads_and_archives_an_export(tmp_path: Path) -> None:
    """Dropped into a copy of the example's folders, an SFA export is read once."""
    config = tmp_path / "config.toml"
    shutil.copy(EXAMPLE, config)
    inbox = tmp_path / "exports" / "sfa-leads"
    inbox.mkdir(parents=True)
    (inbox / "leads_20261001.csv").write_bytes(
        "リードID,氏名,最終更新日時\r\nS-1,山田,2026/10/01 09:30\r\n".encode("cp932")
    )
    settings, base_dir = load_settings(config)
    sfa = build_adapter("sfa", settings.sfa, base_dir=base_dir, ledger=MemoryLedger())
    pages = list(sfa.pull("persons", None))
    assert [r.id for p in pages for r in p.records] == ["S-1"]
    assert next(iter(sfa.pull("persons", pages[-1].cursor))).records == []
    archived = tmp_path / "archive" / "sfa-leads" / "leads_20261001.csv"
    assert archived.exists()
    assert not any(inbox.iterdir())


def test_app_gives_the_csv_adapter_the_store_ledger(tmp_path: Path) -> None:
    """Through App, a processed inbox file lands in the state store's ledger."""
    config = tmp_path / "config.toml"
    shutil.copy(EXAMPLE, config)
    inbox = tmp_path / "exports" / "sfa-leads"
    inbox.mkdir(parents=True)
    (inbox / "a.csv").write_bytes(
        "リードID,最終更新日時\r\nS-1,2026/10/01 09:30\r\n".encode("cp932")
    )
    app = App.from_config(config)
    try:
        sfa = app.adapter("sfa")
        assert isinstance(sfa, CsvAdapter)
        assert isinstance(sfa.ledger, StoreFileLedger)
        cursor = list(sfa.pull("persons", None))[-1].cursor
        list(sfa.pull("persons", cursor))
        with app.store.read() as conn:
            rows = list_processed(conn, "sfa")
        assert [(Path(str(r["path"])).name, r["rows"]) for r in rows] == [("a.csv", 1)]
    finally:
        app.close()
