"""Two real `connector run` replicas on PostgreSQL: kill -9 the holder mid-run.

The surviving replica must take the handoff flow over once the lease lapses and
finish it, and the SFA import file must equal that of one uninterrupted run:
nothing lost, no lead created twice. The dead replica's run is closed as failed
and the fencing token has grown.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy

from adapters.csv.pulling import load_cursor
from tests.faults.test_kill_resume import _generate

REPO = Path(__file__).resolve().parents[2]
ROWS = 2000


def _env(state_url: str, replica: str, folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "CONNECTOR_STATE__URL": state_url,
        "CONNECTOR_DAEMON__REPLICA_ID": replica,
        "CONNECTOR_DAEMON__LEASE_TTL_SECONDS": "3",
        "CONNECTOR_DAEMON__HEARTBEAT_SECONDS": "1",
        "CONNECTOR_DAEMON__HEALTH_FILE": str(folder / f"health-{replica}.json"),
        "CONNECTOR_FLOWS__HANDOFF__SCHEDULE": "every 1s",
        "CONNECTOR_FLOWS__OUTCOMES__ENABLED": "false",
        "CONNECTOR_SERVER__ENABLED": "false",
        "CONNECTOR_LOGGING__FORMAT": "json",
    }


def _start(folder: Path, state_url: str, replica: str) -> subprocess.Popen[bytes]:
    with (folder / f"{replica}.log").open("wb") as log:  # the child keeps its copy
        return subprocess.Popen(
            [sys.executable, "-m", "connector", "--config", "config.toml", "run"],
            cwd=folder,
            env=_env(state_url, replica, folder),
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def _events(folder: Path, replica: str) -> list[dict[str, object]]:
    path = folder / f"{replica}.log"
    events = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("{"):
            events.append(json.loads(line))
    return events


def _until(check, timeout: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def _token(engine: sqlalchemy.Engine) -> int | None:
    with engine.connect() as conn:
        return conn.execute(
            sqlalchemy.text("select token from leases where flow = 'handoff'")
        ).scalar()


def _leads(folder: Path) -> list[list[str]]:
    with (folder / "out" / "sfa_import_leads.csv").open(
        encoding="utf-8-sig", newline=""
    ) as handle:
        return sorted(list(csv.reader(handle))[1:])


@pytest.mark.slow
@pytest.mark.postgres
def test_survivor_finishes_the_flow_after_kill_9_of_the_holder(
    tmp_path: Path, pg_schema_url: str
) -> None:
    """The holder dies mid-run; the other replica finishes; the target is exact."""
    clean, shared = tmp_path / "clean", tmp_path / "shared"
    for folder in (clean, shared):
        folder.mkdir()
        _generate(folder, ROWS, seed=11)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "connector",
            "--config",
            "config.toml",
            "sync",
            "handoff",
        ],
        cwd=clean,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    expected = _leads(clean)
    assert len(expected) > ROWS // 3

    engine = sqlalchemy.create_engine(pg_schema_url)
    procs = {
        name: _start(shared, pg_schema_url, name) for name in ("replica-a", "replica-b")
    }
    try:

        def committed_batches() -> int:
            with engine.connect() as conn:
                try:
                    value = conn.execute(
                        sqlalchemy.text(
                            "select value from cursors where flow = 'handoff' "
                            "and source = 'ma.persons'"
                        )
                    ).scalar()
                except sqlalchemy.exc.ProgrammingError:
                    return 0  # tables not created yet
            return 0 if value is None else int(load_cursor(value, where="t")["line"])

        _until(committed_batches, 60, "a first committed batch")

        def holder() -> str | None:
            # The holder of the lease whose running run committed the last batch:
            # under load a lease can change hands before we look, and a replica
            # that only just took it over may not have started its run yet.
            with engine.connect() as conn:
                return conn.execute(
                    sqlalchemy.text(
                        "select l.holder from leases l "
                        "join runs r on r.holder = l.holder and r.status = 'running' "
                        "join cursors c on c.run_id = r.id "
                        "where l.flow = 'handoff' and c.flow = 'handoff' "
                        "and c.source = 'ma.persons'"
                    )
                ).scalar()

        victim = _until(holder, 30, "a lease holder with a committed batch")
        token_before = _until(lambda: _token(engine), 10, "a token")
        line_at_kill = committed_batches()
        assert line_at_kill < ROWS, "the run finished before the kill landed"
        procs[victim].send_signal(signal.SIGKILL)
        procs[victim].wait(10)
        survivor = next(name for name in procs if name != victim)

        def finished_by_survivor() -> bool:
            return (
                any(
                    e.get("event") == "run_finished" and e.get("flow") == "handoff"
                    for e in _events(shared, survivor)
                )
                and committed_batches() > line_at_kill
            )

        _until(finished_by_survivor, 60, "the survivor to finish the handoff run")
        _until(lambda: committed_batches() >= ROWS, 60, "the cursor at the end")
        procs[survivor].send_signal(signal.SIGTERM)
        assert procs[survivor].wait(30) == 0

        leads = _leads(shared)
        emails = [row[4] for row in leads]
        assert len(emails) == len(set(emails))
        assert leads == expected
        token_after = _token(engine)
        with engine.connect() as conn:
            dead_runs = (
                conn.execute(
                    sqlalchemy.text(
                        "select status from runs where flow = 'handoff' and holder = :h"
                    ),
                    {"h": victim},
                )
                .scalars()
                .all()
            )
        assert token_after > token_before
        assert "failed" in dead_runs
        assert "running" not in dead_runs
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
        engine.dispose()
