"""The daemon runs real flows with the mapping files as they are before each run."""

from __future__ import annotations

import shutil
from pathlib import Path

from structlog.testing import capture_logs

from connector.app import App
from connector.daemon import Daemon

ROOT = Path(__file__).resolve().parents[2]


def _example_app(tmp_path: Path) -> App:
    shutil.copy(ROOT / "config.example.toml", tmp_path / "config.toml")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copytree(ROOT / "mappings", tmp_path / "mappings")
    return App.from_config(tmp_path / "config.toml")


def test_broken_mapping_edit_keeps_the_last_good_version(tmp_path: Path) -> None:
    """A broken stages.toml is logged and the last good mappings keep running."""
    app = _example_app(tmp_path)
    daemon = Daemon(app, replica_id="r1")
    try:
        first = daemon.run_flow_once("handoff")
        assert first is not None
        assert first.status == "ok"
        good = daemon.health_record()
        version = daemon._mapping_version()
        assert version
        stages = tmp_path / "mappings" / "stages.toml"
        stages.write_text(
            stages.read_text(encoding="utf-8") + "\n[oops\n", encoding="utf-8"
        )
        with capture_logs() as logs:
            second = daemon.run_flow_once("handoff")
        assert second is not None
        assert second.status == "ok"
        assert any(e["event"] == "mapping_reload_failed" for e in logs)
        assert daemon._mapping_version() == version
        assert good["replica"] == "r1"
    finally:
        app.close()


def test_fixed_mapping_edit_is_picked_up(tmp_path: Path) -> None:
    """A valid edit changes the active mapping version before the next run."""
    app = _example_app(tmp_path)
    daemon = Daemon(app, replica_id="r1")
    try:
        daemon.run_flow_once("outcomes")
        before = daemon._mapping_version()
        qualification = tmp_path / "mappings" / "qualification.toml"
        qualification.write_text(
            qualification.read_text(encoding="utf-8").replace(
                "min_score = 50", "min_score = 60"
            ),
            encoding="utf-8",
        )
        daemon.run_flow_once("outcomes")
        assert daemon._mapping_version() != before
    finally:
        app.close()
