"""Pull and whole-flow throughput: the connector (before and after) beside tap-hubspot.

Fair by construction:

- the HubSpot fake runs in its own process on 127.0.0.1 (``python -m
  tests.fakes.hubspot``, the working tree's, for every row), with its limits
  raised so that no client waits on a bucket the others would not;
- each client runs in its own process; the seconds of a pull are measured
  inside it (first request to last page) and the process's start-up
  (interpreter, imports, teardown) is reported apart;
- every client selects the same properties (:data:`bench.hubspot_clients.PROPERTIES`
  plus id, last-modified and merge ids);
- every row runs once per round, 3 rounds by default, rotating the order, and
  the table gives medians;
- ``--baseline-rev`` runs the connector rows with an older commit's code
  (``git archive`` into a temporary folder), in the same run.

The tap is installed in a throwaway virtualenv, never in the project's::

    python3 -m venv /tmp/taphs-venv
    /tmp/taphs-venv/bin/pip install tap-hubspot==4.5.0
    .venv/bin/python -m bench.hubspot_vs_tap --tap-python /tmp/taphs-venv/bin/python

Without it the tap row says "not measured". tap-hubspot 4.5.0 has no base-URL
setting: its runner sets the module constant ``BASE_URL`` to the fake before
calling the tap's ``main`` (the installed files are not edited). Its catalog is
written here, selecting the same properties as the connector's pull.

The CLI row runs ``connector backfill handoff --since 2000-01-01 --dry-run`` as
a user does, on a fresh SQLite state (``--state postgresql``: a fresh schema in
``CONNECTOR_TEST_PG_URL``'s database, dropped after the run), against the same
fake and a CSV SFA of 2,000 leads (half of them the same people): reading,
mapping, matching and qualifying every contact. Its CPU is the process's (user +
system).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bench.hubspot_clients import PROPERTIES
from bench.hubspot_project import write_config, write_project
from bench.revs import export_rev
from tests.e2e.procs import start_server, stop

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "pat-na1-bench-0000"  # noqa: S105 - the fake's token
PG_URL = os.environ.get(
    "CONNECTOR_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
TAP_RUNNER = """
import json, sys, time
started = time.perf_counter()
import tap_hubspot
tap_hubspot.BASE_URL = sys.argv[1]
sys.argv = ["tap-hubspot"] + sys.argv[2:]
ready = time.perf_counter()
try:
    tap_hubspot.main()
finally:
    sys.stderr.write("BENCH " + json.dumps({"seconds": time.perf_counter() - ready}))
"""

Row = Callable[[], dict[str, float]]


def _seed(api: str, count: int) -> None:
    """``count`` contacts, about 2 in 3 with page views (they qualify)."""
    for start in range(0, count, 2000):
        rows = [
            {
                "email": f"person{n:05d}@company{n % 37:02d}.co.jp",
                "firstname": f"名{n}",
                "lastname": f"姓{n:05d}",
                "company": f"株式会社テスト{n % 37:02d}",
                "lifecyclestage": "marketingqualifiedlead",
                "hs_analytics_num_page_views": str(n % 3),
            }
            for n in range(start, min(start + 2000, count))
        ]
        httpx.post(f"{api}/__admin/contacts", json={"contacts": rows}, timeout=300)


def _requests(api: str) -> int:
    rows = httpx.get(f"{api}/__admin/requests", timeout=60).json()["requests"]
    httpx.post(f"{api}/__admin/requests/clear", timeout=60)
    return len(rows)


def _timed(command: list[str], env: dict[str, str], cwd: Path) -> tuple[Any, float]:
    """Run a process; return it, its wall seconds and (in .cpu) its CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own interpreter and scripts
        command, env=env, cwd=cwd, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    done.cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    return done, wall


