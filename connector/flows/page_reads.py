"""What a page's records need from the store, read for the whole page at once.

Preparing a record reads its canonical person, the person's links and the
target's last known values; one query each per record was most of a page's
reads. Every such read is of committed state (a page's own changes are written
only at its commit), so reading them for all records of the page first gives
each record exactly what its own queries would have. Anything not loaded in
bulk (an id only known later) is read on first use, so no answer is ever guessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from connector.store import identity, people, snapshots

__all__ = ["PageReads"]

Snapshot = tuple[dict[str, Any], datetime | None]


class PageReads:
    """Committed persons, links and snapshots for one page, loaded in bulk."""

    def __init__(self) -> None:
        self._persons: dict[str, dict[str, Any] | None] = {}
        self._links: dict[str, list[identity.IdentityLink]] = {}
        self._snapshots: dict[tuple[str, str, str], Snapshot | None] = {}

    def load(
        self,
        conn: Connection,
        canonical_ids: Iterable[str],
        *,
        snapshots_of: str | None = None,
    ) -> None:
        """Read the persons and links of ``canonical_ids`` (two queries).

        With ``snapshots_of`` (a system), also the snapshots of the persons'
        live records there: the targets their writes will be compared with.
        """
        wanted = [c for c in dict.fromkeys(canonical_ids) if c not in self._persons]
        found = people.get_persons(conn, wanted)
        links = identity.links_for_many(conn, wanted)
        for canonical_id in wanted:
            self._persons[canonical_id] = found.get(canonical_id)
            self._links[canonical_id] = links.get(canonical_id, [])
        if snapshots_of is not None:
            targets = [
                record_id
                for canonical_id in wanted
                for record_id in self.person_ids(conn, canonical_id, snapshots_of)
            ]
            self.load_snapshots(conn, snapshots_of, "persons", targets)

    def load_snapshots(
        self, conn: Connection, system: str, entity: str, record_ids: Iterable[str]
    ) -> None:
        """Read the snapshots of ``record_ids`` (one query per 500)."""
        wanted = [
            r
            for r in dict.fromkeys(record_ids)
            if (system, entity, r) not in self._snapshots
        ]
        found = snapshots.get_snapshots(conn, system, entity, wanted)
        for record_id in wanted:
            self._snapshots[system, entity, record_id] = found.get(record_id)

    def person(self, conn: Connection, canonical_id: str) -> dict[str, Any] | None:
        """The committed person row, or None."""
        if canonical_id not in self._persons:
            self.load(conn, [canonical_id])
        return self._persons[canonical_id]

    def person_ids(self, conn: Connection, canonical_id: str, system: str) -> list[str]:
        """The live person-record ids of the person in ``system`` (sorted).

        Deals are linked to persons too; only ``persons`` records are targets
        for person writes.
        """
        if canonical_id not in self._links:
            self.load(conn, [canonical_id])
        return sorted(
            link.external_id
            for link in self._links[canonical_id]
            if link.system == system
            and link.entity == "persons"
            and link.alias_of is None
        )

    def snapshot(
        self, conn: Connection, system: str, entity: str, record_id: str
    ) -> Snapshot | None:
        """The record's last known native values and update time, or None."""
        if (system, entity, record_id) not in self._snapshots:
            self.load_snapshots(conn, system, entity, [record_id])
        return self._snapshots[system, entity, record_id]
