"""Identity resolution inside a flow: system id -> canonical person.

Order of evidence: the identity map (a link made before, merges followed), then the
matching rules against every known person (both systems' people share one index),
then a new canonical person. Links made in this run are visible at once to later
records of the run, so two copies of one lead in the same batch resolve together.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection

from connector.matching import Keys, Matcher, person_keys
from connector.records import Person, SourceRef
from connector.store import identity
from connector.store.people import iter_persons

__all__ = ["Resolution", "Resolver", "person_ids"]


@dataclass(frozen=True, slots=True)
class Resolution:
    """Whom a record belongs to, and why we think so."""

    canonical_id: str
    rule: str
    score: float | None
    is_new: bool


class Resolver:
    """Resolves records to canonical persons for one run."""

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher
        self._pending: dict[tuple[str, str, str], str] = {}
        self._linked: dict[str, set[tuple[str, str, str]]] = {}
        self._committed: dict[tuple[str, str, str], str | None] = {}

    def load(self, conn: Connection) -> int:
        """Index every known canonical person; return how many."""
        count = 0
        for row in iter_persons(conn):
            self.matcher.add(row["canonical_id"], _person_from_row(row))
            count += 1
        return count

    @contextmanager
    def preloaded(
        self, conn: Connection, system: str, entity: str, record_ids: Iterable[str]
    ) -> Iterator[None]:
        """Look the identity map up for a page's ids in one query, for the page.

        Only for the block: once the page commits, the map may say otherwise.
        """
        found = identity.resolve_many(conn, system, entity, record_ids)
        before = self._committed
        self._committed = {
            **before,
            **{(system, entity, r): c for r, c in found.items()},
        }
        try:
            yield
        finally:
            self._committed = before

    def linked(
        self, conn: Connection, system: str, entity: str, record_id: str
    ) -> str | None:
        """The canonical person a record is linked to (this page's links first)."""
        key = (system, entity, record_id)
        return self._pending.get(key) or (
            self._committed[key]
            if key in self._committed
            else identity.resolve(conn, system, entity, record_id)
        )

    def find(
        self, conn: Connection, system: str, entity: str, record_id: str, person: Person
    ) -> Resolution | None:
        """The canonical person of a record by link or matching, or None."""
        return self._find(conn, system, entity, record_id, self._keys(person))

    def _keys(self, person: Person) -> Keys:
        # Built once per record: matching and indexing it need the same keys.
        return person_keys(person, self.matcher.rules)

    def _find(
        self, conn: Connection, system: str, entity: str, record_id: str, keys: Keys
    ) -> Resolution | None:
        known = self.linked(conn, system, entity, record_id)
        if known is not None:
            if entity == "persons" and self.matcher.keys(known) != keys:
                # Re-indexing the same keys would change nothing: a replay of
                # linked records (most of an outcomes run) skips it.
                self.matcher.add_keys(known, keys)
            return Resolution(known, "identity_map", None, False)
        match = self.matcher.match(keys)
        if match is None:
            return None
        return self._keep(
            system,
            entity,
            record_id,
            keys,
            match.key,
            match.rule,
            match.score,
            is_new=False,
        )

    def resolve(
        self, conn: Connection, system: str, entity: str, record_id: str, person: Person
    ) -> Resolution:
        """Like :meth:`find`, but a record nobody knows becomes a new person."""
        keys = self._keys(person)
        found = self._find(conn, system, entity, record_id, keys)
        if found is not None:
            return found
        return self._keep(
            system,
            entity,
            record_id,
            keys,
            identity.new_canonical_id(),
            "new",
            None,
            is_new=True,
        )

    def _keep(
        self,
        system: str,
        entity: str,
        record_id: str,
        keys: Keys,
        canonical: str,
        rule: str,
        score: float | None,
        *,
        is_new: bool,
    ) -> Resolution:
        self._pending[(system, entity, record_id)] = canonical
        self._linked.setdefault(canonical, set()).add((system, entity, record_id))
        if entity == "persons":
            # A deal's probe (its contact's e-mail and company) finds a person;
            # indexing it would replace that person's name and phone keys.
            self.matcher.add_keys(canonical, keys)
        return Resolution(canonical, rule, score, is_new)

    def remember(
        self, system: str, entity: str, record_id: str, canonical: str
    ) -> None:
        """Make a link made by a push (a created record) visible to this run."""
        self._pending[(system, entity, record_id)] = canonical
        self._linked.setdefault(canonical, set()).add((system, entity, record_id))

    def pending_ids(
        self, canonical_id: str, system: str, entity: str = "persons"
    ) -> list[str]:
        """Ids linked to a person in this run and not committed (dry runs)."""
        return sorted(
            rid
            for s, e, rid in self._linked.get(canonical_id, ())
            if s == system and e == entity
        )


def _person_from_row(row: dict[str, object]) -> Person:
    def text(key: str) -> str | None:
        value = row.get(key)
        return None if value is None else str(value)

    return Person(
        source=SourceRef("canonical", str(row["canonical_id"])),
        email=text("email"),
        first_name=text("first_name"),
        last_name=text("last_name"),
        company=text("company"),
        phone=text("phone"),
    )


def person_ids(conn: Connection, canonical_id: str, system: str) -> list[str]:
    """The live person-record ids a canonical person has in ``system``.

    Deals are linked to persons too; only ``persons`` records are targets for
    person writes.
    """
    return sorted(
        link.external_id
        for link in identity.links_for(conn, canonical_id)
        if link.system == system and link.entity == "persons" and link.alias_of is None
    )
