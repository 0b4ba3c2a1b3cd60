"""Flow runs: when each started and ended, how, and what it counted."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from connector.store.schema import runs

__all__ = [
    "ever_completed",
    "finish_run",
    "last_runs",
    "last_successes",
    "recent_runs",
    "start_run",
]


def start_run(
    conn: Connection,
    flow: str,
    mode: str,
    *,
    mapping_version: str | None = None,
    holder: str | None = None,
) -> str:
    """Record that a run began; return its id (also the log's ``run_id``).

    With ``holder`` (the flow's lease is held) no other run of the flow can be
    alive, so one still marked running was killed or crashed: it is closed as
    ``interrupted`` instead of showing ``running`` forever.
    """
    run_id = str(uuid.uuid4())
    now = datetime.now(UTC)
    if holder is not None:
        conn.execute(
            update(runs)
            .where(runs.c.flow == flow, runs.c.status == "running")
            .values(
                status="interrupted",
                ended_at=now,
                error="the process ended before this run finished (killed or "
                "crashed); what it committed is kept and the next run resumed",
            )
        )
    conn.execute(
        insert(runs).values(
            id=run_id,
            flow=flow,
            mode=mode,
            started_at=now,
            status="running",
            counts="{}",
            mapping_version=mapping_version,
            holder=holder,
        )
    )
    return run_id


def finish_run(
    conn: Connection,
    run_id: str,
    status: str,
    counts: Mapping[str, int],
    *,
    error: str | None = None,
) -> None:
    """Record how a run ended: ok, partial (dead letters), failed or stopped."""
    conn.execute(
        update(runs)
        .where(runs.c.id == run_id)
        .values(
            ended_at=datetime.now(UTC),
            status=status,
            counts=json.dumps(dict(counts), sort_keys=True),
            error=error,
        )
    )


def last_runs(conn: Connection) -> dict[str, dict[str, Any]]:
    """The latest run of each flow, keyed by flow name."""
    latest = (
        select(runs.c.flow, func.max(runs.c.started_at).label("started_at"))
        .group_by(runs.c.flow)
        .subquery()
    )
    rows = conn.execute(
        select(runs).join(
            latest,
            (runs.c.flow == latest.c.flow) & (runs.c.started_at == latest.c.started_at),
        )
    )
    result = {}
    for row in rows:
        item = dict(row._mapping)
        item["counts"] = json.loads(item["counts"] or "{}")
        result[item["flow"]] = item
    return result


def recent_runs(
    conn: Connection, limit: int = 20, *, flow: str | None = None
) -> list[dict[str, Any]]:
    """The most recent runs of all flows (or of ``flow``), newest first."""
    query = select(runs).order_by(runs.c.started_at.desc(), runs.c.id).limit(limit)
    if flow is not None:
        query = query.where(runs.c.flow == flow)
    rows = conn.execute(query)
    result = []
    for row in rows:
        item = dict(row._mapping)
        item["counts"] = json.loads(item["counts"] or "{}")
        result.append(item)
    return result


def last_successes(conn: Connection) -> dict[str, datetime]:
    """Flow -> when its latest run that did its work (ok or partial) ended.

    Partial runs count: they synced everything they could and dead-lettered the
    rest, which the dead-letter gauge reports on its own.
    """
    rows = conn.execute(
        select(runs.c.flow, func.max(runs.c.ended_at))
        .where(runs.c.status.in_(("ok", "partial")), runs.c.ended_at.is_not(None))
        .group_by(runs.c.flow)
    )
    result = {}
    for flow, ended in rows:
        if isinstance(ended, str):  # SQLite's max() loses the column type
            ended = datetime.fromisoformat(ended)
        if ended is not None:
            result[str(flow)] = ended if ended.tzinfo else ended.replace(tzinfo=UTC)
    return result


def ever_completed(conn: Connection, flow: str) -> bool:
    """Whether a run of ``flow`` ever ended having committed (ok, partial, stopped)."""
    row = conn.execute(
        select(runs.c.id)
        .where(runs.c.flow == flow, runs.c.status.in_(("ok", "partial", "stopped")))
        .limit(1)
    ).first()
    return row is not None
