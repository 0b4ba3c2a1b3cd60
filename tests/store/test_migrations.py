"""Every past schema version migrates forward to exactly what schema.py declares."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from sqlalchemy import Engine, insert

from connector.store import SCHEMA_VERSION, StateStore, schema
from connector.store.migrations import MIGRATIONS
from connector.store.migrations.v001_baseline import STATEMENTS

BASELINE_SHA256 = "01587570121086371ab9e237cf1b81746049932832fe820392ca0e7f706b9307"


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: once SQLite, once a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state.db'}"
    value: str = request.getfixturevalue("pg_schema_url")
    return value


@pytest.fixture
def engine(url: str) -> Iterator[Engine]:
    """A plain engine on the same database, to build old versions by hand."""
    made = sqlalchemy.create_engine(url)
    try:
        yield made
    finally:
        made.dispose()


def _shape(engine: Engine) -> dict[str, Any]:
    """Tables, columns (name, nullability, type family), keys and indexes."""
    inspector = sqlalchemy.inspect(engine)
    shape: dict[str, Any] = {}
    for table in sorted(inspector.get_table_names()):
        columns = [
            (c["name"], c["nullable"], c["type"].compile(dialect=engine.dialect))
            for c in inspector.get_columns(table)
        ]
        shape[table] = {
            "columns": columns,
            "pk": inspector.get_pk_constraint(table)["constrained_columns"],
            "unique": sorted(
                (u["name"], tuple(u["column_names"]))
                for u in inspector.get_unique_constraints(table)
            ),
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                for i in inspector.get_indexes(table)
                if not str(i["name"]).startswith("sqlite_autoindex")
            ),
        }
    return shape


def _build_at(engine: Engine, version: int) -> None:
    """A database as a connector at ``version`` left it (0: never opened)."""
    if version == 0:
        return
    with engine.begin() as conn:
        schema.meta.create(conn)
        for migration in MIGRATIONS[:version]:
            migration(conn)
        conn.execute(
            insert(schema.meta).values(key="schema_version", value=str(version))
        )


@pytest.mark.parametrize("version", range(SCHEMA_VERSION + 1))
def test_every_past_version_migrates_to_the_declared_schema(
    url: str, engine: Engine, version: int, tmp_path: Path
) -> None:
    """A store built at any past version migrates to what schema.py creates."""
    _build_at(engine, version)
    store = StateStore(url)
    try:
        assert store.migrate() == SCHEMA_VERSION
    finally:
        store.close()
    migrated = _shape(engine)
    reference_url = f"sqlite:///{tmp_path / 'reference.db'}"
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text("CREATE SCHEMA ref_schema"))
        reference_url = engine.url.render_as_string(hide_password=False).split("?")[0]
        reference_url += "?options=-csearch_path%3Dref_schema"
    reference = sqlalchemy.create_engine(reference_url)
    try:
        schema.metadata.create_all(reference)
        assert migrated == _shape(reference)
    finally:
        reference.dispose()
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(sqlalchemy.text("DROP SCHEMA ref_schema CASCADE"))


def test_the_shipped_baseline_is_never_edited() -> None:
    """Migration 1's DDL is pinned: changing it breaks every existing store.

    Change the schema with a new migration instead; this digest never changes.
    """
    text = "\n;\n".join(
        f"{name}:{statement}"
        for name in sorted(STATEMENTS)
        for statement in STATEMENTS[name]
    )
    assert hashlib.sha256(text.encode()).hexdigest() == BASELINE_SHA256
