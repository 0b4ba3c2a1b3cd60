"""A small, hand-checkable state store for the report tests.

Rows are inserted with plain SQL (not through the code under test). Every expected
figure in the tests is worked out by hand from the story below, in the test itself.

The story (times UTC; the report zone is +09:00, so 15:30Z is 00:30 JST next day):

======  ===========  ========  ======  ======  ==============================
person  created      first/    source  owner   what happened
                     last
======  ===========  ========  ======  ======  ==============================
P1      04-02        Webinar/  web     sato    mql 04-03, sql 04-05, opp 04-10,
                     Webinar                   won 04-20; deal D1 won 500,000;
                                               deal D11 won 1,000 USD
P2      04-03        Webinar/  web     sato    mql 04-04, rejected 04-06
                     Ads                       ("no budget")
P3      04-05        Ads/Ads   ads     suzuki  sql 04-08 (skipped mql), opp
                                               04-12, lost 04-25; deal D3 lost
P4      04-10        Ads/Expo  ads     suzuki  mql 04-11; no events after.
        (株式会社サクラ,                           D4 (no person, サクラ株式会社) won
        taro@sakura.co.jp)                     200,000; D10 (no person,
                                               buyer@sakura.co.jp) won 100,000
P5      04-15        -         -       -       nothing
P6      04-30 16:00  Webinar   web     sato    (= May 1 JST) nothing
P7      03-31 15:30  Expo/Expo expo    sato    (= Apr 1 JST) mql 04-02 15:30,
                                               rejected 04-03 ("no budget")
P8      03-10        Webinar   web     sato    mql 03-12, won 03-30; D8 won
                                               100,000
-       -            -         -       -       D9 (no person, gmail contact,
                                               unknown company) won 50,000 04-18
======  ===========  ========  ======  ======  ==============================

Handoffs (for the SLA): P1 04-03 01:00 (follow-up noted 04-03 10:00), P2 04-04
(first SFA move 04-06), P3 04-07 12:00 (SFA sql 04-08), P4 04-11 (nothing), P7
04-02 15:30 (SFA rejected 04-03), P8 03-12 (follow-up noted 03-12 20:00), P6
05-09 12:00 (nothing yet).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert

from connector.store import StateStore
from connector.store.schema import deals, persons, stage_events


def t(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A 2024 UTC time."""
    return datetime(2024, month, day, hour, minute, tzinfo=UTC)


def _person(cid: str, created: datetime, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "canonical_id": cid,
        "email": f"{cid.lower()}@example.co.jp",
        "company": None,
        "campaign": None,
        "first_touch": None,
        "last_touch_before_mql": None,
        "lead_source": None,
        "owner": None,
        "created_at": created,
        "handed_off_at": None,
        "first_followup_at": None,
        "updated_at": created,
    }
    row.update(values)
    return row


PERSONS = [
    _person(
        "P1",
        t(4, 2),
        campaign="Webinar",
        first_touch="Webinar",
        last_touch_before_mql="Webinar",
        lead_source="web",
        owner="sato",
        handed_off_at=t(4, 3, 1),
        first_followup_at=t(4, 3, 10),
    ),
    _person(
        "P2",
        t(4, 3),
        campaign="Ads",
        first_touch="Webinar",
        last_touch_before_mql="Ads",
        lead_source="web",
        owner="sato",
        handed_off_at=t(4, 4),
    ),
    _person(
        "P3",
        t(4, 5),
        campaign="Ads",
        first_touch="Ads",
        last_touch_before_mql="Ads",
        lead_source="ads",
        owner="suzuki",
        handed_off_at=t(4, 7, 12),
    ),
    _person(
        "P4",
        t(4, 10),
        campaign="Expo",
        first_touch="Ads",
        last_touch_before_mql="Expo",
        lead_source="ads",
        owner="suzuki",
        company="株式会社サクラ",
        email="taro@sakura.co.jp",
        handed_off_at=t(4, 11),
    ),
    _person("P5", t(4, 15)),
    _person(
        "P6",
        t(4, 30, 16),
        campaign="Webinar",
        first_touch="Webinar",
        last_touch_before_mql="Webinar",
        lead_source="web",
        owner="sato",
        handed_off_at=t(5, 9, 12),
    ),
    _person(
        "P7",
        t(3, 31, 15, 30),
        campaign="Expo",
        first_touch="Expo",
        last_touch_before_mql="Expo",
        lead_source="expo",
        owner="sato",
        handed_off_at=t(4, 2, 15, 30),
    ),
    _person(
        "P8",
        t(3, 10),
        campaign="Webinar",
        first_touch="Webinar",
        last_touch_before_mql="Webinar",
        lead_source="web",
        owner="sato",
        handed_off_at=t(3, 12),
        first_followup_at=t(3, 12, 20),
    ),
]


