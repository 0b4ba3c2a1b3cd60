"""A Fellegi–Sunter model whose weights come from the data it is run on.

Each pair of records is reduced to a *pattern*: its level on every comparison
(:mod:`connector.matching.levels`). Two records are one person with prior
probability ``λ``; given that, or given not, the comparisons are taken as
independent, with level probabilities ``m`` (among matches) and ``u`` (among
non-matches). A pair's weight is ``log2(λ/(1-λ)) + Σ log2(m/u)``, its match
probability follows, and a pair is linked when that reaches the threshold.

Nothing here is tuned by hand; :func:`estimate` learns λ, m and u from the records
themselves, without labels (see there for how, and for why not EM).

Why hand-written rather than splink or recordlinkage: the handoff matches one lead
at a time against an index in a long-running daemon, and must give the same
answer as the batch scan for the same pair. Both libraries score through a
dataframe engine (DuckDB, pandas), which costs milliseconds per call and a heavy
dependency in the container. The estimate needs pattern counts only: a million
candidate pairs have a few hundred distinct patterns.

Term frequencies: agreeing on a value many records carry (佐藤 翔, an office's
main line) is weaker evidence than agreeing on a rare one. An exact level's weight
is shifted by ``log2(a / (c - 1))`` for a value carried by ``c`` records, where
``a + 1`` records carry the average agreed value: the frequency adjustment of
Fellegi and Sunter, relative to the level's own average.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from connector.matching.keys import Keys
from connector.matching.levels import (
    COMPARISONS,
    FIELDS,
    NULL,
    Comparison,
    Pattern,
    compare_all,
    field_values,
)

__all__ = [
    "Explanation",
    "FieldWeight",
    "Frequencies",
    "Model",
    "estimate",
    "frequency_bits",
    "probability",
]

_FLOOR = 1e-6  # no level is ever impossible: one unseen level must not veto
_PSEUDO = 0.5  # per level: a level no coworker pair reached is rare, not impossible
# m starts from a weak belief worth this many anchor pairs that matches agree
# exactly. With few anchors the belief keeps m sane; with thousands the anchors
# decide.
_BELIEF = 20.0
_MIN_ANCHORS = 20  # fewer anchor pairs than this: learn from the other comparisons
_SURE_BITS = 10.0  # the others' evidence that makes a pair a teacher (odds 1000:1)
_ROUNDS = 5  # of learning from the others; m moves little after three
_TF_CLAMP = 10.0  # bits: a frequency shift is evidence, not a verdict
_NAME = next(i for i, c in enumerate(COMPARISONS) if c.name == "name")
_DIFFERENT_NAMES = len(COMPARISONS[_NAME].levels) - 1  # coworkers, not twins


@dataclass(slots=True)
class Frequencies:
    """How many records carry each value of the term-frequency fields.

    Kept as counts, not shares, so the live matcher can add and remove records.
    Per field and value class (a personal address or a role mailbox...) it keeps
    the record pairs agreeing on a value (Σ c(c-1)/2), which is the exact level's
    ``u`` without sampling, and the records sharing a value with another (Σ c
    over c > 1), from which the average agreed value's count follows.

    A value's count and class share one int (``count << 1 | class``; classes
    are 0 and 1), so a million distinct addresses cost one dict entry each.
    """

    size: int = len(FIELDS)
    records: int = 0
    counts: list[dict[str, int]] = field(default_factory=list)
    agreeing: list[Counter[int]] = field(default_factory=list)
    sharing: list[Counter[int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        # One slot per counted field: the built-in ones, then the declared ones.
        self.counts = self.counts or [{} for _ in range(self.size)]
        self.agreeing = self.agreeing or [Counter() for _ in range(self.size)]
        self.sharing = self.sharing or [Counter() for _ in range(self.size)]

    def add(self, keys: Keys, sign: int = 1) -> None:
        """Count one record's values (``sign=-1`` to forget them)."""
        self.records += sign
        for index, found in enumerate(field_values(keys)):
            if found is None:
                continue
            kind, value = found
            counts = self.counts[index]
            before = counts.get(value, 0) >> 1
            after = before + sign
            pairs_after, pairs_before = after * (after - 1), before * (before - 1)
            self.agreeing[index][kind] += (pairs_after - pairs_before) // 2
            self.sharing[index][kind] += (after if after > 1 else 0) - (
                before if before > 1 else 0
            )
            if after:
                counts[value] = after << 1 | kind
            else:
                del counts[value]

    def exact_u(self, index: int, kind: int) -> float:
        """P(two random records agree on a value of this field and class)."""
        pairs = self.records * (self.records - 1) / 2
        return self.agreeing[index][kind] / pairs if pairs > 0 else 0.0

    def shift(self, index: int, value: str, extra: int = 0) -> float:
        """Bits to add to an exact level's weight for agreeing on ``value``.

        ``extra`` counts records carrying the value beyond the counts (a lead
        being matched that is not indexed yet).
        """
        stored = self.counts[index].get(value)
        if stored is None:
            return 0.0
        count, kind = (stored >> 1) + extra, stored & 1
        if count < 2:
            return 0.0
        sharing = self.sharing[index][kind]
        if sharing <= 0:
            return 0.0
        average = 2 * self.agreeing[index][kind] / sharing  # Σc(c-1) / Σc
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
        prior: λ, the chance that two random records are one person.
        m: per comparison, P(level | match).
        u: per comparison, P(level | non-match).
        pairs: candidate pairs the estimate saw.
        anchors: per comparison, the anchor pairs its ``m`` was learnt from.
        comparisons: what was compared (the built-in ones, then declared fields).
        kinds: the declared fields' kinds, for :func:`compare_all`.
    """

    prior: float
    m: tuple[tuple[float, ...], ...]
    u: tuple[tuple[float, ...], ...]
    pairs: int = 0
    anchors: tuple[int, ...] = ()
    comparisons: tuple[Comparison, ...] = COMPARISONS
    kinds: tuple[str, ...] = ()

    @property
    def prior_bits(self) -> float:
        """log2 of the prior odds."""
        return math.log2(self.prior / (1.0 - self.prior))

    def level_bits(self, comparison: int, level: int) -> float:
        """log2(m/u) of one level: its weight of evidence, TF aside."""
        return math.log2(self.m[comparison][level] / self.u[comparison][level])

    def bits(self, pattern: Pattern) -> float:
        """Prior plus the weight of every applicable level of ``pattern``."""
        total = self.prior_bits
        for index, level in enumerate(pattern):
            if level != NULL:
                total += self.level_bits(index, level)
        return total

    def explain(
        self, a: Keys, b: Keys, frequencies: Frequencies | None = None
    ) -> Explanation:
        """Each comparison's level and weight for the pair ``a``, ``b``."""
        pattern, values = compare_all(a, b, self.kinds)
        fields: list[FieldWeight] = []
        for index, comparison in enumerate(self.comparisons):
            level = pattern[index]
            if level == NULL:
                fields.append(FieldWeight(comparison.name, "missing", 0.0, 0.0))
                continue
            shift = 0.0
            if frequencies is not None:
                shift = _shift(comparison, level, values[index], frequencies)
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
        """A JSON-able form, so a fitted model can be shown and compared."""
        return {
            "prior": self.prior,
            "pairs": self.pairs,
            "comparisons": {
                comparison.name: {
                    label: {"m": self.m[i][level], "u": self.u[i][level]}
                    for level, label in enumerate(comparison.levels)
                }
                for i, comparison in enumerate(self.comparisons)
            },
        }


