"""The identity map: which system ids are one person, how we know, and since when.

Each (system, entity, external id) points at one canonical person id, with the rule
and score that linked it. When a system merges records (HubSpot gives the merged
contact a new id) or converts one (an SFA lead becomes a contact), the old ids stay
as aliases of the survivor (``alias_of``), so history, attribution and campaign
membership recorded under them still resolve to the same person.

Normalised match keys are kept beside it (``match_keys``) so the in-memory matcher
can be rebuilt after a restart without re-reading either system.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Connection, delete, insert, select, update

from connector.errors import StateError
from connector.store.schema import identities, match_keys
from connector.store.upsert import upsert, upsert_many

__all__ = [
    "IdentityLink",
    "LinkWrite",
    "MergeOutcome",
    "delete_match_keys",
    "find_by_key",
    "ids_for",
    "link",
    "link_many",
    "links_for",
    "links_for_many",
    "load_match_keys",
    "new_canonical_id",
    "record_conversion",
    "record_merge",
    "resolve",
    "resolve_many",
    "save_match_keys",
    "survivor_of",
]

_MAX_HOPS = 32  # merge chains are short; a longer one means a cycle in the data
_CHUNK = 500  # ids per IN list


@dataclass(frozen=True, slots=True)
class IdentityLink:
    """One row of the map, as ``connector explain`` shows it."""

    system: str
    entity: str
    external_id: str
    canonical_id: str
    alias_of: str | None
    rule: str
    score: float | None
    linked_at: datetime
    run_id: str | None


@dataclass(frozen=True, slots=True)
class LinkWrite:
    """One link to make (see :func:`link`); ``linked_at`` None means now."""

    system: str
    entity: str
    external_id: str
    canonical_id: str
    rule: str
    score: float | None = None
    run_id: str | None = None
    linked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class MergeOutcome:
    """What a merge or conversion did to the map.

    Attributes:
        canonical_id: the person every involved id now belongs to.
        survivor_id: the id that lives on in the merging system.
        merged_ids: the ids that became aliases of it.
        absorbed: other canonical ids folded into ``canonical_id``; rows elsewhere
            that still name them (deals, events) should be re-pointed by the caller.
        other_systems: system -> live ids under the person in the *other* systems.
            More than one id in a system means the merge should be reported (and,
            where configured, replayed) there.
    """

    canonical_id: str
    survivor_id: str
    merged_ids: tuple[str, ...]
    absorbed: tuple[str, ...] = ()
    other_systems: dict[str, list[str]] = field(default_factory=dict)

    @property
    def to_replay(self) -> dict[str, list[str]]:
        """Systems where the same person now has several live records."""
        return {s: ids for s, ids in self.other_systems.items() if len(ids) > 1}


def new_canonical_id() -> str:
    """A fresh canonical person id (a random version-4 UUID, 36 characters).

    The random bytes come from ``os.urandom`` 256 ids at a time: one system
    call per id was a tenth of a dry run's matching time.
    """
    with _RANDOM_LOCK:
        if not _RANDOM:
            _RANDOM.extend(os.urandom(16 * 256))
        raw = _RANDOM[:16]
        del _RANDOM[:16]
    return _uuid4_text(raw)


def _uuid4_text(raw: bytearray) -> str:
    """``str(uuid.UUID(bytes=raw, version=4))`` without building the UUID object."""
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    text = raw.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


_RANDOM = bytearray()
_RANDOM_LOCK = threading.Lock()


def _row(
    conn: Connection, system: str, entity: str, external_id: str
) -> tuple[str, str | None] | None:
    found = conn.execute(
        select(identities.c.canonical_id, identities.c.alias_of).where(
            identities.c.system == system,
            identities.c.entity == entity,
            identities.c.external_id == external_id,
        )
    ).first()
    return None if found is None else (str(found[0]), found[1])


def link(
    conn: Connection,
    system: str,
    entity: str,
    external_id: str,
    canonical_id: str,
    rule: str,
    score: float | None = None,
    run_id: str | None = None,
    *,
    now: datetime | None = None,
) -> None:
    """Record that ``system``'s ``external_id`` is the person ``canonical_id``.

    Re-linking an id moves it (the newest evidence wins) and clears any alias.
    """
    link_many(
        conn,
        [
            LinkWrite(
                system, entity, external_id, canonical_id, rule, score, run_id, now
            )
        ],
    )


def link_many(conn: Connection, writes: Sequence[LinkWrite]) -> None:
    """Make many links at once; of two links of one id the later wins."""
    now = datetime.now(UTC)
    final = {(w.system, w.entity, w.external_id): w for w in writes}
    rows = [
        {
            "system": w.system,
            "entity": w.entity,
            "external_id": w.external_id,
            "canonical_id": w.canonical_id,
            "alias_of": None,
            "rule": w.rule,
            "score": w.score,
            "linked_at": w.linked_at or now,
            "run_id": w.run_id,
        }
        for w in final.values()
    ]
    upsert_many(
        conn,
        identities,
        rows,
        keys=("system", "entity", "external_id"),
        update=("canonical_id", "alias_of", "rule", "score", "linked_at", "run_id"),
    )


def survivor_of(
    conn: Connection, system: str, entity: str, external_id: str
) -> str | None:
    """The live id an id resolves to in its own system (itself unless merged away).

    Raises:
        StateError: the alias chain loops (the map is inconsistent).
    """
    current = external_id
    for _ in range(_MAX_HOPS):
        row = _row(conn, system, entity, current)
        if row is None:
            return None if current == external_id else current
        if row[1] is None:
            return current
        current = row[1]
    raise StateError(
        f"alias chain of {system}:{entity}:{external_id} does not end",
        hint="inspect the identities table for a merge cycle and break it",
        context={"system": system, "entity": entity, "id": external_id},
    )


def resolve(conn: Connection, system: str, entity: str, external_id: str) -> str | None:
    """The canonical person of an id, following merges; None when never linked."""
    live = survivor_of(conn, system, entity, external_id)
    if live is None:
        return None
    row = _row(conn, system, entity, live)
    if row is None:  # an alias whose survivor was never linked itself
        row = _row(conn, system, entity, external_id)
    return None if row is None else row[0]


def resolve_many(
    conn: Connection, system: str, entity: str, external_ids: Iterable[str]
) -> dict[str, str | None]:
    """:func:`resolve` for many ids: one query, plus one chain walk per alias."""
    wanted = list(dict.fromkeys(external_ids))
    result: dict[str, str | None] = dict.fromkeys(wanted)
    for start in range(0, len(wanted), _CHUNK):
        rows = conn.execute(
            select(
                identities.c.external_id,
                identities.c.canonical_id,
                identities.c.alias_of,
            ).where(
                identities.c.system == system,
                identities.c.entity == entity,
                identities.c.external_id.in_(wanted[start : start + _CHUNK]),
            )
        )
        for external_id, canonical_id, alias_of in rows:
            # Merged-away ids are rare: follow their chain the slow way.
            result[external_id] = (
                str(canonical_id)
                if alias_of is None
                else resolve(conn, system, entity, external_id)
            )
    return result


def ids_for(
    conn: Connection, canonical_id: str, *, aliases: bool = False
) -> dict[str, list[str]]:
    """System -> the person's ids there (live ones; with ``aliases``, all), sorted."""
    query = select(identities.c.system, identities.c.external_id).where(
        identities.c.canonical_id == canonical_id
    )
    if not aliases:
        query = query.where(identities.c.alias_of.is_(None))
    result: dict[str, list[str]] = {}
    for system, external_id in conn.execute(query):
        result.setdefault(system, []).append(external_id)
    return {system: sorted(ids) for system, ids in sorted(result.items())}


