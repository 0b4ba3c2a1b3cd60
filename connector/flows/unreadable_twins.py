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
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection

from connector.records import Person
from connector.store.deadletters import open_payloads

__all__ = ["UnreadableTwins", "emails_in"]

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


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


def _where(key: str, error: str, payload: Mapping[str, Any]) -> str:
    record = payload.get("record")
    location = payload.get("location")
    if isinstance(record, dict):
        location = record.get("location") or location
    if isinstance(location, str) and location:
        return location
    return key if not error else f"{key} ({error.split(':', 1)[0]})"


class UnreadableTwins:
    """E-mail address -> where the unreadable SFA row that holds it is."""

    def __init__(self, rows: Mapping[str, str]) -> None:
        self._rows = dict(rows)

    @classmethod
    def load(cls, conn: Connection, flow: str) -> UnreadableTwins:
        """From the SFA dead letters open in ``flow`` (this run's included)."""
        rows: dict[str, str] = {}
        for key, error, payload in open_payloads(conn, flow=flow, system="sfa"):
            for email in _legible(payload):
                rows.setdefault(email, _where(key, error, payload))
        return cls(rows)

    def __bool__(self) -> bool:
        return bool(self._rows)

    def row_of(self, person: Person) -> str | None:
        """Where the unreadable SFA row that may be ``person`` is, if any."""
        if not self._rows or not person.email:
            return None
        return self._rows.get(_fold(person.email))
