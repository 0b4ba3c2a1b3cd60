"""Properties of the CSV reader: what is written is read; damage stays local.

The reader is where a stray quote once swallowed 298 records. Its promise, for
any export: every well-formed row comes back exactly as the writer wrote it,
with its line number as an editor counts it, and a spoiled row costs that row
alone. ``test_fuzz_*`` run the same oracle over arbitrary bytes; ``make fuzz``
runs them with a larger fixed budget (``FUZZ_EXAMPLES``) in CI.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.csv.reader import CsvRow, read_rows
from adapters.protocol import RowError
from connector.errors import ConfigError

HEADER = ["id", "氏名", "会社名", "メモ"]
CELL = st.text(
    alphabet=st.characters(
        codec="utf-8", exclude_categories=("Cs", "Cc"), include_characters="\n\",'"
    ),
    max_size=12,
)
ROW = st.tuples(CELL, CELL, CELL)
ROWS = st.lists(ROW, min_size=1, max_size=12)
FUZZ = int(os.environ.get("FUZZ_EXAMPLES", "150"))
QUICK = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _export(rows: list[tuple[str, str, str]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for number, cells in enumerate(rows, start=1):
        writer.writerow([f"R{number}", *cells])
    return buffer.getvalue().encode(encoding)


def _read(tmp: Path, data: bytes) -> list[CsvRow | RowError]:
    path = tmp / "export.csv"
    path.write_bytes(data)
    return list(read_rows(path, encoding="utf-8"))


def _first_lines(data: bytes) -> dict[str, int]:
    """Row id -> the line its record starts on, as an editor numbers lines."""
    text = data.decode("utf-8")
    starts, line = {}, 1
    for record in csv.reader(io.StringIO(text, newline="")):
        if record and record[0].startswith("R"):
            starts[record[0]] = line
        line += sum(cell.count("\n") for cell in record) + 1
    return starts


@QUICK
@given(ROWS)
def test_every_written_row_is_read_back_exactly(
    tmp_path_factory: object, rows: list[tuple[str, str, str]]
) -> None:
    """Quotes, commas and line breaks inside cells survive; lines are counted right."""
    tmp = tmp_path_factory.mktemp("csv")  # type: ignore[attr-defined]
    data = _export(rows)
    items = _read(tmp, data)
    assert all(isinstance(item, CsvRow) for item in items), items
    got = [
        (row.cells["id"], row.cells["氏名"], row.cells["会社名"], row.cells["メモ"])
        for row in items
    ]  # type: ignore[union-attr]
    want = [(f"R{n}", *cells) for n, cells in enumerate(rows, start=1)]
    assert got == want
    starts = _first_lines(data)
    assert [row.line for row in items] == [starts[g[0]] for g in got]  # type: ignore[union-attr]


@QUICK
@given(ROWS, st.data())
def test_a_stray_quote_costs_at_most_its_own_row(
    tmp_path_factory: object, rows: list[tuple[str, str, str]], data: st.DataObject
) -> None:
    """One `"` typed into one plain row: every other row is read unchanged."""
    plain = [tuple(c.replace('"', "").replace("\n", "") for c in r) for r in rows]
    spoiled = data.draw(st.integers(0, len(plain) - 1), label="row")
    cells = list(plain[spoiled])
    column = data.draw(st.integers(0, 2), label="column")
    at = data.draw(st.integers(0, len(cells[column])), label="at")
    lines = _export(plain).decode("utf-8").split("\r\n")  # type: ignore[arg-type]
    # The raw line of the spoiled row, with the quote typed into one cell.
    record = lines[1 + spoiled].split(",")
    if len(record) != 4:
        return  # a cell held a comma and was quoted by the writer: not plain
    record[1 + column] = record[1 + column][:at] + '"' + record[1 + column][at:]
    lines[1 + spoiled] = ",".join(record)
    tmp = tmp_path_factory.mktemp("csv")  # type: ignore[attr-defined]
    items = _read(tmp, "\r\n".join(lines).encode("utf-8"))
    good = {
        item.cells["id"]: (item.cells["氏名"], item.cells["会社名"], item.cells["メモ"])
        for item in items
        if isinstance(item, CsvRow)
    }
    for number, cells in enumerate(plain, start=1):
        if number - 1 != spoiled:
            assert good.get(f"R{number}") == cells, (number, items)
    errors = [item for item in items if isinstance(item, RowError)]
    assert all(error.location == f"export.csv:{2 + spoiled}" for error in errors)


@settings(
    max_examples=FUZZ, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.binary(max_size=600))
def test_fuzz_arbitrary_bytes_are_rows_errors_or_one_config_error(
    tmp_path_factory: object, blob: bytes
) -> None:
    """Any bytes: rows and row errors with sane line numbers, or a ConfigError."""
    tmp = tmp_path_factory.mktemp("fuzz")  # type: ignore[attr-defined]
    path = tmp / "export.csv"
    path.write_bytes(b"id,name,memo\r\n" + blob)
    lines = blob.count(b"\n") + blob.count(b"\r") + 2
    items: list[CsvRow | RowError] = []
    refused: ConfigError | None = None
    try:
        items = list(read_rows(path))
    except ConfigError as exc:
        refused = exc
    if refused is not None:
        assert "export.csv" in refused.one_line()
    for item in items:
        if isinstance(item, CsvRow):
            assert 2 <= item.line <= lines
            assert set(item.cells) == {"id", "name", "memo"}
        else:
            assert isinstance(item, RowError)
            assert item.location.startswith("export.csv:")
            assert 2 <= int(item.location.rsplit(":", 1)[1]) <= lines


@settings(
    max_examples=FUZZ, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(ROWS, st.binary(min_size=1, max_size=40), st.data())
def test_fuzz_garbage_in_one_row_spares_the_rows_before_it(
    tmp_path_factory: object,
    rows: list[tuple[str, str, str]],
    junk: bytes,
    data: st.DataObject,
) -> None:
    """Bytes pasted into row k: rows before it are read exactly, nothing escapes."""
    exported = _export(rows)
    breaks = [i for i in range(len(exported)) if exported[i : i + 2] == b"\r\n"]
    cut = data.draw(st.sampled_from(breaks[1:] or breaks), label="cut")
    spoiled = exported[:cut] + junk + exported[cut:]
    tmp = tmp_path_factory.mktemp("fuzz")  # type: ignore[attr-defined]
    path = tmp / "export.csv"
    path.write_bytes(spoiled)
    try:
        items = list(read_rows(path, encoding="utf-8"))
    except ConfigError:
        return
    clean = _read(tmp_path_factory.mktemp("clean"), exported[: cut + 2])  # type: ignore[attr-defined]
    before = [i for i in clean if isinstance(i, CsvRow)][:-1]
    got = [i for i in items if isinstance(i, CsvRow)]
    assert got[: len(before)] == before
