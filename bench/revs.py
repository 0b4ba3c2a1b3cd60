"""An older commit's code beside the working tree, for before/after rows in one run."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def export_rev(rev: str, into: Path) -> Path:
    """The tree of ``rev`` under ``into``, by ``git archive`` (the repo untouched)."""
    code = into / f"code-{rev}"
    code.mkdir()
    archive = subprocess.run(  # noqa: S603 - fixed git command
        ["git", "-C", str(ROOT), "archive", rev],  # noqa: S607
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(  # noqa: S603 - fixed tar command
        ["tar", "-x", "-C", str(code)],  # noqa: S607
        input=archive,
        check=True,
    )
    return code
