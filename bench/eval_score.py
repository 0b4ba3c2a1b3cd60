"""Pairwise precision, recall and F1 of cluster labels against ground truth.

Why pairs: a deduplicator's mistakes cost per pair (a wrong merge joins two
people; a missed duplicate leaves sales with the same person twice), and pair
counts are comparable across methods that cut clusters differently. A pair is
*true* when both records share an entity id and *predicted* when both carry one
cluster label. Counting works on label multiplicities (n records under one
label make n(n-1)/2 pairs), so a million records cost one pass, never a pair
list.

A linkage task (FEBRL 4: two files, every duplicate across them) passes each
record's file as ``groups``; then only pairs across two files are counted, the
way recordlinkage scores a link between two data frames.

A method that predicts no pair has no precision: it is reported as ``None``,
never as a perfect 1.0 that would flatter a method that does nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True)
class PairScores:
    """Pair counts and the rates drawn from them (``None`` where undefined)."""

    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    precision: float | None
    recall: float | None
    f1: float | None

    def as_dict(self) -> dict[str, int | float | None]:
        """Plain values for the JSON report and the ledger."""
        return asdict(self)


def _pairs(counts: Counter[Hashable]) -> int:
    return sum(n * (n - 1) // 2 for n in counts.values())


def _count(labels: Sequence[Hashable], groups: Sequence[int] | None) -> int:
    """Pairs sharing a label; with ``groups``, only pairs from two groups."""
    within = _pairs(Counter(labels))
    if groups is None:
        return within
    return within - _pairs(Counter(zip(labels, groups, strict=True)))


def pairwise_scores(
    predicted: Sequence[Hashable],
    truth: Sequence[Hashable],
    groups: Sequence[int] | None = None,
) -> PairScores:
    """Score predicted cluster labels against true entity ids, record by record.

    Raises:
        ValueError: the three sequences are not one entry per record.
    """
    if len(predicted) != len(truth) or (
        groups is not None and len(groups) != len(truth)
    ):
        raise ValueError("predicted, truth and groups need one entry per record")
    true_pairs = _count(truth, groups)
    predicted_pairs = _count(predicted, groups)
    correct = _count(list(zip(predicted, truth, strict=True)), groups)
    precision = correct / predicted_pairs if predicted_pairs else None
    recall = correct / true_pairs if true_pairs else None
    if precision is None or recall is None:
        # Pairs on one side only: every one of them is a mistake.
        f1 = 0.0 if predicted_pairs or true_pairs else None
    else:
        total = precision + recall
        f1 = 2 * precision * recall / total if total else 0.0
    return PairScores(true_pairs, predicted_pairs, correct, precision, recall, f1)
