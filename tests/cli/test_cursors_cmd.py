"""``connector cursors show|reset`` over the example project's state store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connector.cli import main


def _run(project: Path, *args: str) -> int:
    return main(["--config", str(project / "config.toml"), *args])


def _shown(project: Path, capsys: pytest.CaptureFixture[str], *args: str) -> list:
    capsys.readouterr()
    assert _run(project, "cursors", "show", "--json", *args) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_show_lists_the_cursors_a_sync_stored(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After a handoff sync, show gives each source's kind, version and watermark."""
    assert _run(project, "sync", "handoff") == 0
    rows = _shown(project, capsys, "handoff")
    assert rows
    assert {r["flow"] for r in rows} == {"handoff"}
    first = rows[0]["cursor"]
    assert first["v"] == 2
    assert first["kind"] == "csv"
    assert first["at"].startswith("20")
    assert _shown(project, capsys, "outcomes") == []


def test_reset_with_yes_forgets_only_that_flow(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --yes, reset drops handoff's cursors and leaves outcomes' alone."""
    assert _run(project, "sync", "handoff") == 0
    assert _run(project, "sync", "outcomes") == 0
    before = {r["flow"] for r in _shown(project, capsys)}
    assert before == {"handoff", "outcomes"}
    assert _run(project, "cursors", "reset", "handoff", "--yes") == 0
    assert "reset" in capsys.readouterr().out
    assert {r["flow"] for r in _shown(project, capsys)} == {"outcomes"}


def test_reset_without_yes_off_a_terminal_changes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --yes and no terminal to ask on, reset refuses with exit 2."""
    assert _run(project, "sync", "handoff") == 0
    count = len(_shown(project, capsys))
    assert _run(project, "cursors", "reset", "handoff") == 2
    assert "--yes" in capsys.readouterr().err
    assert len(_shown(project, capsys)) == count


def test_unknown_flow_or_source_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A misspelt flow or a source the flow never stored exits 2 and names the fix."""
    assert _run(project, "cursors", "reset", "handof", "--yes") == 2
    assert "handoff" in capsys.readouterr().err
    assert _run(project, "sync", "handoff") == 0
    code = _run(project, "cursors", "reset", "handoff", "--source", "x.y", "--yes")
    assert code == 2
    assert "cursors show handoff" in capsys.readouterr().err
