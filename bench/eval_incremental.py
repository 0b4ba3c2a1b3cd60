"""The live matcher's check: one lead at a time against an index of the rest.

Why apart from the batch scores: the handoff never clusters; it asks
:class:`connector.matching.Matcher` "who is this lead already?" for each new
lead, and a wrong answer there updates another person's SFA record. So the
number that matters is the wrong-match rate among the answers returned, next to
the misses (a twin was in the index and no answer came) and the latency.

All records but the last ``queries`` are indexed, in the dataset's order; each
of the last ones is then matched alone and not added, so one query never sees
another. A query whose entity has no record in the index has no twin: any
match it gets is wrong.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.eval_sources import Dataset
from connector.matching import Matcher, load_match_rules


def _quantile(sorted_ms: list[float], share: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, int(len(sorted_ms) * share))]


def incremental_check(data: Dataset, rules_path: Path, queries: int) -> dict[str, Any]:
    """Index all but the last ``queries`` records, match each of those alone.

    ``queries`` is capped at a fifth of the records, so a small set (FEBRL 1's
    1,000) keeps most of itself in the index.
    """
    size = len(data.people)
    queries = max(1, min(queries, size // 5))
    split = size - queries
    entity_of = dict(zip((k for k, _ in data.people), data.truth, strict=True))
    matcher = Matcher(load_match_rules(rules_path))
    in_index: Counter[str] = Counter()
    started = time.process_time()
    for (key, person), entity in zip(
        data.people[:split], data.truth[:split], strict=True
    ):
        matcher.add(key, person)
        in_index[entity] += 1
    build_cpu = time.process_time() - started
    wall_ms: list[float] = []
    cpu_ms: list[float] = []
    returned = wrong = missed = twins = 0
    for (_, person), entity in zip(
        data.people[split:], data.truth[split:], strict=True
    ):
        started, cpu = time.perf_counter(), time.thread_time()
        found = matcher.match(person)
        wall_ms.append((time.perf_counter() - started) * 1000)
        cpu_ms.append((time.thread_time() - cpu) * 1000)
        has_twin = in_index[entity] > 0
        twins += has_twin
        if found is None:
            missed += has_twin
            continue
        returned += 1
        wrong += entity_of[found.key] != entity
    wall_ms.sort()
    return {
        "index_size": split,
        "queries": queries,
        "queries_with_twin": twins,
        "returned": returned,
        "wrong": wrong,
        "wrong_rate": wrong / returned if returned else None,
        "missed": missed,
        "median_ms": statistics.median(wall_ms),
        "p99_ms": _quantile(wall_ms, 0.99),
        "median_cpu_ms": statistics.median(cpu_ms),
        "index_build_cpu_s": build_cpu,
    }
