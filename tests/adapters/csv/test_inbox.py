"""Inbox folders: each file read once, marked and archived only after commit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from adapters.csv import CsvAdapter, CsvSettings
from adapters.csv.inbox import file_digest
from adapters.csv.pulling import load_cursor
from adapters.protocol import Page
from connector.errors import ConfigError, CursorError
from tests.adapters.csv.support import MemoryLedger, ids, inbox_adapter, rows_csv


def _commit_all(
    adapter: CsvAdapter, cursor: str | None
) -> tuple[list[Page], str | None]:
    """Pull like a flow does: consume every page, keep the last cursor."""
    pages = list(adapter.pull("persons", cursor))
    return pages, (pages[-1].cursor if pages else cursor)


def test_files_are_read_in_name_order_and_skip_hidden_ones(tmp_path: Path) -> None:
    """Every *.csv of the inbox is read by name; dotfiles and other files are not."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "b.csv").write_text(rows_csv(20, 2), encoding="utf-8")
    (inbox / "a.csv").write_text(rows_csv(10, 2), encoding="utf-8")
    (inbox / ".c.csv.tmp1").write_text(rows_csv(30, 2), encoding="utf-8")
    (inbox / ".d.csv").write_text(rows_csv(40, 2), encoding="utf-8")
    (inbox / "notes.txt").write_text(rows_csv(50, 2), encoding="utf-8")
    pages, _ = _commit_all(inbox_adapter(inbox), None)
    assert ids(pages) == ["10", "11", "20", "21"]
    assert pages[0].records[0].location == "a.csv:2"


def test_file_is_marked_only_by_the_pull_after_its_last_page(tmp_path: Path) -> None:
    """Reading a file never marks it; the next pull, given that cursor, does."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.csv").write_text(rows_csv(1, 3), encoding="utf-8")
    ledger = MemoryLedger()
    adapter = inbox_adapter(inbox, ledger=ledger)
    pages, cursor = _commit_all(adapter, None)
    assert ids(pages) == ["1", "2", "3"]
    assert ledger.calls == []
    assert load_cursor(cursor, where="t")["done"][0]["name"] == "a.csv"
    again, cursor = _commit_all(adapter, cursor)
    assert ledger.marked_names() == ["a.csv"]
    assert ids(again) == []
    assert load_cursor(cursor, where="t")["done"] == []
    assert list(adapter.pull("persons", cursor)) == []


def test_uncommitted_last_page_is_read_again_and_not_marked(tmp_path: Path) -> None:
    """A run that dies before committing a file's last page re-reads that page."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.csv").write_text(rows_csv(1, 5), encoding="utf-8")
    ledger = MemoryLedger()
    adapter = inbox_adapter(inbox, ledger=ledger, page_size=2)
    pages = list(adapter.pull("persons", None))
    committed = pages[-2].cursor  # the last page's commit was lost
    retry = list(adapter.pull("persons", committed))
    assert ledger.calls == []
    assert ids(retry) == ["5"]
    list(adapter.pull("persons", retry[-1].cursor))
    rows = ledger.done[("sfa", file_digest(inbox / "a.csv"))][1]
    assert rows == 5


