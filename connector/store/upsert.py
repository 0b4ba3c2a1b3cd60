"""One insert-or-update that works the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

__all__ = ["upsert"]


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
