"""Loading the mapping folder: both files validated together, all problems at once."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType

from connector.errors import MappingError
from connector.mapping.fields_file import parse_fields
from connector.mapping.mappings import Mappings
from connector.mapping.problems import Problems, read_toml
from connector.mapping.stages_file import parse_stages

__all__ = [
    "CHECKED_FILES",
    "MAPPING_FILES",
    "check_other_files",
    "content_version",
    "load_mappings",
]

MAPPING_FILES = ("stages.toml", "fields.toml")
"""The files :func:`load_mappings` reads into :class:`Mappings`."""

CHECKED_FILES = ("matching.toml", "qualification.toml", "reporting.toml")
"""The other mapping files: the flows load them themselves, but a load validates
each one present, so `mappings check` and the daemon's reload refuse a broken
edit of any file under ``mappings/`` the same way."""


def content_version(directory: Path) -> str:
    """A short hash of every ``*.toml`` in the folder: changes with any edit.

    All TOML files count, not only the two read here, so ``connector status``
    shows a new version whenever an admin changes anything under ``mappings/``.
    """
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.toml")):
        try:
            content = path.read_bytes()
        except OSError:
            continue
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(hashlib.sha256(content).digest())
    return digest.hexdigest()[:12]


def load_mappings(directory: Path) -> Mappings:
    """Read and validate ``stages.toml`` and ``fields.toml`` from ``directory``.

    The files of :data:`CHECKED_FILES` that exist are validated too (and not
    kept): a broken one fails the load like a broken ``stages.toml``.

    Raises:
        MappingError: with ``problems``, one ``file: key: problem: fix`` line each.
    """
    problems = Problems()
    if not directory.is_dir():
        raise MappingError(
            f"mapping folder {directory} does not exist",
            hint="set [mappings] dir in the config, or copy mappings/ from the "
            "connector",
            context={"dir": str(directory)},
            problems=[
                f"{directory}: (folder): missing: copy mappings/ from the connector "
                "or fix [mappings] dir"
            ],
        )
    version = content_version(directory)
    stages_data = read_toml(directory / "stages.toml", problems)
    fields_data = read_toml(directory / "fields.toml", problems)
    rules, vocabularies = parse_stages(stages_data or {}, problems)
    fields, context = parse_fields(fields_data or {}, problems)
    check_other_files(directory, problems)
    if problems:
        raise MappingError(
            f"{len(problems.lines)} problem(s) in {directory}",
            hint="fix each line above; `connector mappings check` re-checks",
            context={"dir": str(directory)},
            problems=list(problems.lines),
        )
    return Mappings(
        version=version,
        rules=rules,
        vocabularies=MappingProxyType(dict(vocabularies)),
        fields=MappingProxyType(dict(fields)),
        directory=str(directory),
        context=context,
    )


def check_other_files(directory: Path, problems: Problems) -> None:
    """Record the problems of each :data:`CHECKED_FILES` file present."""
    from connector.matching.config import load_match_rules
    from connector.qualification import load_qualification
    from connector.reports.config import load_reporting

    loaders: dict[str, Callable[[Path], object]] = {
        "matching.toml": load_match_rules,
        "qualification.toml": load_qualification,
        "reporting.toml": load_reporting,
    }
    for name in CHECKED_FILES:
        path = directory / name
        if not path.exists():
            continue
        try:
            loaders[name](path)
        except MappingError as exc:
            problems.lines.extend(exc.problems or [exc.one_line()])
