"""A Fellegi–Sunter model whose weights come from the data it is run on.

Each candidate pair is reduced to a *pattern*: its level on every comparison
(:mod:`connector.matching.levels`). Under the model a pair is a match with prior
probability ``λ``; given match status the comparisons are independent, with level
probabilities ``m`` (among matches) and ``u`` (among non-matches). EM estimates
λ, m and u from the pattern counts alone, with no labels: the shipped thresholds of
a rule file are a fit to whatever data they were tuned on, these weights are a fit
to the data at hand.

Why hand-written rather than splink or recordlinkage: the handoff matches one lead
at a time against an index, in a daemon, and must give the same answer as the batch
scan for the same pair. Both libraries score through a dataframe engine (DuckDB,
pandas), which costs milliseconds per call and a heavy dependency in the container;
EM over pattern counts is a few dozen lines and runs in well under a second,
because a million candidate pairs have only a few hundred distinct patterns.
``bench/dedupe_eval.py`` measures this model beside recordlinkage's ECM.

Term frequencies: agreeing on a value that many records carry (佐藤 翔, an
office's main line, info@) is weaker evidence than agreeing on a rare one. The
weight of an exact level is shifted by ``log2(Σ p² / p_v)``, where ``p_v`` is the
share of records carrying ``v`` (the Fellegi–Sunter frequency adjustment; the
average agreed value gets no shift).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from connector.matching.keys import Keys
from connector.matching.levels import COMPARISONS, NULL, Comparison

__all__ = [
    "Explanation",
    "FieldWeight",
    "Frequencies",
    "Model",
    "Pattern",
    "fit",
    "frequency_bits",
    "pattern_of",
    "probability",
]

Pattern = tuple[int, ...]
"""One level per comparison (:data:`~connector.matching.levels.NULL` if missing)."""

_FLOOR = 1e-6  # no level is ever impossible: one unseen level must not veto
_TF_CLAMP = 10.0  # bits: a frequency shift is evidence, not a verdict
_MAX_ITERATIONS = 200
_TOLERANCE = 1e-7


def pattern_of(
    a: Keys, b: Keys, comparisons: Sequence[Comparison] = COMPARISONS
) -> tuple[Pattern, tuple[str | None, ...]]:
    """The pair's level on every comparison, and the agreed values (for TF)."""
    levels: list[int] = []
    values: list[str | None] = []
    for comparison in comparisons:
        level, value = comparison.compare(a, b)
        levels.append(level)
        values.append(value)
    return tuple(levels), tuple(values)


@dataclass(slots=True)
class Frequencies:
    """How many records carry each value of the fields that can agree exactly.

    Kept as counts, not shares, so the live matcher can add and remove records.
    Per comparison and exact level it keeps the number of agreeing record pairs
    (Σ c(c-1)/2), which is that level's ``u`` without sampling, and the records
    sharing a value, from which the average agreed value's count follows.
    """

    size: int
    records: int = 0
    counts: list[Counter[str]] = field(default_factory=list)
    level_of: list[dict[str, int]] = field(default_factory=list)
    agreeing: list[Counter[int]] = field(default_factory=list)
    sharing: list[Counter[int]] = field(default_factory=list)

    @classmethod
    def empty(cls, size: int) -> Frequencies:
        """Counts for ``size`` comparisons, all zero."""
        return cls(
            size,
            0,
            [Counter() for _ in range(size)],
            [{} for _ in range(size)],
            [Counter() for _ in range(size)],
            [Counter() for _ in range(size)],
        )

    def add(self, keys: Keys, sign: int = 1) -> None:
        """Count one record's values (``sign=-1`` to forget them)."""
        self.records += sign
        for index, comparison in enumerate(COMPARISONS[: self.size]):
            level, value = comparison.compare(keys, keys)
            if value is None or level not in comparison.tf_levels:
                continue
            counts = self.counts[index]
            before = counts[value]
            after = before + sign
            # pairs agreeing on the value: c(c-1)/2; records sharing it: c if c > 1
            self.agreeing[index][level] += (
                after * (after - 1) - before * (before - 1)
            ) // 2
            self.sharing[index][level] += (after if after > 1 else 0) - (
                before if before > 1 else 0
            )
            if after:
                counts[value] = after
                self.level_of[index][value] = level
            else:
                del counts[value]
                self.level_of[index].pop(value, None)

    def exact_u(self, index: int, level: int) -> float:
        """P(two random records agree at this exact level)."""
        pairs = self.records * (self.records - 1) / 2
        return self.agreeing[index][level] / pairs if pairs > 0 else 0.0

    def shift(self, index: int, value: str, extra: int = 0) -> float:
        """Bits to add to an exact level's weight for agreeing on ``value``.

        ``extra`` counts records carrying the value outside the counts (the lead
        being matched, not yet indexed).
        """
        count = self.counts[index].get(value, 0) + extra
        level = self.level_of[index].get(value)
        if count < 2 or level is None:
            return 0.0
        sharing = self.sharing[index][level]
        if sharing <= 0:
            return 0.0
        # The average agreed value is carried by avg+1 records: avg = Σc(c-1)/Σc.
        average = 2 * self.agreeing[index][level] / sharing
        bits = math.log2(average / (count - 1))
        return max(-_TF_CLAMP, min(_TF_CLAMP, bits))


