"""Handoff throughput: records/s and seconds per page, on SQLite and PostgreSQL.

A handoff backfill of ``--records`` generated MA leads (a CSV export, most of them
qualified, a few duplicates and unmapped stages) runs into a CSV SFA import file,
as ``config.example.toml`` wires it, with pages of ``--page`` records. Each
measurement runs in its own process on a fresh state store (a new SQLite file, or
a new PostgreSQL schema that is dropped afterwards):

- ``dry run``: the same backfill with ``--dry-run``: reading, mapping, matching
  and qualifying, but no pushes and no state writes. It is the floor the state
  writes are added to, measured in the same run.
- ``backfill``: the real run; every page commits its state in one transaction.
- ``replay``: a sync over the same export right after: every lead is unchanged,
  so the page's cost is reading state and recording that nothing changed.

``statements/rec`` counts DBAPI calls (an executemany is one) per lead read.
``--baseline-rev REV`` runs the same measurements with the code of an older
commit (exported with ``git archive`` to a temporary folder; the repository is
not touched) in the same run, so before and after share the machine's load.
``--profile BACKEND`` runs one backfill under cProfile and prints the hottest
functions and the statements sent, by kind and table.

Usage::

    python bench/flow_throughput.py                          # 2,000 leads
    python bench/flow_throughput.py --records 5000 --baseline-rev HEAD~3
    python bench/flow_throughput.py --profile postgresql
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from bench.revs import export_rev

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get(
    "CONNECTOR_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
COLUMNS = [
    "hs_object_id",
    "firstname",
    "lastname",
    "email",
    "phone",
    "company",
    "lifecyclestage",
    "hubspotscore",
    "hs_analytics_source",
    "campaign",
    "pricing_page_views",
    "whitepaper_downloads",
    "webinar_attended",
    "email_clicks",
    "lastmodifieddate",
]
STAGES = ["marketingqualifiedlead", "salesqualifiedlead", "lead"]
CAMPAIGNS = [
    "メルマガ_10月号",
    "ウェビナー_営業DX入門",
    "ホワイトペーパー_SFA活用術",
    "",
]


def generate(path: Path, records: int, seed: int = 20261123) -> None:
    """Write ``records`` MA leads (same seed, same file).

    About 3 % are a second MA record of an earlier lead (same email, later time),
    so matching links them and the handoff updates instead of creating; one in
    500 has an unmapped lifecycle stage and is dead-lettered.
    """
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n in range(records):
            person = rng.randrange(n) if n > 10 and rng.random() < 0.03 else n
            stage = "vip" if n % 500 == 7 else rng.choice(STAGES)
            minute = n // 3
            writer.writerow(
                [
                    str(300000 + n),
                    f"名{person}",
                    f"姓{person:06d}",
                    f"lead{person:06d}@firm{person % 97:02d}.co.jp",
                    f"03-{1000 + person % 9000:04d}-{person % 10000:04d}",
                    f"株式会社ベンチ{person % 97:02d}",
                    stage,
                    str(rng.randint(40, 99)),
                    "ORGANIC_SEARCH",
                    rng.choice(CAMPAIGNS),
                    str(rng.randint(0, 3)),
                    str(rng.randint(0, 1)),
                    rng.choice(["true", "false"]),
                    str(rng.randint(0, 5)),
                    f"2026-10-{1 + minute // 1440:02d}T{minute // 60 % 24:02d}:"
                    f"{minute % 60:02d}:00.000+09:00",
                ]
            )


def make_project(folder: Path, code: Path, leads: Path, page: int, url: str) -> None:
    """A project folder as ``config.example.toml`` wires it, on the given store."""
    folder.mkdir(parents=True)
    shutil.copytree(code / "mappings", folder / "mappings")
    (folder / "examples").mkdir()
    shutil.copy(code / "examples" / "sfa_leads.csv", folder / "examples")
    shutil.copy(leads, folder / "examples" / "ma_contacts.csv")
    text = (code / "config.example.toml").read_text(encoding="utf-8")
    text = text.replace('url = "sqlite:///state/connector.db"', f'url = "{url}"')
    text = text.replace(
        'updated_column = "lastmodifieddate" # incremental cursor',
        f'updated_column = "lastmodifieddate"\npage_size = {page}',
    )
    text = text.replace("[server]\nenabled = true", "[server]\nenabled = false")
    (folder / "config.toml").write_text(text, encoding="utf-8")


def worker(code: Path, folder: Path, run: str, profile: bool) -> dict[str, Any]:
    """Run one measurement with the code at ``code``; return its numbers."""
    sys.path.insert(0, str(code))
    from datetime import UTC, datetime

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from connector.app import App
    from connector.flows import run_flow
    from connector.logging import configure_logging

    configure_logging(level="error", fmt="json", stream=io.StringIO())
    statements: Counter[str] = Counter()

    def count(_c: Any, _cur: Any, sql: str, *_rest: Any) -> None:
        statements[_statement_kind(sql)] += 1

    app = App.from_config(folder / "config.toml")
    since = datetime(2000, 1, 1, tzinfo=UTC)
    if run == "replay":
        run_flow(app, "handoff", mode="backfill", since=since)
    app.store.migrate()  # opened (and migrated) before statements are counted
    event.listen(Engine, "before_cursor_execute", count)
    marks: list[float] = []
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    summary = run_flow(
        app,
        "handoff",
        mode="sync" if run == "replay" else "backfill",
        since=None if run == "replay" else since,
        dry_run=run == "dry run",
        progress=lambda snap: marks.append(time.perf_counter()),
    )
    seconds = time.perf_counter() - started
    if profiler is not None:
        profiler.disable()
        _print_profile(profiler)
    app.store.close()
    pages = [b - a for a, b in zip([started, *marks], marks, strict=False)]
    return {
        "status": summary.status,
        "records": summary.counts.get("pulled", 0),
        "pushed": summary.counts.get("created", 0) + summary.counts.get("updated", 0),
        "seconds": seconds,
        "pages": pages[:-1] if len(pages) > 1 else pages,  # the last mark: run end
        "statements": dict(statements),
    }


def _statement_kind(sql: str) -> str:
    words = sql.split()
    verb = words[0].upper() if words else "?"
    table = re.search(r"\b(?:FROM|INTO|UPDATE)\s+\"?(\w+)", sql, re.IGNORECASE)
    return f"{verb} {table.group(1) if table else ''}".strip()


def _print_profile(profiler: Any) -> None:
    import pstats

    stats = pstats.Stats(profiler, stream=sys.stderr)
    stats.sort_stats("cumulative").print_stats(35)
    stats.sort_stats("tottime").print_stats(20)


def _store_url(backend: str, folder: Path) -> tuple[str, str | None]:
    if backend == "sqlite":
        return f"sqlite:///{folder / 'state.db'}", None
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    _pg(f'CREATE SCHEMA "{schema}"')
    return f"{PG_URL}?options=-csearch_path%3D{schema}", schema


def _pg(sql: str) -> None:
    import sqlalchemy

    engine = sqlalchemy.create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(sql))
    engine.dispose()


def measure(
    code: Path,
    backend: str,
    run: str,
    leads: Path,
    page: int,
    tmp: Path,
    *,
    profile: bool = False,
) -> dict[str, Any]:
    """One measurement in its own process, on a fresh store and project folder."""
    folder = tmp / f"p-{uuid.uuid4().hex[:8]}"
    url, schema = _store_url(backend, folder)
    make_project(folder, code, leads, page, url)
    try:
        command = [sys.executable, __file__, "--worker", str(code), str(folder), run]
        if profile:
            command.append("--profile-worker")
        out = subprocess.run(  # noqa: S603 - our own script
            command, check=True, stdout=subprocess.PIPE, text=True
        )
        result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        if schema is not None:
            _pg(f'DROP SCHEMA "{schema}" CASCADE')
        shutil.rmtree(folder, ignore_errors=True)
    return result


def _row(label: str, backend: str, run: str, r: dict[str, Any]) -> str:
    records = max(r["records"], 1)
    pages = sorted(r["pages"])
    median = pages[len(pages) // 2] if pages else float("nan")
    statements = sum(r["statements"].values())
    return (
        f"| {label} | {backend} | {run} | {r['records']:,} | {r['pushed']:,} | "
        f"{r['seconds']:.2f} | {r['records'] / r['seconds']:,.0f} | {median:.3f} | "
        f"{statements / records:.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--page", type=int, default=500)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--baseline-rev", help="also measure this commit's code")
    parser.add_argument("--profile", metavar="BACKEND", help="profile one backfill")
    parser.add_argument("--worker", nargs=3, metavar=("CODE", "FOLDER", "RUN"))
    parser.add_argument("--profile-worker", action="store_true")
    args = parser.parse_args()
    if args.worker:
        code, folder, run = args.worker
        result = worker(Path(code), Path(folder), run, args.profile_worker)
        print(json.dumps(result))
        return
    backends = args.backends.split(",")
    with tempfile.TemporaryDirectory(prefix="flow-bench-") as name:
        tmp = Path(name)
        leads = tmp / "ma_contacts.csv"
        generate(leads, args.records)
        codes: list[tuple[str, Path]] = []
        if args.baseline_rev:
            codes.append((args.baseline_rev, export_rev(args.baseline_rev, tmp)))
        codes.append(("working tree", ROOT))
        if args.profile:
            r = measure(
                ROOT, args.profile, "backfill", leads, args.page, tmp, profile=True
            )
            print(f"statements sent ({args.profile}, {r['records']:,} leads):")
            for kind, n in sorted(r["statements"].items(), key=lambda kv: -kv[1]):
                print(f"  {n:>8,}  {n / max(r['records'], 1):6.2f}/lead  {kind}")
            return
        print(
            f"Handoff backfill, {args.records:,} leads, pages of {args.page}, "
            f"Python {sys.version.split()[0]}"
        )
        print(
            "| code | store | run | leads | pushed | seconds | leads/s | "
            "median s/page | statements/lead |"
        )
        print("|---|---|---|---:|---:|---:|---:|---:|---:|")
        for backend in backends:
            for label, code in codes:
                for run in ("dry run", "backfill", "replay"):
                    r = measure(code, backend, run, leads, args.page, tmp)
                    print(_row(label, backend, run, r), flush=True)


if __name__ == "__main__":
    main()
