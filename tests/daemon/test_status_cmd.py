"""``connector status``: what it prints, and its exit code as a HEALTHCHECK."""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner

from connector.app import App
from connector.cli import run_cmd
from connector.errors import ConfigError
from connector.status import health_path, read_health, write_health
from connector.store import runs
from connector.store.cursors import set_cursor
from connector.store.deadletters import add_dead_letter

AppFactory = Callable[..., App]


def _cli() -> typer.Typer:
    cli = typer.Typer()

    @cli.callback()
    def root(ctx: typer.Context, config: Annotated[Path, typer.Option()]) -> None:
        ctx.obj = {"config": config}

    cli.command("status")(run_cmd.status)
    return cli


def _status(app: App, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        _cli(),
        ["--config", str(app.config_path), "status", *args],
        env={"COLUMNS": "240"},
    )
    return result.exit_code, result.output


def _seed(app: App) -> None:
    with app.store.transaction() as conn:
        run_id = runs.start_run(conn, "handoff", "sync", mapping_version="m-41")
        runs.finish_run(conn, run_id, "partial", {"pushed": 12, "rejected": 1})
        set_cursor(conn, "handoff", "ma:persons", "2024-04-01T09:30:00Z")
        add_dead_letter(
            conn,
            flow="handoff",
            record_key="ma:persons:77",
            system="sfa",
            entity="persons",
            kind="rejected",
            reason="http_422",
            error="422",
            payload={},
        )


def _beat(app: App, *, age: float) -> None:
    now = datetime.now(UTC) - timedelta(seconds=age)
    write_health(
        health_path(app),
        {"replica": "r9", "pid": 4242},
        ttl=timedelta(seconds=30),
        now=now,
    )


def test_status_prints_runs_cursors_and_dead_letters(make_app: AppFactory) -> None:
    """The table shows the last run, its counts, the cursor and dead letters."""
    app = make_app()
    _seed(app)
    code, output = _status(app)
    assert code == 0
    assert "partial" in output
    assert "pushed=12" in output
    assert "ma:persons: 2024-04-01T09:30:00Z" in output
    assert "1 pending, 0 parked" in output
    assert "no daemon is running here" in output


def test_status_json_is_machine_readable(make_app: AppFactory) -> None:
    """--json prints one JSON document with the same facts."""
    app = make_app()
    _seed(app)
    _beat(app, age=0)
    code, output = _status(app, "--json")
    data = json.loads(output)
    assert code == 0
    assert data["flows"]["handoff"]["last_run"]["counts"] == {
        "pushed": 12,
        "rejected": 1,
    }
    assert data["flows"]["handoff"]["dead_letters"] == {"pending": 1, "parked": 0}
    assert data["health"]["state"] == "fresh"
    assert data["daemon"]["replica"] == "r9"


def test_health_flag_is_a_healthcheck(make_app: AppFactory) -> None:
    """--health exits 0 only while a fresh health record exists."""
    app = make_app()
    assert _status(app, "--health")[0] == 1
    _beat(app, age=0)
    assert _status(app, "--health") == (0, "daemon alive (replica r9, pid 4242)\n")
    _beat(app, age=31)
    code, output = _status(app, "--health")
    assert code == 1
    assert "expired 1s ago" in output


def test_plain_status_fails_only_on_a_stale_record(make_app: AppFactory) -> None:
    """Without --health a stale record (hung daemon) still exits 1."""
    app = make_app()
    _beat(app, age=45)
    code, output = _status(app)
    assert code == 1
    assert "hung or was killed" in output


def test_unreadable_health_record_is_reported(tmp_path: Path) -> None:
    """A corrupt health record is named, not trusted."""
    path = tmp_path / "health.json"
    path.write_text("{not json", encoding="utf-8")
    check = read_health(path)
    assert check.state == "unreadable"
    assert str(path) in check.detail
    assert not check.healthy


def _without_health_file(app: App) -> None:
    """The app as configured without daemon.health_file (the default path)."""
    object.__setattr__(
        app,
        "settings",
        app.settings.model_copy(
            update={
                "daemon": app.settings.daemon.model_copy(update={"health_file": None})
            }
        ),
    )


def test_default_health_file_is_per_config(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """Without daemon.health_file the record sits in the temp folder, per config."""
    app = make_app(extra="")
    _without_health_file(app)
    first = health_path(app)
    assert first.name.startswith("health-")
    assert first.parent.name == f"connector-{os.getuid()}"
    assert stat.S_IMODE(first.parent.stat().st_mode) == 0o700
    app.config_path = tmp_path / "other.toml"
    assert health_path(app) != first


def test_a_planted_health_folder_is_refused(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A link where the private folder should be: refused, never followed."""
    shared = tmp_path / "shared-tmp"
    shared.mkdir()
    (shared / f"connector-{os.getuid()}").symlink_to(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(shared))
    app = make_app(extra="")
    _without_health_file(app)
    with pytest.raises(ConfigError, match="not a folder of this user's"):
        health_path(app)


def test_status_names_the_active_mapping_version(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """The mapping version shown is the one the mapping files load as."""
    from connector.mapping import load_mappings

    repo_mappings = Path(__file__).resolve().parents[2] / "mappings"
    shutil.copytree(repo_mappings, tmp_path / "mappings")
    app = make_app()
    expected = load_mappings(tmp_path / "mappings").version
    code, output = _status(app)
    assert code == 0
    assert f"mapping version: {expected}" in output


def test_broken_mapping_folder_is_shown_not_fatal(make_app: AppFactory) -> None:
    """Without a mapping folder status still prints, naming the problem."""
    app = make_app()
    code, output = _status(app, "--json")
    data = json.loads(output)
    assert code == 0
    assert data["mapping_version"] is None
    assert "mappings does not exist" in data["mapping_error"]
