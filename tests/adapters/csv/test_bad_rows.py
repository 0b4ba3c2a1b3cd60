"""Bad rows and headers in CSV exports cost at most themselves and are named.

Each test reproduces one row of issue 13's table on a small file.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from adapters.csv import CsvAdapter, CsvSettings
from adapters.csv.reader import MAX_RECORD_LINES, CsvRow, read_rows
from adapters.csv.scan import _to_record
from adapters.csv.settings import CsvReadSettings
from adapters.protocol import Page, RowError
from connector.errors import ConfigError

HEADER = "id,name,company,updated\r\n"


def _adapter(source: Path, **read: object) -> CsvAdapter:
    settings = CsvSettings.model_validate(
        {
            "persons": {
                "read": {
                    "path": str(source),
                    "id_column": "id",
                    "updated_column": "updated",
                    **read,
                }
            }
        }
    )
    return CsvAdapter("ma", settings)


def _rows(count: int, start: int = 1) -> list[str]:
    return [f"{i},n{i},株式会社{i},2026-10-01\r\n" for i in range(start, start + count)]


def _pull(adapter: CsvAdapter, cursor: str | None = None) -> list[Page]:
    return list(adapter.pull("persons", cursor))


def test_stray_quote_costs_only_its_own_row(tmp_path: Path) -> None:
    """An unclosed quote on line 3 dead-letters line 3 and every other row is read."""
    lines = _rows(300)
    lines[1] = '2,n2,"株式会社ミナト,2026-10-01\r\n'
    path = tmp_path / "ma.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    pages = _pull(_adapter(path))
    ids = [r.id for p in pages for r in p.records]
    errors = [e for p in pages for e in p.errors]
    assert ids == [str(i) for i in range(1, 301) if i != 2]
    assert [e.location for e in errors] == ["ma.csv:3"]
    assert "quote" in errors[0].reason
    assert "株式会社ミナト" in errors[0].raw


def test_stray_quote_on_second_to_last_row_keeps_the_last(tmp_path: Path) -> None:
    """A stray quote on the next-to-last row does not swallow the valid last row."""
    lines = _rows(5)
    lines[3] = '4,"n4,c,2026-10-01\r\n'
    path = tmp_path / "ma.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    pages = _pull(_adapter(path))
    assert [r.id for p in pages for r in p.records] == ["1", "2", "3", "5"]
    assert [e.location for p in pages for e in p.errors] == ["ma.csv:5"]


def test_two_stray_quotes_pairing_up_cost_two_rows(tmp_path: Path) -> None:
    """Two stray quotes lines apart that close each other cost only their two rows."""
    lines = _rows(10)
    lines[2] = '3,"n3,c,2026-10-01\r\n'
    lines[6] = '7,n7",c,2026-10-01\r\n'
    lines[7] = '8,"n8,c,2026-10-01\r\n'
    path = tmp_path / "ma.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    pages = _pull(_adapter(path))
    ids = [r.id for p in pages for r in p.records]
    assert ids == ["1", "2", "4", "5", "6", "7", "9", "10"]
    assert [e.location for p in pages for e in p.errors] == ["ma.csv:4", "ma.csv:9"]


def test_quoted_line_breaks_are_still_one_cell(tmp_path: Path) -> None:
    """A properly quoted cell with line breaks stays one row, numbered by its start."""
    body = HEADER + '1,"line one\r\nline two",c,2026-10-01\r\n2,b,c,2026-10-01\r\n'
    path = tmp_path / "ma.csv"
    path.write_text(body, encoding="utf-8")
    items = list(read_rows(path))
    assert [type(i) for i in items] == [CsvRow, CsvRow]
    assert isinstance(items[0], CsvRow)
    assert isinstance(items[1], CsvRow)
    assert items[0].cells["name"] == "line one\r\nline two"
    assert (items[0].line, items[1].line) == (2, 4)


def test_unclosed_quote_is_bounded(tmp_path: Path) -> None:
    """A quote never closed is given up after MAX_RECORD_LINES lines, not the file."""
    count = MAX_RECORD_LINES + 50
    lines = _rows(count)
    lines[0] = '1,"n1,c,2026-10-01\r\n'
    path = tmp_path / "ma.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    items = list(read_rows(path))
    good = [i for i in items if isinstance(i, CsvRow)]
    assert len(good) == count - 1
    assert len(items) == count


def test_duplicate_header_stops_the_file(tmp_path: Path) -> None:
    """A column named twice is a ConfigError naming it, before any row is used."""
    path = tmp_path / "ma.csv"
    path.write_text(
        "id,email,email,updated\r\n1,a@x.jp,b@x.jp,2026-10-01\r\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="'email' appears twice"):
        _pull(_adapter(path))


def test_mapped_column_differing_in_case_stops_the_file(tmp_path: Path) -> None:
    """`Email` where the mappings read `email` is an error, not silently blank."""
    path = tmp_path / "ma.csv"
    path.write_text("id,Email,updated\r\n1,a@x.jp,2026-10-01\r\n", encoding="utf-8")
    adapter = _adapter(path)
    assert len(_pull(adapter)[0].records) == 1  # nothing expected: read as it is
    adapter.expect_columns("persons", ("email", "phone"))
    with pytest.raises(ConfigError, match="'Email' is not the mapped column 'email'"):
        _pull(adapter)


def test_utf16_export_is_read(tmp_path: Path) -> None:
    """An Excel 'Unicode text' export (UTF-16 with BOM) is decoded, not NUL soup."""
    path = tmp_path / "ma.csv"
    path.write_text(HEADER + "".join(_rows(3)), encoding="utf-16")
    pages = _pull(_adapter(path))
    assert pages[0].records[0].fields["company"] == "株式会社1"


def test_tab_separated_utf16_is_named(tmp_path: Path) -> None:
    """A tab-separated export read with `,` says so, instead of 'missing columns'."""
    path = tmp_path / "ma.csv"
    text = (HEADER + "".join(_rows(3))).replace(",", "\t")
    path.write_text(text, encoding="utf-16")
    with pytest.raises(ConfigError) as info:
        _pull(_adapter(path))
    assert "utf-16" in str(info.value)
    assert "tab-separated" in (info.value.hint or "")
    assert len(_pull(_adapter(path, delimiter="\t"))[0].records) == 3


@pytest.mark.parametrize(
    "stamp", ["99999999999999999999", "999999999999", "0001-01-01T00:00:00+09:00"]
)
def test_out_of_range_time_is_a_row_error(tmp_path: Path, stamp: str) -> None:
    """An epoch or year out of range dead-letters its row instead of crashing."""
    path = tmp_path / "ma.csv"
    lines = _rows(3)
    lines[1] = f"2,n,c,{stamp}\r\n"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    pages = _pull(_adapter(path))
    assert [r.id for p in pages for r in p.records] == ["1", "3"]
    assert [e.location for p in pages for e in p.errors] == ["ma.csv:3"]


def test_row_dated_in_the_future_does_not_move_the_cursor(tmp_path: Path) -> None:
    """A row dated 2099 is read once, and the next export's rows are not skipped."""
    path = tmp_path / "ma.csv"
    lines = _rows(3)
    lines[1] = "2,n,c,2099-01-01\r\n"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    adapter = _adapter(path)
    first = _pull(adapter)
    assert [r.id for p in first for r in p.records] == ["1", "2", "3"]
    path.write_text(HEADER + "4,n,c,2026-10-02\r\n", encoding="utf-8")
    second = _pull(adapter, first[-1].cursor)
    assert [r.id for p in second for r in p.records] == ["4"]


