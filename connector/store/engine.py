"""Opening the state store: engine, durability settings and schema migration."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError, OperationalError, SQLAlchemyError

from connector.errors import StateError
from connector.store import schema

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "StateStore"]


def _create_baseline(conn: Connection) -> None:
    schema.metadata.create_all(conn)


MIGRATIONS: list[Callable[[Connection], None]] = [_create_baseline]
"""Schema migrations in order; the schema version is how many have run.

Append a function to change the schema; never edit one that has shipped.
"""

SCHEMA_VERSION = len(MIGRATIONS)
"""The schema version this code expects."""

_PG_MIGRATION_LOCK = 0x636F6E6E  # any constant: one advisory lock for migrations


class StateStore:
    """The connector's memory: cursors, identities, runs, dead letters, events.

    SQLite (WAL, synchronous=FULL) by default, PostgreSQL for production and
    multi-replica. Every write goes through :meth:`transaction`, which commits all
    or nothing.
    """

    def __init__(self, url: str, *, base_dir: Path | None = None) -> None:
        self.url = _resolve_sqlite_path(url, base_dir)
        self.engine: Engine = _make_engine(self.url)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def migrate(self) -> int:
        """Bring the schema up to date; return the version now in force.

        Raises:
            StateError: the store is unreachable or was written by a newer version.
        """
        self._create_sqlite_folder()
        try:
            with self.engine.begin() as conn:
                if self.dialect == "postgresql":
                    conn.execute(
                        text("SELECT pg_advisory_xact_lock(:k)"),
                        {"k": _PG_MIGRATION_LOCK},
                    )
                schema.meta.create(conn, checkfirst=True)
                current = _read_version(conn)
                if current > SCHEMA_VERSION:
                    raise StateError(
                        f"the state store has schema version {current}, newer than "
                        f"this connector's {SCHEMA_VERSION}",
                        hint="upgrade the connector, or point state.url elsewhere",
                        context={"state": self.safe_url},
                    )
                for migration in MIGRATIONS[current:]:
                    migration(conn)
                _write_version(conn, SCHEMA_VERSION, existed=current > 0)
        except OperationalError as exc:
            raise StateError(
                f"cannot open the state store: {exc.orig}",
                hint="check state.url and that the database server is running",
                context={"state": self.safe_url},
            ) from None
        except DatabaseError as exc:
            # SQLite says "file is not a database" or "database disk image is
            # malformed": no run can trust a cursor or dead letter in it.
            raise StateError(
                f"the state store is damaged: {exc.orig}",
                hint="restore it from a backup, or move the file aside to start "
                "afresh (then run a backfill: cursors and dead letters are lost)",
                context={"state": self.safe_url},
            ) from None
        except SQLAlchemyError as exc:
            raise StateError(
                f"cannot open the state store: {exc.__class__.__name__}",
                hint="check state.url and that the database server is running",
                context={"state": self.safe_url},
            ) from None
        return SCHEMA_VERSION

    def _create_sqlite_folder(self) -> None:
        database = make_url(self.url).database
        if self.dialect != "sqlite" or not database or database == ":memory:":
            return
        try:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StateError(
                f"cannot open the state store: cannot create {Path(database).parent}: "
                f"{exc.strerror or exc}",
                hint="point state.url at a writable folder",
                context={"state": self.safe_url},
            ) from None

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """Yield a connection whose writes commit together, or roll back on error."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StateError(
                f"state store write failed: {exc.__class__.__name__}: {exc}",
                hint="the batch was rolled back and will be retried on the next run",
                context={"state": self.safe_url},
            ) from exc

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """Yield a connection for reads (nothing it does is committed)."""
        with self.engine.connect() as conn:
            yield conn

    def ping(self) -> bool:
        """Whether the store answers a trivial query (for readiness checks)."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    @property
    def safe_url(self) -> str:
        """The URL with any password hidden, for messages and status output."""
        return make_url(self.url).render_as_string(hide_password=True)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def _resolve_sqlite_path(url: str, base_dir: Path | None) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return url
    if parsed.database == ":memory:":
        return url
    path = Path(parsed.database)
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    return parsed.set(database=str(path)).render_as_string(hide_password=False)


def _make_engine(url: str) -> Engine:
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets status readers run beside a writer; FULL makes a commit survive a
    # power cut, which the "cursor moves only after a durable commit" rule needs.
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _read_version(conn: Connection) -> int:
    row = conn.execute(
        select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")
    ).first()
    return int(row[0]) if row else 0


def _write_version(conn: Connection, version: int, *, existed: bool) -> None:
    table = schema.meta
    if existed:
        conn.execute(
            table.update()
            .where(table.c.key == "schema_version")
            .values(value=str(version))
        )
    else:
        conn.execute(insert(table).values(key="schema_version", value=str(version)))
