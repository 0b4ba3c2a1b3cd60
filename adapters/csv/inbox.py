"""Inbox folders: which files to read, their checksums, and archiving them.

A file is known by the SHA-256 of its content, not by its name, so exporting the
same data twice under two names is read once, and a file replaced under the same
name is read again.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from connector.errors import ConfigError

__all__ = ["archive_file", "file_digest", "list_inbox"]


def list_inbox(
    folder: Path,
    pattern: str,
    *,
    min_age_seconds: float = 0,
    now: Callable[[], float] = time.time,
) -> list[Path]:
    """Files of ``folder`` matching ``pattern``, in name order.

    Hidden files (``.name``) are skipped: copy tools and our own writer use them
    for files still being written. So are files modified less than
    ``min_age_seconds`` ago, which may still be growing.

    Raises:
        ConfigError: the folder does not exist or cannot be listed.
    """
    try:
        candidates = sorted(folder.glob(pattern), key=lambda p: p.name)
        cutoff = now() - min_age_seconds
        return [
            path
            for path in candidates
            if not path.name.startswith(".")
            and path.is_file()
            and (min_age_seconds == 0 or path.stat().st_mtime <= cutoff)
        ]
    except OSError as exc:
        raise ConfigError(
            f"cannot list the inbox folder {folder}: {exc.strerror or exc}",
            hint="check the read path in the config and the folder's permissions",
            context={"file": str(folder)},
        ) from None


def file_digest(path: Path) -> str:
    """SHA-256 of the file's bytes, read in 1 MiB blocks (constant memory).

    Raises:
        ConfigError: the file cannot be read.
    """
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise ConfigError(
            f"cannot read CSV file {path}: {exc.strerror or exc}",
            hint="check the path in the config and the file's permissions",
            context={"file": str(path)},
        ) from None
    return digest.hexdigest()


def archive_file(path: Path, archive: Path, checksum: str) -> Path | None:
    """Move a processed file into ``archive``; return where it went.

    The file is moved only if it still has the processed content (a new export
    may have been dropped under the same name since). A name already taken in the
    archive gets the checksum's first 12 characters appended, so nothing archived
    is ever overwritten. Returns None when there was nothing to move.

    Raises:
        ConfigError: the archive folder cannot be created or written.
    """
    if not path.is_file() or file_digest(path) != checksum:
        return None
    target = archive / path.name
    if target.exists():
        target = archive / f"{path.stem}.{checksum[:12]}{path.suffix}"
    try:
        archive.mkdir(parents=True, exist_ok=True)
        # shutil.move renames on the same file system and copies across them.
        shutil.move(path, target)
    except OSError as exc:
        raise ConfigError(
            f"cannot move {path} to the archive folder {archive}: "
            f"{exc.strerror or exc}",
            hint="check the archive path in the config and the folder's permissions",
            context={"file": str(path)},
        ) from None
    return target
