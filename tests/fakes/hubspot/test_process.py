"""``python -m tests.fakes.hubspot``: a real process on loopback, for end-to-end use."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.slow


@contextmanager
def _running(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Start the fake, wait for its LISTENING line, stop it on exit."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "tests.fakes.hubspot", "--port", "0", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("LISTENING http://127.0.0.1:"), line
        yield proc, line.split()[1]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)
        if proc.stdout is not None:
            proc.stdout.close()


def _stop(proc: subprocess.Popen[str]) -> int:
    proc.send_signal(signal.SIGTERM)
    return proc.wait(10)


def test_process_serves_api_and_persists_state(tmp_path: Path) -> None:
    """Over HTTP: auth, admin seeding, trace-echo omit; SIGTERM saves the state."""
    state = tmp_path / "state.json"
    with _running("--token", "T", "--state", str(state), "--trace-echo", "omit") as (
        proc,
        url,
    ):
        api = httpx.Client(base_url=url, headers={"authorization": "Bearer T"})
        with api, httpx.Client(base_url=url) as admin:
            [record] = admin.post(
                "/__admin/contacts", json={"contacts": [{"email": "p@example.com"}]}
            ).json()["ids"]
            assert httpx.get(f"{url}/crm/v3/objects/contacts").status_code == 401
            updated = api.post(
                "/crm/v3/objects/contacts/batch/update",
                json={
                    "inputs": [
                        {
                            "id": record,
                            "properties": {"firstname": "P"},
                            "objectWriteTraceId": "t-1",
                        }
                    ]
                },
            )
            assert updated.status_code == 200
            assert "objectWriteTraceId" not in updated.json()["results"][0]
            assert "x-hubspot-ratelimit-remaining" in updated.headers
        assert _stop(proc) == 0
    saved = json.loads(state.read_text())
    [row] = saved["objects"]["contacts"]
    assert row["properties"]["firstname"] == "P"
    with _running("--token", "T", "--state", str(state)) as (proc, url):
        truth = httpx.get(f"{url}/__admin/state").json()
        assert truth["objects"]["contacts"][0]["id"] == record
        _stop(proc)


def test_process_search_lag_and_burst_limit() -> None:
    """Wall-clock index lag hides a new record from search; the burst cap 429s."""
    with _running(
        "--token", "T", "--search-lag-seconds", "0.5", "--burst-limit", "3"
    ) as (proc, url):
        search = {
            "filterGroups": [
                {
                    "filters": [
                        {"propertyName": "email", "operator": "EQ", "value": "l@x.io"}
                    ]
                }
            ]
        }
        with httpx.Client(base_url=url, headers={"authorization": "Bearer T"}) as api:
            created = api.post(
                "/crm/v3/objects/contacts", json={"properties": {"email": "l@x.io"}}
            )
            assert created.status_code == 201
            path = "/crm/v3/objects/contacts/search"
            assert api.post(path, json=search).json()["total"] == 0
            time.sleep(0.6)
            assert api.post(path, json=search).json()["total"] == 1
            statuses = [
                api.get("/crm/v3/objects/contacts").status_code for _ in range(3)
            ]
            assert statuses == [200, 200, 429]
        _stop(proc)