def links_for(conn: Connection, canonical_id: str) -> list[IdentityLink]:
    """Every row of the person, aliases included, oldest link first."""
    rows = conn.execute(
        select(identities)
        .where(identities.c.canonical_id == canonical_id)
        .order_by(identities.c.linked_at, identities.c.system, identities.c.external_id)
    )
    return [IdentityLink(**row._mapping) for row in rows]


def links_for_many(
    conn: Connection, canonical_ids: Iterable[str]
) -> dict[str, list[IdentityLink]]:
    """:func:`links_for` for many persons (those without a link are left out)."""
    wanted = list(dict.fromkeys(canonical_ids))
    result: dict[str, list[IdentityLink]] = {}
    for start in range(0, len(wanted), _CHUNK):
        rows = conn.execute(
            select(identities)
            .where(identities.c.canonical_id.in_(wanted[start : start + _CHUNK]))
            .order_by(
                identities.c.linked_at, identities.c.system, identities.c.external_id
            )
        )
        for row in rows:
            found = IdentityLink(**row._mapping)
            result.setdefault(found.canonical_id, []).append(found)
    return result


def record_merge(
    conn: Connection,
    system: str,
    entity: str,
    survivor_id: str,
    merged_ids: Iterable[str],
    *,
    rule: str = "merge",
    run_id: str | None = None,
    now: datetime | None = None,
) -> MergeOutcome:
    """Record that ``system`` merged ``merged_ids`` into ``survivor_id``.

    The merged ids become aliases of the survivor; if they belonged to different
    canonical persons, those persons become one (the survivor's, else the first
    merged id's), so everything linked to any of them now resolves to it.
    """
    stamp = now or datetime.now(UTC)
    merged = tuple(m for m in dict.fromkeys(merged_ids) if m != survivor_id)
    involved = [resolve(conn, system, entity, i) for i in (survivor_id, *merged)]
    known = [c for c in involved if c is not None]
    target = known[0] if known else new_canonical_id()
    if involved[0] is None:
        link(conn, system, entity, survivor_id, target, rule, None, run_id, now=stamp)
    absorbed = tuple(dict.fromkeys(c for c in known if c != target))
    for old in absorbed:
        conn.execute(
            update(identities)
            .where(identities.c.canonical_id == old)
            .values(canonical_id=target)
        )
        conn.execute(delete(match_keys).where(match_keys.c.canonical_id == old))
    for merged_id in merged:
        upsert(
            conn,
            identities,
            keys={"system": system, "entity": entity, "external_id": merged_id},
            values={
                "canonical_id": target,
                "alias_of": survivor_id,
                "rule": rule,
                "score": None,
                "linked_at": stamp,
                "run_id": run_id,
            },
        )
    others = {s: ids for s, ids in ids_for(conn, target).items() if s != system}
    return MergeOutcome(target, survivor_id, merged, absorbed, others)


