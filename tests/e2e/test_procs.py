"""Process helpers: readiness, stopping, hard kills and captured output."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.procs import (
    child_env,
    free_port,
    output,
    run_cli,
    run_cli_killed_at,
    serving,
    start_server,
    stop,
)

pytestmark = pytest.mark.slow

PY = sys.executable

SERVER = textwrap.dedent(
    """
    import os, sys
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            payload = os.environ.get("GREETING", "none").encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    print("starting up", flush=True)
    print(f"LISTENING http://127.0.0.1:{server.server_address[1]}", flush=True)
    sys.stderr.write("ready on stderr\\n")
    server.serve_forever()
    """
)


def _gone(pid: int) -> bool:
    """Whether ``pid`` no longer runs (exited, or a zombie awaiting its reaper)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")


def _wait_gone(pid: int, seconds: float = 3.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _gone(pid):
            return True
        time.sleep(0.02)
    return False


def test_start_server_waits_for_listening_and_passes_env() -> None:
    """The URL from the LISTENING line answers, with the extra env applied."""
    proc, url = start_server([PY, "-c", SERVER], {"GREETING": "konnichiwa"})
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
            body = response.read()
    finally:
        returncode = stop(proc)
    assert url.startswith("http://127.0.0.1:")
    assert body == b"konnichiwa"
    assert returncode == -signal.SIGTERM
    stdout, stderr = output(proc)
    assert stdout.splitlines()[0] == "starting up"
    assert stderr == "ready on stderr\n"


def test_start_server_surfaces_stderr_when_the_child_dies() -> None:
    """A server that exits before LISTENING raises with its code and stderr."""
    script = "import sys; sys.stderr.write('port in use\\n'); sys.exit(3)"
    with pytest.raises(RuntimeError, match="code 3") as failure:
        start_server([PY, "-c", script])
    assert "port in use" in str(failure.value)


def test_start_server_times_out_and_leaves_nothing_running(tmp_path: Path) -> None:
    """A silent server fails after the timeout and is stopped, not leaked."""
    pid_file = tmp_path / "pid"
    script = (
        f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid()));"
        " print('booting', flush=True); time.sleep(60)"
    )
    started = time.monotonic()
    with pytest.raises(RuntimeError, match=r"no LISTENING line within 0.5s") as err:
        start_server([PY, "-c", script], timeout=0.5)
    assert time.monotonic() - started < 5
    assert "booting" in str(err.value)
    assert _gone(int(pid_file.read_text()))


def test_stop_escalates_to_sigkill_and_reaches_children(tmp_path: Path) -> None:
    """SIGTERM is ignored, so stop kills the group, grandchildren included."""
    script = textwrap.dedent(
        """
        import signal, subprocess, sys, time
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        print(f"CHILD {child.pid}", flush=True)
        print("LISTENING http://127.0.0.1:9", flush=True)
        time.sleep(60)
        """
    )
    proc, _ = start_server([PY, "-c", script])
    child = int(output(proc)[0].split("CHILD ")[1].split()[0])
    started = time.monotonic()
    returncode = stop(proc, timeout=0.3)
    assert returncode == -signal.SIGKILL
    assert time.monotonic() - started < 4
    assert _wait_gone(child)
    assert stop(proc) == -signal.SIGKILL  # a second stop is harmless


def test_serving_stops_the_server_on_exit() -> None:
    """The context manager stops the server even when the block raises."""
    seen: list[subprocess.Popen[str]] = []

    def crash_inside() -> None:
        with serving([PY, "-c", SERVER]) as (proc, url):
            seen.append(proc)
            assert proc.poll() is None
            assert url.startswith("http://")
            raise KeyError("boom")

    with pytest.raises(KeyError):
        crash_inside()
    assert seen[0].returncode == -signal.SIGTERM


def test_run_cli_captures_output_code_and_env() -> None:
    """run_cli returns both streams and the exit code; None unsets a variable."""
    script = (
        "import os, sys; print(os.environ.get('KEEP'), os.environ.get('HOME'));"
        " sys.stderr.write('warn\\n'); sys.exit(5)"
    )
    result = run_cli([PY, "-c", script], {"KEEP": "yes", "HOME": None}, timeout=10)
    assert result.returncode == 5
    assert result.stdout == "yes None\n"
    assert result.stderr == "warn\n"


def test_run_cli_timeout_raises() -> None:
    """A CLI that hangs past the timeout fails loudly instead of hanging tests."""
    with pytest.raises(subprocess.TimeoutExpired):
        run_cli([PY, "-c", "import time; time.sleep(30)"], timeout=0.5)


def test_run_cli_killed_at_kills_a_running_process(tmp_path: Path) -> None:
    """The process is SIGKILLed at the given time, mid-work, output logged."""
    log = tmp_path / "run.log"
    script = (
        "import time\nfor i in range(100):\n"
        "    print('step', i, flush=True); time.sleep(0.05)"
    )
    started = time.monotonic()
    returncode = run_cli_killed_at([PY, "-c", script], seconds=0.6, log=log)
    elapsed = time.monotonic() - started
    assert returncode == -signal.SIGKILL
    assert 0.6 <= elapsed < 3
    steps = log.read_text().splitlines()
    assert steps[0] == "step 0"
    assert 1 < len(steps) < 100


def test_run_cli_killed_at_returns_early_exit_code() -> None:
    """A process that finishes before the deadline returns its own code at once."""
    started = time.monotonic()
    returncode = run_cli_killed_at([PY, "-c", "raise SystemExit(4)"], seconds=20)
    assert returncode == 4
    assert time.monotonic() - started < 10


def test_free_port_is_bindable() -> None:
    """The port handed out can be bound right away on loopback."""
    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
    assert 1024 <= port <= 65535


def test_child_env_layers_on_the_current_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Extra variables override, None removes, and output is unbuffered."""
    monkeypatch.setenv("E2E_BASE", "1")
    monkeypatch.setenv("E2E_DROP", "x")
    monkeypatch.delenv("PYTHONUNBUFFERED", raising=False)
    env = child_env({"E2E_EXTRA": "2", "E2E_DROP": None})
    assert (env["E2E_BASE"], env["E2E_EXTRA"]) == ("1", "2")
    assert "E2E_DROP" not in env
    assert env["PYTHONUNBUFFERED"] == "1"
