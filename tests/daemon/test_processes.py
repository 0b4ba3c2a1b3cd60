"""The daemon as real processes: SIGTERM, kill -9 take-over, SIGSTOP fencing."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from connector.store import StateStore
from connector.store.cursors import get_cursor
from connector.store.runs import recent_runs
from tests.daemon.conftest import write_config
from tests.daemon.procs import Replicas
from tests.daemon.standin import target

pytestmark = pytest.mark.slow

ReplicaFactory = Callable[..., Replicas]

FAST = """replica_id = "unset"
lease_ttl_seconds = 2
heartbeat_seconds = 0.5
grace_seconds = {grace}
"""


@pytest.fixture
def replicas(tmp_path: Path) -> Iterator[ReplicaFactory]:
    made: list[Replicas] = []

    def build(url: str, *, schedule: str, grace: float = 10) -> Replicas:
        config = write_config(
            tmp_path, url, handoff=schedule, extra=FAST.format(grace=grace)
        )
        group = Replicas(config, tmp_path)
        made.append(group)
        return group

    yield build
    for group in made:
        group.close()


def _items(store: StateStore) -> tuple[list[int], int]:
    """All items in the target, and how many are duplicates."""
    with store.read() as conn:
        items = sorted(row.item for row in conn.execute(select(target.c.item)))
        distinct = conn.execute(select(func.count(target.c.item.distinct()))).scalar()
    return items, len(items) - int(distinct or 0)


def _cursor(store: StateStore) -> int:
    with store.read() as conn:
        return int(get_cursor(conn, "handoff", "standin") or 0)


def test_sigterm_commits_the_batch_in_hand_and_exits_0(
    replicas: ReplicaFactory, tmp_path: Path
) -> None:
    """On SIGTERM the running batch commits with its cursor and the exit code is 0."""
    url = f"sqlite:///{tmp_path / 'state.db'}"
    group = replicas(url, schedule="every 1h")
    group.start("r1", total=1000, batch=5, work=0.3)
    group.out("COMMIT r1 5")
    assert (tmp_path / "health-r1.json").is_file()
    sent = time.monotonic()
    group.send("r1", signal.SIGTERM)
    assert group.exit_code("r1") == 0
    took = time.monotonic() - sent
    assert took < 10
    commits = [int(t.split()[2]) for _, _, t in group.seen if t.startswith("COMMIT")]
    store = StateStore(url)
    try:
        cursor = _cursor(store)
        assert cursor == max(commits) >= 5
        assert cursor < 1000
        assert _items(store) == (list(range(1, cursor + 1)), 0)
        with store.read() as conn:
            assert recent_runs(conn, 1)[0]["status"] == "stopped"
    finally:
        store.close()
    assert not (tmp_path / "health-r1.json").exists()


def test_grace_period_bounds_the_shutdown(
    replicas: ReplicaFactory, tmp_path: Path
) -> None:
    """A batch longer than the grace period is abandoned: exit 1, nothing committed."""
    url = f"sqlite:///{tmp_path / 'state.db'}"
    group = replicas(url, schedule="every 1h", grace=0.5)
    group.start("r1", total=10, batch=5, work=3)
    group.out("WORK r1 1")
    group.send("r1", signal.SIGTERM)
    group.wait_for(lambda ln: "shutdown_grace_exceeded" in ln[2])
    assert group.exit_code("r1") == 1
    store = StateStore(url)
    try:
        assert _cursor(store) == 0
    finally:
        store.close()


@pytest.mark.postgres
def test_second_replica_finishes_after_kill_9(
    replicas: ReplicaFactory, pg_schema_url: str
) -> None:
    """Kill -9 the replica mid-run: the other takes over and the target is exact."""
    group = replicas(pg_schema_url, schedule="every 1s")
    group.start("a", total=30, batch=3, work=0.15)
    group.start("b", total=30, batch=3, work=0.15)
    _, _, first = group.out("COMMIT")
    holder = first.split()[1]
    other = "b" if holder == "a" else "a"
    group.send(holder, signal.SIGKILL)
    group.out(f"DONE {other}", name=other)
    group.send(other, signal.SIGTERM)
    assert group.exit_code(other) == 0
    store = StateStore(pg_schema_url)
    try:
        assert _items(store) == (list(range(1, 31)), 0)
        with store.read() as conn:
            runs = recent_runs(conn, 50)
        dead = [r for r in runs if r["holder"] == holder]
        assert [r["status"] for r in dead] == ["failed"]
        assert f"replica {holder} stopped renewing" in dead[0]["error"]
    finally:
        store.close()


@pytest.mark.postgres
def test_paused_replica_cannot_commit_after_take_over(
    replicas: ReplicaFactory, pg_schema_url: str
) -> None:
    """A replica frozen past its TTL (SIGSTOP) wakes up fenced and commits nothing."""
    group = replicas(pg_schema_url, schedule="every 1s")
    group.start("a", total=30, batch=3, work=0.15)
    group.out("COMMIT a 3", name="a")
    group.send("a", signal.SIGSTOP)
    group.start("b", total=30, batch=3, work=0.15)
    group.out("COMMIT b", name="b")
    group.send("a", signal.SIGCONT)
    group.wait_for(
        lambda ln: ln[0] == "a" and ("lease_lost" in ln[2] or "lost the lease" in ln[2])
    )
    group.out("DONE b", name="b")
    for name in ("a", "b"):
        group.send(name, signal.SIGTERM)
        assert group.exit_code(name) == 0
    store = StateStore(pg_schema_url)
    try:
        assert _items(store) == (list(range(1, 31)), 0)
    finally:
        store.close()
