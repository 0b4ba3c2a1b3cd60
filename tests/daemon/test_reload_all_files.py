"""Every mapping file is validated on reload; a broken edit never reaches a flow."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from connector.app import App
from connector.daemon import Daemon

ROOT = Path(__file__).resolve().parents[2]


def _example_app(tmp_path: Path) -> App:
    shutil.copy(ROOT / "config.example.toml", tmp_path / "config.toml")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copytree(ROOT / "mappings", tmp_path / "mappings")
    return App.from_config(tmp_path / "config.toml")


@pytest.mark.parametrize(
    ("name", "junk"),
    [
        ("qualification.toml", "\n[oops\n"),
        ("qualification.toml", "\nmin_score = 'high'\n"),
        ("matching.toml", "\n[oops\n"),
        ("reporting.toml", "\nno_such_key = 1\n"),
        ("fields.toml", "\nx = " + "[" * 100_000 + "]" * 100_000 + "\n"),
    ],
)
def test_broken_edit_of_any_file_keeps_the_last_good_version(
    tmp_path: Path, name: str, junk: str
) -> None:
    """A broken edit is refused: the flow still runs ok and /status names it."""
    app = _example_app(tmp_path)
    daemon = Daemon(app, replica_id="r1")
    try:
        first = daemon.run_flow_once("handoff")
        assert first is not None
        assert first.status == "ok"
        version = daemon._mapping_version()
        path = tmp_path / "mappings" / name
        path.write_text(path.read_text(encoding="utf-8") + junk, encoding="utf-8")
        second = daemon.run_flow_once("handoff")
        assert second is not None
        assert second.status == "ok"
        assert daemon._mapping_version() == version
        state = daemon.health_record()["mappings"]
        assert state["active_version"] == version
        assert state["rejected_version"] != version
        assert any(name in line for line in state["problems"])
    finally:
        app.close()


def test_fixing_the_edit_clears_the_rejection(tmp_path: Path) -> None:
    """Once the file is fixed the new version runs and no rejection is shown."""
    app = _example_app(tmp_path)
    daemon = Daemon(app, replica_id="r1")
    try:
        daemon.run_flow_once("outcomes")
        before = daemon._mapping_version()
        path = tmp_path / "mappings" / "qualification.toml"
        good = path.read_text(encoding="utf-8")
        path.write_text(good + "\n[oops\n", encoding="utf-8")
        daemon.run_flow_once("outcomes")
        assert "rejected_version" in daemon.health_record()["mappings"]
        path.write_text(good.replace("min_score = 50", "min_score = 60"), "utf-8")
        daemon.run_flow_once("outcomes")
        state = daemon.health_record()["mappings"]
        assert "rejected_version" not in state
        assert state["active_version"] != before
    finally:
        app.close()
