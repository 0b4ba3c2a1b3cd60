"""Opening the state store: engine, durability settings and schema migration."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError, OperationalError, SQLAlchemyError

from connector.errors import StateError
from connector.store import schema
from connector.store.migrations import MIGRATIONS

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "StateStore"]


SCHEMA_VERSION = len(MIGRATIONS)
"""The schema version this code expects."""

_PG_MIGRATION_LOCK = 0x636F6E6E  # any constant: one advisory lock for migrations


class StateStore:
    """The connector's memory: cursors, identities, runs, dead letters, events.

    SQLite (WAL, synchronous=FULL) by default, PostgreSQL for production and
    multi-replica. Every write goes through :meth:`transaction`, which commits all
    or nothing.
    """

    def __init__(
        self, url: str, *, base_dir: Path | None = None, read_only: bool = False
    ) -> None:
        self.url = _resolve_sqlite_path(url, base_dir)
        self.read_only = read_only and self.sqlite_path is not None
        self.engine: Engine = (
            _make_read_only_engine(self.url)
            if self.read_only
            else _make_engine(self.url)
        )

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite database file, or None for PostgreSQL and in-memory stores."""
        parsed = make_url(self.url)
        if parsed.get_backend_name() != "sqlite" or not parsed.database:
            return None
        if parsed.database == ":memory:":
            return None
        return Path(parsed.database)

    def writable(self) -> bool:
        """Whether this process may write the SQLite file and its folder.

        SQLite in WAL mode writes ``-wal`` and ``-shm`` files beside the database
        even to read, so the folder must be writable too. PostgreSQL: always True
        (its permissions are the server's to report).
        """
        path = self.sqlite_path
        if path is None:
            return True
        folder = path.parent
        if path.exists():
            return os.access(path, os.W_OK) and os.access(folder, os.W_OK)
        existing = next((p for p in (folder, *folder.parents) if p.exists()), folder)
        return os.access(existing, os.W_OK)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def migrate(self) -> int:
        """Bring the schema up to date; return the version now in force.

        A read-only store is not changed: it must already be at this version.

        Raises:
            StateError: the store is unreachable, not writable, or was written by
                a newer version.
        """
        if self.read_only:
            return self._check_version()
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
            raise self._open_error(exc) from None
        except SQLAlchemyError as exc:
            raise self._failure(exc) from None
        return SCHEMA_VERSION

    def _failure(self, exc: SQLAlchemyError) -> StateError:
        if isinstance(exc, DatabaseError):
            # SQLite says "file is not a database" or "database disk image is
            # malformed": no run can trust a cursor or dead letter in it.
            return StateError(
                f"the state store is damaged: {exc.orig}",
                hint="restore it from a backup, or move the file aside to start "
                "afresh (then run a backfill: cursors and dead letters are lost)",
                context={"state": self.safe_url},
            )
        return StateError(
            f"cannot open the state store: {exc.__class__.__name__}",
            hint="check state.url and that the database server is running",
            context={"state": self.safe_url},
        )

    def _open_error(self, exc: OperationalError) -> StateError:
        path = self.sqlite_path
        if path is not None and not self.writable():
            return StateError(
                f"cannot write the state store {path}: permission denied for "
                f"uid {os.getuid()} (SQLite needs the file and its folder "
                f"{path.parent} writable)",
                hint="fix the folder's owner or mode; read-only commands (status, "
                "runs, report, explain, dlq list) still work on a read-only folder",
                context={"state": self.safe_url},
            )
        return StateError(
            f"cannot open the state store: {exc.orig}",
            hint="check state.url and that the database server is running",
            context={"state": self.safe_url},
        )

    def _check_version(self) -> int:
        path = self.sqlite_path
        if path is not None and not path.exists():
            raise StateError(
                f"there is no state store at {path} yet",
                hint="run `connector sync` or `connector run` once to create it",
                context={"state": self.safe_url},
            )
        try:
            with self.engine.connect() as conn:
                current = _read_version(conn)
        except OperationalError as exc:
            raise StateError(
                f"cannot read the state store {path}: {exc.orig}",
                hint="check that the file is readable by this user",
                context={"state": self.safe_url},
            ) from None
        except SQLAlchemyError as exc:
            raise self._failure(exc) from None
        if current != SCHEMA_VERSION:
            raise StateError(
                f"the read-only state store has schema version {current}, this "
                f"connector expects {SCHEMA_VERSION}",
                hint="run a command that writes (e.g. `connector sync`) as a user "
                "who may write the state folder, to migrate it",
                context={"state": self.safe_url},
            )
        return current

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


def _make_read_only_engine(url: str) -> Engine:
    """An engine that never writes the SQLite file or creates files beside it.

    ``immutable=1`` lets SQLite read a WAL database in a folder it may not write
    (no ``-shm`` can be created there); it also skips locking, so a read may miss a
    commit made while it runs, which is acceptable for a status or a report.
    """
    path = make_url(url).database or ""
    uri = f"file:{quote(path)}?mode=ro&immutable=1"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, timeout=30, check_same_thread=False)

    return create_engine("sqlite://", creator=connect)


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