def _shift(
    comparison: Comparison,
    level: int,
    value: str | None,
    frequencies: Frequencies,
    extra: int = 0,
) -> float:
    if value is None or comparison.tf_field is None:
        return 0.0
    if level not in comparison.tf_levels:
        return 0.0
    return frequencies.shift(comparison.tf_field, value, extra)


def frequency_bits(
    pattern: Pattern,
    values: Sequence[str | None],
    frequencies: Frequencies,
    extra: int = 0,
    comparisons: Sequence[Comparison] = COMPARISONS,
) -> float:
    """The term-frequency shift of a pair's exact levels, summed.

    ``extra``: records carrying the agreed values beyond the counts (1 for a
    lead matched against an index it is not in, so it scores as in a batch).
    """
    total = 0.0
    for index, value in enumerate(values):
        if value is not None:
            total += _shift(
                comparisons[index], pattern[index], value, frequencies, extra
            )
    return total


def probability(bits: float) -> float:
    """Match probability from log2 odds."""
    if bits > 60:
        return 1.0
    if bits < -60:
        return 0.0
    odds: float = math.pow(2.0, bits)
    return odds / (1.0 + odds)


def estimate(
    candidates: Mapping[Pattern, int],
    random_pairs: Mapping[Pattern, int],
    frequencies: Frequencies,
    comparisons: tuple[Comparison, ...] = COMPARISONS,
    kinds: tuple[str, ...] = (),
) -> Model:
    """Estimate λ, m and u without labels, each from evidence that can tell.

    - ``u`` (how non-matches agree) from random record pairs, which are all but
      never one person; exact levels from the value counts instead, since random
      pairs almost never share an address. A comparison that only applies at one
      employer learns ``u`` from coworkers: candidate pairs there whose names
      differ.
    - ``m`` (how matches agree), per comparison, from the candidate pairs that
      its anchor calls one person without looking at it
      (:attr:`~connector.matching.levels.Comparison.anchor`): how twins' names
      agree is learnt from pairs sharing a personal address or a mobile number.
      A comparison without an anchor, or whose anchor found fewer than 20 pairs
      (records with no e-mail or phone), learns from the pairs that all *other*
      comparisons together call one person beyond doubt, in a few rounds.
    - ``λ`` from the pairs sharing a personal address: they are the share
      ``m(same address)`` of all matching pairs. Without enough of those, λ is the
      expected number of matches among the candidates over all pairs.

    EM on the candidate pairs was tried first and rejected: coworkers and
    namesakes are most of the candidates and agree among themselves on company,
    domain and surname, so EM's two classes came out as "same company" and
    "other company" instead of "same person" and "not".
    """
    m: list[list[float]] = []
    u: list[list[float]] = []
    anchors: list[int] = []
    learners: list[int] = []
    for index, comparison in enumerate(comparisons):
        size = len(comparison.levels)
        counts = _belief(size)
        coworkers = [0.0] * size
        anchor = comparison.anchor
        for pattern, count in candidates.items():
            level = pattern[index]
            if level == NULL:
                continue
            if anchor is not None and anchor(pattern):
                counts[level] += count
            elif pattern[_NAME] == _DIFFERENT_NAMES:
                coworkers[level] += count
        found = round(sum(counts) - _BELIEF - _PSEUDO * size)
        if found < _MIN_ANCHORS:
            learners.append(index)
        anchors.append(found)
        if comparison.u_source == "coworkers":
            u.append(_normalised([max(c, _PSEUDO) for c in coworkers]))
        else:
            u.append(_random_u(random_pairs, frequencies, index, comparison))
        m.append(_normalised(counts))
    records = frequencies.records
    all_pairs = max(records * (records - 1) / 2, 1.0)
    by_address = anchors[0] >= _MIN_ANCHORS and frequencies.agreeing[0][0] > 0
    prior = _prior_by_address(m, frequencies, all_pairs) if by_address else 1e-3
    for _ in range(_ROUNDS if learners or not by_address else 0):
        for index in learners:
            m[index] = _learn_from_others(candidates, index, m, u, prior, comparisons)
        if not by_address:
            prior = _expected_matches(candidates, m, u, prior) / all_pairs
    for index, comparison in enumerate(comparisons):
        if comparison.ordered:
            m[index] = _ordered(m[index], u[index])
        for level, other in comparison.not_above:
            ceiling = m[index][other] / u[index][other]
            m[index][level] = min(m[index][level], ceiling * u[index][level])
    if by_address:
        prior = _prior_by_address(m, frequencies, all_pairs)
    return Model(
        prior=min(max(prior, 1e-12), 0.5),
        m=tuple(tuple(row) for row in m),
        u=tuple(tuple(row) for row in u),
        pairs=sum(candidates.values()),
        anchors=tuple(anchors),
        comparisons=comparisons,
        kinds=kinds,
    )


