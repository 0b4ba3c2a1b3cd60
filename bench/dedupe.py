"""Deduplication benchmark: quality (pairwise precision, recall, F1), time and memory.

For each size it generates the leads with ``bench/gen_leads.py`` (cached, git-ignored,
under ``bench/results/leads/``), then runs, each in its own process so peak RSS is
its own:

- ``baseline``: exact normalised email only (the same code path, one rule);
- ``rules``: ``mappings/matching.toml`` through :func:`connector.matching.cluster`;
- ``incremental``: a :class:`connector.matching.Matcher` over all but the last
  ``--queries`` leads, then each of those matched one at a time.

Wall time of a batch run is the ``cluster()`` call alone (normalise, block,
compare, union, survivorship); reading the CSV into Person objects is reported
apart as ``load``. Usage::

    python bench/dedupe.py 100000 1000000
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import statistics
import subprocess
import sys
import time
from array import array
from collections import Counter, deque
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from connector.matching import (  # noqa: E402 - after the path fix on purpose
    Matcher,
    cluster,
    load_match_rules,
    parse_match_rules,
)
from connector.records import Person, SourceRef  # noqa: E402

DATA = ROOT / "bench" / "results" / "leads"  # git-ignored
RULES = ROOT / "mappings" / "matching.toml"


def _shared(value: str, pool: dict[str, str]) -> str | None:
    # Names, companies and cities repeat; an export loader would share them too.
    return pool.setdefault(value, value) if value else None


def _rows(path: Path) -> Iterator[tuple[str, Person, str]]:
    """(key, person, true cluster id) per CSV row, one row in memory at a time."""
    pool: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = row["id"]
            person = Person(
                source=SourceRef("ma", key),
                email=row["email"] or None,
                first_name=_shared(row["first_name"], pool),
                last_name=_shared(row["last_name"], pool),
                company=_shared(row["company"], pool),
                phone=row["phone"] or None,
                updated_at=datetime.fromisoformat(row["updated_at"]),
                attributes={"city": _shared(row["city"], pool)},
            )
            yield key, person, row["cluster_id"]


def _load(path: Path) -> tuple[list[tuple[str, Person]], list[str]]:
    people: list[tuple[str, Person]] = []
    truth: list[str] = []
    for key, person, cluster_id in _rows(path):
        people.append((key, person))
        truth.append(cluster_id)
    return people, truth


def _pairs(sizes: Counter[object]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes.values())


def _quality(predicted: list[int], truth: list[str]) -> dict[str, float]:
    true_pairs = _pairs(Counter(truth))
    found_pairs = _pairs(Counter(predicted))
    correct = _pairs(Counter(zip(predicted, truth, strict=True)))
    precision = correct / found_pairs if found_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "true_pairs": true_pairs,
        "found_pairs": found_pairs,
    }


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_batch(path: Path, mode: str) -> dict[str, object]:
    started = time.perf_counter()
    people, truth = _load(path)
    load_s = time.perf_counter() - started
    rules = load_match_rules(RULES)
    if mode == "baseline":
        rules = parse_match_rules(
            {"rules": [{"name": "email", "exact": ["email"]}]}, "baseline"
        )
    started, cpu = time.perf_counter(), time.process_time()
    clusters = cluster(people, rules)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    index_of = {key: i for i, (key, _) in enumerate(people)}
    predicted = list(range(len(people)))
    wrong_by_rule: Counter[str] = Counter()
    links_by_rule: Counter[str] = Counter()
    for found in clusters:
        first = index_of[found.members[0]]
        for member in found.members:
            predicted[index_of[member]] = first
        for link in found.links:
            links_by_rule[link.rule] += 1
            if truth[index_of[link.left]] != truth[index_of[link.right]]:
                wrong_by_rule[link.rule] += 1
    return {
        "mode": mode,
        "n": len(people),
        "load_s": load_s,
        "wall_s": wall,
        "cpu_s": cpu,
        "rss_mb": _rss_mb(),
        "clusters": len(clusters),
        "links_by_rule": dict(links_by_rule),
        "wrong_links_by_rule": dict(wrong_by_rule),
        **_quality(predicted, truth),
    }


def run_incremental(path: Path, queries: int) -> dict[str, object]:
    # As in the daemon, the index is all the process holds: each lead is indexed
    # as it is read (the daemon rebuilds the index from stored keys, never from
    # whole records) and only the last ``queries`` leads wait to be matched. The
    # generator's ids are 0..N-1, so the ground truth fits in one int array.
    with path.open(encoding="utf-8") as handle:
        size = sum(1 for _ in handle) - 1
    truth = array("q", bytes(8 * size))
    members: Counter[int] = Counter()
    rules = load_match_rules(RULES)
    matcher = Matcher(rules)
    held: deque[tuple[str, Person]] = deque()
    build = 0.0
    for key, person, cluster_id in _rows(path):
        truth[int(key)] = int(cluster_id)
        held.append((key, person))
        if len(held) > queries:
            indexed_key, indexed = held.popleft()
            started = time.process_time()
            matcher.add(indexed_key, indexed)
            build += time.process_time() - started
            members[truth[int(indexed_key)]] += 1
    timings: list[float] = []
    cpu_timings: list[float] = []
    right = wrong = missed = 0
    for key, person in held:
        # Wall and CPU time: CPU is what one core costs, whatever else runs.
        started, cpu = time.perf_counter(), time.thread_time()
        found = matcher.match(person)
        timings.append((time.perf_counter() - started) * 1000)
        cpu_timings.append((time.thread_time() - cpu) * 1000)
        own = truth[int(key)]
        if found is None:
            missed += members[own] > 0
        elif truth[int(found.key)] == own:
            right += 1
        else:
            wrong += 1
    timings.sort()
    return {
        "mode": "incremental",
        "n": len(matcher),
        "build_s": build,
        "rss_mb": _rss_mb(),
        "median_ms": statistics.median(timings),
        "median_cpu_ms": statistics.median(cpu_timings),
        "p95_ms": timings[int(len(timings) * 0.95)],
        "p99_ms": timings[int(len(timings) * 0.99)],
        "max_ms": timings[-1],
        "queries": queries,
        "right": right,
        "wrong": wrong,
        "missed": missed,
    }


def _label(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k"


def _dataset(n: int) -> Path:
    path = DATA / f"leads_{_label(n)}.csv"
    if not path.exists():
        subprocess.run(  # noqa: S603 - our own generator, fixed arguments
            [
                sys.executable,
                str(ROOT / "bench" / "gen_leads.py"),
                str(n),
                "-o",
                str(path),
            ],
            check=True,
        )
    return path


def _child(args: list[str]) -> dict[str, object]:
    out = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [sys.executable, __file__, "--child", *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="Deduplication benchmark.")
    parser.add_argument("sizes", type=int, nargs="*", default=[100_000])
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--child", nargs=3, metavar=("MODE", "PATH", "QUERIES"))
    args = parser.parse_args()
    if args.child:
        mode, path, queries = args.child
        if mode == "incremental":
            result = run_incremental(Path(path), int(queries))
        else:
            result = run_batch(Path(path), mode)
        print(json.dumps(result))
        return
    print(
        "| leads | method | precision | recall | F1 | wall s | CPU s | load s "
        "| peak RSS MB |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    details = []
    incremental = []
    for n in args.sizes:
        path = _dataset(n)
        for mode in ("baseline", "rules"):
            r = _child([mode, str(path), "0"])
            details.append(r)
            print(
                f"| {_label(n)} | {mode} | {r['precision']:.4f} | {r['recall']:.4f} "
                f"| {r['f1']:.4f} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} "
                f"| {r['load_s']:.1f} | {r['rss_mb']:.0f} |",
                flush=True,
            )
        r = _child(["incremental", str(path), str(args.queries)])
        details.append(r)
        incremental.append(r)
    print()
    print(
        "| index size | single matches | median ms (wall) | median ms (CPU) "
        "| p95 ms | p99 ms | right / wrong / missed | index build CPU s "
        "| peak RSS MB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---|---:|---:|")
    for r in incremental:
        print(
            f"| {r['n']} | {r['queries']} | {r['median_ms']:.2f} "
            f"| {r['median_cpu_ms']:.2f} | {r['p95_ms']:.2f} | {r['p99_ms']:.2f} "
            f"| {r['right']} / {r['wrong']} / {r['missed']} | {r['build_s']:.1f} "
            f"| {r['rss_mb']:.0f} |"
        )
    print()
    for r in details:
        print(json.dumps(r))


if __name__ == "__main__":
    main()