def record_conversion(
    conn: Connection,
    system: str,
    entity: str,
    from_id: str,
    to_id: str,
    *,
    run_id: str | None = None,
    now: datetime | None = None,
) -> MergeOutcome:
    """Record that ``system`` converted ``from_id`` (a lead) into ``to_id``.

    Only possible when the adapter exposes the converted-to id; the lead's id then
    resolves to the contact's person, exactly like a merge.
    """
    return record_merge(
        conn, system, entity, to_id, [from_id], rule="convert", run_id=run_id, now=now
    )


def save_match_keys(
    conn: Connection, canonical_id: str, keys: Mapping[str, str]
) -> None:
    """Replace the person's stored match keys (kind -> normalised value).

    Values longer than the column (255) are left out rather than truncated: a cut
    value would match what it should not.
    """
    conn.execute(delete(match_keys).where(match_keys.c.canonical_id == canonical_id))
    rows = [
        {"kind": kind, "value": value, "canonical_id": canonical_id}
        for kind, value in keys.items()
        if value and len(value) <= 255
    ]
    if rows:
        conn.execute(insert(match_keys), rows)


def delete_match_keys(conn: Connection, canonical_id: str) -> None:
    """Forget the person's match keys (deleted, or merged into another)."""
    conn.execute(delete(match_keys).where(match_keys.c.canonical_id == canonical_id))


def load_match_keys(conn: Connection) -> Iterator[tuple[str, dict[str, str]]]:
    """Every person's stored keys, one person at a time (for rebuilding the index)."""
    rows = conn.execute(
        select(match_keys.c.canonical_id, match_keys.c.kind, match_keys.c.value)
        .order_by(match_keys.c.canonical_id)
        .execution_options(yield_per=10_000)
    )
    current: str | None = None
    values: dict[str, str] = {}
    for canonical_id, kind, value in rows:
        if canonical_id != current:
            if current is not None:
                yield current, values
            current, values = canonical_id, {}
        values[kind] = value
    if current is not None:
        yield current, values


def find_by_key(conn: Connection, kind: str, value: str) -> list[str]:
    """Canonical ids whose stored key of ``kind`` equals ``value`` (exact lookups)."""
    rows = conn.execute(
        select(match_keys.c.canonical_id)
        .where(match_keys.c.kind == kind, match_keys.c.value == value)
        .order_by(match_keys.c.canonical_id)
    )
    return [str(row[0]) for row in rows]
