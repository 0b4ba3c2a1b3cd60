"""A batch's state changes written table by table, a few statements per table.

A flow's page used to cost a dozen statements per record, each built, compiled
and (on PostgreSQL) sent on its own: that, not the database, was most of a
page's time. :func:`apply_changes` takes the page's changes in the order the
flow made them, groups them by table and hands each table's list, still in
order, to that table's bulk writer, which folds the changes of one key into its
final row exactly as single writes one after the other would have left it.

Changes to different tables never depend on each other (each writer reads only
its own table), so writing them table by table is the same as writing them in
the flow's order. Writes that do depend on other tables (merges) are not
changes: the batch runs them as barriers, between two calls of this function.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

from sqlalchemy import Connection

from connector.store.deadletters import DeadLetterWrite, Release, apply_dead_letters
from connector.store.events import StageEvent, record_stage_events
from connector.store.fingerprints import FingerprintWrite, set_fingerprints
from connector.store.identity import LinkWrite, link_many
from connector.store.people import (
    DealSave,
    PersonSave,
    StageSet,
    save_deals,
    save_persons,
)
from connector.store.provenance import FieldWrites, record_many
from connector.store.snapshots import SnapshotWrite, put_snapshots

__all__ = ["Change", "apply_changes"]

Change: TypeAlias = (
    LinkWrite
    | PersonSave
    | StageSet
    | DealSave
    | SnapshotWrite
    | FingerprintWrite
    | DeadLetterWrite
    | Release
    | StageEvent
    | FieldWrites
)
"""One state change a batch can write in bulk."""

_WRITERS: list[tuple[tuple[type[Any], ...], Callable[[Connection, Any], None]]] = [
    ((LinkWrite,), link_many),
    ((PersonSave, StageSet), save_persons),
    ((DealSave,), save_deals),
    ((SnapshotWrite,), put_snapshots),
    ((FingerprintWrite,), set_fingerprints),
    ((DeadLetterWrite, Release), apply_dead_letters),
    ((StageEvent,), record_stage_events),
    ((FieldWrites,), record_many),
]
"""Each table's change types and bulk writer, in the order the tables are written."""

_TABLE_OF = {kind: i for i, (kinds, _writer) in enumerate(_WRITERS) for kind in kinds}


def apply_changes(conn: Connection, changes: Sequence[Change]) -> None:
    """Write ``changes`` (in flow order) in the caller's transaction, table by table.

    Raises:
        TypeError: a change of a type no table writer takes.
    """
    groups: list[list[Change]] = [[] for _ in _WRITERS]
    for change in changes:
        index = _TABLE_OF.get(type(change))
        if index is None:
            raise TypeError(f"not a state change: {change!r}")
        groups[index].append(change)
    for (_kinds, writer), group in zip(_WRITERS, groups, strict=True):
        if group:
            writer(conn, group)
