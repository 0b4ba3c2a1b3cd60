"""What the reports know about each person and deal, read once from the store.

Reports need, per person, the first time it reached each funnel stage. Systems
skip stages (a lead created straight as SQL, a deal won without an opportunity
step), so the rule is: a person reached stage S at the first moment it reached S
*or any later main-line stage*; being rejected implies it had reached MQL (sales
can only reject what it was handed) and being lost implies an opportunity. Only
stages entered by an event of their own count as *observed*; average days between
stages use observed stages only, so skipped stages do not pull averages to zero.

A person's creation time is the timestamp of the first record read, so a person
first exported as an MQL "became a lead" at the very moment it became an MQL,
which made "days lead -> MQL" 0.0. A pair of stages reached at the same moment,
or out of order, says the data cannot tell how long the move took, so
:mod:`connector.reports.funnel` leaves it out of the average. A deal first
exported already won shows no opportunity stage of its own, so "days opportunity
-> won" is measured only on deals seen open before they closed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeAlias

from sqlalchemy import Connection, Result, Select, select

from connector.records import Stage
from connector.store.schema import deals, persons, stage_events

__all__ = [
    "FUNNEL",
    "DealFacts",
    "Facts",
    "FunnelStage",
    "PersonFacts",
    "load_facts",
    "stage_column",
]

FunnelStage: TypeAlias = str
"""One column of the funnel: ``lead``, ``mql``, ``sql``, ``opportunity``, ``won``."""

FUNNEL: tuple[FunnelStage, ...] = ("lead", "mql", "sql", "opportunity", "won")
"""The funnel's columns in order; ``closing`` counts as ``opportunity``."""

_COLUMN_OF: dict[Stage, FunnelStage] = {
    Stage.AWARENESS: "lead",
    Stage.NURTURING: "lead",
    Stage.MQL: "mql",
    Stage.SQL: "sql",
    Stage.OPPORTUNITY: "opportunity",
    Stage.CLOSING: "opportunity",
    Stage.WON: "won",
}


def stage_column(stage: Stage) -> FunnelStage | None:
    """The funnel column a main-line stage belongs to (None for side states)."""
    return _COLUMN_OF.get(stage)


@dataclass(frozen=True, slots=True)
class DealFacts:
    """One deal as the reports need it."""

    system: str
    deal_id: str
    canonical_id: str | None
    stage: Stage | None
    stage_reason: str | None
    amount: Decimal | None
    currency: str | None
    close_date: datetime | None
    company: str | None
    person_email: str | None
    updated_at: datetime

    @property
    def closed_at(self) -> datetime:
        """When the deal closed (its close date, else its last update)."""
        return self.close_date or self.updated_at


@dataclass(slots=True)
class PersonFacts:
    """One canonical person with the moments it reached each stage."""

    canonical_id: str
    email: str | None
    company: str | None
    campaign: str | None
    first_touch: str | None
    last_touch_before_mql: str | None
    lead_source: str | None
    owner: str | None
    created_at: datetime
    handed_off_at: datetime | None
    first_followup_at: datetime | None
    reached: dict[FunnelStage, datetime] = field(default_factory=dict)
    observed: set[FunnelStage] = field(default_factory=set)
    lost_at: datetime | None = None
    rejected_at: datetime | None = None
    rejected_reason: str | None = None
    sfa_moves: list[datetime] = field(default_factory=list)
    """SFA stage changes other than the handoff itself (sales acting on the lead)."""

    def reach(self, column: FunnelStage, when: datetime, *, observed: bool) -> None:
        """Mark ``column`` and every earlier column as reached by ``when``."""
        for earlier in FUNNEL[: FUNNEL.index(column) + 1]:
            current = self.reached.get(earlier)
            if current is None or when < current:
                self.reached[earlier] = when
        if observed:
            self.observed.add(column)

    @property
    def is_won(self) -> bool:
        """Whether the person reached ``won``."""
        return "won" in self.reached


@dataclass(slots=True)
class Facts:
    """Everyone and every deal in the store, indexed for the reports."""

    persons: dict[str, PersonFacts]
    deals: list[DealFacts]


def _person(row: dict[str, object]) -> PersonFacts:
    created = row["created_at"] or row["updated_at"]
    assert isinstance(created, datetime)  # noqa: S101 - updated_at is NOT NULL
    person = PersonFacts(
        canonical_id=str(row["canonical_id"]),
        email=_text(row["email"]),
        company=_text(row["company"]),
        campaign=_text(row["campaign"]),
        first_touch=_text(row["first_touch"]),
        last_touch_before_mql=_text(row["last_touch_before_mql"]),
        lead_source=_text(row["lead_source"]),
        owner=_text(row["owner"]),
        created_at=created,
        handed_off_at=_when(row["handed_off_at"]),
        first_followup_at=_when(row["first_followup_at"]),
    )
    person.reach("lead", created, observed=True)
    return person


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _when(value: object) -> datetime | None:
    return value if isinstance(value, datetime) else None


def _apply_event(person: PersonFacts, event: dict[str, object]) -> None:
    when = event["occurred_at"]
    assert isinstance(when, datetime)  # noqa: S101 - occurred_at is NOT NULL
    try:
        stage = Stage(str(event["to_stage"]))
    except ValueError:
        return  # a stage name from a newer version: not part of this funnel
    reason = _text(event["reason"])
    system = str(event["system"])
    if system == "sfa" and reason != "handoff":
        person.sfa_moves.append(when)
    column = stage_column(stage)
    if column is not None:
        person.reach(column, when, observed=True)
    elif stage is Stage.REJECTED:
        person.reach("mql", when, observed=False)
        if person.rejected_at is None or when >= person.rejected_at:
            person.rejected_at = when
            person.rejected_reason = reason or person.rejected_reason
    elif stage is Stage.LOST:
        person.reach("opportunity", when, observed=False)
        if person.lost_at is None or when > person.lost_at:
            person.lost_at = when


def _deal(row: dict[str, object]) -> DealFacts:
    stage_value = _text(row["stage"])
    try:
        stage = Stage(stage_value) if stage_value else None
    except ValueError:
        stage = None
    amount = row["amount"]
    updated = row["updated_at"]
    assert isinstance(updated, datetime)  # noqa: S101 - updated_at is NOT NULL
    return DealFacts(
        system=str(row["system"]),
        deal_id=str(row["deal_id"]),
        canonical_id=_text(row["canonical_id"]),
        stage=stage,
        stage_reason=_text(row["stage_reason"]),
        amount=None if amount is None else Decimal(str(amount)),
        currency=_text(row["currency"]),
        close_date=_when(row["close_date"]),
        company=_text(row["company"]),
        person_email=_text(row["person_email"]),
        updated_at=updated,
    )


def load_facts(conn: Connection) -> Facts:
    """Read persons, their stage history and all deals from the state store."""
    people = {
        p.canonical_id: p
        for p in (_person(dict(r._mapping)) for r in _stream(conn, select(persons)))
    }
    query = (
        select(stage_events)
        .where(stage_events.c.canonical_id.is_not(None))
        .order_by(stage_events.c.occurred_at, stage_events.c.id)
    )
    for row in _stream(conn, query):
        event = dict(row._mapping)
        person = people.get(str(event["canonical_id"]))
        if person is not None:
            _apply_event(person, event)
    deal_rows = _stream(conn, select(deals).order_by(deals.c.system, deals.c.deal_id))
    return Facts(people, [_deal(dict(r._mapping)) for r in deal_rows])


def _stream(conn: Connection, query: Select[Any]) -> Result[Any]:
    return conn.execution_options(yield_per=2000).execute(query)