def _prior_by_address(
    m: Sequence[Sequence[float]], frequencies: Frequencies, all_pairs: float
) -> float:
    caught = m[0][0]
    return frequencies.agreeing[0][0] / caught / all_pairs if caught > 0 else 1e-12


def _weights(
    m: Sequence[Sequence[float]], u: Sequence[Sequence[float]]
) -> list[list[float]]:
    return [
        [math.log2(a / b) for a, b in zip(m_row, u_row, strict=True)]
        for m_row, u_row in zip(m, u, strict=True)
    ]


def _learn_from_others(
    candidates: Mapping[Pattern, int],
    index: int,
    m: Sequence[Sequence[float]],
    u: Sequence[Sequence[float]],
    prior: float,
    comparisons: Sequence[Comparison],
) -> list[float]:
    """M of one comparison from the pairs the others call one person.

    Leave-one-out: the comparison's own level never decides whether a pair
    teaches it, so it cannot confirm itself.
    """
    weights = _weights(m, u)
    start = math.log2(prior / (1.0 - prior))
    counts = _belief(len(comparisons[index].levels))
    for pattern, count in candidates.items():
        level = pattern[index]
        if level == NULL:
            continue
        others = start + sum(
            weights[j][other]
            for j, other in enumerate(pattern)
            if j != index and other != NULL
        )
        if others >= _SURE_BITS:
            counts[level] += count
    return _normalised(counts)


