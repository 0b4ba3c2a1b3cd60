"""Hot reload: the daemon picks up edited mapping files before each run.

An admin saving a half-finished edit must not stop the sync, so a file that fails
to load is rejected with a logged ``mapping_reload_failed`` and the last good
mappings keep running; ``connector status`` shows which version is active.
"""

from __future__ import annotations

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
    ) -> None:
        self.directory = directory
        self._loader = loader
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
                loaded = self._loader(self.directory)
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
            self.failed_version = None
            self.problems = []
            return loaded

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
