"""The status HTTP server of a running daemon, spoken to over a real socket."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from connector.app import App
from connector.daemon import Daemon
from connector.logging import register_secret
from connector.store import runs
from connector.store.cursors import set_cursor
from tests.daemon.standin import StandinFlow

AppFactory = Callable[..., App]
TOKEN = "pat-na1-7f3c9e21-secret-token"


@pytest.fixture
def daemon(make_app: AppFactory) -> Iterator[Daemon]:
    """A started daemon (cron far away, so nothing runs) with its server."""
    app = make_app(handoff="cron 0 0 1 1 *", outcomes="cron 0 0 1 1 *")
    running = Daemon(app, runner=StandinFlow(total=1, batch=1), replica_id="r-test")
    running.start()
    try:
        yield running
    finally:
        running.shutdown()


def _get(daemon: Daemon, path: str) -> httpx.Response:
    assert daemon.server is not None
    return httpx.get(f"http://{daemon.server.host}:{daemon.server.port}{path}")


def test_server_binds_loopback_by_default(daemon: Daemon) -> None:
    """Without a configured host the server listens on 127.0.0.1 only."""
    assert daemon.server is not None
    assert daemon.server.host == "127.0.0.1"


def test_healthz_follows_the_scheduler(daemon: Daemon) -> None:
    """/healthz is 200 while the scheduler runs and 503 once it stopped."""
    ok = _get(daemon, "/healthz")
    assert (ok.status_code, ok.json()["scheduler_running"]) == (200, True)
    daemon.scheduler.shutdown(wait=False)
    down = _get(daemon, "/healthz")
    assert (down.status_code, down.json()["ok"]) == (503, False)


def test_readyz_fails_on_a_failed_last_run_and_when_stopping(daemon: Daemon) -> None:
    """/readyz is 503 after a flow's last run failed, 200 after it recovers."""
    assert _get(daemon, "/readyz").status_code == 200
    with daemon.app.store.transaction() as conn:
        run_id = runs.start_run(conn, "outcomes", "sync")
        runs.finish_run(conn, run_id, "failed", {}, error="boom")
    failed = _get(daemon, "/readyz")
    assert (failed.status_code, failed.json()["flows"]) == (503, ["outcomes"])
    with daemon.app.store.transaction() as conn:
        run_id = runs.start_run(conn, "outcomes", "sync")
        runs.finish_run(conn, run_id, "partial", {"rejected": 1})
    assert _get(daemon, "/readyz").status_code == 200
    daemon.request_stop("test")
    stopping = _get(daemon, "/readyz")
    assert (stopping.status_code, stopping.json()["reason"]) == (503, "shutting down")


def test_metrics_expose_prometheus_text_with_cursor_lag(daemon: Daemon) -> None:
    """/metrics serves the registry, with the cursor lag of stored cursors."""
    with daemon.app.store.transaction() as conn:
        set_cursor(conn, "handoff", "ma:persons", "2024-04-01T00:00:00Z")
    response = _get(daemon, "/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    lag = [
        line
        for line in response.text.splitlines()
        if line.startswith('connector_cursor_lag_seconds{flow="handoff"')
    ]
    assert len(lag) == 1
    assert 0 <= float(lag[0].rsplit(" ", 1)[1]) < 60
    assert "# TYPE connector_http_requests_total counter" in response.text


def test_status_shows_runs_and_cursors_but_never_secrets(daemon: Daemon) -> None:
    """/status lists runs and cursors, and a token quoted in an error is masked."""
    register_secret(TOKEN)
    with daemon.app.store.transaction() as conn:
        set_cursor(conn, "handoff", "ma:persons", "2024-04-01T09:30:00Z")
        run_id = runs.start_run(conn, "handoff", "sync", holder="r-test")
        runs.finish_run(
            conn,
            run_id,
            "failed",
            {"pulled": 7},
            error=f"401 from /crm/v3 with Authorization: Bearer {TOKEN}",
        )
    response = _get(daemon, "/status")
    assert response.status_code == 200
    body = response.text
    assert TOKEN not in body
    data = json.loads(body)
    handoff = data["flows"]["handoff"]
    assert handoff["last_run"]["error"].startswith("401 from /crm/v3")
    assert handoff["last_run"]["counts"] == {"pulled": 7}
    assert handoff["cursors"][0]["value"] == "2024-04-01T09:30:00Z"
    assert handoff["dead_letters"] == {"pending": 0, "parked": 0}
    assert data["daemon"]["replica"] == "r-test"
    assert data["flows"]["outcomes"]["schedule"] == "cron 0 0 1 1 *"


def test_unknown_path_lists_the_endpoints(daemon: Daemon) -> None:
    """A wrong path answers 404 naming the endpoints that exist."""
    response = _get(daemon, "/stats")
    assert response.status_code == 404
    assert response.json()["endpoints"] == [
        "/healthz",
        "/readyz",
        "/metrics",
        "/status",
    ]


def test_status_answers_503_when_the_store_is_gone(
    daemon: Daemon, tmp_path: Path
) -> None:
    """A store that cannot be read gives 503 with the reason, not a dropped socket."""
    daemon.app.store.engine.dispose()
    (tmp_path / "s.db").unlink()
    (tmp_path / "s.db").mkdir()  # a folder where the database file was
    response = _get(daemon, "/status")
    assert response.status_code == 503
    assert "cannot read the state store" in response.json()["error"]
    assert _get(daemon, "/readyz").json()["reason"] == "state store unreachable"


def test_health_record_time_is_iso(daemon: Daemon) -> None:
    """The daemon's record has its start time, used in /status and the file."""
    record = daemon.health_record()
    assert record["started_at"] <= datetime.now(UTC)
    assert record["pid"] > 0
