"""Reading contacts and deals: incremental by search, backfill by list, deletions.

Incremental pulls use the search endpoint sorted by the last-modified property
(``lastmodifieddate`` on contacts, ``hs_lastmodifieddate`` on deals: the wrong one
silently returns nothing). Every page is a new query from the last stamp reached
(keyset paging), never an offset: the flow writes back to records while it reads,
which moves them to a later stamp, and an offset into a set that loses records
skips the ones sliding into the part already read. Keyset paging also never meets
search's 10,000-result cap. When one stamp fills a whole page (a bulk edit gives
thousands of records one timestamp) that stamp is read by ``hs_object_id``, again
keyset. Search lags writes, so each pull starts ``lookback_seconds`` before the
cursor. Backfills use the list endpoint, which has neither the cap nor the lag,
and so do large catch-ups (:mod:`adapters.hubspot.catch_up`). A catch-up of
several search pages runs ``max_in_flight`` time slices at once
(:mod:`adapters.hubspot.search_slices`), and every pull reads
``read_ahead_pages`` ahead of the flow (:mod:`adapters.hubspot.read_ahead`).

Cursor: the shared versioned form of :mod:`adapters.cursor`. Its watermark is
the last-modified time reached (``ts``, epoch ms) and the records at exactly that
time already handed out (``seen``), which the inclusive re-read of that timestamp
drops (at most :data:`SEEN_MAX` of them). Its position holds ``tie_id``, set while
reading the records of one timestamp by id, ``after``, set while a backfill
is under way, and ``until``, set while a catch-up by list is (see there).
Cursors of the older ``{"v": 1, "ts", "tie_id", "after", "seen"}`` form still
load.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.cursor import VersionedCursor, Watermark, decode_cursor
from adapters.hubspot import catch_up, search_slices
from adapters.hubspot.client import HubSpotClient
from adapters.hubspot.dates import parse_timestamp, to_epoch_ms
from adapters.hubspot.paths import ObjectType, api_path
from adapters.hubspot.read_ahead import read_ahead, without
from adapters.hubspot.settings import HubSpotSettings
from adapters.protocol import Cursor, Entity, Page, Record

__all__ = [
    "MODIFIED_PROPERTY",
    "PullCursor",
    "Puller",
    "to_record",
]

SEEN_MAX = 1_000
"""Most ids a cursor remembers at its timestamp; past that they are re-read."""

MODIFIED_PROPERTY: dict[ObjectType, str] = {
    "contacts": "lastmodifieddate",
    "deals": "hs_lastmodifieddate",
    "companies": "hs_lastmodifieddate",
}


@dataclass(frozen=True, slots=True)
class PullCursor:
    """The decoded cursor (see the module docstring for the JSON form)."""

    ts: int = 0
    tie_id: str | None = None
    after: str | None = None
    seen: tuple[str, ...] = ()
    until: int | None = None

    def encode(self) -> Cursor:
        """The cursor as stored by the flow."""
        at = _EPOCH + timedelta(milliseconds=self.ts) if self.ts else None
        mark = Watermark(at, frozenset(self.seen))
        position: dict[str, Any] = {"tie_id": self.tie_id, "after": self.after}
        if self.until is not None:
            position["until"] = self.until
        return VersionedCursor(CURSOR_KIND, mark, position).encode()

    @classmethod
    def decode(cls, cursor: Cursor | None, system: str) -> PullCursor:
        """Parse a stored cursor; an empty one starts from the beginning.

        Raises:
            CursorError: the cursor is not one this adapter wrote.
        """
        if not cursor:
            return cls()
        stored = decode_cursor(cursor, kind=CURSOR_KIND, where=system, legacy=_v1)
        at = stored.mark.at
        ts = (at - _EPOCH) // timedelta(milliseconds=1) if at else 0
        until = stored.position.get("until")
        return cls(
            ts,
            stored.position.get("tie_id"),
            stored.position.get("after"),
            tuple(sorted(stored.mark.ids)),
            int(until) if until is not None else None,
        )


CURSOR_KIND = "hubspot"

HANDLED_FIRST = Page([], None)
"""Yielded between a list and the search after it: reading ahead waits there
until the flow is done with the list's last page, so the search sees that
page's write-backs (and a backfill ends with no echo left for the next run)."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _v1(data: dict[str, Any]) -> VersionedCursor | None:
    """HubSpot's own version 1: ``{"v": 1, "ts", "tie_id", "after", "seen"}``."""
    if data.get("v") != 1:
        return None
    old = PullCursor(
        int(data["ts"]),
        data.get("tie_id"),
        data.get("after"),
        tuple(str(i) for i in data.get("seen") or ()),
    )
    at = _EPOCH + timedelta(milliseconds=old.ts) if old.ts else None
    return VersionedCursor(
        CURSOR_KIND,
        Watermark(at, frozenset(old.seen)),
        {"tie_id": old.tie_id, "after": old.after},
        version=1,
    )


