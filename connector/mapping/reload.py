"""Hot reload: the daemon picks up edited mapping files before each run.

An admin saving a half-finished edit must not stop the sync, so a file that fails
to load is rejected with a logged ``mapping_reload_failed`` and the last good
mappings keep running; ``connector status`` shows which version is active.

The flows read ``matching.toml``, ``qualification.toml`` and ``reporting.toml``
themselves, from ``App.mappings_dir``. So that the last good version of *those*
keeps running too, the reloader can keep a copy of every ``*.toml`` of each good
version in a private snapshot folder; the daemon points the App there.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import structlog

from connector.errors import MappingError
from connector.mapping.loader import content_version, load_mappings
from connector.mapping.mappings import Mappings

__all__ = ["MappingReloader"]

log = structlog.get_logger("connector.mapping")


class MappingReloader:
    """Serve the current mappings, reloading them when the files change.

    Args:
        directory: the mapping folder.
        loader: how to load it (tests may wrap :func:`load_mappings`).
        snapshot_root: when set, a folder where each good version's files are
            copied (``<root>/<version>/``), see :attr:`snapshot_dir`.

    Attributes:
        failed_version: content version of the last rejected edit, if the files
            on disk are broken right now (None when they load).
        problems: that edit's problems, one ``file: key: problem: fix`` each.
    """

    def __init__(
        self,
        directory: Path,
        *,
        loader: Callable[[Path], Mappings] = load_mappings,
        snapshot_root: Path | None = None,
    ) -> None:
        self.directory = directory
        self._loader = loader
        self._snapshot_root = snapshot_root
        self.snapshot_dir: Path | None = None
        """Copy of the files of the version in use (None without a root)."""
        self._lock = threading.Lock()
        self._good: Mappings | None = None
        self._seen_version: str | None = None
        self.failed_version: str | None = None
        self.problems: list[str] = []

    def current(self) -> Mappings:
        """The mappings to use now, reloaded first if any file changed.

        Raises:
            MappingError: the files are broken and no good version was ever
                loaded (at start-up there is nothing to fall back on).
        """
        with self._lock:
            # Hash the content every time: the files are small, and mtimes can
            # miss two saves within one filesystem timestamp tick.
            version = content_version(self.directory)
            if self._good is not None and version == self._seen_version:
                return self._good
            self._seen_version = version
            try:
                snapshot = self._snapshot(version)
                loaded = self._loader(snapshot or self.directory)
            except MappingError as exc:
                self.failed_version = version
                self.problems = list(exc.problems) or [exc.one_line()]
                if self._good is None:
                    raise
                return self._keep_last_good(version)
            if self._good is not None and loaded.version != self._good.version:
                log.info(
                    "mapping_reloaded",
                    previous_version=self._good.version,
                    version=loaded.version,
                )
            self._good = loaded
            self.snapshot_dir = snapshot
            self.failed_version = None
            self.problems = []
            return loaded

    def _snapshot(self, version: str) -> Path | None:
        """Copy the folder's TOML files to ``<root>/<version>/`` (None: no root).

        The copy is what gets validated and used, so an edit saved between the
        check and a flow's read cannot slip in unvalidated.
        """
        if self._snapshot_root is None:
            return None
        staging = self._snapshot_root / f".{version}.tmp"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        for path in sorted(self.directory.glob("*.toml")):
            shutil.copy2(path, staging / path.name)
        # Named by what was copied, in case an edit landed after hashing.
        target = self._snapshot_root / content_version(staging)
        if target.is_dir():
            shutil.rmtree(staging)
        else:
            staging.rename(target)
        return target

    def _keep_last_good(self, version: str) -> Mappings:
        """Log the rejected edit (the traceback is noise: problems say it all)."""
        assert self._good is not None  # noqa: S101 (only called with a good version)
        log.error(
            "mapping_reload_failed",
            directory=str(self.directory),
            rejected_version=version,
            active_version=self._good.version,
            problems=self.problems,
        )
        return self._good

    @property
    def active_version(self) -> str | None:
        """Version of the mappings in use (None before the first good load)."""
        return self._good.version if self._good is not None else None
