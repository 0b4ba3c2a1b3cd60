"""The CLI as an admin meets it: fast help, exit codes, logging, run history."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from connector.cli import main
from connector.cli.commands import COMMANDS, load_command
from connector.cli.sync_cmd import exit_code
from connector.flows import RunSummary

ROOT = Path(__file__).resolve().parents[2]
BACKFILL = ("backfill", "handoff", "--since", "2000-01-01")

_PROBE = """
import json, sys, time
start = time.perf_counter()
from connector.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "seconds": time.perf_counter() - start,
                  "modules": sorted(sys.modules)}))
"""


def _probe(*args: str) -> dict[str, object]:
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", _PROBE, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        env={"PYTHONPATH": str(ROOT), "COLUMNS": "100", "PATH": "/usr/bin:/bin"},
    )
    data: dict[str, object] = json.loads(result.stdout.splitlines()[-1])
    data["stdout"] = result.stdout
    return data


@pytest.mark.parametrize("flag", ["--help", "-h", "--version"])
def test_help_and_version_import_neither_sqlalchemy_nor_the_store(flag: str) -> None:
    """--help, -h and --version answer without importing SQLAlchemy or any command."""
    data = _probe(flag)
    modules = data["modules"]
    assert isinstance(modules, list)
    assert data["code"] == 0
    heavy = [
        m
        for m in modules
        if m.split(".")[0] == "sqlalchemy"
        or m.startswith(("connector.store", "connector.flows", "connector.reports"))
    ]
    # What is imported is the guard; the time it takes is a benchmark's business
    # (a timed assertion fails on a loaded machine, not on slow code).
    assert heavy == []


def test_version_prints_the_package_version() -> None:
    """--version prints the version of the installed connector."""
    from connector import __version__

    data = _probe("--version")
    assert f"connector {__version__}" in str(data["stdout"])


def test_help_lists_every_command_and_shows_no_bool_placeholders(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Root and command help list the commands and print no <bool> after flags."""
    assert main(["--help"]) == 0
    root = capsys.readouterr().out
    for name in COMMANDS:
        assert f" {name} " in root
    assert "--install-completion" in root
    assert main(["status", "-h"]) == 0
    status = capsys.readouterr().out
    assert "--json" in status
    assert "<bool>" not in root + status


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_listed_help_is_the_commands_own_first_line(name: str) -> None:
    """The one-line help --help lists is the command's own docstring summary."""
    command = load_command(name)
    assert command.name == name
    assert (command.help or "").strip().splitlines()[0] == COMMANDS[name].help


def test_shell_completion_completes_command_names() -> None:
    """Bash completion of `connector dl` offers `dlq`."""
    result = subprocess.run(
        [sys.executable, "-m", "connector"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={
            "PYTHONPATH": str(ROOT),
            "_CONNECTOR_COMPLETE": "complete_bash",
            "COMP_WORDS": "connector dl",
            "COMP_CWORD": "1",
        },
    )
    assert result.stdout.split() == ["dlq"]


def _config(project: Path, **logging: str) -> Path:
    path = project / "config.toml"
    text = path.read_text(encoding="utf-8")
    for key, value in logging.items():
        text = text.replace(f'\n{key} = "', f'\n{key} = "{value}"  # was "', 1)
    path.write_text(text, encoding="utf-8")
    return path


def _run(project: Path, *args: str) -> int:
    return main(["--config", str(project / "config.toml"), *args])


def test_sync_obeys_the_logging_section(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With [logging] level = "warning", a sync prints no info lines on stderr."""
    _config(project, level="warning")
    assert _run(project, "sync", "handoff") == 0
    assert '"run_started"' not in capsys.readouterr().err
    _config(project, level="info")
    assert _run(project, "backfill", "outcomes", "--since", "2000-01-01") == 0
    assert '"run_started"' in capsys.readouterr().err


@pytest.mark.parametrize(
    "args",
    [
        ("dlq", "retry", "999"),
        ("dlq", "drop", "999"),
        ("dlq", "list", "--flow", "nope"),
        ("runs", "--flow", "nope"),
    ],
)
def test_unknown_dead_letter_ids_and_flows_exit_2(
    project: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    """An id or flow that names nothing is a usage error, not a silent success."""
    assert _run(project, *args) == 2
    err = capsys.readouterr().err
    assert "999" in err or "'nope'" in err


def test_runs_lists_history_newest_first_per_flow(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`runs` shows every run, filtered by flow and limited, newest first."""
    for _ in range(2):
        assert _run(project, "sync", "handoff") == 0
    assert _run(project, "sync", "outcomes") == 0
    capsys.readouterr()
    assert _run(project, "runs", "--json") == 0
    every = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["flow"] for r in every] == ["outcomes", "handoff", "handoff"]
    assert every[2]["counts"]["pulled"] == 300
    assert every[0]["started_at"] >= every[1]["started_at"] >= every[2]["started_at"]
    assert _run(project, "runs", "--flow", "handoff", "--limit", "1", "--json") == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in rows] == [every[1]["id"]]


def test_status_json_carries_cursors_as_objects(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The JSON of status gives a cursor's position as a JSON object, not a string."""
    assert _run(project, "sync", "handoff") == 0
    capsys.readouterr()
    _run(project, "status", "--json")
    data = json.loads(capsys.readouterr().out)
    cursor = data["flows"]["handoff"]["cursors"][0]
    assert isinstance(cursor["value"], dict)
    assert cursor["value"]["at"].startswith("20")


@pytest.mark.parametrize(
    ("status", "received", "expected"),
    [
        ("stopped", [signal.SIGINT], 130),
        ("stopped", [signal.SIGTERM], 143),
        ("stopped", [], 0),
        ("ok", [], 0),
        ("partial", [], 1),
    ],
)
def test_interrupted_runs_exit_like_a_shell(
    status: str, received: list[int], expected: int
) -> None:
    """A run stopped by Ctrl-C exits 130; one stopped by its budget still exits 0."""
    summary = RunSummary(flow="handoff", run_id="r", mode="backfill")
    summary.status = status
    assert exit_code(summary, received) == expected


def test_ctrl_c_during_backfill_exits_130(project: Path) -> None:
    """A backfill interrupted by SIGINT after it started exits 130, not 0."""
    ma = project / "examples" / "ma_contacts.csv"
    lines = ma.read_text(encoding="utf-8-sig").splitlines()
    # Enough rows that the run is still going when the signal arrives.
    ma.write_text("\n".join([lines[0], *lines[1:] * 40]) + "\n", encoding="utf-8")
    config = str(project / "config.toml")
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "connector", "--config", config, *BACKFILL],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    for line in proc.stderr:
        if "run_started" in line:
            break
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert "status: stopped" in out
    assert proc.returncode == 130
