"""Records of the fake org, with lookups by id and by indexed field, and rollback.

sObject Collections with ``allOrNone: true`` must leave nothing behind when one
record fails (fact sheet §6), so every change goes through :class:`Store`, which
can journal changes and undo them. External-id and email fields are indexed so
upserts and duplicate rules over thousands of rows stay fast.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

__all__ = ["Record", "Store"]


@dataclass
class Record:
    """One row: its object, 18-character id and field values by API name.

    Datetimes are epoch milliseconds, dates ``YYYY-MM-DD`` strings; a deleted
    row stays (``IsDeleted`` true) until purged, as in the recycle bin.
    """

    sobject: str
    id: str
    values: dict[str, Any]

    @property
    def deleted(self) -> bool:
        """Soft-deleted (delete or merge), visible only to queryAll."""
        return bool(self.values.get("IsDeleted"))


def _fold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


class Store:
    """Every record by id and per object, in creation order."""

    def __init__(self, indexed: Mapping[str, Iterable[str]]) -> None:
        self.tables: dict[str, dict[str, Record]] = {}
        self._by_id: dict[str, Record] = {}
        self._indexed = {obj: tuple(fields) for obj, fields in indexed.items()}
        self._index: dict[tuple[str, str], dict[Any, set[str]]] = {
            (obj, f): {} for obj, fields in self._indexed.items() for f in fields
        }
        self._journal: list[tuple[str, str, dict[str, Any] | None]] | None = None

    # -- reading ---------------------------------------------------------------

    def get(self, record_id: str | None) -> Record | None:
        """The record with this canonical id (deleted or not), or None."""
        if record_id is None:
            return None
        return self._by_id.get(record_id)

    def table(self, sobject: str) -> list[Record]:
        """All rows of an object (deleted ones too), in creation order."""
        return list(self.tables.get(sobject, {}).values())

    def find(self, sobject: str, field: str, value: Any) -> list[Record]:
        """Live rows whose indexed ``field`` equals ``value`` (text without case)."""
        ids = self._index[(sobject, field)].get(_fold(value), set())
        rows = (self._by_id[i] for i in sorted(ids))
        return [r for r in rows if not r.deleted]

    def indexed(self, sobject: str, field: str) -> bool:
        """Whether :meth:`find` can answer for this field."""
        return (sobject, field) in self._index

    # -- writing ---------------------------------------------------------------

    def insert(self, record: Record) -> None:
        """Add a new record."""
        self.tables.setdefault(record.sobject, {})[record.id] = record
        self._by_id[record.id] = record
        self._add_to_index(record)
        if self._journal is not None:
            self._journal.append(("insert", record.id, None))

    def set(self, record: Record, changes: Mapping[str, Any]) -> None:
        """Change some values of a record."""
        if self._journal is not None:
            self._journal.append(("set", record.id, dict(record.values)))
        self._drop_from_index(record)
        record.values.update(changes)
        self._add_to_index(record)

    def purge(self, record: Record) -> None:
        """Remove a record for good (emptied recycle bin, or an undone insert)."""
        self._drop_from_index(record)
        self.tables[record.sobject].pop(record.id, None)
        self._by_id.pop(record.id, None)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Undo every change made inside if the block raises."""
        outer = self._journal
        self._journal = []
        try:
            yield
        except BaseException:
            self._rollback()
            raise
        finally:
            journal, self._journal = self._journal, outer
            if outer is not None and journal:
                outer.extend(journal)

    def _rollback(self) -> None:
        assert self._journal is not None
        for kind, record_id, before in reversed(self._journal):
            record = self._by_id.get(record_id)
            if record is None:
                continue
            if kind == "insert":
                self.purge(record)
            else:
                self._drop_from_index(record)
                record.values.clear()
                record.values.update(before or {})
                self._add_to_index(record)
        self._journal.clear()

    def _add_to_index(self, record: Record) -> None:
        for field in self._indexed.get(record.sobject, ()):
            value = record.values.get(field)
            if value is not None:
                key = (record.sobject, field)
                self._index[key].setdefault(_fold(value), set()).add(record.id)

    def _drop_from_index(self, record: Record) -> None:
        for field in self._indexed.get(record.sobject, ()):
            value = record.values.get(field)
            if value is not None:
                bucket = self._index[(record.sobject, field)].get(_fold(value))
                if bucket is not None:
                    bucket.discard(record.id)
