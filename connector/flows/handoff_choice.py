"""Which MA record of a person the handoff sends, when marketing has it twice.

Marketing systems hold one person in several records (two form fills, an
import); the matcher links them to one canonical person and sales must get one
lead carrying the newest values. Two rules decide, and both must hold on a
replay exactly as on the first run, or a replay would push stale values:

- within a page, the most recently updated record is the candidate, and it is
  chosen before "unchanged" is decided, so an unchanged newer record still
  hides its older twin;
- across pages, a record older than a twin already handed off for the same
  person is skipped: the lead already carries newer values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from adapters.protocol import Record
from connector.flows.keys import record_key
from connector.flows.page_reads import PageReads
from connector.flows.resolve import Resolution
from connector.records import Person
from connector.store import fingerprints

__all__ = ["PendingLead", "newest_per_person", "superseded"]

_NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass
class PendingLead:
    """One SFA write a qualified MA record would make."""

    record: Record
    person: Person
    resolution: Resolution
    fields: dict[str, Any]
    fingerprint: str
    handed_off_before: bool
    target: str | None
    unchanged: bool
    """The target already has these values (or they were sent before)."""
    twins: list[tuple[str, str]]
    """(record key, fingerprint) of older records of the person in this page."""
    current: dict[str, Any] | None = None
    """The target's last known native values (the dry run's "from" side)."""

    @property
    def key(self) -> str:
        """The record key of the MA record (fingerprints, dead letters)."""
        return record_key("ma", self.record.id)

    @property
    def updated_at(self) -> datetime:
        """When marketing last changed the record (never, if it does not say)."""
        return self.record.updated_at or _NEVER


def newest_per_person(
    items: Iterable[PendingLead], counts: Counter[str]
) -> list[PendingLead]:
    """Keep the newest record per canonical person; older ones become its twins.

    On equal update times the later record in the page wins, as the source
    listed it last. Order is that of each person's first record in the page.
    """
    chosen: dict[str, PendingLead] = {}
    for item in items:
        canonical = item.resolution.canonical_id
        other = chosen.get(canonical)
        if other is None:
            chosen[canonical] = item
            continue
        counts["duplicates_in_source"] += 1
        newer, older = (
            (item, other) if item.updated_at >= other.updated_at else (other, item)
        )
        newer.twins = [*newer.twins, *older.twins, (older.key, older.fingerprint)]
        older.twins = []
        chosen[canonical] = newer
    return list(chosen.values())


def superseded(
    conn: Connection, flow: str, reads: PageReads, items: list[PendingLead]
) -> dict[str, str]:
    """Items an already handed-off, newer MA record of the same person outdates.

    Returns record key -> the newer twin's key. A twin counts when this flow
    pushed it (it has a fingerprint) and its stored snapshot is newer than the
    item; the page's own records are compared by :func:`newest_per_person`.
    """
    in_page = {item.record.id for item in items}
    siblings: dict[str, list[str]] = {}
    for item in items:
        ids = reads.person_ids(conn, item.resolution.canonical_id, "ma")
        siblings[item.key] = [i for i in ids if i not in in_page]
    wanted = sorted({i for ids in siblings.values() for i in ids})
    if not wanted:
        return {}
    sent = fingerprints.get_fingerprints(
        conn, flow, [record_key("ma", i) for i in wanted]
    )
    reads.load_snapshots(conn, "ma", "persons", wanted)
    result: dict[str, str] = {}
    for item in items:
        for sibling in siblings[item.key]:
            snapshot = reads.snapshot(conn, "ma", "persons", sibling)
            if record_key("ma", sibling) not in sent or snapshot is None:
                continue
            if (snapshot[1] or _NEVER) > item.updated_at:
                result[item.key] = record_key("ma", sibling)
                break
    return result