def test_kill_mid_file_resumes_mid_file_before_newer_files(tmp_path: Path) -> None:
    """The interrupted file is finished first, from its line, then the rest by name."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "b.csv").write_text(rows_csv(20, 4), encoding="utf-8")
    adapter = inbox_adapter(inbox, ledger=MemoryLedger(), page_size=2)
    first = next(iter(adapter.pull("persons", None)))
    assert ids([first]) == ["20", "21"]
    (inbox / "a.csv").write_text(rows_csv(10, 2), encoding="utf-8")
    rest, _ = _commit_all(adapter, first.cursor)
    assert ids(rest) == ["22", "23", "10", "11"]


def test_archive_moves_confirmed_files_and_keeps_names_unique(tmp_path: Path) -> None:
    """Confirmed files move to the archive; a taken name gets the checksum added."""
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    inbox.mkdir()
    archive.mkdir()
    (archive / "a.csv").write_text("older\r\n", encoding="utf-8")
    (inbox / "a.csv").write_text(rows_csv(1, 2), encoding="utf-8")
    sha = file_digest(inbox / "a.csv")
    ledger = MemoryLedger()
    adapter = inbox_adapter(inbox, ledger=ledger, archive=archive)
    _, cursor = _commit_all(adapter, None)
    assert (inbox / "a.csv").exists()  # not yet: the cursor is not committed
    _commit_all(adapter, cursor)
    assert not (inbox / "a.csv").exists()
    assert (archive / f"a.{sha[:12]}.csv").read_bytes() == rows_csv(1, 2).encode()
    assert (archive / "a.csv").read_bytes() == b"older\r\n"


def test_replaced_file_of_the_same_name_is_not_archived_unread(tmp_path: Path) -> None:
    """A new export saved under a confirmed file's name stays and is read."""
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    inbox.mkdir()
    (inbox / "a.csv").write_text(rows_csv(1, 1), encoding="utf-8")
    adapter = inbox_adapter(inbox, ledger=MemoryLedger(), archive=archive)
    _, cursor = _commit_all(adapter, None)
    (inbox / "a.csv").write_text(rows_csv(7, 1, day=2), encoding="utf-8")
    pages, _ = _commit_all(adapter, cursor)
    assert ids(pages) == ["7"]
    assert (inbox / "a.csv").exists()
    assert not archive.exists()


def test_same_content_dropped_again_is_skipped_and_archived(tmp_path: Path) -> None:
    """A file whose checksum is in the ledger is not read again, whatever its name."""
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    inbox.mkdir()
    (inbox / "a.csv").write_text(rows_csv(1, 2), encoding="utf-8")
    ledger = MemoryLedger()
    adapter = inbox_adapter(inbox, ledger=ledger, archive=archive)
    _, cursor = _commit_all(adapter, None)
    _, cursor = _commit_all(adapter, cursor)
    (inbox / "copy-of-a.csv").write_text(rows_csv(1, 2), encoding="utf-8")
    pages, _ = _commit_all(adapter, cursor)
    assert ids(pages) == []
    assert sorted(p.name for p in archive.iterdir()) == ["a.csv", "copy-of-a.csv"]


def test_duplicate_files_in_one_pull_are_read_once(tmp_path: Path) -> None:
    """Two inbox files with identical bytes yield their rows once."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.csv").write_text(rows_csv(1, 2), encoding="utf-8")
    (inbox / "b.csv").write_text(rows_csv(1, 2), encoding="utf-8")
    pages, _ = _commit_all(inbox_adapter(inbox, ledger=MemoryLedger()), None)
    assert ids(pages) == ["1", "2"]


def test_without_a_ledger_the_cursor_remembers_processed_files(tmp_path: Path) -> None:
    """With no ledger, processed checksums stay in the cursor and are not re-read."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.csv").write_text(rows_csv(1, 2), encoding="utf-8")
    adapter = inbox_adapter(inbox)
    _, cursor = _commit_all(adapter, None)
    (inbox / "b.csv").write_text(rows_csv(3, 1, day=2), encoding="utf-8")
    pages, cursor = _commit_all(adapter, cursor)
    assert ids(pages) == ["3"]
    names = [d["name"] for d in load_cursor(cursor, where="t")["done"]]
    assert names == ["a.csv", "b.csv"]
    assert ids(_commit_all(adapter, cursor)[0]) == []


