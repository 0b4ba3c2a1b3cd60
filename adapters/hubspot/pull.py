"""Reading contacts and deals: incremental by search, backfill by list, deletions.

Incremental pulls use the search endpoint sorted by the last-modified property
(``lastmodifieddate`` on contacts, ``hs_lastmodifieddate`` on deals: the wrong one
silently returns nothing). Search stops at 10,000 results per query, so when a query
reaches the cap the pull reads every record of the boundary timestamp by
``hs_object_id`` (restarting by id every 10,000) and then carries on strictly after
that timestamp. That also covers a bulk edit giving more than 10,000 records one
timestamp. Search lags writes, so each pull starts ``lookback_seconds`` before the
cursor. Backfills use the list endpoint, which has neither the cap nor the lag.

Cursor format (JSON text, opaque to the flow)::

    {"v": 1, "ts": <epoch ms>, "tie_id": "<id>" | null, "after": "<list token>" | null,
     "seen": ["<id>", ...]}

``ts`` is the last-modified time reached; ``tie_id`` is set while reading the
records of one timestamp by id; ``after`` is set while a backfill is under way;
``seen`` (optional) lists records at exactly ``ts`` already handed out, which the
inclusive re-read of that timestamp drops (at most :data:`SEEN_MAX` of them).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from adapters.hubspot.client import HubSpotClient
from adapters.hubspot.dates import parse_timestamp, to_epoch_ms
from adapters.hubspot.paths import ObjectType, api_path
from adapters.protocol import Cursor, Entity, Page, Record
from connector.errors import ConfigError

__all__ = [
    "MODIFIED_PROPERTY",
    "SEARCH_CAP",
    "PullCursor",
    "Puller",
    "to_record",
]

SEARCH_CAP = 10_000
"""HubSpot answers 400 to a search page beyond this many results."""

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

    def encode(self) -> Cursor:
        """The cursor as stored by the flow."""
        data: dict[str, Any] = {
            "v": 1,
            "ts": self.ts,
            "tie_id": self.tie_id,
            "after": self.after,
        }
        if self.seen:
            data["seen"] = list(self.seen)
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def decode(cls, cursor: Cursor | None, system: str) -> PullCursor:
        """Parse a stored cursor; an empty one starts from the beginning.

        Raises:
            ConfigError: the cursor is not one this adapter wrote.
        """
        if not cursor:
            return cls()
        try:
            data = json.loads(cursor)
            seen = tuple(str(i) for i in data.get("seen") or ())
            return cls(int(data["ts"]), data.get("tie_id"), data.get("after"), seen)
        except (ValueError, KeyError, TypeError):
            raise ConfigError(
                f"stored cursor {cursor[:80]!r} is not a HubSpot adapter cursor",
                hint="reset the flow's cursor (or run a full pull) to start over",
                context={"system": system},
            ) from None


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

    def _record(self, obj: dict[str, Any]) -> Record:
        return to_record(self.client.name, self.entity, obj, self.modified)

    def _stamp(self, obj: dict[str, Any]) -> int:
        moment = parse_timestamp(
            (obj.get("properties") or {}).get(self.modified) or obj.get("updatedAt")
        )
        return to_epoch_ms(moment) if moment else 0

    # -- incremental (search) ------------------------------------------------------

    def incremental(self, cursor: Cursor | None) -> Iterator[Page]:
        """Pages of records changed since the cursor, then deletions since then."""
        state = PullCursor.decode(cursor, self.client.name)
        if state.after is not None:
            # A backfill was interrupted: finish it before searching.
            yield from self.full(cursor)
            return
        lookback = self._settings.lookback_seconds * 1000
        since = max(state.ts - lookback, 0)
        last = state
        if state.tie_id is not None and lookback == 0:
            for page in self._tie_phase(state.ts, state.tie_id):
                last = PullCursor.decode(page.cursor, self.client.name)
                yield page
            low, strict = state.ts, True
        else:
            low, strict = since, False
        skip = (state.ts, frozenset(state.seen))
        while True:
            boundary = None
            for page, capped_at in self._time_phase(low, strict, skip):
                if page.records:
                    last = PullCursor.decode(page.cursor, self.client.name)
                    yield page
                boundary = capped_at
            if boundary is None:
                break
            for page in self._tie_phase(boundary, None):
                last = PullCursor.decode(page.cursor, self.client.name)
                yield page
            last = PullCursor(boundary)
            low, strict = boundary, True
        yield from self._archived(since, last)

    def _search(self, body: dict[str, Any]) -> dict[str, Any]:
        path = api_path("search", self._settings.api_version, self.object_type)
        response = self.client.request("POST", path, json=body, search=True)
        result: dict[str, Any] = self.client.expect(
            response, (200,), f"search {self.object_type}"
        )
        return result

    def _time_phase(
        self,
        low: int,
        strict: bool,
        skip: tuple[int, frozenset[str]] = (0, frozenset()),
    ) -> Iterator[tuple[Page, int | None]]:
        """Search sorted by last-modified; report the boundary if the cap is hit.

        Records at exactly ``skip[0]`` whose ids are in ``skip[1]`` were handed
        out by the run that stored the cursor: they are dropped, not re-sent.
        """
        size = self._settings.search_page_size
        offset = 0
        seen: list[str] = []
        seen_at = -1
        while True:
            body = {
                "filterGroups": [
                    {
                        "filters": [
                            {
                                "propertyName": self.modified,
                                "operator": "GT" if strict else "GTE",
                                "value": str(low),
                            }
                        ]
                    }
                ],
                "sorts": [{"propertyName": self.modified, "direction": "ASCENDING"}],
                "properties": list(self.properties),
                "limit": size,
                "after": str(offset),
            }
            result = self._search(body)
            objects = result.get("results") or []
            stamps = [self._stamp(o) for o in objects]
            records = [
                self._record(o)
                for o, stamp in zip(objects, stamps, strict=True)
                if not (stamp == skip[0] and str(o.get("id")) in skip[1])
            ]
            top = stamps[-1] if objects else low
            if top != seen_at:
                seen, seen_at = [], top
                if top == skip[0]:
                    seen = sorted(skip[1])
            seen.extend(
                str(o.get("id"))
                for o, stamp in zip(objects, stamps, strict=True)
                if stamp == top
            )
            remembered = tuple(dict.fromkeys(seen)) if len(seen) <= SEEN_MAX else ()
            page = Page(records, PullCursor(top, seen=remembered).encode())
            nxt = ((result.get("paging") or {}).get("next") or {}).get("after")
            if not nxt:
                yield page, None
                return
            offset = int(nxt)
            if offset + size > SEARCH_CAP:
                # The next page would pass 10,000: restart from this timestamp.
                yield page, top
                return
            yield page, None

    def _tie_phase(self, stamp: int, after_id: str | None) -> Iterator[Page]:
        """Every record whose last-modified equals ``stamp``, by ascending id."""
        size = self._settings.search_page_size
        last_id = after_id or "0"
        while True:
            # The query stays fixed while paging by offset; only a restart moves it.
            floor = last_id
            offset = 0
            while True:
                body = {
                    "filterGroups": [
                        {
                            "filters": [
                                {
                                    "propertyName": self.modified,
                                    "operator": "EQ",
                                    "value": str(stamp),
                                },
                                {
                                    "propertyName": "hs_object_id",
                                    "operator": "GT",
                                    "value": floor,
                                },
                            ]
                        }
                    ],
                    "sorts": [
                        {"propertyName": "hs_object_id", "direction": "ASCENDING"}
                    ],
                    "properties": list(self.properties),
                    "limit": size,
                    "after": str(offset),
                }
                result = self._search(body)
                objects = result.get("results") or []
                if not objects:
                    return
                last_id = str(objects[-1]["id"])
                yield Page(
                    [self._record(o) for o in objects],
                    PullCursor(stamp, last_id).encode(),
                )
                nxt = ((result.get("paging") or {}).get("next") or {}).get("after")
                if not nxt:
                    return
                offset = int(nxt)
                if offset + size > SEARCH_CAP:
                    break  # restart the id query after last_id

    def _archived(self, since: int, last: PullCursor) -> Iterator[Page]:
        """Records archived since ``since``: search never shows deletions."""
        for objects, _ in self._list_pages(archived=True, after=None):
            deleted = []
            for obj in objects:
                moment = parse_timestamp(obj.get("archivedAt") or obj.get("updatedAt"))
                if moment is not None and to_epoch_ms(moment) >= since:
                    deleted.append(self._record(obj))
            if deleted:
                yield Page(deleted, last.encode())

    # -- full (list) -----------------------------------------------------------------

    def _list_pages(
        self, *, archived: bool, after: str | None
    ) -> Iterator[tuple[list[dict[str, Any]], str | None]]:
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
        state = PullCursor.decode(cursor, self.client.name)
        started = state.ts if state.after else int(self._wall() * 1000)
        for objects, after in self._list_pages(archived=False, after=state.after):
            yield Page(
                [self._record(o) for o in objects],
                PullCursor(started, None, after).encode(),
            )
        yield from self.incremental(PullCursor(started).encode())
