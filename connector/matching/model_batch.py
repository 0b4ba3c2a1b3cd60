"""Batch deduplication with the Fellegi–Sunter model, fitted on the batch itself.

Count each record's values (term frequencies), reduce every candidate pair to its
pattern once (a pair that meets in several blocks is compared once) and a sample
of random pairs too, estimate the model from those pattern counts, then link the
candidate pairs whose match probability reaches the threshold.
Pairs are kept as flat integer arrays, and found once by sorting their codes
rather than through a set: at a million records there are millions of candidate
pairs and only hundreds of patterns.
"""

from __future__ import annotations

import random
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from connector.matching.batch import Cluster, assemble, blocks_of
from connector.matching.config import MatchRules
from connector.matching.gc_pause import cycle_collector_paused
from connector.matching.keys import Keys, person_keys
from connector.matching.levels import FIELDS, Pattern, compare_all, comparisons_for
from connector.matching.model import (
    Frequencies,
    Model,
    estimate,
    frequency_bits,
    probability,
)
from connector.records import Person

__all__ = [
    "ModelRun",
    "fit_model",
    "frequencies_of",
    "model_cluster",
    "model_links",
    "random_patterns",
]


@dataclass(frozen=True, slots=True)
class ModelRun:
    """A fitted batch: the model, the frequencies it scored with, the links."""

    model: Model
    frequencies: Frequencies
    links: list[tuple[int, int, str, float]]
    candidates: int


def frequencies_of(keys: Iterable[Keys], rules: MatchRules) -> Frequencies:
    """Term frequencies of the records' values, per counted field."""
    frequencies = Frequencies(len(FIELDS) + len(rules.model_fields))
    for person in keys:
        frequencies.add(person)
    return frequencies


# For u, a fixed cost whatever the size: 200k made u noisy (dev F1 0.968 to 0.961).
_RANDOM_PAIRS = 500_000


