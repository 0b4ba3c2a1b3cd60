"""The composition root: settings in, store and adapters out, built once, lazily.

CLI commands, the daemon and tests all start from an :class:`App`, so there is one
place that decides how the pieces are wired.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx

from adapters.protocol import ENTITIES, Adapter, ColumnCheckingAdapter
from connector.config import Settings, load_settings
from connector.registry import build_adapter
from connector.store import StateStore
from connector.store.ledger import StoreFileLedger

__all__ = ["App", "System"]

System = Literal["ma", "sfa"]
"""The two sides of the sync, as named in config."""


@dataclass
class App:
    """A configured connector instance.

    Attributes:
        settings: the validated settings.
        base_dir: folder of the config file; relative paths resolve against it.
        config_path: the config file, for messages.
        transports: httpx transports to inject per system (tests use fakes).
        read_only: the command only reads the store (status, reports...); a SQLite
            store this user may not write is then opened read-only instead of
            failing on the migration's write.
    """

    settings: Settings
    base_dir: Path
    config_path: Path
    transports: dict[str, httpx.BaseTransport] = field(default_factory=dict)
    read_only: bool = False
    mappings_snapshot: Path | None = None
    """Set by the daemon: a validated copy of the mapping folder that the flows
    read instead of the live one (see :class:`~connector.mapping.MappingReloader`)."""
    _store: StateStore | None = field(default=None, init=False, repr=False)
    _adapters: dict[str, Adapter] = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def from_config(cls, path: Path | None = None, **overrides: Any) -> App:
        """Load settings (see :func:`connector.config.load_settings`) into an App."""
        settings, base_dir = load_settings(path, **overrides)
        from connector.config import find_config_path

        return cls(settings, base_dir, find_config_path(path))

    @property
    def store(self) -> StateStore:
        """The state store, migrated to the current schema on first use."""
        if self._store is None:
            url = self.settings.state.url
            store = StateStore(url, base_dir=self.base_dir)
            if self.read_only and not store.writable():
                store.close()
                store = StateStore(url, base_dir=self.base_dir, read_only=True)
            store.migrate()
            self._store = store
        return self._store

    def adapter(self, system: System) -> Adapter:
        """The adapter of ``ma`` or ``sfa``, built on first use."""
        if system not in self._adapters:
            section = self.settings.ma if system == "ma" else self.settings.sfa
            self._adapters[system] = build_adapter(
                system,
                section,
                base_dir=self.base_dir,
                source=str(self.config_path),
                transport=self.transports.get(system),
                ledger=StoreFileLedger(lambda: self.store),
            )
            self._expect_mapped_columns(system, self._adapters[system])
        return self._adapters[system]

    def _expect_mapped_columns(self, system: System, adapter: Adapter) -> None:
        """Tell a file adapter which columns the field mappings read.

        Only adapters that declare ``column_check`` (CSV) take this; broken
        mapping files are left for the flows to report, so nothing is expected
        then.
        """
        if not adapter.capabilities().column_check:
            return
        if not isinstance(adapter, ColumnCheckingAdapter):
            raise TypeError(f"{system}: declares column_check without expect_columns")
        from connector.errors import MappingError
        from connector.mapping import load_mappings

        try:
            mappings = load_mappings(self.mappings_dir)
        except MappingError:
            return
        for entity in ENTITIES:
            columns = tuple(mappings.native_fields(system, entity))
            adapter.expect_columns(entity, columns)

    @property
    def mappings_dir(self) -> Path:
        """The mapping folder, resolved against the config's folder.

        In the daemon: the copy of its last good version (``mappings_snapshot``).
        """
        if self.mappings_snapshot is not None:
            return self.mappings_snapshot
        return self.live_mappings_dir

    @property
    def live_mappings_dir(self) -> Path:
        """The mapping folder admins edit, resolved against the config's folder."""
        path = self.settings.mappings.dir
        return path if path.is_absolute() else self.base_dir / path

    def close(self) -> None:
        """Close adapters and the store."""
        for adapter in self._adapters.values():
            adapter.close()
        self._adapters.clear()
        if self._store is not None:
            self._store.close()
            self._store = None
