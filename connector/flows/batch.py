"""The state changes of one batch, written in one transaction after its pushes.

Flows collect everything a batch changes here (cursor, identity links,
fingerprints, dead letters, stage events, provenance, snapshots) and commit it at
once, so a crash either keeps all of it or none: the next run then replays the
batch, and fingerprints plus keyed upserts make the replay harmless.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from connector.store import (
    cursors,
    deadletters,
    events,
    fingerprints,
    people,
    provenance,
    snapshots,
)

__all__ = ["Batch"]

Write = Callable[[Connection], object]


@dataclass
class Batch:
    """Pending state changes; :meth:`apply` writes them in the caller's transaction."""

    flow: str
    run_id: str
    max_attempts: int = 5
    writes: list[Write] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.writes)

    def cursor(self, source: str, value: str) -> None:
        """Move the flow's cursor for ``source`` (applied last, after the rest)."""
        self.writes.append(
            lambda c: cursors.set_cursor(
                c, self.flow, source, value, run_id=self.run_id
            )
        )

    def fingerprint(self, key: str, value: str, target_id: str | None) -> None:
        """Remember the payload pushed for ``key``."""
        self.writes.append(
            lambda c: fingerprints.set_fingerprint(c, self.flow, key, value, target_id)
        )

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
    ) -> None:
        """Dead-letter one record (its row is updated if it failed before)."""
        self.writes.append(
            lambda c: deadletters.add_dead_letter(
                c,
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
            )
        )

    def release(self, key: str) -> None:
        """The record synced: drop any dead letter it had."""
        self.writes.append(lambda c: deadletters.release_dead_letter(c, self.flow, key))

    def stage_event(self, **kwargs: Any) -> None:
        """Record a stage move (arguments of ``events.record_stage_event``)."""
        self.writes.append(
            lambda c: events.record_stage_event(c, run_id=self.run_id, **kwargs)
        )

    def provenance(self, **kwargs: Any) -> None:
        """Log the fields of one write (see :mod:`connector.store.provenance`)."""
        self.writes.append(
            lambda c: provenance.record_writes(c, run_id=self.run_id, **kwargs)
        )

    def snapshot(
        self,
        system: str,
        entity: str,
        record_id: str,
        fields: Mapping[str, Any],
        updated_at: datetime | None,
    ) -> None:
        """Remember a record's native values (pulled or written by us)."""
        values = dict(fields)
        self.writes.append(
            lambda c: snapshots.put_snapshot(
                c, system, entity, record_id, values, updated_at
            )
        )

    def person(self, canonical_id: str, person: Any, **kwargs: Any) -> None:
        """Upsert the canonical person view."""
        self.writes.append(
            lambda c: people.save_person(c, canonical_id, person, **kwargs)
        )

    def deal(self, deal: Any, canonical_id: str | None, attribution: str) -> None:
        """Upsert the canonical deal view."""
        self.writes.append(
            lambda c: people.save_deal(c, deal, canonical_id, attribution)
        )

    def do(self, write: Write) -> None:
        """Any other write that must commit with the batch (identity links...)."""
        self.writes.append(write)

    def apply(self, conn: Connection) -> None:
        """Run every pending write in order, then forget them."""
        for write in self.writes:
            write(conn)
        self.writes.clear()
