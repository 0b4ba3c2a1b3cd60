"""The state changes of one batch, written in one transaction after its pushes.

Flows collect everything a batch changes here (cursor, identity links,
fingerprints, dead letters, stage events, provenance, snapshots) and commit it at
once, so a crash either keeps all of it or none: the next run then replays the
batch, and fingerprints plus keyed upserts make the replay harmless.

Most changes are plain records (:mod:`connector.store.changes`), written in bulk:
a few statements per table for the whole page instead of a dozen per record.
A write that must see the others (a merge re-pointing rows) is a callable; it
runs as a barrier, after every change collected before it and before any
collected after it. The cursor comes last, after everything it covers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from connector.records import Deal, Person, Stage
from connector.store import cursors, deadletters
from connector.store.changes import Change, apply_changes
from connector.store.events import StageEvent
from connector.store.fingerprints import FingerprintWrite
from connector.store.identity import LinkWrite
from connector.store.people import DealSave, PersonSave, StageSet
from connector.store.provenance import FieldWrites
from connector.store.snapshots import SnapshotWrite

__all__ = ["Batch", "Write"]

Write = Callable[[Connection], object]
"""A write that runs alone, in order, inside the batch's transaction."""


@dataclass
class Batch:
    """Pending state changes; :meth:`apply` writes them in the caller's transaction."""

    flow: str
    run_id: str
    max_attempts: int = 5
    writes: list[Change | Write] = field(default_factory=list)
    """Changes and barrier writes, in the order the flow made them."""
    cursors: dict[str, str] = field(default_factory=dict)
    """Source -> cursor, written after everything else."""

    def __len__(self) -> int:
        return len(self.writes) + len(self.cursors)

    def cursor(self, source: str, value: str) -> None:
        """Move the flow's cursor for ``source`` (applied last, after the rest)."""
        self.cursors[source] = value

    def fingerprint(self, key: str, value: str, target_id: str | None) -> None:
        """Remember the payload pushed for ``key``."""
        self.writes.append(FingerprintWrite(self.flow, key, value, target_id))

    def dead_letter(
        self,
        *,
        key: str,
        system: str,
        entity: str,
        kind: deadletters.DeadLetterKind,
        reason: str,
        error: str,
        payload: Mapping[str, Any],
        waiting: bool = False,
    ) -> None:
        """Dead-letter one record (its row is updated if it failed before)."""
        self.writes.append(
            deadletters.DeadLetterWrite(
                flow=self.flow,
                record_key=key,
                system=system,
                entity=entity,
                kind=kind,
                reason=reason,
                error=error,
                payload=payload,
                run_id=self.run_id,
                max_attempts=self.max_attempts,
                waiting=waiting,
            )
        )

    def release(self, key: str) -> None:
        """The record synced: drop any dead letter it had."""
        self.writes.append(deadletters.Release(self.flow, key))

    def stage_event(self, **kwargs: Any) -> None:
        """Record a stage move (the fields of ``events.StageEvent``)."""
        self.writes.append(StageEvent(run_id=self.run_id, **kwargs))

    def provenance(self, **kwargs: Any) -> None:
        """Log the fields of one write (see :mod:`connector.store.provenance`)."""
        fields = dict(kwargs.pop("fields"))
        self.writes.append(FieldWrites(fields=fields, run_id=self.run_id, **kwargs))

    def snapshot(
        self,
        system: str,
        entity: str,
        record_id: str,
        fields: Mapping[str, Any],
        updated_at: datetime | None,
    ) -> None:
        """Remember a record's native values (pulled or written by us)."""
        self.writes.append(
            SnapshotWrite(system, entity, record_id, dict(fields), updated_at)
        )

    def person(
        self,
        canonical_id: str,
        person: Person,
        *,
        handed_off_at: datetime | None = None,
        reached_mql: bool = False,
    ) -> None:
        """Upsert the canonical person view."""
        self.writes.append(PersonSave(canonical_id, person, handed_off_at, reached_mql))

    def person_stage(self, canonical_id: str, stage: Stage, reason: str | None) -> None:
        """Set the stage of a person already known (nothing if there is none)."""
        self.writes.append(StageSet(canonical_id, stage, reason))

    def deal(self, deal: Deal, canonical_id: str | None, attribution: str) -> None:
        """Upsert the canonical deal view."""
        self.writes.append(DealSave(deal, canonical_id, attribution))

    def link(
        self,
        system: str,
        entity: str,
        external_id: str,
        canonical_id: str,
        rule: str,
        score: float | None = None,
    ) -> None:
        """Link a system id to a canonical person (see ``identity.link``)."""
        self.writes.append(
            LinkWrite(
                system, entity, external_id, canonical_id, rule, score, self.run_id
            )
        )

    def do(self, write: Write) -> None:
        """Any other write that must commit with the batch (merges...)."""
        self.writes.append(write)

    def clear(self) -> None:
        """Forget every pending change (a dry run commits nothing)."""
        self.writes.clear()
        self.cursors.clear()

    def apply(self, conn: Connection) -> None:
        """Write every pending change in bulk, barriers in order, then the cursors."""
        changes: list[Change] = []
        for write in self.writes:
            if callable(write):
                apply_changes(conn, changes)
                changes = []
                write(conn)
            else:
                changes.append(write)
        apply_changes(conn, changes)
        for source, value in self.cursors.items():
            cursors.set_cursor(conn, self.flow, source, value, run_id=self.run_id)
        self.clear()
