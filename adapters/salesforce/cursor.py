"""The Salesforce cursor: one ``(SystemModstamp, Id)`` watermark per sObject.

One entity reads several sObjects (persons = Lead and Contact; deals =
Opportunity and its contact roles), each ordered by its own SystemModstamp, so
the shared versioned cursor of :mod:`adapters.cursor` keeps a watermark per
object in its position::

    {"v": 2, "kind": "salesforce", "at": <oldest object time>, "ids": [],
     "position": {"objects": {"Lead": {"at": ..., "ids": [...], "after_id": ...},
                              "Contact": {...}},
                  "bulk": {"sobject", "job", "locator", "started"}}}

``at`` and ``ids`` of an object are the newest stamp handed out and the ids
handed out at exactly that stamp: the next pull re-reads ``>= at`` and drops
those ids, so rows sharing one second across a page boundary are neither lost
nor repeated (stamps have second precision, §3). When one second holds more
than :data:`SEEN_MAX` rows, only the last id is kept (``after_id``) and the next
pull asks for ``(at, Id) > (at, after_id)`` instead. ``bulk`` is set while a
Bulk API backfill of one object is under way: its job and the locator of the
next result page (§9). The top-level ``at`` is the oldest object watermark, for
``connector cursors show``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from adapters.cursor import VersionedCursor, Watermark, decode_cursor
from connector.errors import CursorError

__all__ = [
    "CURSOR_KIND",
    "SEEN_MAX",
    "BulkState",
    "MarkTracker",
    "ObjectMark",
    "SalesforceCursor",
]

CURSOR_KIND = "salesforce"

SEEN_MAX = 2_000
"""Most ids remembered at one stamp; past that the cursor keeps ``after_id``."""


@dataclass(frozen=True, slots=True)
class ObjectMark:
    """How far one sObject was read: its ``(SystemModstamp, Id)`` watermark."""

    at: datetime | None = None
    ids: frozenset[str] = frozenset()
    after_id: str | None = None

    def is_seen(self, record_id: str, stamp: datetime | None) -> bool:
        """Whether a row re-read at the boundary stamp was handed out already."""
        return Watermark(self.at, self.ids).is_seen(record_id, stamp)

    def to_json(self) -> dict[str, Any]:
        """The stored form."""
        return {
            "at": self.at.isoformat() if self.at else None,
            "ids": sorted(self.ids),
            "after_id": self.after_id,
        }

    @classmethod
    def from_json(cls, data: Any) -> ObjectMark:
        """Read the stored form (ValueError/TypeError when damaged)."""
        if not isinstance(data, dict):
            raise TypeError("an object watermark is not a JSON object")
        at = datetime.fromisoformat(data["at"]) if data.get("at") else None
        after = data.get("after_id")
        return cls(
            at,
            frozenset(str(i) for i in data.get("ids") or ()),
            str(after) if after else None,
        )


class MarkTracker:
    """Moves one object's watermark row by row, in ``SystemModstamp, Id`` order."""

    __slots__ = ("_after", "_at", "_ids", "_last")

    def __init__(self, start: ObjectMark) -> None:
        self._at = start.at
        self._ids = set(start.ids)
        self._after = start.after_id
        self._last = start.after_id

    def advance(self, record_id: str, stamp: datetime | None) -> None:
        """Hand out a row: a newer stamp starts a new boundary, the same adds to it."""
        if stamp is None:
            return
        if self._at is None or stamp > self._at:
            self._at, self._ids, self._after = stamp, {record_id}, None
        elif stamp == self._at:
            self._ids.add(record_id)
        else:
            return
        self._last = record_id

    def snapshot(self) -> ObjectMark:
        """The watermark now; a boundary too big to remember keeps its last id."""
        if self._after is not None or len(self._ids) > SEEN_MAX:
            return ObjectMark(self._at, frozenset(), self._last)
        return ObjectMark(self._at, frozenset(self._ids))


@dataclass(frozen=True, slots=True)
class BulkState:
    """A Bulk API 2.0 backfill of one object, resumable from its next locator."""

    sobject: str
    job: str
    started: datetime
    locator: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The stored form."""
        return {
            "sobject": self.sobject,
            "job": self.job,
            "started": self.started.isoformat(),
            "locator": self.locator,
        }

    @classmethod
    def from_json(cls, data: Any) -> BulkState | None:
        """Read the stored form; None when there is none."""
        if not data:
            return None
        if not isinstance(data, dict):
            raise TypeError("the bulk state is not a JSON object")
        return cls(
            str(data["sobject"]),
            str(data["job"]),
            datetime.fromisoformat(data["started"]),
            str(data["locator"]) if data.get("locator") else None,
        )


@dataclass(frozen=True, slots=True)
class SalesforceCursor:
    """A decoded cursor: a watermark per sObject and any Bulk backfill under way."""

    marks: Mapping[str, ObjectMark] = field(default_factory=dict)
    bulk: BulkState | None = None

    def mark(self, sobject: str) -> ObjectMark:
        """The watermark of ``sobject`` (empty: read it from the start)."""
        return self.marks.get(sobject, ObjectMark())

    def with_mark(self, sobject: str, mark: ObjectMark) -> SalesforceCursor:
        """A copy with one object's watermark replaced."""
        return replace(self, marks={**self.marks, sobject: mark})

    def with_bulk(self, bulk: BulkState | None) -> SalesforceCursor:
        """A copy with the Bulk backfill state set or cleared."""
        return replace(self, bulk=bulk)

    def encode(self) -> str:
        """The text the flow stores."""
        times = [m.at for m in self.marks.values() if m.at is not None]
        oldest = min(times) if times and len(times) == len(self.marks) else None
        position: dict[str, Any] = {
            "objects": {name: m.to_json() for name, m in sorted(self.marks.items())}
        }
        if self.bulk is not None:
            position["bulk"] = self.bulk.to_json()
        return VersionedCursor(CURSOR_KIND, Watermark(oldest), position).encode()

    @classmethod
    def decode(cls, text: str | None, *, where: str) -> SalesforceCursor:
        """Read a stored cursor; an empty one starts from the beginning.

        Raises:
            CursorError: not a Salesforce cursor, or damaged.
        """
        stored = decode_cursor(text, kind=CURSOR_KIND, where=where)
        try:
            objects = dict(stored.position.get("objects") or {})
            marks = {str(k): ObjectMark.from_json(v) for k, v in objects.items()}
            bulk = BulkState.from_json(stored.position.get("bulk"))
        except (KeyError, ValueError, TypeError) as exc:
            raise CursorError(
                f"the stored cursor of {where} is damaged ({exc})",
                hint="start that source again with `connector cursors reset FLOW`",
                context={"source": where},
            ) from None
        return cls(marks, bulk)
