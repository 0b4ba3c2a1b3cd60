"""Reading stays within constant memory whatever the file's length."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from adapters.csv import CsvAdapter, CsvSettings


def _peak_bytes_of_pull(tmp_path: Path, rows: int) -> tuple[int, int]:
    """Write a ``rows``-row CP932 export, pull it all; return (rows read, peak)."""
    source = tmp_path / f"leads-{rows}.csv"
    line = (
        "L{0:07d},山田 太郎,株式会社サクラテック,user{0}@example.co.jp,"
        "2026/10/01 09:30\r\n"
    )
    with source.open("w", encoding="cp932", newline="") as handle:
        handle.write("id,name,company,email,updated\r\n")
        for i in range(rows):
            handle.write(line.format(i))
    settings = CsvSettings.model_validate(
        {
            "persons": {
                "read": {
                    "path": str(source),
                    "id_column": "id",
                    "updated_column": "updated",
                    "page_size": 500,
                }
            }
        }
    )
    adapter = CsvAdapter("sfa", settings)
    tracemalloc.start()
    try:
        read = sum(len(page.records) for page in adapter.pull("persons", None))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return read, peak


def test_pull_memory_does_not_grow_with_the_file(tmp_path: Path) -> None:
    """Ten times the rows costs about the same peak memory: pages are not kept."""
    small_rows, small_peak = _peak_bytes_of_pull(tmp_path, 2_000)
    large_rows, large_peak = _peak_bytes_of_pull(tmp_path, 20_000)
    assert (small_rows, large_rows) == (2_000, 20_000)
    # Holding all 20,000 records would take ~20 MB; one page and the 1 MiB read
    # buffer take a few MB whatever the length.
    assert large_peak < 6 * 1024 * 1024
    assert large_peak - small_peak < 1024 * 1024
