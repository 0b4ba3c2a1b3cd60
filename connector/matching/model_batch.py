"""Batch deduplication with the Fellegi–Sunter model, fitted on the batch itself.

Three passes over the candidate pairs' patterns, none over all pairs: count each
record's values (term frequencies), reduce every candidate pair to its pattern
once (a pair that meets in several blocks is compared once), fit the model on the
pattern counts, then link the pairs whose match probability reaches the threshold.
Pairs are kept as flat integer arrays: at a million records there are millions of
candidate pairs and only hundreds of patterns.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from connector.matching.batch import Cluster, assemble, blocks_of
from connector.matching.config import MatchRules
from connector.matching.gc_pause import cycle_collector_paused
from connector.matching.keys import Keys, person_keys
from connector.matching.levels import COMPARISONS
from connector.matching.model import (
    Frequencies,
    Model,
    Pattern,
    fit,
    frequency_bits,
    pattern_of,
    probability,
)
from connector.records import Person

__all__ = [
    "ModelRun",
    "frequencies_of",
    "model_cluster",
    "model_links",
]


@dataclass(frozen=True, slots=True)
class ModelRun:
    """A fitted batch: the model, the frequencies it scored with, the links."""

    model: Model
    frequencies: Frequencies
    links: list[tuple[int, int, str, float]]
    candidates: int


def frequencies_of(keys: Iterable[Keys]) -> Frequencies:
    """Term frequencies of the records' values, per comparison."""
    frequencies = Frequencies.empty(len(COMPARISONS))
    for person in keys:
        frequencies.add(person)
    return frequencies


def model_links(keys: Sequence[Keys], rules: MatchRules) -> ModelRun:
    """Fit the model on ``keys`` and return the links it makes among them.

    Each link is (index, index, "model", probability).
    """
    frequencies = frequencies_of(keys)
    total = len(keys)
    seen: set[int] = set()
    lefts, rights, pattern_of_pair = array("i"), array("i"), array("i")
    shifts = array("d")
    pattern_ids: dict[Pattern, int] = {}
    counts: Counter[Pattern] = Counter()
    for kind in rules.model_blocking:
        for bucket, window in blocks_of(keys, kind, rules.max_block_size):
            size = len(bucket)
            for position, left in enumerate(bucket):
                left_keys = keys[left]
                for right in bucket[position + 1 : min(size, position + 1 + window)]:
                    low, high = (left, right) if left < right else (right, left)
                    code = low * total + high
                    if code in seen:
                        continue
                    seen.add(code)
                    pattern, values = pattern_of(left_keys, keys[right])
                    counts[pattern] += 1
                    pattern_id = pattern_ids.setdefault(pattern, len(pattern_ids))
                    lefts.append(left)
                    rights.append(right)
                    pattern_of_pair.append(pattern_id)
                    shifts.append(frequency_bits(pattern, values, frequencies))
    del seen
    if not pattern_ids:
        return ModelRun(_empty_model(), frequencies, [], 0)
    model = fit(counts)
    by_id = [0.0] * len(pattern_ids)
    for pattern, pattern_id in pattern_ids.items():
        by_id[pattern_id] = model.bits(pattern)
    threshold = rules.model_threshold
    links: list[tuple[int, int, str, float]] = []
    pairs = zip(lefts, rights, pattern_of_pair, shifts, strict=True)
    for left, right, pattern_id, shift in pairs:
        chance = probability(by_id[pattern_id] + shift)
        if chance >= threshold:
            links.append((left, right, "model", chance))
    return ModelRun(model, frequencies, links, len(lefts))


def _empty_model() -> Model:
    # Nothing to learn from (fewer than two records share any block): every
    # level equally likely either way, so nothing links.
    sizes = [len(c.levels) for c in COMPARISONS]
    flat = tuple(tuple([1.0 / size] * size) for size in sizes)
    return Model(prior=1e-6, m=flat, u=flat)


def model_cluster(
    people: Iterable[tuple[str, Person]],
    rules: MatchRules,
    *,
    singletons: bool = False,
) -> list[Cluster]:
    """Cluster ``(key, person)`` pairs with the model (see :func:`cluster`)."""
    items = list(people)
    with cycle_collector_paused():
        keys = [person_keys(person, rules) for _, person in items]
        run = model_links(keys, rules)
    return assemble(items, run.links, rules, singletons=singletons)
