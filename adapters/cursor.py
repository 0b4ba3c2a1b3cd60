"""The one stored cursor format every adapter writes: a versioned watermark.

A cursor is JSON text the flow stores and hands back::

    {"v": 2, "kind": "rest", "at": "<ISO time>" | null, "ids": ["<id>", ...],
     "position": {...}}

``at`` is the newest last-modified time handed out and ``ids`` the records
handed out at exactly that time, so the next pull can re-read ``at``
inclusively (a record updated in the same second but listed later is not lost)
and drop what it already gave. ``position`` holds what only one adapter needs to
resume mid-listing (a page token, a file checksum and line). ``kind`` names the
adapter, so a cursor left by another adapter is refused instead of misread.

Cursors written before this format (HubSpot's ``v: 1``, REST's unversioned
``since``/``ids``, CSV's raw dicts) are read by each adapter's
:data:`LegacyReader`; the next committed page stores the current format.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, TypeAlias

from connector.errors import CursorError

__all__ = [
    "CURSOR_VERSION",
    "LegacyReader",
    "VersionedCursor",
    "Watermark",
    "WatermarkTracker",
    "decode_cursor",
    "describe_cursor",
]

CURSOR_VERSION = 2
"""The version :meth:`VersionedCursor.encode` writes; 1 was HubSpot's own."""


@dataclass(frozen=True, slots=True)
class Watermark:
    """The newest time handed out and the ids handed out at exactly that time."""

    at: datetime | None = None
    ids: frozenset[str] = frozenset()

    def is_seen(self, record_id: str, updated: datetime | None) -> bool:
        """Whether a record re-read at the boundary was already handed out."""
        return updated is not None and updated == self.at and record_id in self.ids


class WatermarkTracker:
    """Moves a watermark record by record while a page is read.

    Mutable on purpose: thousands of records at one timestamp (a bulk import)
    would otherwise copy a growing id set per record.
    """

    __slots__ = ("_at", "_ids")

    def __init__(self, start: Watermark | None = None) -> None:
        start = start or Watermark()
        self._at = start.at
        self._ids = set(start.ids)

    def advance(self, record_id: str, updated: datetime | None) -> None:
        """Hand out ``record_id``: a newer time replaces the boundary ids.

        The same time adds to them; an older time (or none) changes nothing.
        """
        if updated is None:
            return
        if self._at is None or updated > self._at:
            self._at, self._ids = updated, {record_id}
        elif updated == self._at:
            self._ids.add(record_id)

    def snapshot(self) -> Watermark:
        """The watermark as it is now (pages store it as it was after them)."""
        return Watermark(self._at, frozenset(self._ids))


@dataclass(frozen=True, slots=True)
class VersionedCursor:
    """A decoded cursor: whose it is, its watermark and adapter-specific position."""

    kind: str
    mark: Watermark = field(default_factory=Watermark)
    position: Mapping[str, Any] = field(default_factory=dict)
    version: int = CURSOR_VERSION

    def encode(self) -> str:
        """The text the flow stores (always the current version)."""
        data = {
            "v": CURSOR_VERSION,
            "kind": self.kind,
            "at": self.mark.at.isoformat() if self.mark.at else None,
            "ids": sorted(self.mark.ids),
            "position": dict(self.position),
        }
        return json.dumps(data, sort_keys=True, ensure_ascii=False)

    def moved(self, mark: Watermark | None = None, **position: Any) -> VersionedCursor:
        """A copy with a new watermark and/or position keys replaced."""
        return replace(
            self,
            mark=self.mark if mark is None else mark,
            position={**self.position, **position},
            version=CURSOR_VERSION,
        )


LegacyReader: TypeAlias = Callable[[dict[str, Any]], VersionedCursor | None]
"""Reads one adapter's pre-version-2 cursor JSON; None when it is not one."""

_RESET_HINT = (
    "start that source again with `connector cursors reset FLOW` "
    "(`connector cursors show` lists the flows and their cursors)"
)


def decode_cursor(
    text: str | None,
    *,
    kind: str,
    where: str,
    legacy: LegacyReader | None = None,
) -> VersionedCursor:
    """Read a stored cursor of adapter ``kind``; an empty one starts from scratch.

    Args:
        text: the stored cursor, or None/empty for "from the beginning".
        kind: the adapter that must have written it.
        where: the source it belongs to (``sfa.persons``), for the error.
        legacy: reader of the adapter's older cursor shapes.

    Raises:
        CursorError: the text is not JSON, was written by another adapter, or has
            a version this connector does not know.
    """
    if not text:
        return VersionedCursor(kind)
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise _error(f"is not a {kind} adapter cursor: {text[:80]!r}", where)
    if data.get("v") == CURSOR_VERSION and "kind" in data:
        if data["kind"] != kind:
            raise _error(
                f"was written by the {data['kind']} adapter, not the {kind} one",
                where,
            )
        return _current(data, kind=kind, where=where)
    if isinstance(data.get("v"), int) and data["v"] > CURSOR_VERSION:
        raise _error(
            f"has version {data['v']}, newer than this connector's "
            f"{CURSOR_VERSION}; upgrade the connector",
            where,
        )
    try:
        old = legacy(data) if legacy is not None else None
    except (ValueError, TypeError, KeyError, AttributeError):
        old = None
    if old is None:
        raise _error(f"is not a {kind} adapter cursor: {text[:80]!r}", where)
    return old


def _current(data: dict[str, Any], *, kind: str, where: str) -> VersionedCursor:
    position = data.get("position") or {}
    if not isinstance(position, dict):
        raise _error("is damaged (its position is not an object)", where)
    try:
        at = datetime.fromisoformat(data["at"]) if data.get("at") else None
        ids = frozenset(str(i) for i in data.get("ids") or ())
    except (ValueError, TypeError) as exc:
        raise _error(f"is damaged ({exc})", where) from None
    return VersionedCursor(kind, Watermark(at, ids), position)


def _error(problem: str, where: str) -> CursorError:
    return CursorError(
        f"the stored cursor of {where} {problem}",
        hint=_RESET_HINT,
        context={"source": where},
    )


def describe_cursor(text: str) -> dict[str, Any]:
    """A stored cursor as plain data for ``connector cursors show`` and status.

    Never raises: a cursor of an older format shows its raw JSON with
    ``"v": "legacy"``, and text that is not JSON shows as ``{"raw": text}``.
    """
    try:
        data = json.loads(text)
    except ValueError:
        return {"raw": text}
    if not isinstance(data, dict):
        return {"raw": text}
    if data.get("v") != CURSOR_VERSION:
        return {"v": "legacy", **data}
    return data