def test_full_pull_rereads_processed_files_still_in_the_inbox(tmp_path: Path) -> None:
    """A full pull ignores the cursor and the ledger for files still present."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.csv").write_text(rows_csv(1, 2), encoding="utf-8")
    ledger = MemoryLedger()
    adapter = inbox_adapter(inbox, ledger=ledger)
    _, cursor = _commit_all(adapter, None)
    _commit_all(adapter, cursor)
    assert ledger.marked_names() == ["a.csv"]
    assert ids(list(adapter.pull("persons", cursor, full=True))) == ["1", "2"]


def test_files_younger_than_min_age_wait_for_the_next_run(tmp_path: Path) -> None:
    """A file modified within min_age_seconds (still being copied) is left alone."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "old.csv").write_text(rows_csv(1, 1), encoding="utf-8")
    (inbox / "new.csv").write_text(rows_csv(2, 1), encoding="utf-8")
    an_hour_ago = (inbox / "old.csv").stat().st_mtime - 3600
    os.utime(inbox / "old.csv", (an_hour_ago, an_hour_ago))
    adapter = inbox_adapter(inbox, min_age_seconds=600)
    assert ids(list(adapter.pull("persons", None))) == ["1"]


@pytest.mark.parametrize(
    ("skip_older", "expected"), [(True, ["2"]), (False, ["1", "2"])]
)
def test_updated_cursor_spans_inbox_files_unless_turned_off(
    tmp_path: Path, skip_older: bool, expected: list[str]
) -> None:
    """A later file's rows older than the newest time read are skipped if skip_older."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.csv").write_text(rows_csv(5, 1, day=3), encoding="utf-8")
    adapter = inbox_adapter(inbox, ledger=MemoryLedger(), skip_older=skip_older)
    _, cursor = _commit_all(adapter, None)
    older_and_newer = (
        "id,name,company,updated\r\n"
        "1,n1,c,2026-10-01T00:00:00+09:00\r\n"
        "2,n2,c,2026-10-04T00:00:00+09:00\r\n"
    )
    (inbox / "b.csv").write_text(older_and_newer, encoding="utf-8")
    pages, _ = _commit_all(adapter, cursor)
    assert ids(pages) == expected


def test_malformed_rows_in_inbox_files_name_the_file(tmp_path: Path) -> None:
    """A bad row in an inbox file is a RowError located by that file and line."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.csv").write_text(rows_csv(1, 1) + "2,x\r\n", encoding="utf-8")
    pages = list(inbox_adapter(inbox).pull("persons", None))
    errors = [e for p in pages for e in p.errors]
    assert [e.location for e in errors] == ["a.csv:3"]


def test_archive_with_a_single_file_path_is_a_config_error(tmp_path: Path) -> None:
    """Archive only makes sense for an inbox folder; with a file it says so."""
    source = tmp_path / "a.csv"
    source.write_text(rows_csv(1, 1), encoding="utf-8")
    adapter = inbox_adapter(source, archive=tmp_path / "archive")
    with pytest.raises(ConfigError, match="not a folder"):
        list(adapter.pull("persons", None))
    assert not adapter.check().ok


def test_foreign_cursor_is_a_cursor_error(tmp_path: Path) -> None:
    """A cursor another adapter wrote is refused with a hint, not misread."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    with pytest.raises(CursorError, match="not a csv adapter cursor"):
        list(inbox_adapter(inbox).pull("persons", "2026-10-01T00:00:00Z"))
    rest_cursor = '{"since": "2026-10-01T00:00:00+00:00", "ids": ["1"]}'
    with pytest.raises(CursorError, match="not a csv adapter cursor"):
        list(inbox_adapter(inbox).pull("persons", rest_cursor))


def test_archive_path_is_resolved_against_the_config_folder(tmp_path: Path) -> None:
    """Relative inbox and archive paths are taken from the config file's folder."""
    settings = CsvSettings.model_validate(
        {"persons": {"read": {"path": "in", "archive": "done", "id_column": "id"}}}
    ).resolve_paths(tmp_path)
    assert settings.persons is not None
    assert settings.persons.read is not None
    assert settings.persons.read.archive == tmp_path / "done"
    assert settings.persons.read.path == tmp_path / "in"