def _client(code: Path, kind: str, url: str, since_ms: int) -> Row:
    script = ROOT / "bench" / "hubspot_clients.py"
    env = {**os.environ, "PYTHONPATH": str(code)}

    def run() -> dict[str, float]:
        _requests(url)
        done, wall = _timed(
            [sys.executable, str(script), str(code), kind, url, TOKEN, str(since_ms)],
            env,
            code,
        )
        out = json.loads(done.stdout.strip().splitlines()[-1])
        return {
            "records": out["records"],
            "requests": _requests(url),
            "seconds": out["seconds"],
            "cpu": out["cpu"],
            "startup": wall - out["seconds"],
        }

    return run


def _tap(python: str, url: str, work: Path) -> Row:
    properties = (*PROPERTIES, "hs_object_id", "lastmodifieddate")
    properties += ("hs_merged_object_ids",)
    where = subprocess.run(  # noqa: S603 - the interpreter the user named
        [
            python,
            "-c",
            "import tap_hubspot,os;print(os.path.dirname(tap_hubspot.__file__))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    schema = json.loads((Path(where) / "schemas" / "contacts.json").read_text())
    for name in properties:
        schema["properties"][f"property_{name}"] = {"type": ["null", "string"]}
    metadata = [{"breadcrumb": [], "metadata": {"selected": True}}] + [
        {
            "breadcrumb": ["properties", name],
            "metadata": {"selected": True, "inclusion": "available"},
        }
        for name in schema["properties"]
    ]
    catalog = {
        "streams": [
            {
                "tap_stream_id": "contacts",
                "stream": "contacts",
                "schema": schema,
                "key_properties": ["id"],
                "metadata": metadata,
            }
        ]
    }
    (work / "catalog.json").write_text(json.dumps(catalog))
    (work / "config.json").write_text(
        json.dumps({"api_key": TOKEN, "start_date": "2000-01-01T00:00:00Z"})
    )
    (work / "run_tap.py").write_text(TAP_RUNNER)

    def run() -> dict[str, float]:
        _requests(url)
        done, wall = _timed(
            [
                python,
                str(work / "run_tap.py"),
                url,
                "--config",
                str(work / "config.json"),
                "--properties",
                str(work / "catalog.json"),
            ],
            dict(os.environ),
            work,
        )
        if done.returncode != 0:
            raise SystemExit(f"tap-hubspot failed:\n{done.stderr[-2000:]}")
        inside = json.loads(done.stderr.rsplit("BENCH ", 1)[1])["seconds"]
        records = sum(1 for line in done.stdout.splitlines() if '"RECORD"' in line)
        return {
            "records": records,
            "requests": _requests(url),
            "seconds": inside,
            "cpu": float("nan"),
            "startup": wall - inside,
        }

    return run


def _cli(code: Path, url: str, work: Path, state: str) -> Row:
    folder = work / f"cli-{code.name}"
    write_project(folder, ROOT, url, TOKEN)
    env = {**os.environ, "PYTHONPATH": str(code)}
    command = [sys.executable, "-m", "connector", "--config", "config.toml"]
    command += ["backfill", "handoff", "--since", "2000-01-01", "--dry-run", "--json"]

    def run() -> dict[str, float]:
        shutil.rmtree(folder / "state", ignore_errors=True)
        (folder / "state").mkdir()
        schema = None
        if state == "postgresql":
            # A fresh schema per run, as the SQLite row gets a fresh file.
            schema = f"bench_{os.urandom(6).hex()}"
            _pg(f'CREATE SCHEMA "{schema}"')
            write_config(
                folder, url, TOKEN, f"{PG_URL}?options=-csearch_path%3D{schema}"
            )
        _requests(url)
        startup, _ = _timed(
            [sys.executable, "-m", "connector", "--version"], env, folder
        )
        try:
            done, wall = _timed(command, env, folder)
        finally:
            if schema is not None:
                _pg(f'DROP SCHEMA "{schema}" CASCADE')
        return {
            "records": float(_pulled(done.stdout)),
            "requests": _requests(url),
            "seconds": wall,
            "cpu": done.cpu,
            "startup": startup.cpu,
        }

    return run


def _pg(sql: str) -> None:
    import sqlalchemy

    engine = sqlalchemy.create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(sql))
    engine.dispose()


def _pulled(output: str) -> int:
    for line in reversed(output.splitlines()):
        if line.startswith("{") and '"counts"' in line:
            return int(json.loads(line)["counts"].get("pulled", 0))
    raise SystemExit(f"no summary in the CLI output:\n{output[-2000:]}")


def _median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main() -> None:
    """Start the fake, seed it, run every row in rotated rounds, print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tap-python", default="/tmp/taphs-venv/bin/python")  # noqa: S108
    parser.add_argument("--baseline-rev", help="also run the connector rows at REV")
    parser.add_argument("--rows", default="backfill,catch-up,search,tap,cli")
    parser.add_argument(
        "--state",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="the CLI row's state store (PostgreSQL: CONNECTOR_TEST_PG_URL)",
    )
    args = parser.parse_args()
    wanted = set(args.rows.split(","))
    env = {"PYTHONPATH": str(ROOT)}
    fake, url = start_server(
        [
            *(sys.executable, "-m", "tests.fakes.hubspot", "--port", "0"),
            *("--token", TOKEN, "--burst-limit", "100000"),
            *("--daily-limit", "100000000", "--no-check-responses"),
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        since_ms = int(time.time() * 1000) - 1000
        _seed(url, args.contacts)
        time.sleep(1.0)
        with tempfile.TemporaryDirectory(prefix="hs-bench-") as name:
            work = Path(name)
            codes = [("working tree", ROOT)]
            if args.baseline_rev:
                codes.insert(
                    0, (args.baseline_rev, export_rev(args.baseline_rev, work))
                )
            rows: list[tuple[str, str, Row]] = []
            for label, code in codes:
                for kind, what in (
                    ("backfill", "backfill (list, 100/page)"),
                    ("catch-up", f"incremental catch-up of {args.contacts:,}"),
                    ("search", "incremental by search only (5 req/s)"),
                ):
                    if kind in wanted:
                        rows.append(
                            (label, f"pull: {what}", _client(code, kind, url, since_ms))
                        )
                if "cli" in wanted:
                    rows.append(
                        (
                            label,
                            f"CLI: backfill handoff --dry-run ({args.state})",
                            _cli(code, url, work, args.state),
                        )
                    )
            tap_note = None
            if "tap" in wanted:
                if Path(args.tap_python).exists():
                    rows.append(
                        (
                            "tap-hubspot 4.5.0",
                            "pull: contacts (list v3)",
                            _tap(args.tap_python, url, work),
                        )
                    )
                else:
                    tap_note = f"not measured: no interpreter at {args.tap_python}"
            results: dict[int, list[dict[str, float]]] = {
                n: [] for n in range(len(rows))
            }
            for round_ in range(args.rounds):
                order = list(range(len(rows)))
                shift = round_ % len(order)
                for n in order[shift:] + order[:shift]:
                    results[n].append(rows[n][2]())
                    print(
                        f"round {round_ + 1}: {rows[n][0]} / {rows[n][1]}",
                        file=sys.stderr,
                        flush=True,
                    )
    finally:
        stop(fake)
    _print(args, rows, results, tap_note)


def _print(
    args: Any,
    rows: list[tuple[str, str, Row]],
    results: dict[int, list[dict[str, float]]],
    tap_note: str | None,
) -> None:
    print(
        f"| code | row ({args.contacts:,} contacts, loopback, medians of "
        f"{args.rounds} rotated rounds) | records | requests | seconds | records/s "
        "| CPU ms/record | start-up s |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for n, (label, what, _) in enumerate(rows):
        runs = results[n]
        records = _median(runs, "records")
        seconds = _median(runs, "seconds")
        cpu = _median(runs, "cpu")
        per = cpu * 1000 / records if records else float("nan")
        print(
            f"| {label} | {what} | {records:,.0f} | {_median(runs, 'requests'):,.0f} "
            f"| {seconds:.2f} | {records / seconds:,.0f} | {per:.3f} "
            f"| {_median(runs, 'startup'):.2f} |"
        )
    if tap_note:
        print(f"| tap-hubspot | pull: contacts | {tap_note} | | | | | |")


if __name__ == "__main__":
    main()
