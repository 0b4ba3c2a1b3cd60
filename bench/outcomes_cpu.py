"""CPU of the outcomes flow through the CLI, per code tree, on a generated example.

The bundled example's three exports (``examples/``: HubSpot contacts, the SFA's
leads and deals) are copied ``--copies`` times, each copy with its own ids and
addresses (``c3.tsato@...``), so leads still match contacts by address and
deals their leads. The working tree's CLI runs ``backfill handoff`` once to fill
the state; then each run copies that state afresh and runs ``connector backfill
outcomes --since 2000-01-01 --json`` (not a dry run: the outcomes are written to
the MA's CSV import) with one code tree, rotating the trees over ``--rounds``.
CPU is the process's user + system time; "start-up" is ``connector --version``'s.
Usage::

    .venv/bin/python -m bench.outcomes_cpu --copies 50 --rounds 3 --baseline-rev b022c26
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.revs import export_rev

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
_CONFIG = """
[state]
url = "sqlite:///state/connector.db"
[mappings]
dir = "mappings"
[logging]
level = "warning"
[ma]
adapter = "csv"
[ma.persons.read]
path = "ma.csv"
id_column = "hs_object_id"
updated_column = "lastmodifieddate"
[ma.persons.write]
path = "out/ma_outcomes.csv"
mode = "append"
id_column = "hs_object_id"
[sfa]
adapter = "csv"
[sfa.persons.read]
path = "leads.csv"
id_column = "リードID"
updated_column = "最終更新日時"
encoding = "cp932"
[sfa.persons.write]
path = "out/sfa_leads.csv"
mode = "table"
id_column = "リードID"
id_prefix = "NEW-"
[sfa.deals.read]
path = "deals.csv"
id_column = "商談ID"
updated_column = "最終更新日時"
encoding = "cp932"
[server]
enabled = false
"""
# (file in examples/, its encoding, id column, address column, file written)
_EXPORTS = (
    ("ma_contacts.csv", "utf-8-sig", "hs_object_id", "email", "ma.csv"),
    ("sfa_leads.csv", "cp932", "リードID", "メールアドレス", "leads.csv"),
    ("sfa_deals.csv", "cp932", "商談ID", "メールアドレス", "deals.csv"),
)


def write_project(folder: Path, copies: int) -> None:
    """The exports copied ``copies`` times, the shipped mappings, the config."""
    folder.mkdir(parents=True)
    for name, encoding, id_column, address, target in _EXPORTS:
        text = (EXAMPLES / name).read_bytes().decode(encoding)
        delimiter = "\t" if "\t" in text.splitlines()[0] else ","
        header, *rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        at_id, at_address = header.index(id_column), header.index(address)
        with (folder / target).open("w", encoding=encoding, newline="") as out:
            writer = csv.writer(out, delimiter=delimiter)
            writer.writerow(header)
            for copy in range(copies):
                for row in rows:
                    row = list(row)
                    row[at_id] = f"{row[at_id]}{copy:03d}"
                    if "@" in row[at_address]:
                        row[at_address] = f"c{copy}.{row[at_address]}"
                    writer.writerow(row)
    shutil.copytree(ROOT / "mappings", folder / "mappings")
    (folder / "state").mkdir()
    (folder / "config.toml").write_text(_CONFIG, encoding="utf-8")


def _cli(code: Path, folder: Path, *args: str) -> tuple[str, float]:
    """Run the CLI of ``code`` in ``folder``; its stdout and CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-m", "connector", "--config", "config.toml", *args],
        cwd=folder,
        env={"PYTHONPATH": str(code), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"connector {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return done.stdout, cpu


def _written(folder: Path) -> str:
    """A digest of the MA import files the run wrote (names carry times)."""
    digest = hashlib.sha256()
    for path in sorted((folder / "out").glob("ma_outcomes*.csv")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def main() -> None:
    """Fill the state once, then time every code tree's outcomes backfill."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline-rev", action="append", default=[])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="outcomes-cpu-") as name:
        work = Path(name)
        folder = work / "project"
        write_project(folder, args.copies)
        _cli(ROOT, folder, "backfill", "handoff", "--since", "2000-01-01", "--json")
        filled = work / "after-handoff.db"
        shutil.copy(folder / "state" / "connector.db", filled)
        codes = [(rev, export_rev(rev, work)) for rev in args.baseline_rev]
        codes.append(("working tree", ROOT))
        runs: list[list[dict[str, object]]] = [[] for _ in codes]
        for round_ in range(args.rounds):
            order = list(range(len(codes)))
            shift = round_ % len(order)
            for n in order[shift:] + order[:shift]:
                code = codes[n][1]
                shutil.copy(filled, folder / "state" / "connector.db")
                shutil.rmtree(folder / "out", ignore_errors=True)
                _, startup = _cli(code, folder, "--version")
                out, cpu = _cli(
                    code,
                    folder,
                    "backfill",
                    "outcomes",
                    "--since",
                    "2000-01-01",
                    "--json",
                )
                summary = json.loads(out.strip().splitlines()[-1]) if out else {}
                runs[n].append(
                    {
                        "cpu": cpu,
                        "startup": startup,
                        "pulled": summary.get("counts", {}).get("pulled", 0),
                        "written": _written(folder),
                    }
                )
    print("| code | records | CPU s | CPU ms/record | beyond start-up | MA import |")
    print("|---|---:|---:|---:|---:|---|")
    for (label, _), found in zip(codes, runs, strict=True):
        cpu = statistics.median(float(str(r["cpu"])) for r in found)
        startup = statistics.median(float(str(r["startup"])) for r in found)
        records = int(str(found[0]["pulled"])) or 1
        written = ",".join(sorted({str(r["written"]) for r in found}))
        print(
            f"| {label} | {records:,} | {cpu:.2f} | {cpu * 1000 / records:.3f} "
            f"| {(cpu - startup) * 1000 / records:.3f} | {written} |"
        )


if __name__ == "__main__":
    main()
