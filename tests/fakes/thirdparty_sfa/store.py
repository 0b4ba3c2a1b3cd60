"""AcmeSFA's data: leads and deals, keyset-ordered, persisted as one JSON file.

Every table keeps its rows sorted by (updated_at, id number) so a list page is
a bisect plus a slice; that order is also what the opaque cursor encodes, which
keeps paging stable while other clients write (a row that is rewritten moves
to the end instead of shifting the rows behind it). The whole state is
rewritten atomically after each write request so a test can kill and restart
the server without losing or half-writing anything.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import copy
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .clock import ServerClock, format_ts
from .records import (
    DEAL_REQUIRED_ON_CREATE,
    DEAL_RULES,
    LEAD_REQUIRED_ON_CREATE,
    LEAD_RULES,
    RecordError,
    clean_fields,
    new_deal,
    new_lead,
    require,
)

STATE_FORMAT = "acmesfa-fake-state/1"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class InvalidCursorError(ValueError):
    """The cursor was not produced by this server for this resource."""


class Table:
    """One resource's rows plus the (updated_at, number) order used for paging."""

    def __init__(self, resource: str, prefix: str) -> None:
        self.resource = resource
        self.prefix = prefix
        self.rows: dict[str, dict[str, Any]] = {}
        self.stamps: dict[str, int] = {}
        self.order: list[tuple[int, int]] = []
        self.next_number = 1

    def new_id(self) -> str:
        """Allocate the next id, e.g. ``L000001``; ids are never reused."""
        number = self.next_number
        self.next_number += 1
        return f"{self.prefix}{number:06d}"

    def number(self, row_id: str) -> int:
        """The numeric part of an id, which orders ties within one second."""
        return int(row_id[len(self.prefix) :])

    def put(self, row: dict[str, Any], stamp: int) -> None:
        """Insert or replace a row and move it to its new place in the order."""
        row_id = row["id"]
        old = self.stamps.get(row_id)
        if old is not None:
            del self.order[bisect.bisect_left(self.order, (old, self.number(row_id)))]
        self.rows[row_id] = row
        self.stamps[row_id] = stamp
        bisect.insort(self.order, (stamp, self.number(row_id)))

    def row_at(self, position: tuple[int, int]) -> dict[str, Any]:
        """The row sitting at an order position."""
        return self.rows[f"{self.prefix}{position[1]:06d}"]

    def page(
        self, since: int | None, after: tuple[int, int] | None, limit: int
    ) -> tuple[list[dict[str, Any]], tuple[int, int] | None]:
        """Rows with stamp >= since and position > after; plus the next position."""
        start = 0
        if since is not None:
            start = bisect.bisect_left(self.order, (since, -1))
        if after is not None:
            start = max(start, bisect.bisect_right(self.order, after))
        window = self.order[start : start + limit]
        rows = [copy.deepcopy(self.row_at(position)) for position in window]
        more = start + limit < len(self.order)
        return rows, (window[-1] if window and more else None)


