"""The CSV adapter against real files: encodings, bad rows, cursors, import files."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.csv import CsvAdapter, CsvSettings
from adapters.csv.encoding import detect_encoding
from adapters.csv.pulling import load_cursor
from adapters.csv.writer import escape_cell
from adapters.protocol import Page, WriteOp
from connector.errors import ConfigError

HEADER = "id,name,company,updated\r\n"


def _adapter(tmp_path: Path, source: Path, **read: object) -> CsvAdapter:
    settings = CsvSettings.model_validate(
        {
            "persons": {
                "read": {
                    "path": str(source),
                    "id_column": "id",
                    "updated_column": "updated",
                    **read,
                },
                "write": {"path": str(tmp_path / "out.csv"), "id_column": "id"},
            }
        }
    )
    return CsvAdapter("sfa", settings)


def _pull_all(adapter: CsvAdapter, cursor: str | None = None) -> list[Page]:
    return list(adapter.pull("persons", cursor))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_detects_japanese_encodings(tmp_path: Path, encoding: str) -> None:
    """UTF-8, UTF-8 with BOM and CP932 exports are all read as the same text."""
    path = tmp_path / "leads.csv"
    body = HEADER + "1,山田 太郎,株式会社サクラテック,2026/10/01 09:30\r\n"
    path.write_bytes(body.encode(encoding))
    assert detect_encoding(path) == encoding
    pages = _pull_all(_adapter(tmp_path, path))
    record = pages[0].records[0]
    assert record.fields["name"] == "山田 太郎"
    assert record.fields["company"] == "株式会社サクラテック"
    assert record.updated_at is not None
    assert record.updated_at.isoformat() == "2026-10-01T09:30:00+09:00"


def test_cp932_only_characters_are_read(tmp_path: Path) -> None:
    """NEC/IBM extensions that plain Shift_JIS lacks (㈱, ①, 髙) decode as CP932."""
    path = tmp_path / "leads.csv"
    body = HEADER + "1,髙橋 ①,㈱ホクト精機,2026/10/01\r\n" * 3
    path.write_bytes(body.encode("cp932"))
    record = _pull_all(_adapter(tmp_path, path))[0].records[0]
    assert record.fields["name"] == "髙橋 ①"
    assert record.fields["company"] == "㈱ホクト精機"


def test_broken_rows_are_reported_and_the_rest_is_read(tmp_path: Path) -> None:
    """Bad column counts, bytes and dates become located RowErrors; good rows stay."""
    path = tmp_path / "leads.csv"
    lines = [
        HEADER.encode(),
        "1,佐藤,A社,2026-10-01\r\n".encode(),
        b"2,too,many,cells,here\r\n",
        b"3," + b"\xff\xfe" + ",B社,2026-10-02\r\n".encode(),
        "4,鈴木,C社,not a date\r\n".encode(),
        "5,田中,D社,2026-10-03\r\n".encode(),
    ]
    path.write_bytes(b"".join(lines))
    pages = _pull_all(_adapter(tmp_path, path, encoding="utf-8"))
    records = [r for p in pages for r in p.records]
    errors = [e for p in pages for e in p.errors]
    assert [r.id for r in records] == ["1", "5"]
    assert [e.location for e in errors] == ["leads.csv:3", "leads.csv:4", "leads.csv:5"]
    assert "expected 4 columns, found 5" in errors[0].reason
    assert "undecodable bytes" in errors[1].reason
    assert "bad date" in errors[2].reason


def test_missing_file_and_missing_column_are_config_errors(tmp_path: Path) -> None:
    """An absent file or a renamed column stops with a message naming the file."""
    missing = _adapter(tmp_path, tmp_path / "nope.csv")
    with pytest.raises(ConfigError, match=r"nope\.csv"):
        _pull_all(missing)
    path = tmp_path / "renamed.csv"
    path.write_text("ID,name,company,updated\r\n1,a,b,2026-10-01\r\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="missing column") as info:
        _pull_all(_adapter(tmp_path, path))
    assert "renamed.csv" in str(info.value)


def test_cursor_resumes_after_the_last_page(tmp_path: Path) -> None:
    """Pulling again from a page's cursor returns only rows after that page."""
    path = tmp_path / "leads.csv"
    rows = "".join(f"{i},n{i},c,2026-10-01T00:00:{i:02d}+09:00\r\n" for i in range(10))
    path.write_text(HEADER + rows, encoding="utf-8")
    adapter = _adapter(tmp_path, path, page_size=4)
    pages = _pull_all(adapter)
    assert [len(p.records) for p in pages] == [4, 4, 2]
    rest = _pull_all(adapter, pages[0].cursor)
    assert [r.id for p in rest for r in p.records] == [str(i) for i in range(4, 10)]
    assert all(not p.records for p in _pull_all(adapter, pages[-1].cursor))


