"""The matcher's index in the state store: saved per person, rebuilt at start-up.

Only normalised values are stored (``match_keys``), so a restart rebuilds the
index without pulling either system again, and a change of ``matching.toml``
applies to the rebuilt index at once.
"""

from __future__ import annotations

from sqlalchemy import Connection

from connector.matching.config import MatchRules
from connector.matching.matcher import Matcher
from connector.store.identity import delete_match_keys, load_match_keys, save_match_keys

__all__ = ["forget_person", "load_matcher", "save_person"]


def load_matcher(conn: Connection, rules: MatchRules) -> Matcher:
    """A matcher holding every person whose keys were saved, keyed by canonical id."""
    matcher = Matcher(rules)
    matcher.load(load_match_keys(conn))
    return matcher


def save_person(conn: Connection, matcher: Matcher, canonical_id: str) -> None:
    """Persist what ``matcher`` holds for ``canonical_id`` (call after ``add``)."""
    save_match_keys(conn, canonical_id, matcher.stored(canonical_id))


def forget_person(conn: Connection, matcher: Matcher, canonical_id: str) -> None:
    """Remove a person from the index and from the store (deleted or merged away)."""
    matcher.remove(canonical_id)
    delete_match_keys(conn, canonical_id)
