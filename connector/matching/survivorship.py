"""Survivorship: which record of a duplicate cluster lives on, and with what values.

Two strategies, chosen in ``matching.toml``: ``most_recent`` takes, field by field,
the most recently updated non-blank value (people fix typos in their newest form
fill); ``source_priority`` ranks systems first (sales-entered data often beats
marketing's) and falls back to recency within a system.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from connector.records import Person

__all__ = ["MERGED_FIELDS", "rank_members", "survive"]

MERGED_FIELDS: tuple[str, ...] = tuple(
    f.name for f in dataclasses.fields(Person) if f.name not in ("source", "attributes")
)
"""Person fields merged value by value (``source`` is the survivor's own)."""

_OLDEST = datetime.min.replace(tzinfo=UTC)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def rank_members(
    members: Sequence[tuple[str, Person]],
    strategy: str,
    source_priority: Sequence[str] = (),
) -> list[tuple[str, Person]]:
    """Members best first under the strategy; ties keep the input order.

    Records without ``updated_at`` count as oldest: a date we do not know cannot
    beat one we do.
    """
    priority = {system: index for index, system in enumerate(source_priority)}
    unknown = len(priority)

    def newest_first(item: tuple[str, Person]) -> float:
        stamp = item[1].updated_at
        if stamp is None:
            return -_OLDEST.timestamp()
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=UTC)
        return -stamp.timestamp()

    if strategy == "source_priority":
        return sorted(
            members,
            key=lambda item: (
                priority.get(item[1].source.system, unknown),
                newest_first(item),
            ),
        )
    return sorted(members, key=newest_first)


def survive(
    members: Sequence[tuple[str, Person]],
    strategy: str = "most_recent",
    source_priority: Sequence[str] = (),
) -> tuple[str, Person]:
    """Propose the surviving key and the merged record for one cluster.

    The survivor is the best-ranked member; every field (and every attribute) then
    takes the first non-blank value in rank order, so a blank in the newest record
    never erases what an older one knew.
    """
    if not members:
        raise ValueError("a cluster has at least one member")
    ranked = rank_members(members, strategy, source_priority)
    survivor_key, survivor = ranked[0]
    values: dict[str, Any] = {}
    for name in MERGED_FIELDS:
        for _, person in ranked:
            value = getattr(person, name)
            if not _blank(value):
                values[name] = value
                break
    attributes: dict[str, Any] = {}
    for _, person in reversed(ranked):
        attributes.update({k: v for k, v in person.attributes.items() if not _blank(v)})
    merged = dataclasses.replace(survivor, **values, attributes=attributes)
    return survivor_key, merged