@pytest.mark.parametrize("raw", ["\ufeff51007", "５１００７", " 51007\u200b"])
def test_ids_are_normalised(tmp_path: Path, raw: str) -> None:
    """A BOM, zero-width space or full-width digits do not make a different id."""
    path = tmp_path / "ma.csv"
    path.write_text(HEADER + f"{raw},n,c,2026-10-01\r\n", encoding="utf-8")
    record = _pull(_adapter(path))[0].records[0]
    assert record.id == "51007"
    assert record.fields["id"] == "51007"


def test_a_control_character_in_a_header_name_stops_the_file(tmp_path: Path) -> None:
    """A NUL in a header name is damage, not an unmapped column: refused, named."""
    path = tmp_path / "ma.csv"
    path.write_bytes(b"id,em\x00ail,updated\r\n1,a@x.jp,2026-10-01\r\n")
    with pytest.raises(ConfigError, match=r"ma.csv: line 1: the name of column 2"):
        list(read_rows(path))


def test_an_unreadable_date_names_the_record_id(tmp_path: Path) -> None:
    """The admin finds the row by its line and by the id the SFA shows."""
    spec = CsvReadSettings(path="deals.csv", id_column="id", updated_column="updated")
    row = CsvRow(3, {"id": "D-2", "name": "b", "updated": "昨日"})
    error = _to_record(
        "sfa", "deals", row, tmp_path / "deals.csv", ZoneInfo("UTC"), spec
    )
    assert isinstance(error, RowError)
    assert "D-2" in error.reason


