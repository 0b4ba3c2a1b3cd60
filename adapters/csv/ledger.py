"""The one window the CSV adapter has on the state store: which inbox files are done.

The protocol itself lives in :mod:`adapters.protocol` (every adapter factory is
handed a ledger); it is re-exported here because the CSV adapter is its user. The
store-backed ledger is :class:`connector.store.ledger.StoreFileLedger`; tests use
an in-memory one, and without any the cursor remembers the files.
"""

from __future__ import annotations

from adapters.protocol import FileLedger

__all__ = ["FileLedger"]
