"""CPU per record of the handoff flow's own steps, in process, per code tree.

The CLI row of ``bench/hubspot_vs_tap.py`` is the measure that counts, but on a
shared machine its CPU varies by 15 % from run to run, more than most single
cuts save. This runs the steps the flow runs per record, in one process, on the
same records as that row (``bench.hubspot_project``'s mappings, 2,000 SFA
people indexed first), and reports the fastest of ``--repeat`` runs of each,
each run a fresh process (the key caches start cold, as in the CLI):

- ``map``: ``Mappings.to_person`` of every contact;
- ``resolve``: the identity map read per page of 100 (``Resolver.preloaded``)
  and ``Resolver.resolve`` (match keys, candidates, rules, indexing);
- ``qualify``: ``explain`` of the qualification rule;
- ``write``: the outgoing person (``replace``), ``to_native`` and its
  fingerprint, for the qualified ones.

``--baseline-rev REV`` (repeatable) adds an older commit, exported with ``git
archive``; the runs rotate over the trees. Usage::

    .venv/bin/python -m bench.flow_cpu --records 20000 --baseline-rev b022c26
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench.revs import export_rev

ROOT = Path(__file__).resolve().parent.parent
STEPS = ("map", "resolve", "qualify", "write")


def _contacts(count: int) -> list[dict[str, str]]:
    """The fields the fake serves for ``bench.hubspot_vs_tap._seed``'s contacts."""
    return [
        {
            "email": f"person{n:05d}@company{n % 37:02d}.co.jp",
            "firstname": f"名{n}",
            "lastname": f"姓{n:05d}",
            "company": f"株式会社テスト{n % 37:02d}",
            "lifecyclestage": "marketingqualifiedlead",
            "hs_analytics_num_page_views": str(n % 3),
            "lastmodifieddate": f"2026-12-04T09:{n // 1000 % 60:02d}:"
            f"{n // 10 % 60:02d}.{n % 1000:03d}Z",
        }
        for n in range(count)
    ]


def _worker(folder: Path, count: int, repeat: int) -> dict[str, float]:
    """Run in a process whose ``connector`` is the code tree being measured."""
    from adapters.protocol import Record
    from connector.flows.resolve import Resolver
    from connector.mapping import load_mappings
    from connector.matching import Matcher, load_match_rules
    from connector.qualification import explain, load_qualification, marketing_context
    from connector.store import StateStore
    from connector.store.fingerprints import fingerprint

    mappings = load_mappings(folder / "mappings")
    rules = load_match_rules(folder / "mappings" / "matching.toml")
    rule = load_qualification(folder / "mappings" / "qualification.toml")

    handoff = mappings.handoff_stage
    records = [
        Record("ma", "persons", str(1000 + n), fields)
        for n, fields in enumerate(_contacts(count))
    ]
    with (folder / "sfa_leads.csv").open(encoding="utf-8") as f:
        sfa = [Record("sfa", "persons", row["id"], row) for row in csv.DictReader(f)]
    store = StateStore(f"sqlite:///{folder / 'state' / 'flow_cpu.db'}")
    store.migrate()
    best = dict.fromkeys(STEPS, float("inf"))
    for _ in range(repeat):
        resolver = Resolver(Matcher(rules))
        with store.read() as conn:
            for lead in sfa:
                resolver.resolve(
                    conn, "sfa", "persons", lead.id, mappings.to_person(lead)
                )
            spent = dict.fromkeys(STEPS, 0.0)
            started = time.process_time()
            people = [mappings.to_person(r) for r in records]
            spent["map"] = time.process_time() - started
            started = time.process_time()
            for start in range(0, count, 100):
                page = records[start : start + 100]
                with resolver.preloaded(conn, "ma", "persons", [r.id for r in page]):
                    for record, person in zip(
                        page, people[start : start + 100], strict=True
                    ):
                        resolver.resolve(conn, "ma", "persons", record.id, person)
            spent["resolve"] = time.process_time() - started
            started = time.process_time()
            verdicts = [
                explain(rule, p, r.fields, handoff_stage=handoff)
                for p, r in zip(people, records, strict=True)
            ]
            spent["qualify"] = time.process_time() - started
            started = time.process_time()
            for person, record, verdict in zip(people, records, verdicts, strict=True):
                if not all(v.passed for v in verdict):
                    continue
                context = marketing_context(rule, person, record.fields)
                outgoing = replace(
                    person,
                    attributes={**person.attributes, "marketing_context": context},
                )
                fingerprint(mappings.to_native("sfa", "persons", outgoing))
            spent["write"] = time.process_time() - started
        for step in STEPS:
            best[step] = min(best[step], spent[step])
    store.close()
    return {step: best[step] * 1e6 / count for step in STEPS}


def main() -> None:
    """Measure every code tree in its own process; print µs per record per step."""
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        folder, count, repeat = Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
        print(json.dumps(_worker(folder, count, repeat)))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline-rev", action="append", default=[])
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="flow-cpu-") as name:
        work = Path(name)
        codes = [(rev, export_rev(rev, work)) for rev in args.baseline_rev]
        codes.append(("working tree", ROOT))
        best = [dict.fromkeys(STEPS, float("inf")) for _ in codes]
        for round_ in range(args.repeat):
            # A fresh process per run: the key caches start cold, as in the CLI.
            order = list(range(len(codes)))
            shift = round_ % len(order)
            for n in order[shift:] + order[:shift]:
                found = _run(work / f"project-{n}", codes[n][1], args.records)
                best[n] = {s: min(best[n][s], found[s]) for s in STEPS}
    print(f"| code | {' | '.join(STEPS)} | sum (µs/record, best of {args.repeat}) |")
    print("|---|" + "---:|" * (len(STEPS) + 1))
    for (label, _), found in zip(codes, best, strict=True):
        cells = " | ".join(f"{found[s]:.1f}" for s in STEPS)
        print(f"| {label} | {cells} | {sum(found.values()):.1f} |")


def _run(folder: Path, code: Path, records: int) -> dict[str, float]:
    from bench.hubspot_project import write_project

    if not folder.exists():
        write_project(folder, ROOT, "http://127.0.0.1:9", "unused")
    shutil.rmtree(folder / "state", ignore_errors=True)
    (folder / "state").mkdir()
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, __file__, "--worker", str(folder), str(records), "1"],
        env={"PYTHONPATH": str(code), "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
        text=True,
    )
    found: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


if __name__ == "__main__":
    main()
