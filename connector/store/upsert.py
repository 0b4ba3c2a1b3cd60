"""Insert-or-update that works the same on SQLite and PostgreSQL, one row or many.

Both dialects speak ``INSERT ... ON CONFLICT DO UPDATE``. :func:`upsert_many`
sends a whole batch as one executemany of one compiled statement: building a new
statement per row (with its values inlined) costs far more Python time than the
database spends on the row, and each statement is a round trip on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

__all__ = ["upsert", "upsert_many"]


def upsert(
    conn: Connection,
    table: Table,
    *,
    keys: Mapping[str, Any],
    values: Mapping[str, Any],
) -> None:
    """Insert the row, or update ``values`` where a row with ``keys`` exists."""
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = insert(table).values({**keys, **values})
    if values:
        statement = statement.on_conflict_do_update(
            index_elements=list(keys), set_=dict(values)
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(keys))
    conn.execute(statement)


def upsert_many(
    conn: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    keys: Sequence[str],
    update: Sequence[str],
) -> None:
    """Insert each row, or update its ``update`` columns where its key exists.

    Every row must carry the same columns and a distinct key: callers fold the
    writes of one key into its final row first (which also makes the order of
    the rows meaningless). Rows are sent in key order, so two transactions that
    upsert overlapping keys lock them in the same order and cannot deadlock.
    """
    if not rows:
        return
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = insert(table)
    if update:
        excluded = statement.excluded
        statement = statement.on_conflict_do_update(
            index_elements=list(keys), set_={name: excluded[name] for name in update}
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(keys))
    ordered = sorted(rows, key=lambda row: tuple(str(row[k]) for k in keys))
    conn.execute(statement, [dict(row) for row in ordered])
