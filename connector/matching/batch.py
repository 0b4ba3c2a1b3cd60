"""Batch mode: find the duplicate clusters inside one system.

Candidates come only from shared blocking values (never all pairs); pairs already
in one cluster are not compared again. A block larger than ``max_block_size`` is
not skipped (that would hide real duplicates at big companies) but compared as a
sorted neighbourhood: members sorted by name and company, each against the next
few.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from connector.matching.compare import Evaluator, NameCounts, compile_rules
from connector.matching.config import MatchRules
from connector.matching.gc_pause import cycle_collector_paused
from connector.matching.keys import Keys, block_function, person_keys
from connector.matching.survivorship import survive
from connector.records import Person

__all__ = [
    "Cluster",
    "Link",
    "assemble",
    "blocks_of",
    "cluster",
    "cluster_keys",
    "components",
]

_WINDOW = 8  # neighbours compared per member inside an oversized block


@dataclass(frozen=True, slots=True)
class Link:
    """Two members joined by a rule (the evidence behind a cluster)."""

    left: str
    right: str
    rule: str
    score: float


@dataclass(frozen=True, slots=True)
class Cluster:
    """A set of records judged to be one person, and what should survive.

    Attributes:
        id: 1-based, in order of each cluster's first member in the input.
        members: the keys of the records, in input order.
        survivor: the key of the record proposed to live on.
        merged: the survivor with each field filled by survivorship.
        links: the pairs that put the members together.
    """

    id: int
    members: tuple[str, ...]
    survivor: str
    merged: Person
    links: tuple[Link, ...]


class _Forest:
    """Union-find with path halving: near-constant time per pair at a million rows."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        parent = self.parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, left: int, right: int) -> None:
        a, b = self.find(left), self.find(right)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def cluster_keys(
    keys: Sequence[Keys], rules: MatchRules
) -> list[tuple[int, int, str, float]]:
    """Compare candidate pairs of normalised people; return the links found.

    Each link is (index, index, rule, score). The heavy lifting of batch mode;
    :func:`cluster` wraps it with Person objects and survivorship.
    """
    forest = _Forest(len(keys))
    links: list[tuple[int, int, str, float]] = []
    cap = rules.max_block_size
    judge = compile_rules(rules)
    counts = Counter(k.name for k in keys if k.name) if rules.counts_names else None
    # Pairs the rules rejected, as left * size + right: coworkers share a company,
    # a domain and a phone, so the same pair meets in several kinds of block, and
    # judging it again would give the same answer at the cost of a comparison.
    rejected: set[int] = set()
    for kind in rules.block_kinds:
        limit = rules.name_block_limit(kind)
        for bucket, window in blocks_of(keys, kind, cap, limit):
            _compare_block(bucket, window, keys, judge, counts, forest, links, rejected)
    return links


def blocks_of(
    keys: Sequence[Keys], kind: tuple[str, ...], cap: int, limit: int | None = None
) -> Iterator[tuple[list[int], int]]:
    """Every block of two or more records sharing a value of ``kind``, and its window.

    The window is how many following members each member is compared with: all of
    them, or, in a block larger than ``cap``, the next few after sorting by name
    and company. Blocks above ``limit`` members are skipped.
    """
    blocks: dict[int, int | list[int]] = {}
    values_of = block_function(kind)
    for index, person in enumerate(keys):
        for value in values_of(person):
            hashed = hash(value)
            bucket = blocks.get(hashed)
            if bucket is None:
                blocks[hashed] = index
            elif isinstance(bucket, int):
                blocks[hashed] = [bucket, index]
            else:
                bucket.append(index)
    for bucket in blocks.values():
        if isinstance(bucket, int):
            continue
        if limit is not None and len(bucket) > limit:
            continue
        if len(bucket) > cap:
            # Whatever the block shares, name then company puts likely twins
            # next to each other (same name, company with a typo sorts close).
            bucket.sort(key=lambda i: (keys[i].name or "", keys[i].company or ""))
            yield bucket, _WINDOW
        else:
            yield bucket, len(bucket)


def _compare_block(
    bucket: list[int],
    window: int,
    keys: Sequence[Keys],
    judge: Evaluator,
    counts: NameCounts | None,
    forest: _Forest,
    links: list[tuple[int, int, str, float]],
    rejected: set[int],
) -> None:
    find = forest.find
    size = len(bucket)
    total = len(keys)
    for position, left in enumerate(bucket):
        left_keys = keys[left]
        for right in bucket[position + 1 : min(size, position + 1 + window)]:
            if find(left) == find(right):
                continue
            pair = left * total + right if left < right else right * total + left
            if pair in rejected:
                continue
            verdict = judge(left_keys, keys[right], counts)
            if verdict is None:
                rejected.add(pair)
            else:
                forest.union(left, right)
                links.append((left, right, verdict[0], verdict[1]))


def cluster(
    people: Iterable[tuple[str, Person]],
    rules: MatchRules,
    *,
    singletons: bool = False,
) -> list[Cluster]:
    """Cluster duplicates among ``(key, person)`` pairs and propose survivors.

    Args:
        people: the records of one system, each under a unique key.
        rules: the compiled matching rules (survivorship strategy included).
        singletons: also return clusters of one (every record appears once).
    """
    items = list(people)
    with cycle_collector_paused():
        keys = [person_keys(person, rules) for _, person in items]
        links = cluster_keys(keys, rules)
    return assemble(items, links, rules, singletons=singletons)


def assemble(
    items: Sequence[tuple[str, Person]],
    links: Sequence[tuple[int, int, str, float]],
    rules: MatchRules,
    *,
    singletons: bool = False,
) -> list[Cluster]:
    """Clusters from links between indexes of ``items``, with their survivors."""
    groups = components(len(items), links, singletons=singletons)
    by_root: dict[int, list[tuple[str, str, str, float]]] = {}
    root_of = {member: group[0] for group in groups for member in group}
    for left, right, rule, score in links:
        by_root.setdefault(root_of[left], []).append(
            (items[left][0], items[right][0], rule, score)
        )
    result: list[Cluster] = []
    for group in groups:
        if len(group) == 1 and not singletons:
            continue
        members = [items[i] for i in group]
        survivor, merged = survive(members, rules.survivorship, rules.source_priority)
        result.append(
            Cluster(
                id=len(result) + 1,
                members=tuple(key for key, _ in members),
                survivor=survivor,
                merged=merged,
                links=tuple(Link(*link) for link in by_root.get(group[0], [])),
            )
        )
    return result


def components(
    size: int,
    links: Sequence[tuple[int, int, str, float]],
    *,
    singletons: bool = True,
) -> list[list[int]]:
    """Connected components of the link graph, each sorted, ordered by first member.

    Without ``singletons`` only components of two or more are returned; only the
    linked records are then visited, a fraction of a million.
    """
    forest = _Forest(size)
    linked: set[int] = set()
    for left, right, _, _ in links:
        forest.union(left, right)
        linked.add(left)
        linked.add(right)
    groups: dict[int, list[int]] = {}
    for item in sorted(linked):
        groups.setdefault(forest.find(item), []).append(item)
    found = list(groups.values())
    if singletons:
        found.extend([item] for item in range(size) if item not in linked)
    return sorted(found, key=lambda group: group[0])
