"""Pull throughput of the HubSpot adapter beside tap-hubspot, same fake, same data.

Both clients talk real HTTP to the fake portal served on 127.0.0.1
(`tests/fakes/hubspot/server.py`), in real time, in the same run. tap-hubspot is
not a project dependency: install it in a throwaway virtualenv and pass its
interpreter, e.g.

    python3 -m venv /tmp/taphs-venv && /tmp/taphs-venv/bin/pip install tap-hubspot
    .venv/bin/python -m bench.hubspot_vs_tap --tap-python /tmp/taphs-venv/bin/python

The tap hard-codes ``https://api.hubapi.com`` as a module constant; the runner
below sets that constant to the local server before calling the tap's ``main``
(its code is not modified). Its discovery mode calls retired v1 endpoints the fake
does not serve, so the catalog is written from the tap's own contacts schema with
every property selected.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from adapters.hubspot import HubSpotAdapter, HubSpotSettings
from adapters.protocol import WriteOp
from tests.fakes.hubspot import FakeHubSpot, RealClock
from tests.fakes.hubspot.server import FakeHubSpotServer

TOKEN = "pat-na1-bench-0000"  # noqa: S105 - the fake's token

INSTALL = (
    "python3 -m venv /tmp/taphs-venv && "
    "/tmp/taphs-venv/bin/pip install tap-hubspot==4.5.0"
)

RUNNER = """
import sys, tap_hubspot
tap_hubspot.BASE_URL = sys.argv[1]
sys.argv = ["tap-hubspot"] + sys.argv[2:]
tap_hubspot.main()
"""


def _seed(fake: FakeHubSpot, n: int) -> None:
    adapter = HubSpotAdapter(
        "ma",
        HubSpotSettings.model_validate(
            {"token": TOKEN, "limits": {"burst_per_10s": 1000}}
        ),
        transport=fake.transport(),
    )
    ops = [
        WriteOp(
            f"k{i}",
            {"email": f"lead{i:06d}@firm{i % 97}.co.jp", "firstname": f"名{i}"},
            match_field="email",
        )
        for i in range(n)
    ]
    adapter.push("persons", ops)
    adapter.close()


def _ours(url: str, fake: FakeHubSpot, *, full: bool) -> dict[str, float]:
    settings = HubSpotSettings.model_validate(
        {
            "token": TOKEN,
            "base_url": url,
            "lookback_seconds": 0,
            "limits": {"burst_per_10s": 1000},
            "properties": {"persons": ["email", "firstname", "lastname"]},
        }
    )
    adapter = HubSpotAdapter("ma", settings)
    before = len(fake.log)
    started = time.perf_counter()
    records = sum(len(p.records) for p in adapter.pull("persons", None, full=full))
    seconds = time.perf_counter() - started
    adapter.close()
    return {
        "records": records,
        "seconds": seconds,
        "requests": len(fake.log) - before,
    }


def _tap(url: str, fake: FakeHubSpot, python: str, work: Path) -> dict[str, float]:
    where = subprocess.run(  # noqa: S603 - the interpreter the user named
        [
            python,
            "-c",
            "import tap_hubspot, os; print(os.path.dirname(tap_hubspot.__file__))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    schema = json.loads((Path(where) / "schemas" / "contacts.json").read_text())
    metadata = [{"breadcrumb": [], "metadata": {"selected": True}}] + [
        {"breadcrumb": ["properties", name], "metadata": {"selected": True}}
        for name in schema["properties"]
    ]
    catalog = {
        "streams": [
            {
                "tap_stream_id": "contacts",
                "stream": "contacts",
                "schema": schema,
                "key_properties": ["vid"],
                "metadata": metadata,
            }
        ]
    }
    (work / "catalog.json").write_text(json.dumps(catalog))
    (work / "config.json").write_text(
        json.dumps({"api_key": TOKEN, "start_date": "2000-01-01T00:00:00Z"})
    )
    (work / "run_tap.py").write_text(RUNNER)
    before = len(fake.log)
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 - the interpreter the user named
        [
            python,
            str(work / "run_tap.py"),
            url,
            "--config",
            str(work / "config.json"),
            "--properties",
            str(work / "catalog.json"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"tap-hubspot failed:\n{result.stderr[-2000:]}")
    records = sum(1 for line in result.stdout.splitlines() if '"RECORD"' in line)
    return {"records": records, "seconds": seconds, "requests": len(fake.log) - before}


def _startup(python: str) -> float:
    started = time.perf_counter()
    subprocess.run([python, "-c", "import tap_hubspot"], check=True)  # noqa: S603
    return time.perf_counter() - started


def main() -> None:
    """Seed the fake, pull with both clients, print one table."""
    import logging

    import structlog

    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING)
    )
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--tap-python", default="/tmp/taphs-venv/bin/python")  # noqa: S108
    args = parser.parse_args()
    fake = FakeHubSpot(
        token=TOKEN, clock=RealClock(), burst_limit=100_000, daily_limit=10_000_000
    )
    _seed(fake, args.contacts)
    rows: list[tuple[str, dict[str, float]]] = []
    with FakeHubSpotServer(fake) as server:
        rows.append(
            ("connector, backfill (list, 100/page)", _ours(server.url, fake, full=True))
        )
        rows.append(
            (
                "connector, incremental (search, 200/page, 5 req/s)",
                _ours(server.url, fake, full=False),
            )
        )
        if Path(args.tap_python).exists():
            with tempfile.TemporaryDirectory() as folder:
                tap = _tap(server.url, fake, args.tap_python, Path(folder))
            startup = _startup(args.tap_python)
            rows.append(("tap-hubspot 4.x, contacts (list v3, incl. start-up)", tap))
            rows.append(
                (
                    "tap-hubspot, excluding interpreter start-up",
                    {**tap, "seconds": tap["seconds"] - startup},
                )
            )
        else:
            print(
                f"tap-hubspot comparison skipped: no interpreter at "
                f"{args.tap_python}. Install the tap in a throwaway virtualenv "
                "(never in the project's), then run again:\n"
                f"  {INSTALL}\n"
                "  .venv/bin/python -m bench.hubspot_vs_tap "
                "--tap-python /tmp/taphs-venv/bin/python",
                file=sys.stderr,
            )
    print(
        f"| client ({args.contacts} contacts, real HTTP on loopback) "
        "| records | requests | seconds | records/s |"
    )
    print("|---|---|---|---|---|")
    for name, row in rows:
        rate = row["records"] / row["seconds"] if row["seconds"] > 0 else float("nan")
        print(
            f"| {name} | {row['records']:.0f} | {row['requests']:.0f} "
            f"| {row['seconds']:.2f} | {rate:,.0f} |"
        )


if __name__ == "__main__":
    main()