def test_a_fixed_row_older_than_the_cursor_is_read(tmp_path: Path) -> None:
    """The cursor moved past a broken row's time; its fix must not be skipped.

    The re-exported file keeps the row's old date (the admin fixed the file,
    not the record), yet the fixed row is read once, and its id then leaves
    the cursor: a later export skips it as old again.
    """
    lines = _rows(5)
    good = lines[1]
    lines[1] = "2,x\r\n"  # only the id is legible
    lines[4] = "5,n5,株式会社5,2026-10-09\r\n"
    path = tmp_path / "sfa.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    adapter = _adapter(path)
    first = _pull(adapter)
    assert [e.location for p in first for e in p.errors] == ["sfa.csv:3"]
    cursor = first[-1].cursor
    lines[1] = good
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    second = _pull(adapter, cursor)
    assert [r.id for p in second for r in p.records] == ["2", "5"]
    lines.append("6,n6,株式会社6,2026-10-10\r\n")
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    third = _pull(adapter, second[-1].cursor)
    assert [r.id for p in third for r in p.records] == ["5", "6"]


def test_without_unreadable_rows_old_rows_stay_skipped(tmp_path: Path) -> None:
    """The control: a re-export reads nothing older than the cursor."""
    lines = _rows(5)
    lines[4] = "5,n5,株式会社5,2026-10-09\r\n"
    path = tmp_path / "sfa.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    adapter = _adapter(path)
    cursor = _pull(adapter)[-1].cursor
    lines[1] = "2,changed,株式会社2,2026-10-01\r\n"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    assert [r.id for p in _pull(adapter, cursor) for r in p.records] == ["5"]


def test_a_quote_left_open_at_the_end_of_a_row_costs_only_that_row(
    tmp_path: Path,
) -> None:
    """`R2,,,"` before the last row: the file ends inside the cell, R3 survives.

    Found by the property test: the parser swallowed R3 into R2's last cell and
    gave one well-formed row, since the cell had the right number of columns.
    """
    path = tmp_path / "export.csv"
    path.write_bytes(b'id,a,b,memo\r\nR1,,,\r\nR2,,,"\r\nR3,,,\r\n')
    items = list(read_rows(path))
    rows = {item.cells["id"]: item for item in items if isinstance(item, CsvRow)}
    errors = [item for item in items if isinstance(item, RowError)]
    assert set(rows) == {"R1", "R3"}
    assert rows["R3"].line == 4
    assert [error.location for error in errors] == ["export.csv:3"]


def test_a_stray_quote_closed_by_the_next_rows_quoted_cell_costs_only_its_row(
    tmp_path,
):
    """`R4,",,` then `R5,,",0",`: the stray quote is closed by R5's own cell.

    The record has the header's four cells, but R5's closing quote is left inside
    an unquoted cell, which RFC 4180 bars: R4 is reported, R5 is read.
    """
    path = tmp_path / "leads.csv"
    path.write_bytes(
        "id,氏名,会社名,メモ\r\nR3,,,\r\nR4,\",,\r\nR5,,\",0\",\r\n".encode()
    )
    rows = list(read_rows(path, encoding="utf-8"))
    good = {r.cells["id"]: r.cells for r in rows if isinstance(r, CsvRow)}
    bad = [r for r in rows if isinstance(r, RowError)]
    assert sorted(good) == ["R3", "R5"]
    assert good["R5"]["会社名"] == ",0"
    assert [e.location for e in bad] == ["leads.csv:3"]