def _expected_matches(
    candidates: Mapping[Pattern, int],
    m: Sequence[Sequence[float]],
    u: Sequence[Sequence[float]],
    prior: float,
) -> float:
    weights = _weights(m, u)
    start = math.log2(prior / (1.0 - prior))
    total = 0.0
    for pattern, count in candidates.items():
        bits = start + sum(
            weights[j][level] for j, level in enumerate(pattern) if level != NULL
        )
        total += count * probability(bits)
    return max(total, 1.0)


def _belief(size: int) -> list[float]:
    counts = [_PSEUDO] * size
    counts[0] += _BELIEF
    return counts


def _ordered(m: list[float], u: Sequence[float]) -> list[float]:
    """Cap m so that weights never rise along ordered levels, nor end above 0.

    Agreement is more likely among matches than among non-matches, and more so
    the closer it is: a different phone number is never evidence *for* a match,
    however the anchors happened to fall. The capped row may sum below 1; only
    the ratios m/u are used.
    """
    capped = list(m)
    best = math.inf
    for level, (m_level, u_level) in enumerate(zip(m, u, strict=True)):
        ratio = min(m_level / u_level, best)
        if level == len(m) - 1:
            ratio = min(ratio, 1.0)
        capped[level] = ratio * u_level
        best = ratio
    return capped


def _random_u(
    random_pairs: Mapping[Pattern, int],
    frequencies: Frequencies,
    index: int,
    comparison: Comparison,
) -> list[float]:
    size = len(comparison.levels)
    sampled = [0.0] * size
    for pattern, count in random_pairs.items():
        level = pattern[index]
        if level != NULL and level not in comparison.tf_levels:
            sampled[level] += count
    records = frequencies.records
    floor = 1.0 / max(records * (records - 1) / 2, 1.0)
    exact: dict[int, float] = {}
    if comparison.tf_field is not None:
        exact = {
            level: max(frequencies.exact_u(comparison.tf_field, level), floor)
            for level in comparison.tf_levels
        }
    rest = max(1.0 - sum(exact.values()), _FLOOR)
    seen = sum(sampled)
    others = size - len(exact)
    row = [0.0] * size
    for level in range(size):
        if level in exact:
            row[level] = exact[level]
        elif seen:
            # A level unseen among n sampled pairs has u below 1/n.
            row[level] = rest * max(sampled[level], 0.5) / (seen + 0.5 * others)
        else:
            row[level] = rest / others
    return row


def _normalised(row: Sequence[float]) -> list[float]:
    total = sum(row)
    if total <= 0:
        return [1.0 / len(row)] * len(row)
    shares = [max(value / total, _FLOOR) for value in row]
    scale = sum(shares)
    return [value / scale for value in shares]
