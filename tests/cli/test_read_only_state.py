"""A state folder this user may not write: reading commands work, writes explain why."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from connector.cli import main

ROOT = Path(__file__).resolve().parents[2]
# Root ignores file modes; without these capabilities it meets them like anyone.
DROP_OVERRIDES = [
    "setpriv",
    "--bounding-set=-dac_override,-dac_read_search,-fowner",
    "--",
]


@pytest.fixture
def shared_project(project: Path) -> Iterator[Path]:
    """A project with a filled state store whose folder and file are read-only."""
    config = str(project / "config.toml")
    since = ["--since", "2000-01-01"]
    assert main(["--config", config, "backfill", "handoff", *since]) == 0
    state = project / "state"
    for path in state.iterdir():
        path.chmod(0o444)
    state.chmod(0o555)
    try:
        yield project
    finally:
        state.chmod(0o755)


def _as_reader(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a user who may read but not write the state folder."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: file modes do not apply")
        prefix = DROP_OVERRIDES
    config = str(project / "config.toml")
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [*prefix, sys.executable, "-m", "connector", "--config", config, *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=project,
        env={
            "PYTHONPATH": str(ROOT),
            "PATH": "/usr/bin:/bin",
            "COLUMNS": "200",
            "PYTHONDONTWRITEBYTECODE": "1",
        },
    )


@pytest.mark.parametrize(
    "args",
    [
        ("status", "--json"),
        ("runs",),
        ("dlq", "list"),
        ("report", "funnel", "--since", "2024-01-01", "--format", "json"),
    ],
)
def test_reading_commands_work_on_a_read_only_state_folder(
    shared_project: Path, args: tuple[str, ...]
) -> None:
    """status, runs, dlq list and report read a store in a folder they cannot write."""
    result = _as_reader(shared_project, *args)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()


def test_writing_command_names_the_permission_problem(shared_project: Path) -> None:
    """A sync on a read-only state folder says permission denied and for whom."""
    result = _as_reader(shared_project, "sync", "handoff")
    assert result.returncode != 0
    assert "permission denied" in result.stderr
    assert str(shared_project / "state") in result.stderr
