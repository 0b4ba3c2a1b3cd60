"""Who gets the credit: a campaign per person, and a person per deal.

Each person carries two touches: its first campaign, and the last campaign before
it became an MQL. ``reporting.toml`` picks which one reports use. A deal that names
no person would otherwise vanish from every campaign's revenue, so it is attributed
through a fallback (a person at the same company, or at the contact's email
domain); the report states how much revenue needed the fallback and how much found
nobody at all, so no revenue is silently unattributed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, TypeAlias

from connector.matching.normalise import company_key, normalise_email
from connector.records import Stage
from connector.reports.config import AttributionModel, AttributionSettings
from connector.reports.facts import DealFacts, Facts, PersonFacts

__all__ = [
    "NO_CAMPAIGN",
    "Attributed",
    "Via",
    "apply_deals",
    "attribute_deals",
    "campaign_of",
]

NO_CAMPAIGN = "(none)"
"""The group of people with no campaign touch recorded."""

Via: TypeAlias = Literal["person", "company", "email_domain", "none"]
"""How a deal found its person: named directly, by a fallback, or not at all."""


@dataclass(frozen=True, slots=True)
class Attributed:
    """A deal and the person credited with it."""

    deal: DealFacts
    person_id: str | None
    via: Via

    @property
    def used_fallback(self) -> bool:
        """Whether a fallback, not the deal itself, named the person."""
        return self.via in ("company", "email_domain")


def campaign_of(person: PersonFacts, model: AttributionModel) -> str:
    """The campaign credited for ``person`` under ``model``.

    A missing touch falls back to the person's current campaign, since flows
    written before touches were tracked only kept that.
    """
    touch = (
        person.first_touch
        if model == "first_touch"
        else person.last_touch_before_mql or person.first_touch
    )
    return touch or person.campaign or NO_CAMPAIGN


def _priority(person: PersonFacts) -> tuple[int, datetime, str]:
    # The lead sales was handed first is the one whose campaign opened the account;
    # people never handed off come after, oldest first.
    if person.handed_off_at is not None:
        return (0, person.handed_off_at, person.canonical_id)
    return (1, person.created_at, person.canonical_id)


def _domain(email: str | None) -> str | None:
    parsed = normalise_email(email)
    return parsed[2] if parsed else None


class _Index:
    """People by company key and by email domain, best candidate first."""

    def __init__(self, people: Iterable[PersonFacts], free_mail: set[str]) -> None:
        by_company: dict[str, list[PersonFacts]] = defaultdict(list)
        by_domain: dict[str, list[PersonFacts]] = defaultdict(list)
        for person in people:
            key = company_key(person.company)
            if key:
                by_company[key].append(person)
            domain = _domain(person.email)
            if domain and domain not in free_mail:
                by_domain[domain].append(person)
        self.free_mail = free_mail
        self.company = {k: min(v, key=_priority) for k, v in by_company.items()}
        self.domain = {k: min(v, key=_priority) for k, v in by_domain.items()}

    def find(self, deal: DealFacts, how: str) -> PersonFacts | None:
        if how == "company":
            key = company_key(deal.company)
            return self.company.get(key) if key else None
        domain = _domain(deal.person_email)
        if domain is None or domain in self.free_mail:
            return None
        return self.domain.get(domain)


def attribute_deals(facts: Facts, settings: AttributionSettings) -> list[Attributed]:
    """Credit every deal to a person: the one it names, else by the fallbacks."""
    index = _Index(
        facts.persons.values(), {d.lower() for d in settings.free_mail_domains}
    )
    result = []
    for deal in facts.deals:
        if deal.canonical_id is not None and deal.canonical_id in facts.persons:
            result.append(Attributed(deal, deal.canonical_id, "person"))
            continue
        found: Attributed | None = None
        for how in settings.deal_fallback:
            person = index.find(deal, how)
            if person is not None:
                found = Attributed(deal, person.canonical_id, how)
                break
        result.append(found or Attributed(deal, None, "none"))
    return result


def apply_deals(facts: Facts, attributed: Iterable[Attributed]) -> None:
    """Let won and lost deals move their credited person through the funnel.

    A won deal means its person reached ``won`` (and every stage before) when the
    deal closed, even when no person-level event said so; a lost deal means an
    opportunity was lost. These are inferred, so they never count as observed.
    """
    for item in attributed:
        person = facts.persons.get(item.person_id) if item.person_id else None
        if person is None or item.deal.stage is None:
            continue
        when = item.deal.closed_at
        if item.deal.stage is Stage.WON:
            person.reach("won", when, observed=False)
        elif item.deal.stage is Stage.LOST:
            person.reach("opportunity", when, observed=False)
            if person.lost_at is None or when > person.lost_at:
                person.lost_at = when
        else:
            # An open deal's close date is a forecast; it exists since its update.
            person.reach("opportunity", item.deal.updated_at, observed=False)
