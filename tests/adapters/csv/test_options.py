"""Each read and write option of the CSV adapter changes what is read or written."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.csv import CsvAdapter, CsvSettings
from adapters.protocol import WriteOp
from connector.errors import ConnectorError
from tests.adapters.csv.support import ids


def _reader(source: Path, **read: Any) -> CsvAdapter:
    spec = {"path": str(source), "id_column": "id", **read}
    return CsvAdapter("sfa", CsvSettings.model_validate({"persons": {"read": spec}}))


def _writer(target: Path, clock: datetime | None = None, **write: Any) -> CsvAdapter:
    spec = {"path": str(target), "id_column": "ID", **write}
    settings = CsvSettings.model_validate({"persons": {"write": spec}})
    if clock is None:
        return CsvAdapter("sfa", settings)
    return CsvAdapter("sfa", settings, clock=lambda: clock)


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_delimiter_is_configurable(tmp_path: Path, delimiter: str) -> None:
    """Semicolon, tab and pipe separated exports split into the same cells."""
    source = tmp_path / "a.csv"
    lines = ["id", "name", "note"], ["1", "山田", "a,b"]
    source.write_text(
        "".join(delimiter.join(cells) + "\r\n" for cells in lines), encoding="utf-8"
    )
    record = next(iter(_reader(source, delimiter=delimiter).pull("persons", None)))
    assert record.records[0].fields == {"id": "1", "name": "山田", "note": "a,b"}


def test_quotechar_is_configurable(tmp_path: Path) -> None:
    """A single-quote quoted export keeps the delimiter inside a quoted cell."""
    source = tmp_path / "a.csv"
    source.write_text("id,note\r\n1,'a, b'\r\n", encoding="utf-8")
    page = next(iter(_reader(source, quotechar="'").pull("persons", None)))
    assert page.records[0].fields["note"] == "a, b"


def test_quoted_newlines_keep_line_numbers_of_later_rows(tmp_path: Path) -> None:
    """A cell spanning lines is one row, and the next row reports its real line."""
    source = tmp_path / "a.csv"
    source.write_text('id,note\r\n1,"two\r\nlines"\r\n2,x,extra\r\n', encoding="utf-8")
    pages = list(_reader(source).pull("persons", None))
    assert pages[0].records[0].fields["note"] == "two\r\nlines"
    assert [e.location for e in pages[0].errors] == ["a.csv:4"]


def test_explicit_encoding_overrides_detection(tmp_path: Path) -> None:
    """An explicit encoding is used as given, even where detection would differ."""
    source = tmp_path / "a.csv"
    # CP932 "ﾂｱ" is C2 B1, which is also valid UTF-8 ("±"): detection cannot tell.
    source.write_bytes("id,name\r\n1,ﾂｱ\r\n".encode("cp932"))
    detected = next(iter(_reader(source).pull("persons", None)))
    forced = next(iter(_reader(source, encoding="cp932").pull("persons", None)))
    assert detected.records[0].fields["name"] == "±"
    assert forced.records[0].fields["name"] == "ﾂｱ"


def test_wrong_explicit_encoding_reports_the_header(tmp_path: Path) -> None:
    """Forcing UTF-8 on a CP932 file with Japanese headers fails at line 1."""
    source = tmp_path / "a.csv"
    source.write_bytes("id,氏名\r\n1,山田\r\n".encode("cp932"))
    with pytest.raises(ConnectorError, match=r"a\.csv: line 1: header is not valid"):
        list(_reader(source, encoding="utf-8").pull("persons", None))


def test_page_size_bounds_each_page(tmp_path: Path) -> None:
    """page_size caps records plus errors per page."""
    source = tmp_path / "a.csv"
    source.write_text(
        "id,n\r\n" + "".join(f"{i},x\r\n" for i in range(7)), encoding="utf-8"
    )
    pages = list(_reader(source, page_size=3).pull("persons", None))
    assert [len(p.records) for p in pages] == [3, 3, 1]
    assert ids(pages) == [str(i) for i in range(7)]


def test_write_quoting_all_and_quotechar(tmp_path: Path) -> None:
    """With quoting = all every cell is quoted with the configured quote character."""
    target = tmp_path / "out.csv"
    adapter = _writer(target, quoting="all", quotechar="'", encoding="utf-8")
    adapter.push("persons", [WriteOp("k", {"name": "山田"}, id="L1")])
    assert target.read_bytes() == "'ID','name'\r\n'L1','山田'\r\n".encode()
    adapter.push("persons", [WriteOp("k2", {"name": "佐藤"}, id="L2")])
    rows = list(csv.reader(io.StringIO(target.read_text("utf-8")), quotechar="'"))
    assert rows == [["ID", "name"], ["L1", "山田"], ["L2", "佐藤"]]


def test_write_delimiter_and_cp932(tmp_path: Path) -> None:
    """A tab-separated CP932 import file round-trips through a later push."""
    target = tmp_path / "out.tsv"
    adapter = _writer(target, delimiter="\t", encoding="cp932")
    adapter.push("persons", [WriteOp("k", {"name": "髙橋"}, id="L1")])
    adapter.push("persons", [WriteOp("k", {"name": "髙橋②"}, id="L1")])
    assert target.read_bytes() == "ID\tname\r\nL1\t髙橋②\r\n".encode("cp932")


def test_formula_escaping_can_be_turned_off(tmp_path: Path) -> None:
    """escape_formulas = false writes cells exactly as given."""
    on, off = tmp_path / "on.csv", tmp_path / "off.csv"
    op = WriteOp("k", {"note": "=1+1", "n": "-5"}, id="L1")
    _writer(on, encoding="utf-8").push("persons", [op])
    _writer(off, encoding="utf-8", escape_formulas=False).push("persons", [op])
    assert on.read_text("utf-8").splitlines()[1] == "L1,'=1+1,-5"
    assert off.read_text("utf-8").splitlines()[1] == "L1,=1+1,-5"


def test_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path: Path) -> None:
    """A batch CP932 cannot encode fails cleanly: old file intact, no stray temp."""
    target = tmp_path / "out.csv"
    adapter = _writer(target, encoding="cp932")
    adapter.push("persons", [WriteOp("k", {"name": "山田"}, id="L1")])
    before = target.read_bytes()
    with pytest.raises(ConnectorError, match=r"cannot write .*out\.csv") as info:
        adapter.push("persons", [WriteOp("k2", {"name": "emoji 😀"}, id="L2")])
    assert "utf-8-sig" in (info.value.hint or "")
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_append_mode_writes_one_file_per_batch(tmp_path: Path) -> None:
    """Each batch becomes its own time-stamped file; the base file is never made."""
    target = tmp_path / "leads.csv"
    first = datetime(2026, 10, 1, 9, 30, tzinfo=UTC)
    adapter = _writer(target, first, mode="append", id_prefix="NEW-")
    result = adapter.push(
        "persons",
        [WriteOp("ma:1", {"name": "山田"}), WriteOp("ma:2", {"x": "=cmd"}, id="L9")],
    )
    assert [o.created for o in result.outcomes] == [True, False]
    assert result.outcomes[0].id is not None
    assert result.outcomes[0].id.startswith("NEW-")
    files = sorted(tmp_path.iterdir())
    assert len(files) == 1
    assert files[0].name.startswith("leads-20261001T093000000000Z-")
    data = files[0].read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [
        ["ID", "name", "x"],
        [result.outcomes[0].id, "山田", ""],
        ["L9", "", "'=cmd"],
    ]
    assert not target.exists()


def test_append_mode_replay_writes_nothing_new(tmp_path: Path) -> None:
    """The same batch pushed again later finds its file and adds no duplicate."""
    target = tmp_path / "leads.csv"
    batch = [WriteOp("ma:1", {"name": "山田"})]
    early = _writer(target, datetime(2026, 10, 1, tzinfo=UTC), mode="append")
    late = _writer(target, datetime(2026, 10, 2, tzinfo=UTC), mode="append")
    first = early.push("persons", batch)
    again = late.push("persons", batch)
    assert [o.id for o in first.outcomes] == [o.id for o in again.outcomes]
    assert len(list(tmp_path.iterdir())) == 1
    late.push("persons", [WriteOp("ma:2", {"name": "佐藤"})])
    names = sorted(p.name for p in tmp_path.iterdir())
    assert [n[:15] for n in names] == ["leads-20261001T", "leads-20261002T"]


def test_append_mode_empty_batch_writes_no_file(tmp_path: Path) -> None:
    """An empty batch in append mode leaves the folder untouched."""
    adapter = _writer(tmp_path / "leads.csv", mode="append")
    assert adapter.push("persons", []).outcomes == []
    assert list(tmp_path.iterdir()) == []


def test_undecodable_cp932_row_and_empty_id_are_row_errors(tmp_path: Path) -> None:
    """Bytes CP932 cannot decode, or an empty id, fail their row only, with raw text."""
    source = tmp_path / "a.csv"
    source.write_bytes(
        "id,name\r\n1,山田\r\n".encode("cp932")
        + b"2,a\x81\r\n"
        + ",佐藤\r\n3,鈴木\r\n".encode("cp932")
    )
    pages = list(_reader(source, encoding="cp932").pull("persons", None))
    assert ids(pages) == ["1", "3"]
    errors = [e for p in pages for e in p.errors]
    assert [e.location for e in errors] == ["a.csv:3", "a.csv:4"]
    assert "undecodable bytes in column 'name'" in errors[0].reason
    assert "\\udc81" in errors[0].raw
    assert "empty id column 'id'" in errors[1].reason
    assert "佐藤" in errors[1].raw


def test_check_reports_inbox_problems(tmp_path: Path) -> None:
    """check() accepts an inbox folder and names a missing one or a bad archive."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (tmp_path / "archive").write_text("a file, not a folder", encoding="utf-8")
    good = _reader(inbox)
    assert good.check().ok
    missing = _reader(tmp_path / "nope")
    assert "nope does not exist" in missing.check().message
    bad_archive = _reader(inbox, archive=str(tmp_path / "archive"))
    result = bad_archive.check()
    assert not result.ok
    assert "archive is not a folder" in result.message
