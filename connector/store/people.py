"""The canonical view of persons and deals that reports and ``explain`` read.

A batch saves many persons at once (:func:`save_persons`): the writes of one
person are folded in order over its stored row, exactly as if each had been
written alone, and only then sent, one executemany per set of columns written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from connector.records import Deal, Person, Stage
from connector.store.schema import deals, persons
from connector.store.upsert import upsert_many

__all__ = [
    "DealSave",
    "PersonSave",
    "StageSet",
    "get_deal_stages",
    "get_person",
    "get_persons",
    "iter_persons",
    "save_deal",
    "save_deals",
    "save_person",
    "save_persons",
]

_CHUNK = 500  # ids per IN list


@dataclass(frozen=True, slots=True)
class PersonSave:
    """Upsert of the canonical person from one record (see :func:`save_person`)."""

    canonical_id: str
    person: Person
    handed_off_at: datetime | None = None
    reached_mql: bool = False


@dataclass(frozen=True, slots=True)
class StageSet:
    """A stage decided for a person who already exists (nothing when it does not)."""

    canonical_id: str
    stage: Stage
    reason: str | None


@dataclass(frozen=True, slots=True)
class DealSave:
    """Upsert of the canonical deal with whom it is attributed to and how."""

    deal: Deal
    canonical_id: str | None
    attribution: str


def save_person(
    conn: Connection,
    canonical_id: str,
    person: Person,
    *,
    handed_off_at: datetime | None = None,
    reached_mql: bool = False,
) -> None:
    """Upsert the canonical person; first touch is kept, never overwritten."""
    save_persons(
        conn,
        [
            PersonSave(
                canonical_id,
                person,
                handed_off_at=handed_off_at,
                reached_mql=reached_mql,
            )
        ],
    )


def save_persons(conn: Connection, writes: Sequence[PersonSave | StageSet]) -> None:
    """Apply person writes in order, as if one after the other, in a few statements.

    Each write sees the row as the writes before it left it (stored row first),
    and only the columns some write set are updated, as with single writes.
    """
    now = datetime.now(UTC)
    rows = get_persons(conn, {w.canonical_id for w in writes})
    # Per person: the columns the writes set (only those are updated), in order.
    written: dict[str, dict[str, Any]] = {}
    for write in writes:
        row = rows.get(write.canonical_id)
        if isinstance(write, StageSet):
            if row is None:
                continue
            values: dict[str, Any] = {
                "stage": write.stage.value,
                "stage_reason": write.reason,
                "updated_at": now,
            }
        else:
            values = _person_values(row, write, now)
        rows[write.canonical_id] = {
            **(row or {"canonical_id": write.canonical_id}),
            **values,
        }
        written.setdefault(write.canonical_id, {}).update(values)
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for canonical_id, values in written.items():
        names = tuple(sorted(values))
        groups.setdefault(names, []).append({"canonical_id": canonical_id, **values})
    for names, group in groups.items():
        upsert_many(conn, persons, group, keys=("canonical_id",), update=names)


def _person_values(
    existing: dict[str, Any] | None, write: PersonSave, now: datetime
) -> dict[str, Any]:
    """The columns one save writes over ``existing`` (the row before it)."""
    person = write.person
    campaign = person.campaign or (existing or {}).get("campaign")
    first_touch = (existing or {}).get("first_touch") or campaign
    last_touch = (existing or {}).get("last_touch_before_mql")
    if not write.reached_mql or last_touch is None:
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
    if write.handed_off_at is not None:
        values["handed_off_at"] = write.handed_off_at
    return values


def get_person(conn: Connection, canonical_id: str) -> dict[str, Any] | None:
    """The canonical person row, or None."""
    return get_persons(conn, [canonical_id]).get(canonical_id)


def get_persons(
    conn: Connection, canonical_ids: Iterable[str]
) -> dict[str, dict[str, Any]]:
    """Canonical id -> person row, for the ids that have one."""
    wanted = list(canonical_ids)
    result: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), _CHUNK):
        rows = conn.execute(
            select(persons).where(
                persons.c.canonical_id.in_(wanted[start : start + _CHUNK])
            )
        )
        for row in rows:
            result[row.canonical_id] = dict(row._mapping)
    return result


def iter_persons(conn: Connection) -> Iterable[dict[str, Any]]:
    """Every canonical person row (streamed)."""
    for row in conn.execution_options(yield_per=2000).execute(select(persons)):
        yield dict(row._mapping)


def save_deal(
    conn: Connection, deal: Deal, canonical_id: str | None, attribution: str
) -> None:
    """Upsert the canonical deal with whom it is attributed to and how."""
    save_deals(conn, [DealSave(deal, canonical_id, attribution)])


def save_deals(conn: Connection, writes: Sequence[DealSave]) -> None:
    """Upsert many deals; of two writes to one deal the later wins."""
    now = datetime.now(UTC)
    final = {(w.deal.source.system, w.deal.source.id): w for w in writes}
    rows = [_deal_row(w, now) for w in final.values()]
    update = [c.name for c in deals.columns if c.name not in ("system", "deal_id")]
    upsert_many(conn, deals, rows, keys=("system", "deal_id"), update=update)


def _deal_row(write: DealSave, now: datetime) -> dict[str, Any]:
    deal = write.deal
    return {
        "system": deal.source.system,
        "deal_id": deal.source.id,
        "canonical_id": write.canonical_id,
        "name": deal.name,
        "stage": deal.stage.value if deal.stage else None,
        "stage_reason": deal.stage_reason,
        "amount": deal.amount,
        "currency": deal.currency,
        "close_date": deal.close_date,
        "company": deal.company,
        "person_email": deal.person_email,
        "owner": deal.owner,
        "pipeline": deal.pipeline,
        "attribution": write.attribution,
        "updated_at": deal.updated_at or now,
    }


def get_deal_stages(
    conn: Connection, system: str, deal_ids: Iterable[str]
) -> dict[str, Stage | None]:
    """Deal id -> its stored canonical stage, for the deals that have a row."""
    wanted = list(deal_ids)
    result: dict[str, Stage | None] = {}
    for start in range(0, len(wanted), _CHUNK):
        rows = conn.execute(
            select(deals.c.deal_id, deals.c.stage).where(
                deals.c.system == system,
                deals.c.deal_id.in_(wanted[start : start + _CHUNK]),
            )
        )
        for deal_id, stage in rows:
            result[deal_id] = Stage(stage) if stage else None
    return result
