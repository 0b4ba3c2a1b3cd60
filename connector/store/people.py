"""The canonical view of persons and deals that reports and ``explain`` read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from connector.records import Deal, Person
from connector.store.schema import deals, persons
from connector.store.upsert import upsert

__all__ = ["get_person", "iter_persons", "save_deal", "save_person"]


def save_person(
    conn: Connection,
    canonical_id: str,
    person: Person,
    *,
    handed_off_at: datetime | None = None,
    reached_mql: bool = False,
) -> None:
    """Upsert the canonical person; first touch is kept, never overwritten."""
    existing = get_person(conn, canonical_id)
    now = datetime.now(UTC)
    campaign = person.campaign or (existing or {}).get("campaign")
    first_touch = (existing or {}).get("first_touch") or campaign
    last_touch = (existing or {}).get("last_touch_before_mql")
    if not reached_mql or last_touch is None:
        last_touch = campaign or last_touch
    values: dict[str, Any] = {
        "email": person.email,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "company": person.company,
        "phone": person.phone,
        "stage": person.stage.value if person.stage else None,
        "stage_reason": person.stage_reason,
        "score": person.score,
        "campaign": campaign,
        "first_touch": first_touch,
        "last_touch_before_mql": last_touch,
        "lead_source": person.lead_source,
        "owner": person.owner,
        "updated_at": person.updated_at or now,
    }
    if existing is None:
        values["created_at"] = person.updated_at or now
    for key in list(values):
        if values[key] is None and existing is not None and existing.get(key):
            values[key] = existing[key]
    if handed_off_at is not None:
        values["handed_off_at"] = handed_off_at
    upsert(conn, persons, keys={"canonical_id": canonical_id}, values=values)


def get_person(conn: Connection, canonical_id: str) -> dict[str, Any] | None:
    """The canonical person row, or None."""
    row = conn.execute(
        select(persons).where(persons.c.canonical_id == canonical_id)
    ).first()
    return None if row is None else dict(row._mapping)


def iter_persons(conn: Connection) -> Iterable[dict[str, Any]]:
    """Every canonical person row (streamed)."""
    for row in conn.execution_options(yield_per=2000).execute(select(persons)):
        yield dict(row._mapping)


def save_deal(
    conn: Connection, deal: Deal, canonical_id: str | None, attribution: str
) -> None:
    """Upsert the canonical deal with whom it is attributed to and how."""
    data = asdict(deal)
    upsert(
        conn,
        deals,
        keys={"system": deal.source.system, "deal_id": deal.source.id},
        values={
            "canonical_id": canonical_id,
            "name": data["name"],
            "stage": deal.stage.value if deal.stage else None,
            "stage_reason": deal.stage_reason,
            "amount": deal.amount,
            "currency": deal.currency,
            "close_date": deal.close_date,
            "company": deal.company,
            "person_email": deal.person_email,
            "owner": deal.owner,
            "pipeline": deal.pipeline,
            "attribution": attribution,
            "updated_at": deal.updated_at or datetime.now(UTC),
        },
    )
