"""The state store: everything the connector must remember between runs.

SQLAlchemy Core over SQLite (default) or PostgreSQL. The table definitions are in
:mod:`connector.store.schema`; each other module holds the queries of one concern
and takes the :class:`~sqlalchemy.Connection` of the caller's transaction, so a
flow can commit a batch's cursor, identities, fingerprints and dead letters at once.
"""

from __future__ import annotations

from connector.store.engine import SCHEMA_VERSION, StateStore

__all__ = ["SCHEMA_VERSION", "StateStore"]
