"""/metrics: the names README promises, store-backed gauges, build and process info."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from prometheus_client import generate_latest

from connector.app import App
from connector.metrics import REGISTRY
from connector.status import update_store_gauges
from connector.store import StateStore, runs
from connector.store.cursors import set_cursor
from connector.store.deadletters import add_dead_letter

ROOT = Path(__file__).resolve().parents[2]


def _exposition() -> str:
    return generate_latest(REGISTRY).decode()


def _metrics_row() -> list[str]:
    row = next(
        line
        for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| `/metrics`")
    )
    return re.findall(r"`((?:connector|process|python)_[a-z_]+)`", row)


def test_every_metric_readme_names_is_exposed_under_that_name(
    store: StateStore,
) -> None:
    """Each metric name in README's /metrics row appears in the exposition."""
    with store.transaction() as conn:
        run_id = runs.start_run(conn, "handoff", "sync")
        runs.finish_run(conn, run_id, "ok", {})
    with store.read() as conn:
        update_store_gauges(conn, datetime.now(UTC))
    text = _exposition()
    exposed = set(re.findall(r"^# TYPE (\S+) (\S+)", text, re.M))
    names = {name for name, _ in exposed}
    # A counter's samples carry _total; its TYPE line names the family without it.
    samples = set(re.findall(r"^([a-z_]+)[{ ]", text, re.M))
    promised = _metrics_row()
    assert "connector_records_pulled_total" in promised
    assert "connector_dead_letters" in promised
    missing = [n for n in promised if n not in samples and n not in names]
    assert missing == []


def test_store_gauges_show_backlog_and_last_success(store: StateStore) -> None:
    """Dead letters per flow and status, and the end of the last ok run, are gauges."""
    with store.transaction() as conn:
        add_dead_letter(
            conn,
            flow="outcomes",
            record_key="sfa:D-1",
            system="sfa",
            entity="deals",
            kind="transient",
            reason="timeout",
            error="timed out",
            payload={},
        )
        run_id = runs.start_run(conn, "outcomes", "sync")
        runs.finish_run(conn, run_id, "partial", {"dead_lettered": 1})
        failed = runs.start_run(conn, "handoff", "sync")
        runs.finish_run(conn, failed, "failed", {}, error="boom")
    with store.read() as conn:
        ended = runs.recent_runs(conn, flow="outcomes")[0]["ended_at"]
        update_store_gauges(conn, datetime.now(UTC))
    value = REGISTRY.get_sample_value
    assert (
        value("connector_dead_letters", {"flow": "outcomes", "status": "pending"}) == 1
    )
    assert (
        value("connector_dead_letters", {"flow": "handoff", "status": "pending"}) == 0
    )
    last = value("connector_last_success_timestamp_seconds", {"flow": "outcomes"})
    assert last == ended.timestamp()
    assert (
        value("connector_last_success_timestamp_seconds", {"flow": "handoff"}) is None
    )


def test_cursor_lag_leaves_out_backfill_cursors(store: StateStore) -> None:
    """A finished backfill's cursor never moves again, so it gets no lag series."""
    with store.transaction() as conn:
        set_cursor(conn, "handoff", "ma.persons", '{"updated": "x"}')
        set_cursor(conn, "handoff", "backfill 2000-01-01.. ma.persons", "{}")
    with store.read() as conn:
        update_store_gauges(conn, datetime.now(UTC))
    text = _exposition()
    assert 'connector_cursor_lag_seconds{flow="handoff",source="ma.persons"}' in text
    assert "backfill" not in text


def test_build_info_and_process_metrics_are_exposed() -> None:
    """The exposition says which version runs and what the process uses."""
    from connector import __version__

    text = _exposition()
    assert 'connector_build_info{python="' in text
    assert f'version="{__version__}"' in text
    assert "process_resident_memory_bytes" in text
    assert "python_info" in text


def test_daemon_warns_when_its_server_is_on_loopback_in_a_container(
    make_app: Callable[..., App], monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a container, a status server on 127.0.0.1 logs how to make it reachable."""
    import structlog

    from connector import daemon as daemon_module
    from tests.daemon.standin import StandinFlow

    monkeypatch.setattr(daemon_module, "in_container", lambda: True)
    app = make_app(handoff="cron 0 0 1 1 *")
    running = daemon_module.Daemon(app, runner=StandinFlow(total=1, batch=1))
    with structlog.testing.capture_logs() as logs:
        running.start()
        running.shutdown()
    warnings = [
        e for e in logs if e["event"] == "status_server_on_loopback_in_container"
    ]
    assert len(warnings) == 1
    assert '"0.0.0.0"' in warnings[0]["hint"]