def to_record(
    system: str, entity: Entity, obj: dict[str, Any], modified: str
) -> Record:
    """Turn a HubSpot object into a Record with its native (string) properties."""
    props: dict[str, Any] = dict(obj.get("properties") or {})
    stamp = props.get(modified) or obj.get("updatedAt")
    merged = props.get("hs_merged_object_ids") or ""
    return Record(
        system=system,
        entity=entity,
        id=str(obj["id"]),
        fields=props,
        updated_at=parse_timestamp(stamp),
        deleted=bool(obj.get("archived")),
        merged_ids=tuple(i for i in str(merged).split(";") if i),
        location=f"hubspot:{entity}/{obj['id']}",
    )


class Puller:
    """Pulls one object type page by page through a :class:`HubSpotClient`."""

    def __init__(
        self,
        client: HubSpotClient,
        *,
        entity: Entity,
        object_type: ObjectType,
        properties: tuple[str, ...],
        wall_clock: Callable[[], float],
    ) -> None:
        self.client = client
        self.entity = entity
        self.object_type = object_type
        self.modified = MODIFIED_PROPERTY[object_type]
        extra: tuple[str, ...] = ("hs_object_id", self.modified)
        if object_type == "contacts":
            extra += ("hs_merged_object_ids",)
        # Only what the mappings need, plus what the cursor and merges rely on.
        self.properties = tuple(dict.fromkeys((*properties, *extra)))
        self._wall = wall_clock
        self._settings = client.settings

    @property
    def settings(self) -> HubSpotSettings:
        """The adapter settings (page sizes, limits, catch-up threshold)."""
        return self._settings

    def wall_ms(self) -> int:
        """Epoch milliseconds now, by the adapter's wall clock."""
        return int(self._wall() * 1000)

    def record(self, obj: dict[str, Any]) -> Record:
        """The Record of one HubSpot object."""
        return to_record(self.client.name, self.entity, obj, self.modified)

    def stamp(self, obj: dict[str, Any]) -> int:
        """An object's last-modified time in epoch ms (0 when it has none)."""
        return self._stamp(obj)

    def _stamp(self, obj: dict[str, Any]) -> int:
        moment = parse_timestamp(
            (obj.get("properties") or {}).get(self.modified) or obj.get("updatedAt")
        )
        return to_epoch_ms(moment) if moment else 0

    # -- incremental (search) ------------------------------------------------------

    def incremental(self, cursor: Cursor | None) -> Iterator[Page]:
        """Pages of records changed since the cursor, then deletions since then.

        A large catch-up (or none, with no cursor) may be read through the list
        endpoint instead (:mod:`adapters.hubspot.catch_up`). Pages are fetched
        ``read_ahead_pages`` ahead of the caller in a thread.
        """
        return self._ahead(lambda: self._incremental(cursor))

    def _ahead(self, produce: Callable[[], Iterator[Page]]) -> Iterator[Page]:
        depth = self._settings.read_ahead_pages
        if depth == 0:
            return without(produce(), HANDLED_FIRST)
        # A request in flight ends within its timeout; wait that long at most.
        wait = self._settings.limits.timeout + 5
        return read_ahead(
            [produce], depth=depth, join_timeout=wait, barrier=HANDLED_FIRST
        )

    def _incremental(self, cursor: Cursor | None) -> Iterator[Page]:
        state = PullCursor.decode(cursor, self.client.name)
        if state.until is not None:
            # A catch-up by list was under way (or its search part was).
            yield from catch_up.resume(self, state)
            return
        if state.after is not None:
            # A backfill was interrupted: finish it before searching.
            yield from self._full(cursor)
            return
        since = self.since(state)
        if state.tie_id is not None and self._settings.lookback_seconds == 0:
            last = state
            for page in self._tie_phase(state.ts, state.tie_id):
                last = PullCursor.decode(page.cursor, self.client.name)
                yield page
            for page in self.time_phase(state.ts, strict=True):
                last = PullCursor.decode(page.cursor, self.client.name)
                yield page
            yield from self._archived(since, last)
            return
        if state == PullCursor() and catch_up.enabled(self):
            yield from catch_up.by_list(self, state)
            return
        first = self.search_from(since)
        if catch_up.worth_listing(self, first[1]):
            yield from catch_up.by_list(self, state)
            return
        yield from self.searched(since, state, first=first)

    def since(self, state: PullCursor) -> int:
        """Where an incremental read of ``state`` starts: the cursor less lookback."""
        return max(state.ts - self._settings.lookback_seconds * 1000, 0)

    def searched(
        self,
        low: int,
        state: PullCursor,
        *,
        first: tuple[list[dict[str, Any]], int] | None = None,
        last: PullCursor | None = None,
    ) -> Iterator[Page]:
        """Changed records from ``low`` by search, then deletions since ``low``.

        ``state`` is the stored cursor, whose boundary ids are dropped when
        re-read; ``first`` is the first page's answer when it was already read;
        ``last`` the cursor to leave when nothing is found.
        """
        last = last or state
        seen = (state.ts, state.seen)
        for page in search_slices.time_slices(self, low, seen=seen, first=first):
            last = PullCursor.decode(page.cursor, self.client.name)
            yield page
        yield from self._archived(low, last)

    def _filters(self, low: int, operator: str = "GTE") -> list[dict[str, str]]:
        name = self.modified
        return [{"propertyName": name, "operator": operator, "value": str(low)}]

    def _search(self, body: dict[str, Any]) -> dict[str, Any]:
        path = api_path("search", self._settings.api_version, self.object_type)
        response = self.client.request("POST", path, json=body, search=True)
        result: dict[str, Any] = self.client.expect(
            response, (200,), f"search {self.object_type}"
        )
        return result

    def _query(
        self, filters: list[dict[str, str]], sort: str
    ) -> tuple[list[dict[str, Any]], int]:
        """One search from the first result (keyset paging never uses offsets).

        Returns the page and the ``total`` of matches HubSpot reports.
        """
        body = {
            "filterGroups": [{"filters": filters}],
            "sorts": [{"propertyName": sort, "direction": "ASCENDING"}],
            "properties": list(self.properties),
            "limit": self._settings.search_page_size,
            "after": "0",
        }
        answer = self._search(body)
        results = list(answer.get("results") or [])
        return results, int(answer.get("total") or len(results))

    def search_from(self, low: int) -> tuple[list[dict[str, Any]], int]:
        """The first page of records stamped ``low`` or later, and their total."""
        return self._query(self._filters(low), self.modified)

    def portal_size(self) -> int:
        """How many live records of this type the portal holds (one search)."""
        body = {
            "filterGroups": [],
            "properties": ["hs_object_id"],
            "limit": 1,
            "after": "0",
        }
        return int(self._search(body).get("total") or 0)

    def time_phase(
        self,
        low: int,
        *,
        strict: bool = False,
        seen: tuple[int, tuple[str, ...]] = (0, ()),
        high: int | None = None,
        first: list[dict[str, Any]] | None = None,
    ) -> Iterator[Page]:
        """Search by last-modified time, each page a new query from the last stamp.

        Offsets are never used: the flow writes back to records as it reads them,
        which moves them to a later stamp, and an offset into a result set that
        loses records skips the ones that slide into the read part. So each page
        asks again from the last stamp reached (inclusive) and drops what it
        already handed out at that stamp. A page made only of one stamp (more
        records share it than a page holds) is read by id in the tie phase.
        ``seen`` is the stored cursor's stamp and the ids handed out at it;
        ``high`` an exclusive upper stamp (one time slice of a catch-up);
        ``first`` the answer to the first query when it was already read.
        """
        size = self._settings.search_page_size
        at, handed = seen[0], set(seen[1])
        operator = "GT" if strict else "GTE"
        while True:
            if first is not None:
                objects, first = first, None
            else:
                filters = self._filters(low, operator)
                if high is not None:
                    filters += self._filters(high, "LT")
                objects, _ = self._query(filters, self.modified)
            if not objects:
                return
            stamps = [self._stamp(o) for o in objects]
            if len(objects) == size and stamps[0] == stamps[-1]:
                # One stamp fills the page: read all of it by id, then go past it.
                yield from self._tie_phase(stamps[0], None)
                low, operator = stamps[0], "GT"
                at, handed = stamps[0], set()
                continue
            top = stamps[-1]
            fresh = [
                o
                for o, stamp in zip(objects, stamps, strict=True)
                if not (stamp == at and str(o.get("id")) in handed)
            ]
            if top != at:
                at, handed = top, set()
            handed.update(
                str(o.get("id"))
                for o, stamp in zip(objects, stamps, strict=True)
                if stamp == top
            )
            remembered = tuple(sorted(handed)) if len(handed) <= SEEN_MAX else ()
            if fresh:
                yield Page(
                    [self.record(o) for o in fresh],
                    PullCursor(top, seen=remembered).encode(),
                )
            if len(objects) < size:
                return
            # The page spans stamps, so records after ``at`` are in it: progress.
            low, operator = top, "GTE"

    def _tie_phase(self, stamp: int, after_id: str | None) -> Iterator[Page]:
        """Every record whose last-modified equals ``stamp``, by ascending id.

        Keyset paging on the id: each page asks for ids above the last one read,
        so records leaving the stamp meanwhile (written back) skip nothing.
        """
        size = self._settings.search_page_size
        last_id = after_id or "0"
        while True:
            filters = [
                {"propertyName": self.modified, "operator": "EQ", "value": str(stamp)},
                {"propertyName": "hs_object_id", "operator": "GT", "value": last_id},
            ]
            objects, _ = self._query(filters, "hs_object_id")
            if not objects:
                return
            last_id = str(objects[-1]["id"])
            yield Page(
                [self.record(o) for o in objects],
                PullCursor(stamp, last_id).encode(),
            )
            if len(objects) < size:
                return

    def _archived(self, since: int, last: PullCursor) -> Iterator[Page]:
        """Records archived since ``since``: search never shows deletions."""
        for objects, _ in self.list_pages(archived=True, after=None):
            deleted = []
            for obj in objects:
                moment = parse_timestamp(obj.get("archivedAt") or obj.get("updatedAt"))
                if moment is not None and to_epoch_ms(moment) >= since:
                    deleted.append(self.record(obj))
            if deleted:
                yield Page(deleted, last.encode())

    # -- full (list) -----------------------------------------------------------------

    def list_pages(
        self, *, archived: bool, after: str | None
    ) -> Iterator[tuple[list[dict[str, Any]], str | None]]:
        """Raw list pages from ``after``, each with the token of the next one."""
        path = api_path("objects", self._settings.api_version, self.object_type)
        while True:
            params: dict[str, Any] = {
                "limit": self._settings.list_page_size,
                "properties": ",".join(self.properties),
                "archived": "true" if archived else "false",
            }
            if after:
                params["after"] = after
            response = self.client.request("GET", path, params=params)
            result = self.client.expect(response, (200,), f"list {self.object_type}")
            after = ((result.get("paging") or {}).get("next") or {}).get("after")
            yield result.get("results") or [], after
            if not after:
                return

    def full(self, cursor: Cursor | None) -> Iterator[Page]:
        """Every live record by the list endpoint (no 10,000 cap, no index lag).

        The list is a snapshot begun at the backfill's start. What changed while
        it ran (the flow's own write-backs included) is then read by search from
        that start, so a backfill ends caught up and its final cursor is where
        the next incremental pull begins: that pull reads only what changed since.
        """
        return self._ahead(lambda: self._full(cursor))

    def _full(self, cursor: Cursor | None) -> Iterator[Page]:
        state = PullCursor.decode(cursor, self.client.name)
        started = state.ts if state.after else self.wall_ms()
        for objects, after in self.list_pages(archived=False, after=state.after):
            yield Page(
                [self.record(o) for o in objects],
                PullCursor(started, None, after).encode(),
            )
        yield HANDLED_FIRST
        yield from self._incremental(PullCursor(started).encode())
