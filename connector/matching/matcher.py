"""Incremental matching: one new lead against everyone already indexed.

The index maps each blocking value to the keys that share it, so matching a lead
costs the size of its blocks, never the size of the database. Block values are
stored as their hash: a collision only adds a candidate that the rules then reject,
and ints are several times smaller than the strings at a million people.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from typing_extensions import override

from connector.matching.compare import Match, NameCounts, compile_rules
from connector.matching.config import MatchRules
from connector.matching.gc_pause import cycle_collector_paused
from connector.matching.keys import BlockValue, Keys, block_values, person_keys
from connector.matching.levels import compare_all
from connector.matching.model import Frequencies, Model, frequency_bits, probability
from connector.matching.model_batch import fit_model
from connector.records import Person

__all__ = ["STORED_KINDS", "Matcher", "keys_from_stored"]

STORED_KINDS = ("email", "phone", "name", "company", "legal", "reading")
"""The normalised values persisted per person (and ``field:<name>`` for each
declared model field); every other key derives from them."""

_Bucket = str | list[str]


class Matcher:
    """An in-memory index of people that answers "who is this lead already?".

    Keys are whatever the caller uses to find the record again: a canonical id, or
    ``sfa:123``. Load it from the store with
    :func:`connector.matching.persist.load_matcher`.
    """

    def __init__(self, rules: MatchRules) -> None:
        self.rules = rules
        self._by_model = rules.handoff_method == "model"
        self._kinds = rules.model_blocking if self._by_model else rules.block_kinds
        self._limits = [
            None if self._by_model else rules.name_block_limit(kind)
            for kind in self._kinds
        ]
        self._fitted: _Fitted | None = None
        self._judge = compile_rules(rules)
        self._rank = {rule.name: index for index, rule in enumerate(rules.rules)}
        self._records: dict[str, Keys] = {}
        self._blocks: list[dict[int, _Bucket]] = [{} for _ in self._kinds]
        self._names: Counter[str] | None = Counter() if rules.counts_names else None
        self._last: tuple[Keys, list[tuple[BlockValue, ...]]] | None = None

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, key: object) -> bool:
        return key in self._records

    def add(self, key: str, person: Person) -> None:
        """Index ``person`` under ``key``, replacing what was there before."""
        self.add_keys(key, person_keys(person, self.rules))

    def add_keys(self, key: str, keys: Keys) -> None:
        """Index already-normalised keys (bulk loads skip normalising twice)."""
        if key in self._records:
            self.remove(key)
        self._records[key] = keys
        if self._fitted is not None:
            self._fitted.frequencies.add(keys)
        if self._names is not None and keys.name:
            self._names[keys.name] += 1
        for blocks, values in zip(self._blocks, self._values(keys), strict=True):
            for value in values:
                hashed = hash(value)
                bucket = blocks.get(hashed)
                if bucket is None:
                    blocks[hashed] = key
                elif isinstance(bucket, str):
                    if bucket != key:
                        blocks[hashed] = [bucket, key]
                elif key not in bucket:
                    bucket.append(key)

    def remove(self, key: str) -> None:
        """Forget ``key`` (a deleted or merged-away record); unknown keys are fine."""
        keys = self._records.pop(key, None)
        if keys is None:
            return
        if self._fitted is not None:
            self._fitted.frequencies.add(keys, sign=-1)
        if self._names is not None and keys.name:
            left = self._names[keys.name] - 1
            if left:
                self._names[keys.name] = left
            else:
                del self._names[keys.name]
        for blocks, kind in zip(self._blocks, self._kinds, strict=True):
            for value in block_values(keys, kind):
                hashed = hash(value)
                bucket = blocks.get(hashed)
                if bucket == key:
                    del blocks[hashed]
                elif isinstance(bucket, list) and key in bucket:
                    bucket.remove(key)
                    if len(bucket) == 1:
                        blocks[hashed] = bucket[0]

    def _values(self, keys: Keys) -> list[tuple[BlockValue, ...]]:
        """The block values of ``keys`` per kind, kept for the last keys asked.

        A flow matches a lead and then indexes the same keys: the second call
        reuses the first's values instead of building every block value again.
        """
        last = self._last
        if last is not None and last[0] is keys:
            return last[1]
        values = [block_values(keys, kind) for kind in self._kinds]
        self._last = (keys, values)
        return values

    def keys(self, key: str) -> Keys | None:
        """The normalised keys indexed under ``key``, if any."""
        return self._records.get(key)

    def candidates(self, keys: Keys) -> set[str]:
        """Every indexed key sharing a block with ``keys`` (capped per block).

        A block larger than ``max_block_size`` (everyone on one company's main
        line) contributes only the members sharing a name token with ``keys``: a
        cheap filter over the block instead of a full comparison with each.
        """
        cap = self.rules.max_block_size
        tokens = set(keys.tokens)
        records = self._records
        found: set[str] = set()
        for blocks, values, limit in zip(
            self._blocks, self._values(keys), self._limits, strict=True
        ):
            for value in values:
                bucket = blocks.get(hash(value))
                if bucket is None:
                    continue
                if isinstance(bucket, str):
                    found.add(bucket)
                elif limit is not None and len(bucket) > limit:
                    continue  # too common a name for the rules blocking on it
                elif len(bucket) <= cap:
                    found.update(bucket)
                elif tokens:
                    found.update(
                        m for m in bucket if not tokens.isdisjoint(records[m].tokens)
                    )
        return found

    def match_all(
        self, person: Person | Keys, *, exclude: str | None = None
    ) -> list[Match]:
        """Every indexed person the rules say is ``person``, best first.

        Best means the earliest rule in the file, then the highest score, then the
        smallest key (so the answer never depends on set order). With
        ``handoff_method = "model"`` it is every candidate whose match probability
        reaches the threshold, most probable first.
        """
        keys = person if isinstance(person, Keys) else person_keys(person, self.rules)
        if self._by_model:
            return self._match_by_model(keys, exclude)
        counts: NameCounts | None = None
        if self._names is not None:
            # The lead itself carries its name too, as it would in a batch scan,
            # unless it is already indexed (a re-match of a known record).
            counts = (
                self._names
                if exclude is not None and exclude in self._records
                else _PlusOne(self._names, keys.name)
            )
        matches = []
        for candidate in self.candidates(keys):
            if candidate == exclude:
                continue
            verdict = self._judge(keys, self._records[candidate], counts)
            if verdict is not None:
                matches.append(Match(candidate, verdict[0], verdict[1]))
        matches.sort(key=lambda m: (self._rank[m.rule], -m.score, m.key))
        return matches

    def _match_by_model(self, keys: Keys, exclude: str | None) -> list[Match]:
        fitted = self._model()
        # A lead not yet indexed counts once more for its own values, as it
        # would in a scan of the index and the lead together.
        extra = 0 if exclude is not None and exclude in self._records else 1
        threshold = self.rules.model_threshold
        matches = []
        for candidate in self.candidates(keys):
            if candidate == exclude:
                continue
            model = fitted.model
            pattern, values = compare_all(keys, self._records[candidate], model.kinds)
            bits = model.bits(pattern)
            bits += frequency_bits(
                pattern, values, fitted.frequencies, extra, model.comparisons
            )
            chance = probability(bits)
            if chance >= threshold:
                matches.append(Match(candidate, "model", chance))
        matches.sort(key=lambda m: (-m.score, m.key))
        return matches

    def _model(self) -> _Fitted:
        """The model fitted on the index; refitted once it has grown or shrunk a fifth.

        Fitting compares the index's candidate pairs once (as ``dedupe scan``
        would); between refits the term frequencies follow every add and remove.
        """
        fitted = self._fitted
        size = len(self._records)
        if fitted is None or abs(size - fitted.size) > fitted.size / 5:
            ordered = [self._records[key] for key in sorted(self._records)]
            model, frequencies = fit_model(ordered, self.rules)
            fitted = self._fitted = _Fitted(model, frequencies, size)
        return fitted

    def match(
        self, person: Person | Keys, *, exclude: str | None = None
    ) -> Match | None:
        """The best indexed person the rules say is ``person``, or None."""
        matches = self.match_all(person, exclude=exclude)
        return matches[0] if matches else None

    def stored(self, key: str) -> dict[str, str]:
        """The persisted form of ``key``'s entry: kind -> normalised value."""
        keys = self._records.get(key)
        if keys is None:
            return {}
        values = {
            "email": keys.email,
            "phone": keys.phone,
            "name": keys.name,
            "company": keys.company,
            "legal": keys.legal,
            "reading": keys.reading,
        }
        for (name, _), value in zip(self.rules.model_fields, keys.extra, strict=False):
            values[f"field:{name}"] = value
        return {kind: value for kind, value in values.items() if value}

    def load(self, entries: Iterable[tuple[str, Mapping[str, str]]]) -> int:
        """Index persisted entries (key, kind -> value); return how many were added."""
        count = 0
        with cycle_collector_paused():
            for key, stored in entries:
                self.add_keys(key, keys_from_stored(self.rules, stored))
                count += 1
        return count


