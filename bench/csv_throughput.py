"""CSV adapter throughput and memory: rows/s and peak RSS for reads and writes.

It generates a deterministic export (10 columns of Japanese lead data) as CP932
and as UTF-8 in a temporary folder, then runs each measurement in its own
process, so every peak RSS (``ru_maxrss``) belongs to that measurement alone:

- ``baseline``: plain ``csv.reader`` over the file with its encoding given, the
  floor any CSV reader in Python pays;
- ``pull``: ``CsvAdapter.pull`` with encoding ``auto``: detection, checksum,
  per-row validation, timestamp parsing and Record building, page by page;
- ``push-table``: one 100-row batch pushed into an import table that already
  holds ``--rows`` rows (table mode reloads and rewrites the table per batch);
- ``push-append``: ``--rows`` rows pushed in batches of 1,000 in append mode.

``base RSS`` is the process after its imports, before any work, so the
difference is what the work itself held. Usage::

    python bench/csv_throughput.py                 # 1,000,000 rows
    python bench/csv_throughput.py --rows 50000    # quick check
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from adapters.csv import CsvAdapter, CsvSettings  # noqa: E402 - after the path fix
from adapters.protocol import WriteOp  # noqa: E402

HEADER = ["リードID", "姓", "名", "会社名", "メール", "電話", "都道府県", "ステータス"]
HEADER += ["担当者", "最終更新日時"]
LAST = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "髙橋"]
FIRST = ["太郎", "花子", "一郎", "美咲", "健太", "由美", "翔", "さくら", "大輔", "陽子"]
COMPANY = [
    "株式会社サクラテック",
    "㈱ホクト精機",
    "有限会社みどり商事",
    "東都物産株式会社",
]
PREF = ["東京都", "大阪府", "愛知県", "福岡県", "北海道", "神奈川県"]
STATUS = ["新規", "対応中", "商談化", "対象外"]
START = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def generate(path: Path, rows: int, encoding: str, seed: int = 20261001) -> None:
    """Write ``rows`` deterministic lead rows (same seed, same bytes)."""
    rng = random.Random(seed)
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADER)
        for i in range(rows):
            updated = START + timedelta(seconds=i * 7)
            writer.writerow(
                [
                    f"L{i:07d}",
                    rng.choice(LAST),
                    rng.choice(FIRST),
                    rng.choice(COMPANY),
                    f"user{i}@example.co.jp",
                    f"03-{rng.randrange(10000):04d}-{rng.randrange(10000):04d}",
                    rng.choice(PREF),
                    rng.choice(STATUS),
                    rng.choice(LAST),
                    updated.strftime("%Y/%m/%d %H:%M:%S"),
                ]
            )


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _read_settings(path: Path) -> CsvSettings:
    return CsvSettings.model_validate(
        {
            "persons": {
                "read": {
                    "path": str(path),
                    "id_column": "リードID",
                    "updated_column": "最終更新日時",
                }
            }
        }
    )


def _write_settings(path: Path, mode: str) -> CsvSettings:
    spec = {"path": str(path), "id_column": "リードID", "mode": mode}
    return CsvSettings.model_validate({"persons": {"write": spec}})


def _op(i: int) -> WriteOp:
    fields = {
        "姓": LAST[i % len(LAST)],
        "名": FIRST[i % len(FIRST)],
        "会社名": COMPANY[i % len(COMPANY)],
        "メール": f"user{i}@example.co.jp",
        "電話": "-",
        "ステータス": STATUS[i % len(STATUS)],
    }
    return WriteOp(key=f"ma:{i}", fields=fields)


def worker(kind: str, path: Path, encoding: str, rows: int) -> dict[str, float]:
    """Run one measurement in this process and return its numbers."""
    base = _rss_mb()
    started = time.perf_counter()
    count = 0
    if kind == "baseline":
        with path.open(encoding=encoding, newline="") as handle:
            for _ in csv.reader(handle):
                count += 1
        count -= 1  # header
    elif kind == "pull":
        adapter = CsvAdapter("sfa", _read_settings(path))
        for page in adapter.pull("persons", None):
            count += len(page.records) + len(page.errors)
    elif kind == "push-table":
        adapter = CsvAdapter("sfa", _write_settings(path, "table"))
        result = adapter.push("persons", [_op(rows + i) for i in range(100)])
        count = len(result.outcomes)
    elif kind == "push-append":
        adapter = CsvAdapter("sfa", _write_settings(path, "append"))
        for start in range(0, rows, 1000):
            batch = [_op(i) for i in range(start, min(start + 1000, rows))]
            count += len(adapter.push("persons", batch).outcomes)
    else:
        raise SystemExit(f"unknown measurement {kind!r}")
    seconds = time.perf_counter() - started
    return {"rows": count, "seconds": seconds, "base_mb": base, "peak_mb": _rss_mb()}


def _measure(kind: str, path: Path, encoding: str, rows: int) -> dict[str, float]:
    out = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [sys.executable, __file__, "--worker", kind, str(path), encoding, str(rows)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _import_table(path: Path, rows: int) -> None:
    """An import file as table mode writes it, holding ``rows`` records."""
    header = ["リードID", "姓", "名", "会社名", "メール", "電話", "ステータス"]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        for i in range(rows):
            op = _op(i)
            writer.writerow([f"ID{i:07d}", *(str(op.fields[c]) for c in header[1:])])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--worker", nargs=4, metavar=("KIND", "PATH", "ENC", "N"))
    args = parser.parse_args()
    if args.worker:
        kind, path, encoding, rows = args.worker
        print(json.dumps(worker(kind, Path(path), encoding, int(rows))))
        return
    n = args.rows
    print(f"CSV throughput, {n:,} rows, Python {sys.version.split()[0]}")
    print(
        f"{'file':<8} {'measure':<12} {'rows/s':>10} {'seconds':>8} "
        f"{'base RSS':>9} {'peak RSS':>9}"
    )
    with tempfile.TemporaryDirectory(prefix="csv-bench-") as tmp:
        folder = Path(tmp)
        plan: list[tuple[str, str, Path, str]] = []
        for label, encoding in (("cp932", "cp932"), ("utf-8", "utf-8")):
            path = folder / f"leads-{label}.csv"
            generate(path, n, encoding)
            plan += [(label, "baseline", path, encoding), (label, "pull", path, "")]
        table = folder / "import-table.csv"
        _import_table(table, n)
        plan.append(("utf-8-sig", "push-table", table, ""))
        plan.append(("utf-8-sig", "push-append", folder / "append" / "x.csv", ""))
        for label, kind, path, encoding in plan:
            r = _measure(kind, path, encoding, n)
            rate = (
                r["rows"] / r["seconds"] if kind != "push-table" else n / r["seconds"]
            )
            print(
                f"{label:<8} {kind:<12} {rate:>10,.0f} {r['seconds']:>8.1f} "
                f"{r['base_mb']:>7.0f}MB {r['peak_mb']:>7.0f}MB"
            )
    print("push-table rows/s counts the rows of the table rewritten for one batch.")


if __name__ == "__main__":
    main()