def encode_cursor(resource: str, position: tuple[int, int]) -> str:
    """Opaque to clients: base64 of the last row's place in the order."""
    raw = json.dumps({"r": resource, "t": position[0], "n": position[1]})
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(resource: str, cursor: str) -> tuple[int, int]:
    """Inverse of :func:`encode_cursor`; refuses cursors of another resource."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        owner, position = data["r"], (int(data["t"]), int(data["n"]))
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise InvalidCursorError("cursor is not valid") from exc
    if owner != resource:
        raise InvalidCursorError(f"cursor belongs to /{owner}, not /{resource}")
    return position


def epoch_ceiling(instant: datetime) -> int:
    """Smallest whole second >= instant: records have second precision."""
    delta = instant - EPOCH
    seconds = delta.days * 86_400 + delta.seconds
    return seconds + (1 if delta.microseconds else 0)


class Store:
    """All AcmeSFA state behind one lock; each public method is one transaction."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.lock = threading.RLock()
        self.clock = ServerClock()
        self.leads = Table("leads", "L")
        self.deals = Table("deals", "D")
        self.by_external_id: dict[str, str] = {}
        if path is not None and path.exists():
            self._load(json.loads(path.read_text(encoding="utf-8")))

    # -- writes ---------------------------------------------------------------

    def write_lead(self, lead_id: str | None, changes: dict[str, Any]) -> str:
        """Create (``lead_id`` None) or update a lead from validated fields."""
        ext = changes.get("external_id")
        if ext is not None and self.by_external_id.get(ext, lead_id) != lead_id:
            raise RecordError(
                "duplicate_external_id",
                "external_id",
                f"external_id {ext!r} already belongs to {self.by_external_id[ext]}",
            )
        if lead_id is None:
            require(changes, LEAD_REQUIRED_ON_CREATE)
            stamp = self.clock.now()
            row = new_lead(self.leads.new_id(), changes, format_ts(stamp))
        else:
            stamp = self.clock.tick_after(self.leads.stamps[lead_id])
            row = self.leads.rows[lead_id]
            old_ext = row["external_id"]
            if "external_id" in changes and old_ext is not None and old_ext != ext:
                del self.by_external_id[old_ext]
            row.update(changes)
            row["updated_at"] = format_ts(stamp)
        if row["external_id"] is not None:
            self.by_external_id[row["external_id"]] = row["id"]
        self.leads.put(row, stamp)
        return str(row["id"])

    def write_deal(self, deal_id: str | None, changes: dict[str, Any]) -> str:
        """Create (``deal_id`` None) or update a deal from validated fields."""
        lead_id = changes.get("lead_id")
        if lead_id is not None and lead_id not in self.leads.rows:
            raise RecordError("not_found", "lead_id", f"no lead {lead_id!r}")
        if deal_id is None:
            require(changes, DEAL_REQUIRED_ON_CREATE)
            stamp = self.clock.now()
            row = new_deal(self.deals.new_id(), changes, format_ts(stamp))
        else:
            stamp = self.clock.tick_after(self.deals.stamps[deal_id])
            row = self.deals.rows[deal_id]
            row.update(changes)
            row["updated_at"] = format_ts(stamp)
        self.deals.put(row, stamp)
        return str(row["id"])

    def _upsert_one(self, table: Table, raw: Any) -> tuple[str, bool]:
        """Apply one batch record; returns (id, created) or raises RecordError."""
        if not isinstance(raw, dict):
            raise RecordError("validation_error", None, "record must be an object")
        is_lead = table is self.leads
        rules = LEAD_RULES if is_lead else DEAL_RULES
        write = self.write_lead if is_lead else self.write_deal
        if "id" in raw:
            row_id = raw["id"]
            if not isinstance(row_id, str):
                raise RecordError("validation_error", "id", "id must be a string")
            changes = clean_fields(raw, rules, keys=("id",))
            if row_id not in table.rows:
                raise RecordError(
                    "not_found", "id", f"no {table.resource[:-1]} {row_id!r}"
                )
            return write(row_id, changes), False
        changes = clean_fields(raw, rules, keys=())
        existing = self.by_external_id.get(changes.get("external_id") or "")
        if is_lead and existing is not None:
            return write(existing, changes), False
        return write(None, changes), True

    def batch(self, resource: str, records: list[Any]) -> list[dict[str, Any]]:
        """Apply records in order, each on its own; one result per record."""
        table = self.leads if resource == "leads" else self.deals
        results: list[dict[str, Any]] = []
        with self.lock:
            for index, raw in enumerate(records):
                try:
                    row_id, created = self._upsert_one(table, raw)
                except RecordError as err:
                    results.append(
                        {"index": index, "status": "error", "error": err.payload()}
                    )
                else:
                    results.append(
                        {
                            "index": index,
                            "status": "ok",
                            "id": row_id,
                            "created": created,
                        }
                    )
            self.save()
        return results

    def create_hand_entered_lead(self, fields: dict[str, Any]) -> dict[str, Any]:
        """A lead typed in by a salesperson: same rules, but never an external_id."""
        changes = clean_fields(fields, LEAD_RULES, keys=())
        if changes.get("external_id") is not None:
            raise RecordError(
                "validation_error", "external_id", "hand-entered leads have none"
            )
        with self.lock:
            lead_id = self.write_lead(None, changes)
            self.save()
            return copy.deepcopy(self.leads.rows[lead_id])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing block for admin scripts; the clock is never rewound."""
        with self.lock:
            saved = copy.deepcopy((self.leads, self.deals, self.by_external_id))
            try:
                yield
            except BaseException:
                self.leads, self.deals, self.by_external_id = saved
                raise
            self.save()

    # -- reads ----------------------------------------------------------------

    def get(self, resource: str, row_id: str) -> dict[str, Any] | None:
        """One record by the SFA's own id, or None."""
        table = self.leads if resource == "leads" else self.deals
        with self.lock:
            row = table.rows.get(row_id)
            return copy.deepcopy(row) if row is not None else None

    def list_page(
        self, resource: str, since: datetime | None, cursor: str | None, limit: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page ordered by (updated_at, id); raises InvalidCursorError."""
        after = decode_cursor(resource, cursor) if cursor else None
        table = self.leads if resource == "leads" else self.deals
        with self.lock:
            floor = epoch_ceiling(since) if since is not None else None
            rows, last = table.page(floor, after, limit)
        return rows, (encode_cursor(resource, last) if last is not None else None)

    # -- persistence ------------------------------------------------------------

    def dump(self) -> dict[str, Any]:
        """The full state: what the file holds and what /__admin/state shows."""
        with self.lock:
            return {
                "format": STATE_FORMAT,
                "clock": self.clock.dump(),
                "now": format_ts(self.clock.now()),
                "next_ids": {
                    "leads": self.leads.next_number,
                    "deals": self.deals.next_number,
                },
                "leads": [
                    copy.deepcopy(self.leads.rows[k]) for k in sorted(self.leads.rows)
                ],
                "deals": [
                    copy.deepcopy(self.deals.rows[k]) for k in sorted(self.deals.rows)
                ],
            }

    def save(self) -> None:
        """Write the state file atomically (temp file, fsync, rename)."""
        if self.path is None:
            return
        with self.lock:
            text = json.dumps(self.dump(), ensure_ascii=False, indent=1)
            tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
            with tmp.open("w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            tmp.replace(self.path)

    def _load(self, data: dict[str, Any]) -> None:
        if data.get("format") != STATE_FORMAT:
            raise ValueError(f"{self.path}: not an AcmeSFA fake state file")
        self.clock = ServerClock.load(data["clock"])
        for table, rows in ((self.leads, data["leads"]), (self.deals, data["deals"])):
            for row in rows:
                stamp = int(datetime.fromisoformat(row["updated_at"]).timestamp())
                table.put(row, stamp)
            table.next_number = int(data["next_ids"][table.resource])
        for row in self.leads.rows.values():
            if row["external_id"] is not None:
                self.by_external_id[row["external_id"]] = row["id"]