@dataclass(slots=True)
class _Fitted:
    """The model of the index, its live term frequencies, the size it was fitted at."""

    model: Model
    frequencies: Frequencies
    size: int


class _PlusOne(Mapping[str, int]):
    """Name counts of the index with one more record carrying ``name``."""

    def __init__(self, counts: Mapping[str, int], name: str | None) -> None:
        self._counts, self._name = counts, name

    @override
    def __getitem__(self, key: str) -> int:
        extra = 1 if key == self._name else 0
        value = self._counts.get(key, 0) + extra
        if not value:
            raise KeyError(key)
        return value

    @override
    def __iter__(self) -> Iterator[str]:
        return iter(self._counts)

    @override
    def __len__(self) -> int:
        return len(self._counts)


def keys_from_stored(rules: MatchRules, stored: Mapping[str, str]) -> Keys:
    """Rebuild :class:`Keys` from the persisted normalised values."""
    email = stored.get("email")
    local: str | None = None
    domain: str | None = None
    if email:
        local, _, domain = email.rpartition("@")
        if local in rules.generic_locals:
            local = None
    name = stored.get("name")
    return Keys(
        email=email or None,
        local=local or None,
        domain=domain or None,
        corporate=bool(domain) and domain not in rules.free_mail,
        phone=stored.get("phone") or None,
        name=name or None,
        tokens=tuple(name.split(" ")) if name else (),
        company=stored.get("company") or None,
        legal=stored.get("legal") or None,
        reading=stored.get("reading") or None,
        extra=tuple(
            stored.get(f"field:{name}") or None for name, _ in rules.model_fields
        ),
    )
