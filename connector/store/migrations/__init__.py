"""The state store's schema migrations, in order; the version is how many ran.

Each migration is a function of a connection, run inside the migrating
transaction. Append a new module to change the schema; never edit one that has
shipped (``tests/store/test_migrations.py`` builds a database at every past
version, migrates it forward and compares the result with ``schema.py``).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection

from connector.store.migrations.v001_baseline import create_baseline

__all__ = ["MIGRATIONS"]

MIGRATIONS: list[Callable[[Connection], None]] = [create_baseline]
"""Schema migrations in order: ``MIGRATIONS[n]`` takes version n to n + 1."""
