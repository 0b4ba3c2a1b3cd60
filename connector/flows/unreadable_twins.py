"""Holding a new lead whose SFA twin is in a row the connector could not read.

The handoff avoids duplicates only for the SFA people it knows. When a sales
export row is unreadable (a stray quote, a bad byte, a date that is no date) or
its record fails mapping, that person is unknown, and a marketing lead for them
would be created a second time. The e-mail addresses still legible in the
spoiled row are enough to tell which leads to hold: those are dead-lettered,
naming the SFA row, instead of created. Once the row is fixed the lead links
to it (or is created, if it was never the same person) on the next sync.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select

from connector.records import Person
from connector.store.deadletters import open_payloads
from connector.store.schema import identities

__all__ = ["Hold", "UnreadableTwins", "emails_in", "letters_fixed_by"]

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_CELL = re.compile(r"[,\t;]")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("\ufeff", "").strip().lower()


def emails_in(values: Iterable[object]) -> set[str]:
    """Every e-mail address legible in ``values`` (folded for comparison)."""
    found: set[str] = set()
    for value in values:
        if isinstance(value, str) and "@" in value:
            found.update(_EMAIL.findall(_fold(value)))
    return found


def _legible(payload: Mapping[str, Any]) -> set[str]:
    record = payload.get("record")
    if isinstance(record, dict) and isinstance(record.get("fields"), dict):
        return emails_in(record["fields"].values())
    return emails_in([payload.get("raw")])


def _ids_in(payload: Mapping[str, Any]) -> set[str]:
    """What may be the row's id: the record's id, or every cell of a raw row."""
    record = payload.get("record")
    if isinstance(record, dict) and record.get("id"):
        return {_fold(str(record["id"]))}
    raw = payload.get("raw")
    if not isinstance(raw, str):
        return set()
    cells = (_fold(cell).strip("\"' ") for cell in _CELL.split(raw))
    return {cell for cell in cells if cell}


def _where(key: str, error: str, payload: Mapping[str, Any]) -> str:
    record = payload.get("record")
    location = payload.get("location")
    if isinstance(record, dict):
        location = record.get("location") or location
    if isinstance(location, str) and location:
        return location
    return key if not error else f"{key} ({error.split(':', 1)[0]})"


def _known_sfa_ids(conn: Connection, candidates: Collection[str]) -> set[str]:
    if not candidates:
        return set()
    query = select(identities.c.external_id).where(
        identities.c.system == "sfa", identities.c.external_id.in_(list(candidates))
    )
    return {_fold(row[0]) for row in conn.execute(query)}


@dataclass(frozen=True, slots=True)
class Hold:
    """Why a new lead waits: the unreadable SFA row that may be its person.

    ``unidentified`` says the row names no one legibly (no e-mail, an id the
    connector has never seen), so any new lead may be that person.
    """

    where: str
    unidentified: bool = False


class UnreadableTwins:
    """The unreadable SFA rows a new lead may be the person of."""

    def __init__(
        self, rows: Mapping[str, str], unidentified: Iterable[str] = ()
    ) -> None:
        self._rows = dict(rows)
        self._unidentified = sorted(set(unidentified))

    @classmethod
    def load(
        cls,
        conn: Connection,
        flow: str,
        *,
        hold_unidentified: timedelta = timedelta(0),
        now: datetime | None = None,
    ) -> UnreadableTwins:
        """From the SFA dead letters open in ``flow`` (this run's included).

        A row with no legible e-mail holds every new lead, but only when its
        id (if one is legible) is not a person sales already has, and only for
        ``hold_unidentified`` after it was first seen: a broken row must not
        stop new leads for good.
        """
        rows: dict[str, str] = {}
        nameless: list[tuple[str, set[str], datetime]] = []
        for key, error, payload, first_seen in open_payloads(
            conn, flow=flow, system="sfa"
        ):
            where = _where(key, error, payload)
            emails = _legible(payload)
            for email in emails:
                rows.setdefault(email, where)
            if not emails:
                nameless.append((where, _ids_in(payload), first_seen))
        unidentified: list[str] = []
        if hold_unidentified > timedelta(0) and nameless:
            known = _known_sfa_ids(conn, set().union(*(ids for _, ids, _ in nameless)))
            moment = now or datetime.now(UTC)
            unidentified = [
                where
                for where, ids, seen in nameless
                if not (ids & known) and moment - seen < hold_unidentified
            ]
        return cls(rows, unidentified)

    def __bool__(self) -> bool:
        return bool(self._rows or self._unidentified)

    def row_of(self, person: Person) -> Hold | None:
        """Why a new lead for ``person`` must wait, if it must."""
        if person.email and (where := self._rows.get(_fold(person.email))):
            return Hold(where)
        if self._unidentified:
            return Hold(", ".join(self._unidentified), unidentified=True)
        return None


def letters_fixed_by(conn: Connection, flow: str, read_ids: Iterable[str]) -> set[str]:
    """Keys of open SFA dead letters that a clean read of ``read_ids`` supersedes.

    A row that could not be read, or a record that failed mapping, is fixed
    once the SFA gives the same id cleanly: its dead letter then no longer
    stands for a person the connector cannot see.
    """
    wanted = {_fold(i) for i in read_ids}
    if not wanted:
        return set()
    return {
        key
        for key, _error, payload, _seen in open_payloads(conn, flow=flow, system="sfa")
        if _ids_in(payload) & wanted
    }