def test_reexported_file_is_read_from_the_newest_timestamp(tmp_path: Path) -> None:
    """A new export is read from the last seen update time, inclusively."""
    path = tmp_path / "leads.csv"
    path.write_text(
        HEADER + "1,a,c,2026-10-01\r\n2,b,c,2026-10-02\r\n", encoding="utf-8"
    )
    adapter = _adapter(tmp_path, path)
    cursor = _pull_all(adapter)[-1].cursor
    path.write_text(
        HEADER + "1,a,c,2026-10-01\r\n2,b,c,2026-10-02\r\n3,x,c,2026-10-03\r\n",
        encoding="utf-8",
    )
    again = [r.id for p in _pull_all(adapter, cursor) for r in p.records]
    assert again == ["2", "3"]
    assert load_cursor(cursor, where="t")["updated"].startswith("2026-10-02")


def test_push_is_idempotent_and_updates_in_place(tmp_path: Path) -> None:
    """Replaying the same creates yields the same ids and rows; updates replace."""
    source = tmp_path / "in.csv"
    source.write_text(HEADER, encoding="utf-8")
    adapter = _adapter(tmp_path, source)
    batch = [
        WriteOp(key="ma:1", fields={"name": "山田", "email": "a@x.jp"}),
        WriteOp(key="ma:2", fields={"name": "佐藤", "email": "b@x.jp"}),
    ]
    first = adapter.push("persons", batch).outcomes
    second = adapter.push("persons", batch).outcomes
    assert [o.id for o in first] == [o.id for o in second]
    assert [o.created for o in first] == [True, True]
    assert [o.created for o in second] == [False, False]
    adapter.push(
        "persons", [WriteOp(key="x", fields={"name": "山田2"}, id=first[0].id)]
    )
    text = (tmp_path / "out.csv").read_bytes().decode("utf-8-sig")
    assert text.count("\r\n") == 3  # header + two rows, no duplicates
    assert "山田2" in text
    assert (tmp_path / "out.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_push_matches_existing_row_by_field(tmp_path: Path) -> None:
    """An upsert by email updates the row that already has that email."""
    source = tmp_path / "in.csv"
    source.write_text(HEADER, encoding="utf-8")
    adapter = _adapter(tmp_path, source)
    created = adapter.push("persons", [WriteOp("k1", {"email": "A@x.jp"})]).outcomes
    again = adapter.push(
        "persons", [WriteOp("k2", {"email": "a@x.jp", "n": "1"}, match_field="email")]
    ).outcomes
    assert again[0].id == created[0].id
    assert again[0].created is False


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+81 3 1234", "'+81 3 1234"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("-5", "-5"),
        ("+81", "+81"),
        ("-1,200.50", "-1,200.50"),
        ("山田", "山田"),
    ],
)
def test_formula_injection_is_escaped_but_numbers_stay(
    cell: str, expected: str
) -> None:
    """Cells that a spreadsheet would evaluate are neutralised; numbers are not."""
    assert escape_cell(cell) == expected


def test_vocabulary_from_config_or_observed(tmp_path: Path) -> None:
    """Stage values come from the configured list, else from the export's values."""
    path = tmp_path / "leads.csv"
    path.write_text(
        HEADER + "1,a,X,2026-10-01\r\n2,b,Y,2026-10-01\r\n", encoding="utf-8"
    )
    adapter = _adapter(tmp_path, path)
    assert adapter.vocabulary("company") == ["X", "Y"]
    configured = CsvSettings.model_validate(
        {"persons": {"vocabulary": {"status": ["新規", "対象外"]}}}
    )
    assert CsvAdapter("sfa", configured).vocabulary("status") == ["新規", "対象外"]


def test_update_of_a_known_id_is_not_a_create(tmp_path: Path) -> None:
    """Updating an SFA lead that the fresh import file lacks reports an update."""
    source = tmp_path / "in.csv"
    source.write_text(HEADER, encoding="utf-8")
    adapter = _adapter(tmp_path, source)
    outcome = adapter.push("persons", [WriteOp("k", {"n": "1"}, id="L-1001")])
    assert outcome.outcomes[0].created is False
    assert outcome.outcomes[0].id == "L-1001"
