"""A stand-in flow with the runner's contract, for daemon tests until real flows run.

It copies the integers 1..total into ``standin_target`` in batches, like a real
flow: read the cursor, do the batch's work, then commit the rows and the cursor in
one transaction that first checks the lease. It prints ``WORK replica first_id``
when a batch starts, ``COMMIT replica last_id`` when it is committed and ``DONE
replica`` once all rows are there, so process tests can follow it. It writes a run
row like the real runner does (holder included).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Column, Integer, MetaData, String, Table, insert

from connector.app import App
from connector.errors import ConnectorError
from connector.leases import Lease
from connector.store import runs
from connector.store.cursors import get_cursor, set_cursor

target_metadata = MetaData()
target = Table(
    "standin_target",
    target_metadata,
    Column("flow", String(64), nullable=False),
    Column("item", Integer, nullable=False),
    Column("writer", String(128), nullable=False),
)
"""The stand-in's "target system": no key, so duplicates would show."""


@dataclass
class StandinSummary:
    """What the runner returns, reduced to what the daemon reads."""

    status: str = "ok"
    counts: Counter[str] = field(default_factory=Counter)


@dataclass
class StandinFlow:
    """Copies 1..total in batches; ``work`` is each batch's in-flight work."""

    total: int
    batch: int
    work: Callable[[], None] = lambda: None
    say: Callable[[str], None] = lambda line: None
    calls: list[str] = field(default_factory=list)

    def __call__(
        self,
        app: App,
        flow: str,
        *,
        stop: threading.Event | None = None,
        lease: Lease | None = None,
    ) -> StandinSummary:
        stop = stop or threading.Event()
        holder = lease.holder if lease is not None else "solo"
        self.calls.append(holder)
        target_metadata.create_all(app.store.engine)
        with app.store.transaction() as conn:
            run_id = runs.start_run(conn, flow, "sync", holder=holder)
        summary = StandinSummary()
        try:
            self._copy(app, flow, stop, lease, holder, summary)
        except ConnectorError as exc:
            summary.status = "failed"
            with app.store.transaction() as conn:
                runs.finish_run(conn, run_id, "failed", {}, error=exc.one_line())
            raise
        with app.store.transaction() as conn:
            runs.finish_run(conn, run_id, summary.status, summary.counts)
        return summary

    def _copy(
        self,
        app: App,
        flow: str,
        stop: threading.Event,
        lease: Lease | None,
        holder: str,
        summary: StandinSummary,
    ) -> None:
        while True:
            with app.store.read() as conn:
                done = int(get_cursor(conn, flow, "standin") or 0)
            if done >= self.total:
                self.say(f"DONE {holder}")
                return
            if stop.is_set():
                summary.status = "stopped"
                return
            last = min(done + self.batch, self.total)
            self.say(f"WORK {holder} {done + 1}")
            self.work()
            with app.store.transaction() as conn:
                if lease is not None:
                    lease.assert_held(conn)
                conn.execute(
                    insert(target),
                    [
                        {"flow": flow, "item": i, "writer": holder}
                        for i in range(done + 1, last + 1)
                    ],
                )
                set_cursor(conn, flow, "standin", str(last))
            summary.counts["pushed"] += last - done
            self.say(f"COMMIT {holder} {last}")


def slow_work(seconds: float) -> Callable[[], None]:
    """Work that takes wall time, for process tests (a real push takes time too)."""
    return lambda: time.sleep(seconds)