def _event(
    cid: str, system: str, to: str, when: datetime, reason: str | None = None
) -> dict[str, Any]:
    return {
        "canonical_id": cid,
        "system": system,
        "entity": "persons",
        "record_id": f"{system}-{cid}",
        "from_stage": None,
        "to_stage": to,
        "reason": reason,
        "occurred_at": when,
        "run_id": None,
    }


EVENTS = [
    _event("P1", "ma", "mql", t(4, 3)),
    _event("P1", "sfa", "mql", t(4, 3, 1), "handoff"),
    _event("P1", "sfa", "sql", t(4, 5)),
    _event("P1", "sfa", "opportunity", t(4, 10)),
    _event("P1", "sfa", "won", t(4, 20)),
    _event("P2", "ma", "mql", t(4, 4)),
    _event("P2", "sfa", "mql", t(4, 4), "handoff"),
    _event("P2", "sfa", "rejected", t(4, 6), "no budget"),
    _event("P2", "connector", "nurturing", t(4, 6), "recycle_rule: no budget"),
    _event("P3", "sfa", "sql", t(4, 8)),
    _event("P3", "sfa", "opportunity", t(4, 12)),
    _event("P3", "sfa", "lost", t(4, 25), "price"),
    _event("P4", "ma", "mql", t(4, 11)),
    _event("P4", "sfa", "mql", t(4, 11), "handoff"),
    _event("P7", "ma", "mql", t(4, 2, 15, 30)),
    _event("P7", "sfa", "rejected", t(4, 3), "no budget"),
    _event("P8", "ma", "mql", t(3, 12)),
    _event("P8", "sfa", "won", t(3, 30)),
]


def _deal(
    deal_id: str,
    stage: str,
    amount: str,
    close: datetime,
    *,
    canonical_id: str | None = None,
    company: str | None = None,
    person_email: str | None = None,
    currency: str = "JPY",
) -> dict[str, Any]:
    return {
        "system": "sfa",
        "deal_id": deal_id,
        "canonical_id": canonical_id,
        "name": deal_id,
        "stage": stage,
        "stage_reason": None,
        "amount": Decimal(amount),
        "currency": currency,
        "close_date": close,
        "company": company,
        "owner": None,
        "pipeline": None,
        "attribution": "person" if canonical_id else "none",
        "person_email": person_email,
        "updated_at": close,
    }


DEALS = [
    _deal("D1", "won", "500000", t(4, 20), canonical_id="P1"),
    _deal("D11", "won", "1000", t(4, 21), canonical_id="P1", currency="USD"),
    _deal("D3", "lost", "300000", t(4, 25), canonical_id="P3"),
    _deal("D4", "won", "200000", t(4, 28), company="サクラ株式会社"),
    _deal(
        "D10",
        "won",
        "100000",
        t(4, 26),
        company="Sakura Holdings",
        person_email="buyer@sakura.co.jp",
    ),
    _deal("D8", "won", "100000", t(3, 30), canonical_id="P8"),
    _deal(
        "D9",
        "won",
        "50000",
        t(4, 18),
        company="Unknown KK",
        person_email="ceo@gmail.com",
    ),
]


def load_fixture(store: StateStore) -> None:
    """Insert the story above into an empty, migrated store."""
    with store.transaction() as conn:
        conn.execute(insert(persons), PERSONS)
        conn.execute(insert(stage_events), EVENTS)
        conn.execute(insert(deals), DEALS)
