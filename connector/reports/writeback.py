"""Closed-loop write-back: each campaign's results onto the MA side's campaign.

Marketers work in the MA tool, so leads, SQLs, won deals, revenue and the
sales-rejected rate per campaign are pushed there as properties (entity
``campaigns``, upserted by campaign name). Unchanged results are not re-sent:
the payload's fingerprint is kept per campaign, like the flows do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import func, select

from adapters.protocol import Adapter, PushOutcome, WriteOp
from connector.reports.attribution import NO_CAMPAIGN
from connector.reports.config import ReportingSettings, WritebackField
from connector.reports.funnel import UNATTRIBUTED, FunnelRow, funnel_report
from connector.reports.period import Period
from connector.store import StateStore
from connector.store.fingerprints import fingerprint, get_fingerprints, set_fingerprint
from connector.store.schema import persons

__all__ = [
    "FLOW",
    "WritebackSummary",
    "campaign_results",
    "write_back_campaigns",
    "writeback_refusal",
]

FLOW = "campaign_writeback"
"""The flow name the write-back's fingerprints are kept under."""

_log = structlog.get_logger(__name__)


@dataclass(slots=True)
class WritebackSummary:
    """What one write-back did."""

    written: int = 0
    unchanged: int = 0
    failed: list[PushOutcome] = field(default_factory=list)


def _value(row: FunnelRow, name: WritebackField) -> int | str | float:
    if name == "revenue":
        # Exact, without trailing zeros: MA number properties accept "123.4".
        return format(row.revenue.normalize(), "f")
    if name == "rejected_rate":
        rate = row.rejected_rate
        return round(rate, 4) if rate is not None else 0.0
    key = {"leads": "lead", "opportunities": "opportunity"}.get(name, name)
    return row.counts[key]


def campaign_results(
    rows: list[FunnelRow], settings: ReportingSettings
) -> list[WriteOp]:
    """One upsert per named campaign, with the configured property names."""
    config = settings.writeback
    ops = []
    for row in rows:
        if row.key in (NO_CAMPAIGN, UNATTRIBUTED):
            continue
        fields: dict[str, Any] = {config.match_field: row.key}
        for name, prop in config.fields.items():
            fields[prop] = _value(row, name)
        ops.append(WriteOp(key=row.key, fields=fields, match_field=config.match_field))
    return ops


def writeback_refusal(adapter: Adapter, settings: ReportingSettings) -> str | None:
    """Why the configured campaign write-back cannot run against ``adapter``.

    Asked by ``config check`` and before the daemon schedules the job, so an MA
    side without a campaigns entity (HubSpot: its marketing-campaigns API is not
    written by this connector) is refused once with the reason, instead of
    failing on every scheduled run.
    """
    if not settings.writeback.enabled or adapter.capabilities().can_push("campaigns"):
        return None
    return (
        f"reporting.toml: [writeback] is enabled but the [{adapter.name}] adapter "
        "cannot write campaigns; set [writeback] enabled = false, or use an MA "
        "adapter with a campaigns entity (CSV or REST [ma.campaigns] write)"
    )


def write_back_campaigns(
    store: StateStore,
    adapter: Adapter,
    settings: ReportingSettings,
    *,
    now: datetime | None = None,
) -> WritebackSummary:
    """Compute per-campaign results and push the changed ones to ``adapter``.

    The daemon schedules this per ``writeback.schedule``. One campaign refused by
    the MA side is logged and retried next time (its fingerprint is not kept);
    the rest are written.

    Raises:
        AdapterError: the whole push failed (auth, outage); nothing is recorded.
    """
    moment = now or datetime.now(UTC)
    today = moment.astimezone(settings.tz).date()
    days = settings.writeback.since_days
    since = (
        today - timedelta(days=days - 1)
        if days
        else _first_day(store, settings, moment)
    )
    period = Period(min(since, today), today, settings.tz)
    with store.read() as conn:
        report = funnel_report(conn, settings, period, by="campaign")
        ops = campaign_results(report.rows, settings)
        known = get_fingerprints(conn, FLOW, [op.key for op in ops])
    summary = WritebackSummary()
    changed = []
    prints: dict[str, str] = {}
    for op in ops:
        prints[op.key] = fingerprint(op.fields)
        if known.get(op.key, ("", None))[0] == prints[op.key]:
            summary.unchanged += 1
        else:
            changed.append(op)
    if not changed:
        return summary
    result = adapter.push("campaigns", changed)
    with store.transaction() as conn:
        for outcome in result.outcomes:
            if outcome.ok:
                summary.written += 1
                set_fingerprint(
                    conn, FLOW, outcome.key, prints[outcome.key], outcome.id
                )
            else:
                summary.failed.append(outcome)
                _log.warning(
                    "campaign_writeback_rejected",
                    campaign=outcome.key,
                    error=outcome.error,
                    status=outcome.status,
                )
    return summary


def _first_day(store: StateStore, settings: ReportingSettings, now: datetime) -> date:
    """The day the oldest lead was created (min() keeps the column's UTC type)."""
    with store.read() as conn:
        first = conn.execute(select(func.min(persons.c.created_at))).scalar()
    moment = first if isinstance(first, datetime) else now
    return moment.astimezone(settings.tz).date()
