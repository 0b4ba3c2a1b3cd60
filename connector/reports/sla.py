"""The SLA both teams signed: attainment per month, the breaches, and gauges.

Marketing promises qualified leads: ``per_rep_per_month × sales_reps`` people
reaching the configured stage in each month. Sales promises a first follow-up of
every handed-off lead within H hours, counted from ``handed_off_at`` to the
earlier of the first SFA activity the SFA reported (``first_followup_at``) and the
first SFA stage change after the handoff (the handoff's own event does not
count). A lead with no follow-up is a breach once H hours have passed and is
*pending* before that; pending leads are left out of the attainment.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal, TypeAlias

from sqlalchemy import Connection

from connector.metrics import SLA_ATTAINMENT
from connector.reports.attribution import apply_deals, attribute_deals
from connector.reports.config import ReportingSettings
from connector.reports.facts import PersonFacts, load_facts, stage_column
from connector.reports.labels import Lang, label
from connector.reports.period import Period, month_key, month_start

__all__ = [
    "Breach",
    "FollowupStatus",
    "MonthSla",
    "SlaReport",
    "breach_text",
    "followup_of",
    "sla_report",
    "update_sla_gauges",
]

FollowupStatus: TypeAlias = Literal["met", "late", "missing", "pending"]
"""A handed-off lead's follow-up: in time, too late, never (past the deadline),
or not yet due."""


@dataclass(frozen=True, slots=True)
class Breach:
    """One broken promise, for the breach list."""

    commitment: Literal["marketing", "sales"]
    month: str
    subject: str
    """The lead (email or id) for sales, the month for marketing."""
    owner: str | None
    detail: str
    """The breach in English (JSON); renderers use :func:`breach_text` instead."""
    hours: float | None = None
    """Hours from handoff to follow-up (None when there was none)."""
    qualified: int | None = None
    """Marketing: qualified leads delivered in the month."""
    target: int | None = None
    """Marketing: qualified leads promised for the month."""


@dataclass(slots=True)
class MonthSla:
    """Both commitments in one month."""

    month: str
    qualified: int
    target: int
    handed_off: int = 0
    met: int = 0
    breached: int = 0
    pending: int = 0
    complete: bool = True
    """Whether the month is over (an open month is no marketing breach yet)."""

    @property
    def marketing_attainment(self) -> float:
        """Qualified leads delivered / promised (1.0 = met)."""
        return self.qualified / self.target

    @property
    def sales_attainment(self) -> float | None:
        """Leads followed up in time / leads whose deadline has passed."""
        decided = self.met + self.breached
        return self.met / decided if decided else None


@dataclass(slots=True)
class SlaReport:
    """Months in order and every breach in them."""

    period: Period
    followup_hours: float
    months: list[MonthSla]
    breaches: list[Breach] = field(default_factory=list)


def followup_of(person: PersonFacts) -> datetime | None:
    """When sales first acted on a handed-off lead, or None."""
    handoff = person.handed_off_at
    if handoff is None:
        return None
    moments = [m for m in person.sfa_moves if m >= handoff]
    if person.first_followup_at is not None and person.first_followup_at >= handoff:
        moments.append(person.first_followup_at)
    return min(moments, default=None)


def _status(
    person: PersonFacts, limit: timedelta, now: datetime
) -> tuple[FollowupStatus, float | None]:
    assert person.handed_off_at is not None  # noqa: S101 - callers filter
    followed = followup_of(person)
    if followed is None:
        status: FollowupStatus = (
            "missing" if now - person.handed_off_at > limit else "pending"
        )
        return status, None
    hours = (followed - person.handed_off_at).total_seconds() / 3600
    return ("met" if followed - person.handed_off_at <= limit else "late"), hours


def sla_report(
    conn: Connection, settings: ReportingSettings, period: Period, *, now: datetime
) -> SlaReport:
    """Attainment of both commitments per month of ``period``, with breaches.

    Args:
        conn: a connection to the state store.
        settings: the loaded ``reporting.toml``.
        period: the months to report (each month the period touches, whole).
        now: the current time: decides pending leads and months still open.
    """
    facts = load_facts(conn)
    apply_deals(facts, attribute_deals(facts, settings.attribution))
    tz = settings.tz
    marketing, sales = settings.sla.marketing, settings.sla.sales
    limit = timedelta(hours=sales.followup_hours)
    column = stage_column(marketing.stage) or "mql"
    months = {
        key: MonthSla(key, 0, marketing.monthly_target) for key in period.months()
    }
    for key, month in months.items():
        year, number = divmod(int(key[:4]) * 12 + int(key[5:]), 12)
        next_key = f"{year}-{number + 1:02d}"
        month.complete = month_start(next_key, tz) <= now
    breaches: list[Breach] = []
    for person in sorted(facts.persons.values(), key=lambda p: p.canonical_id):
        reached = person.reached.get(column)
        if reached is not None and reached <= now:
            key = month_key(reached, tz)
            if key in months:
                months[key].qualified += 1
        if person.handed_off_at is None:
            continue
        key = month_key(person.handed_off_at, tz)
        if key not in months:
            continue
        month = months[key]
        month.handed_off += 1
        status, hours = _status(person, limit, now)
        if status == "met":
            month.met += 1
        elif status == "pending":
            month.pending += 1
        else:
            month.breached += 1
            detail = (
                f"first follow-up after {hours:.1f} h"
                if hours is not None
                else "no follow-up yet"
            )
            breaches.append(
                Breach(
                    "sales",
                    key,
                    person.email or person.canonical_id,
                    person.owner,
                    detail,
                    hours,
                )
            )
    for month in months.values():
        if month.complete and month.qualified < month.target:
            breaches.append(
                Breach(
                    "marketing",
                    month.month,
                    month.month,
                    None,
                    f"{month.qualified} of {month.target} qualified leads",
                    qualified=month.qualified,
                    target=month.target,
                )
            )
    breaches.sort(key=lambda b: (b.month, b.commitment, b.subject))
    return SlaReport(period, sales.followup_hours, list(months.values()), breaches)


def breach_text(breach: Breach, lang: Lang) -> str:
    """What was broken, in the report's language (not the English ``detail``)."""
    if breach.commitment == "marketing":
        return label("sla.short", lang).format(
            qualified=breach.qualified, target=breach.target
        )
    if breach.hours is None:
        return label("sla.no_followup", lang)
    return label("sla.late", lang).format(hours=breach.hours)


def update_sla_gauges(
    conn: Connection, settings: ReportingSettings, *, now: datetime | None = None
) -> dict[str, float]:
    """Set ``connector_sla_attainment_ratio`` for the current month; return it.

    The daemon calls this after each run. While no handed-off lead of the month
    has reached its deadline there is nothing to judge: the sales series is then
    removed (absent, not NaN, which dashboards draw as a gap and which breaks
    comparisons) and left out of the result, so an alert on ``< 0.9`` does not
    fire on an empty month.
    """
    from datetime import UTC

    moment = now or datetime.now(UTC)
    local = moment.astimezone(settings.tz).date()
    period = Period(local.replace(day=1), local, settings.tz)
    month = sla_report(conn, settings, period, now=moment).months[-1]
    sales = month.sales_attainment
    values = {"marketing": month.marketing_attainment}
    if sales is not None:
        values["sales"] = sales
    for commitment in ("marketing", "sales"):
        if commitment in values:
            SLA_ATTAINMENT.labels(commitment=commitment).set(values[commitment])
        else:
            with contextlib.suppress(KeyError):
                SLA_ATTAINMENT.remove(commitment)
    return values