@dataclass(frozen=True, slots=True)
class FieldWeight:
    """One comparison's part of a pair's weight, for ``dedupe explain``."""

    comparison: str
    level: str
    bits: float
    frequency_bits: float


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a pair scores what it scores: prior, each field, the probability."""

    prior_bits: float
    fields: tuple[FieldWeight, ...]
    bits: float
    probability: float


@dataclass(frozen=True, slots=True)
class Model:
    """Estimated parameters: the prior and, per comparison, m and u per level.

    Attributes:
        prior: λ, the share of candidate pairs that are matches.
        m: per comparison, P(level | match).
        u: per comparison, P(level | non-match).
        iterations: EM iterations to convergence.
        pairs: candidate pairs the estimate is based on.
    """

    prior: float
    m: tuple[tuple[float, ...], ...]
    u: tuple[tuple[float, ...], ...]
    iterations: int = 0
    pairs: int = 0
    comparisons: tuple[Comparison, ...] = COMPARISONS

    @property
    def prior_bits(self) -> float:
        """log2 of the prior odds."""
        return math.log2(self.prior / (1.0 - self.prior))

    def level_bits(self, comparison: int, level: int) -> float:
        """log2(m/u) of one level: its weight of evidence, TF aside."""
        return math.log2(self.m[comparison][level] / self.u[comparison][level])

    def bits(self, pattern: Pattern) -> float:
        """Prior plus the weight of every non-missing level of ``pattern``."""
        total = self.prior_bits
        for index, level in enumerate(pattern):
            if level != NULL:
                total += self.level_bits(index, level)
        return total

    def explain(
        self, a: Keys, b: Keys, frequencies: Frequencies | None = None
    ) -> Explanation:
        """Each field's level and weight for the pair ``a``, ``b``."""
        pattern, values = pattern_of(a, b, self.comparisons)
        fields: list[FieldWeight] = []
        for index, comparison in enumerate(self.comparisons):
            level = pattern[index]
            if level == NULL:
                fields.append(FieldWeight(comparison.name, "missing", 0.0, 0.0))
                continue
            shift = 0.0
            value = values[index]
            if (
                frequencies is not None
                and value is not None
                and level in comparison.tf_levels
            ):
                shift = frequencies.shift(index, value)
            fields.append(
                FieldWeight(
                    comparison.name,
                    comparison.levels[level],
                    self.level_bits(index, level),
                    shift,
                )
            )
        bits = self.prior_bits + sum(f.bits + f.frequency_bits for f in fields)
        return Explanation(self.prior_bits, tuple(fields), bits, probability(bits))

    def as_dict(self) -> dict[str, object]:
        """A JSON-able form, so a fitted model can be stored and shown."""
        return {
            "prior": self.prior,
            "iterations": self.iterations,
            "pairs": self.pairs,
            "comparisons": {
                comparison.name: {
                    label: {"m": self.m[i][level], "u": self.u[i][level]}
                    for level, label in enumerate(comparison.levels)
                }
                for i, comparison in enumerate(self.comparisons)
            },
        }


