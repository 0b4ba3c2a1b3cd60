"""What every flow step needs: the app, the run, the mappings, and how to commit."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import structlog
from sqlalchemy import Connection

from connector.app import App
from connector.config import FlowSettings
from connector.errors import LeaseLostError, StateError
from connector.flows.batch import Batch
from connector.flows.progress import Progress
from connector.flows.summary import RunSummary
from connector.mapping import Mappings

__all__ = ["FlowContext", "LeaseGuard"]


class LeaseGuard(Protocol):
    """A lease that can prove, inside a transaction, that it is still held."""

    def assert_held(self, conn: Connection) -> None:
        """Raise LeaseLostError when another replica took the flow over."""
        ...


@dataclass
class FlowContext:
    """One run of one flow."""

    app: App
    flow: str
    run_id: str
    settings: FlowSettings
    mappings: Mappings
    summary: RunSummary
    dry_run: bool = False
    stop: threading.Event = field(default_factory=threading.Event)
    lease: LeaseGuard | None = None
    full: bool = False
    since: datetime | None = None
    until: datetime | None = None
    log: Any = field(default_factory=lambda: structlog.get_logger("connector.flows"))
    progress: Progress | None = None
    """Told about every handled page (progress display, backfill forecast)."""
    dry_snapshots: dict[
        tuple[str, str, str], tuple[dict[str, Any], datetime | None]
    ] = field(default_factory=dict)
    """A dry run's pulled native values by (system, entity, id): it commits no
    snapshots, yet its diffs need the target's values read earlier in the run."""

    def new_batch(self) -> Batch:
        """An empty batch of state changes for this run."""
        return Batch(self.flow, self.run_id, max_attempts=self.settings.max_attempts)

    def commit(self, batch: Batch) -> None:
        """Write the batch's state changes in one transaction (not in a dry run).

        The lease is checked inside the same transaction, so a replica that lost
        its lease while paused cannot commit anything. The check comes last, just
        before the commit: it locks the lease row, and a lock taken first would
        stall the heartbeat (and a rival's take-over check) for the whole batch,
        long enough on a big page for the lease to lapse under a healthy run.
        """
        if self.dry_run:
            batch.clear()
            return
        try:
            with self.app.store.transaction() as conn:
                batch.apply(conn)
                if self.lease is not None:
                    self.lease.assert_held(conn)
        except LeaseLostError:
            raise
        except StateError:
            # A write that clashed with a rival's may be the symptom of a lost
            # lease: say so rather than report the clash.
            if self.lease is not None:
                with self.app.store.transaction() as conn:
                    self.lease.assert_held(conn)
            raise
