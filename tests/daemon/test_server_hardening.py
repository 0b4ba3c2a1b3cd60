"""The status server survives its clients: stalls, floods, hang-ups, busy ports."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from structlog.testing import capture_logs

from connector import server as server_module
from connector.errors import ConfigError
from connector.server import Probes, StatusServer, public_status


def _probes(status: dict[str, Any] | None = None) -> Probes:
    return Probes(
        health=lambda: (True, {}),
        ready=lambda: (True, {}),
        status=lambda: status or {"ok": True},
        metrics=lambda: (b"# nothing\n", "text/plain"),
    )


@pytest.fixture
def running(monkeypatch: pytest.MonkeyPatch) -> Iterator[StatusServer]:
    """A server on a free loopback port with a short request timeout."""
    monkeypatch.setattr(server_module._Handler, "timeout", 1.0)
    started = StatusServer("127.0.0.1", 0, _probes())
    started.start()
    try:
        yield started
    finally:
        started.stop()


def _url(server: StatusServer, path: str) -> str:
    return f"http://{server.host}:{server.port}{path}"


def test_half_sent_requests_do_not_pile_up_threads(running: StatusServer) -> None:
    """Many stalled clients hold no thread past the timeout; probes still answer."""
    before = threading.active_count()
    stalled = []
    for _ in range(60):
        conn = socket.create_connection((running.host, running.port))
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # never finished
        stalled.append(conn)
    try:
        time.sleep(0.2)  # let the server accept them all
        assert threading.active_count() <= before + server_module.WORKERS
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if httpx.get(_url(running, "/healthz"), timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail("/healthz never answered while clients stalled")
    finally:
        for conn in stalled:
            conn.close()


def test_client_hanging_up_logs_one_line(
    running: StatusServer, capfd: pytest.CaptureFixture[str]
) -> None:
    """A client that disconnects before the answer gives no traceback."""
    with capture_logs() as logs:
        for _ in range(5):
            conn = socket.create_connection((running.host, running.port))
            conn.sendall(b"GET /status HTTP/1.0\r\n\r\n")
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
            conn.close()
        assert httpx.get(_url(running, "/healthz")).status_code == 200
        time.sleep(0.3)
    assert all(e["log_level"] in ("debug", "info") for e in logs), logs
    assert "Traceback" not in capfd.readouterr().err


def test_port_in_use_is_a_config_error(running: StatusServer) -> None:
    """Binding a taken port raises ConfigError naming it and the key to change."""
    with pytest.raises(ConfigError, match=f"127.0.0.1:{running.port}") as info:
        StatusServer("127.0.0.1", running.port, _probes())
    assert "[server] port" in (info.value.hint or "")


def test_status_hides_absolute_paths_and_long_errors() -> None:
    """/status shows the state URL and errors without host paths or extra lines."""
    doc = {
        "state": {"url": "sqlite:////var/lib/connector/state/connector.db"},
        "flows": {"handoff": {"last_run": {"error": "bad /tmp/x/y.csv\n" + "z" * 500}}},
        "daemon": {"flows": {"handoff": {"last_error": "e" * 400}}},
        "note": "401 from /crm/v3/objects",
    }
    shown = public_status(doc)
    assert shown["state"]["url"] == "sqlite:///…/connector.db"
    assert shown["flows"]["handoff"]["last_run"]["error"] == "bad …/y.csv"
    assert len(shown["daemon"]["flows"]["handoff"]["last_error"]) <= 201
    assert shown["note"] == "401 from /crm/v3/objects"