def frequency_bits(
    pattern: Pattern,
    values: Sequence[str | None],
    frequencies: Frequencies,
    comparisons: Sequence[Comparison] = COMPARISONS,
) -> float:
    """The term-frequency shift of a pair's exact levels, summed over fields."""
    total = 0.0
    for index, value in enumerate(values):
        if value is not None and pattern[index] in comparisons[index].tf_levels:
            total += frequencies.shift(index, value)
    return total


def probability(bits: float) -> float:
    """Match probability from log2 odds."""
    if bits > 60:
        return 1.0
    if bits < -60:
        return 0.0
    odds: float = math.pow(2.0, bits)
    return odds / (1.0 + odds)


def fit(
    patterns: Mapping[Pattern, int],
    comparisons: tuple[Comparison, ...] = COMPARISONS,
) -> Model:
    """Estimate λ, m and u by EM on the candidate pairs alone (as ECM does).

    The population is the candidate pairs, not all pairs: u describes the
    non-matches that blocking lets through (coworkers, namesakes), and λ the
    share of matches among candidates.
    """
    items = list(patterns.items())
    total = sum(patterns.values())
    if total == 0:
        raise ValueError("no candidate pairs to estimate the model from")
    sizes = [len(c.levels) for c in comparisons]
    every = range(len(comparisons))
    u = [_shares(items, index, size) for index, size in enumerate(sizes)]
    m = [_initial_m(size) for size in sizes]
    share = 0.1
    used = 0
    for used in range(1, _MAX_ITERATIONS + 1):  # noqa: B007 - reported
        m_counts = [[0.0] * size for size in sizes]
        u_counts = [[0.0] * size for size in sizes]
        matched = 0.0
        for pattern, count in items:
            p_match, p_other = share, 1.0 - share
            for index in every:
                level = pattern[index]
                if level != NULL:
                    p_match *= m[index][level]
                    p_other *= u[index][level]
            chance = p_match / (p_match + p_other) if p_match + p_other > 0 else 0.0
            weight = count * chance
            matched += weight
            for index in every:
                level = pattern[index]
                if level != NULL:
                    m_counts[index][level] += weight
                    u_counts[index][level] += count - weight
        new_share = min(max(matched / total, _FLOOR), 1.0 - _FLOOR)
        new_m = [_normalised(row) for row in m_counts]
        new_u = [_normalised(row) for row in u_counts]
        change = abs(new_share - share) + _largest_change(m, new_m)
        change += _largest_change(u, new_u)
        share, m, u = new_share, new_m, new_u
        if change < _TOLERANCE:
            break
    return Model(
        prior=share,
        m=tuple(tuple(row) for row in m),
        u=tuple(tuple(row) for row in u),
        iterations=used,
        pairs=total,
        comparisons=comparisons,
    )


def _shares(items: Sequence[tuple[Pattern, int]], index: int, size: int) -> list[float]:
    counts = [0.0] * size
    for pattern, count in items:
        if pattern[index] != NULL:
            counts[pattern[index]] += count
    return _normalised(counts)


def _initial_m(size: int) -> list[float]:
    # Strongest level most likely among matches, each weaker one half as likely.
    raw = [0.5**level for level in range(size)]
    raw[-1] = min(raw[-1], 0.05)
    return _normalised(raw)


def _normalised(row: Sequence[float]) -> list[float]:
    total = sum(row)
    if total <= 0:
        return [1.0 / len(row)] * len(row)
    shares = [max(value / total, _FLOOR) for value in row]
    scale = sum(shares)
    return [value / scale for value in shares]


def _largest_change(
    old: Sequence[Sequence[float]], new: Sequence[Sequence[float]]
) -> float:
    return max(
        (
            abs(x - y)
            for a, b in zip(old, new, strict=True)
            for x, y in zip(a, b, strict=True)
        ),
        default=0.0,
    )
