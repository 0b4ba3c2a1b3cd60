"""Hot reload: edits are picked up, broken edits rejected, the last good kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from structlog.testing import capture_logs

from connector.errors import MappingError
from connector.mapping import MappingReloader
from connector.records import Stage


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_edit_is_picked_up_before_the_next_run(mapping_dir: Path) -> None:
    """Changing handoff_stage takes effect on the next current() with a new version."""
    reloader = MappingReloader(mapping_dir)
    first = reloader.current()
    assert reloader.current() is first
    _edit(mapping_dir / "stages.toml", 'handoff_stage = "mql"', 'handoff_stage = "sql"')
    with capture_logs() as logs:
        second = reloader.current()
    assert [e["event"] for e in logs] == ["mapping_reloaded"]
    assert second.handoff_stage is Stage.SQL
    assert second.version != first.version
    assert reloader.active_version == second.version


def test_broken_edit_keeps_last_good_and_logs(mapping_dir: Path) -> None:
    """A broken file is logged as mapping_reload_failed; the last good keeps running."""
    reloader = MappingReloader(mapping_dir)
    good = reloader.current()
    _edit(mapping_dir / "stages.toml", '"受注" = "won"', '"受注" = "wonn"')
    with capture_logs() as logs:
        assert reloader.current() is good
        assert reloader.current() is good
    failed = [e for e in logs if e["event"] == "mapping_reload_failed"]
    assert len(failed) == 1  # logged once per broken edit, not every run
    assert failed[0]["log_level"] == "error"
    assert failed[0]["active_version"] == good.version
    assert any("sfa.deals.values.受注" in p for p in failed[0]["problems"])
    assert reloader.failed_version is not None
    _edit(mapping_dir / "stages.toml", '"受注" = "wonn"', '"受注" = "lost"')
    with capture_logs():
        fixed = reloader.current()
    assert fixed.version != good.version
    assert reloader.failed_version is None
    assert reloader.problems == []


def test_reverting_a_broken_edit_restores_the_good_version(mapping_dir: Path) -> None:
    """Undoing a broken edit brings back the same content version."""
    reloader = MappingReloader(mapping_dir)
    good = reloader.current()
    path = mapping_dir / "fields.toml"
    original = path.read_text(encoding="utf-8")
    path.write_text(original + "[broken\n", encoding="utf-8")
    with capture_logs():
        assert reloader.current() is good
        path.write_text(original, encoding="utf-8")
        assert reloader.current().version == good.version
    assert reloader.failed_version is None


def test_broken_at_start_raises(mapping_dir: Path) -> None:
    """With no good version to fall back on, the first load raises MappingError."""
    (mapping_dir / "stages.toml").write_text("handoff_stage = 1\n", encoding="utf-8")
    with pytest.raises(MappingError):
        MappingReloader(mapping_dir).current()
