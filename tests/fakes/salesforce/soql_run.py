"""Running a checked query over the store, and rendering its rows as REST JSON.

Rows the query does not order come back in a stable pseudo-random order (option
``unordered``), so ties of ``ORDER BY SystemModstamp`` are not in Id order (the
sheet's "Notes for the strict fake"): only ``ORDER BY SystemModstamp, Id`` is a
total order. Every record carries ``attributes {type, url}`` (§3).
"""

from __future__ import annotations

import hashlib
from typing import Any

from tests.fakes.salesforce.soql_plan import Column, Plan, SortKey, normalise
from tests.fakes.salesforce.store import Record, Store
from tests.fakes.salesforce.timefmt import format_datetime

__all__ = ["attributes", "execute", "format_value", "render_row"]


def _scramble(record: Record) -> bytes:
    return hashlib.blake2b(record.id.encode(), digest_size=8).digest()


def execute(
    plan: Plan, store: Store, *, include_deleted: bool, scramble: bool
) -> list[Record]:
    """The matching rows, ordered, offset and limited."""
    rows = [
        r
        for r in store.table(plan.sobject.name)
        if (include_deleted or not r.deleted)
        and (plan.predicate is None or plan.predicate(r, store))
    ]
    if scramble:
        rows.sort(key=_scramble)
    for key in reversed(plan.order):
        _sort(rows, key, store)
    start = plan.offset or 0
    end = None if plan.limit is None else start + plan.limit
    return rows[start:end]


def _sort(rows: list[Record], key: SortKey, store: Store) -> None:
    # Python's sort stays stable when reversed, so keys applied last-to-first
    # give a multi-key order. Nulls sit at the requested end either way.
    null_rank = 0 if key.nulls_first != key.descending else 2
    column = key.column

    def sort_key(record: Record) -> tuple[int, Any]:
        value = normalise(column.field, column.get(record, store))
        if value is None:
            return (null_rank, 0)
        return (1, value)

    rows.sort(key=sort_key, reverse=key.descending)


def attributes(sobject: str, record_id: str, version: str) -> dict[str, str]:
    """The ``attributes`` object of a record."""
    return {
        "type": sobject,
        "url": f"/services/data/v{version}/sobjects/{sobject}/{record_id}",
    }


def format_value(column: Column, value: Any) -> Any:
    """A stored value as REST JSON (datetimes as ``...000+0000``)."""
    if value is None:
        return None
    if column.field.type == "datetime":
        return format_datetime(value)
    return value


def render_row(
    record: Record, columns: tuple[Column, ...], store: Store, version: str
) -> dict[str, Any]:
    """One query row: attributes, then the selected fields in select order.

    Relationship fields nest under the relationship name (null if unset).
    """
    row: dict[str, Any] = {"attributes": attributes(record.sobject, record.id, version)}
    for column in columns:
        container: dict[str, Any] | None = row
        current: Record | None = record
        for rel, target in zip(column.rels, column.targets, strict=True):
            assert container is not None
            assert current is not None
            name = rel.relationship_name or rel.name
            if name not in container:
                linked = store.get(current.values.get(rel.name))
                if linked is None or linked.deleted:
                    container[name] = None
                else:
                    container[name] = {
                        "attributes": attributes(target, linked.id, version)
                    }
            nested = container[name]
            if nested is None:
                container = None
                break
            container = nested
            current = store.get(current.values.get(rel.name))
        if container is None or current is None:
            continue
        container[column.field.name] = format_value(
            column, current.values.get(column.field.name)
        )
    return row
