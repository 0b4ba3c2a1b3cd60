"""Canonical records: the one shape every system's data is mapped into.

Marketing and sales name the same funnel differently; these types are the shared
language. Every record keeps the system and id it came from, so nothing we write
can be traced to nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from typing_extensions import override

__all__ = [
    "FUNNEL_ORDER",
    "OUTCOMES",
    "Activity",
    "Deal",
    "Person",
    "SourceRef",
    "Stage",
    "outcome_of",
]


class Stage(StrEnum):
    """The canonical funnel, in order, plus the side states.

    ``lost``, ``rejected`` (sales-rejected or disqualified, always with a reason) and
    ``recycled`` sit beside the main line: they are not "further" than ``won``.
    """

    AWARENESS = "awareness"
    NURTURING = "nurturing"
    MQL = "mql"
    SQL = "sql"
    OPPORTUNITY = "opportunity"
    CLOSING = "closing"
    WON = "won"
    LOST = "lost"
    REJECTED = "rejected"
    RECYCLED = "recycled"

    @property
    def rank(self) -> int | None:
        """Position on the main line (0 = awareness), or None for a side state."""
        # A dict, not FUNNEL_ORDER.index: qualifying asks this of every record.
        return _RANKS.get(self)

    @property
    def is_side_state(self) -> bool:
        """True for lost, rejected and recycled."""
        return self.rank is None

    def is_backward_from(self, current: Stage) -> bool:
        """Whether moving from ``current`` to this stage goes back down the funnel.

        Entering a side state is never "backward" (a lead may be lost at any point);
        leaving one is judged by the mapping's declared transitions, not here, and
        counts as backward unless it only moves forward from where it stood.
        """
        if self.is_side_state:
            return False
        # From here on the new stage is on the main line.
        new_rank, current_rank = self.rank, current.rank
        if new_rank is None or current_rank is None:
            return current_rank is None
        return new_rank < current_rank


FUNNEL_ORDER: tuple[Stage, ...] = (
    Stage.AWARENESS,
    Stage.NURTURING,
    Stage.MQL,
    Stage.SQL,
    Stage.OPPORTUNITY,
    Stage.CLOSING,
    Stage.WON,
)
"""The main line of the funnel, first to last."""

_RANKS: dict[Stage, int] = {stage: rank for rank, stage in enumerate(FUNNEL_ORDER)}

OUTCOMES: tuple[str, ...] = ("open", "won", "lost", "rejected")
"""Every value of the ``outcome`` a flow writes to marketing: ``setup`` creates
exactly these options, so no write can name an option the MA refuses."""


def outcome_of(stage: Stage) -> str:
    """The sales outcome a canonical stage stands for (``open`` until closed)."""
    if stage in (Stage.WON, Stage.LOST, Stage.REJECTED):
        return stage.value
    return "open"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a record came from: the system name in config and that system's id."""

    system: str
    id: str

    @override
    def __str__(self) -> str:
        return f"{self.system}:{self.id}"


@dataclass(frozen=True, slots=True)
class Person:
    """A lead or contact, as both teams should understand it.

    ``attributes`` holds mapped fields with no first-class slot (industry codes,
    custom properties); ``context`` holds marketing context for sales (activity
    summary, campaign, score) once the handoff flow attaches it.
    """

    source: SourceRef
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    phone: str | None = None
    stage: Stage | None = None
    stage_reason: str | None = None
    score: float | None = None
    campaign: str | None = None
    lead_source: str | None = None
    owner: str | None = None
    updated_at: datetime | None = None
    attributes: dict[str, Any] = field(default_factory=dict)

    @property
    def full_name(self) -> str:
        """Family name first when the name is Japanese-style, else given name first."""
        parts = [p for p in (self.last_name, self.first_name) if p]
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Deal:
    """An opportunity with its outcome: what marketing needs to hear back."""

    source: SourceRef
    name: str | None = None
    stage: Stage | None = None
    stage_reason: str | None = None
    amount: Decimal | None = None
    currency: str | None = None
    close_date: datetime | None = None
    person: SourceRef | None = None
    person_id: str | None = None
    """The deal's own system's id of its person (an SFA deal's ``lead_id``): the
    link that holds when the lead was entered by hand and has no e-mail match."""
    person_email: str | None = None
    company: str | None = None
    owner: str | None = None
    pipeline: str | None = None
    updated_at: datetime | None = None
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Activity:
    """One behavioural event (page view, form, webinar, email click) of a person."""

    source: SourceRef
    person: SourceRef
    kind: str
    occurred_at: datetime
    title: str | None = None
    url: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