def random_patterns(
    keys: Sequence[Keys], kinds: tuple[str, ...] = (), samples: int = _RANDOM_PAIRS
) -> Counter[Pattern]:
    """Patterns of random record pairs (seeded: the same batch, the same model)."""
    size = len(keys)
    found: Counter[Pattern] = Counter()
    if size < 2:
        return found
    # In a canonical order, so the live matcher's index (in load order) and a
    # scan of the same records (in file order) draw the same pairs.
    ordered = sorted(keys, key=_canonical)
    draw = random.Random(size).randrange  # noqa: S311 - sampling, not secrecy
    for _ in range(min(samples, size * (size - 1) // 2)):
        left, right = draw(size), draw(size - 1)
        if right >= left:
            right += 1
        found[compare_all(ordered[left], ordered[right], kinds)[0]] += 1
    return found


def _canonical(keys: Keys) -> tuple[str, str, str, str]:
    return (keys.email or "", keys.phone or "", keys.name or "", keys.company or "")


@dataclass(slots=True)
class _Candidates:
    """Every candidate pair once, and the patterns' counts.

    ``codes`` are ``low * n + high``, sorted; ``patterns`` and ``shifts`` (the
    pair's pattern id and term-frequency bits) are parallel to them, allocated
    once at their final size. Empty when only the counts were asked for.
    """

    codes: Any = None
    patterns: Any = None
    shifts: Any = None
    ids: dict[Pattern, int] = field(default_factory=dict)
    counts: Counter[Pattern] = field(default_factory=Counter)


def _pair_codes(keys: Sequence[Keys], rules: MatchRules) -> Any:
    """Every candidate pair once, as sorted ``low * n + high`` codes (int64).

    A pair meeting in several blocks is listed once. The codes are gathered in
    a flat array and deduplicated by sorting, which at a million records costs
    8 bytes a pair where a set of Python ints cost about 70.
    """
    import numpy  # here, not at import: the live matcher never needs it

    total = len(keys)
    codes = array("q")
    append = codes.append
    for kind in rules.model_blocking:
        for bucket, window in blocks_of(keys, kind, rules.max_block_size):
            size = len(bucket)
            for position, left in enumerate(bucket):
                for right in bucket[position + 1 : min(size, position + 1 + window)]:
                    low, high = (left, right) if left < right else (right, left)
                    append(low * total + high)
    unique = numpy.unique(numpy.frombuffer(codes, dtype=numpy.int64))
    del codes
    return unique


_CHUNK = 1 << 18
"""Pair codes turned into Python ints at a time (a bounded, short-lived list)."""


def _candidates(
    keys: Sequence[Keys],
    rules: MatchRules,
    frequencies: Frequencies,
    *,
    keep_pairs: bool = True,
) -> _Candidates:
    """Each candidate pair's pattern, counted; with ``keep_pairs``, the pairs too.

    Fitting needs only the counts: the live matcher, which fits its whole index
    at start-up, keeps no per-pair arrays and computes no per-pair shifts.
    """
    found = _Candidates()
    total = len(keys)
    kinds = _kinds(rules)
    comparisons = comparisons_for(rules.model_fields)
    codes = _pair_codes(keys, rules)
    import numpy

    if keep_pairs:
        found.codes = codes
        found.patterns = numpy.empty(len(codes), dtype=numpy.int32)
        found.shifts = numpy.empty(len(codes), dtype=numpy.float64)
    ids, counts = found.ids, found.counts
    for start in range(0, len(codes), _CHUNK):
        chunk = codes[start : start + _CHUNK].tolist()
        patterns: list[int] = []
        shifts: list[float] = []
        for code in chunk:
            low, high = divmod(code, total)
            pattern, values = compare_all(keys[low], keys[high], kinds)
            counts[pattern] += 1
            if not keep_pairs:
                continue
            patterns.append(ids.setdefault(pattern, len(ids)))
            shifts.append(frequency_bits(pattern, values, frequencies, 0, comparisons))
        if keep_pairs:
            found.patterns[start : start + len(chunk)] = patterns
            found.shifts[start : start + len(chunk)] = shifts
    return found


def _kinds(rules: MatchRules) -> tuple[str, ...]:
    return tuple(kind for _, kind in rules.model_fields)


def _estimate(
    keys: Sequence[Keys],
    rules: MatchRules,
    found: _Candidates,
    frequencies: Frequencies,
) -> Model:
    kinds = _kinds(rules)
    return estimate(
        found.counts,
        random_patterns(keys, kinds),
        frequencies,
        comparisons_for(rules.model_fields),
        kinds,
    )


def fit_model(keys: Sequence[Keys], rules: MatchRules) -> tuple[Model, Frequencies]:
    """The model and term frequencies of ``keys``, as a batch scan would fit them.

    The live matcher fits its index through this, so a pair scores the same
    there as in ``dedupe scan`` over the same records.
    """
    frequencies = frequencies_of(keys, rules)
    found = _candidates(keys, rules, frequencies, keep_pairs=False)
    return _estimate(keys, rules, found, frequencies), frequencies


def model_links(keys: Sequence[Keys], rules: MatchRules) -> ModelRun:
    """Fit the model on ``keys`` and return the links it makes among them.

    Each link is (index, index, "model", probability).
    """
    frequencies = frequencies_of(keys, rules)
    found = _candidates(keys, rules, frequencies)
    model = _estimate(keys, rules, found, frequencies)
    by_id = [0.0] * len(found.ids)
    for pattern, pattern_id in found.ids.items():
        by_id[pattern_id] = model.bits(pattern)
    threshold = rules.model_threshold
    links: list[tuple[int, int, str, float]] = []
    total = len(keys)
    for start in range(0, len(found.codes), _CHUNK):
        end = start + _CHUNK
        pairs = zip(
            found.codes[start:end].tolist(),
            found.patterns[start:end].tolist(),
            found.shifts[start:end].tolist(),
            strict=True,
        )
        for code, pattern_id, shift in pairs:
            chance = probability(by_id[pattern_id] + shift)
            if chance >= threshold:
                left, right = divmod(code, total)
                links.append((left, right, "model", chance))
    return ModelRun(model, frequencies, links, len(found.codes))


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
