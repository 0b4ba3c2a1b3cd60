"""Deduplication methods under evaluation: name -> records to cluster labels.

A method takes :class:`Records` (the people and their kind, never the ground
truth, so no method can peek) and the matching-rules file chosen for them, and
returns an :class:`Outcome`: one label per record (records sharing a label are
one predicted person), plus the pairwise links behind them when the method has
such, so the report can count wrong links per rule. Adding a method is one
function and one line in :data:`METHODS`.

- ``exact``: the normalised e-mail alone (trimmed, NFKC, lower case); the floor
  any matcher must beat. Records without an e-mail stay alone.
- ``ecm``: recordlinkage's unsupervised Fellegi-Sunter (:mod:`bench.eval_ecm`).
- ``rules``: :func:`connector.matching.cluster` with the rules file, as shipped.
- ``model``: ``connector.matching.model_cluster`` when it exists; otherwise the
  method is unavailable and the table says so.
"""

from __future__ import annotations

import importlib.util
import unicodedata
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import connector.matching as matching
from bench.eval_sources import Kind
from connector.records import Person


class MethodUnavailable(RuntimeError):
    """The method cannot run here (its code or its extra is not installed)."""


Labels = list[Hashable]
"""One cluster label per record, in the dataset's order."""


@dataclass(frozen=True, slots=True)
class Records:
    """What a method may see: keyed people and which fields they carry."""

    people: list[tuple[str, Person]]
    kind: Kind


@dataclass(frozen=True, slots=True)
class Outcome:
    """Labels, and the links ``(key, key, rule)`` that made them, if any."""

    labels: Labels
    links: list[tuple[str, str, str]] = field(default_factory=list)


Method = Callable[[Records, Path], Outcome]
"""A deduplication method: (records, rules file) -> outcome."""


def normalise_email(value: str | None) -> str | None:
    """Trimmed, NFKC-folded, lower-cased e-mail; ``None`` when blank."""
    if not value:
        return None
    folded = unicodedata.normalize("NFKC", value).strip().lower()
    return folded or None


def exact(data: Records, _rules: Path) -> Outcome:
    """Same normalised e-mail, nothing else."""
    labels: Labels = []
    for i, (_, person) in enumerate(data.people):
        email = normalise_email(person.email)
        labels.append(("email", email) if email else ("alone", i))
    return Outcome(labels)


def labels_from_members(
    keys: Sequence[str], clusters: Sequence[Sequence[str]]
) -> Labels:
    """Each record alone unless in a cluster; a cluster is labelled by its first key."""
    position = {key: i for i, key in enumerate(keys)}
    labels: Labels = list(range(len(keys)))
    for members in clusters:
        first = position[members[0]]
        for member in members:
            labels[position[member]] = first
    return labels


def rules(data: Records, path: Path) -> Outcome:
    """The connector's own batch clustering under the given rules file."""
    found = matching.cluster(data.people, matching.load_match_rules(path))
    keys = [k for k, _ in data.people]
    links = [(ln.left, ln.right, ln.rule) for c in found for ln in c.links]
    return Outcome(labels_from_members(keys, [c.members for c in found]), links)


def model(data: Records, path: Path) -> Outcome:
    """``connector.matching.model_cluster(people, rules)``, if it has been written.

    It may return clusters (objects with ``members``, like ``cluster``) or one
    label per record; both are accepted.

    Raises:
        MethodUnavailable: the function does not exist (yet).
    """
    model_cluster: Any = getattr(matching, "model_cluster", None)
    if model_cluster is None:
        raise MethodUnavailable("connector.matching.model_cluster does not exist")
    found = model_cluster(data.people, matching.load_match_rules(path))
    keys = [k for k, _ in data.people]
    if len(found) == len(keys) and not any(hasattr(c, "members") for c in found):
        return Outcome(list(found))
    links = [
        (ln.left, ln.right, ln.rule) for c in found for ln in getattr(c, "links", ())
    ]
    return Outcome(labels_from_members(keys, [c.members for c in found]), links)


def ecm(data: Records, _rules: Path) -> Outcome:
    """Recordlinkage's ECM, imported only here: it is a bench-only extra.

    Raises:
        MethodUnavailable: recordlinkage is not installed (``make bench-deps``).
    """
    try:
        from bench import eval_ecm
    except ModuleNotFoundError as exc:
        raise MethodUnavailable(
            f"{exc.name} is not installed: make bench-deps"
        ) from exc
    return eval_ecm.ecm_outcome(data)


def unavailable(name: str) -> str | None:
    """Why method ``name`` cannot run here, known before any data is loaded."""
    if name == "model" and not hasattr(matching, "model_cluster"):
        return "connector.matching.model_cluster does not exist"
    if name == "ecm":
        missing = [m for m in _ECM_NEEDS if importlib.util.find_spec(m) is None]
        if missing:
            return f"{', '.join(missing)} not installed: make bench-deps"
    return None


_ECM_NEEDS = ("recordlinkage", "pandas", "numpy", "scipy")

METHODS: dict[str, Method] = {
    "exact": exact,
    "ecm": ecm,
    "rules": rules,
    "model": model,
}
"""Method name -> function; the CLI's ``--methods`` picks from these."""
