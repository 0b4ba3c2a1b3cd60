"""What the contract suite needs from an adapter under test: the adapter and its fake.

A :class:`Target` pairs a built adapter with the controls of the system behind
it (a fake, or files), so one test body runs against every adapter. Controls a
system cannot offer (deleting in a fake without deletes) are only called when
the adapter declares the matching capability.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from adapters.protocol import Adapter, Entity


class Target(Protocol):
    """An adapter wired to a system the test controls."""

    adapter: Adapter
    """The adapter under test, built as the registry would build it."""

    entity: Entity
    """The entity the pull and push tests use (people: every adapter has them)."""

    page_size: int
    """Records per pulled page, as configured, so tests can span several pages."""

    batch_cap: int
    """Most records the system takes in one write call (tests push more)."""

    match_field: str
    """The native field upserts match on (an e-mail or an external id)."""

    stage_field: str
    """A stage-like field :meth:`Adapter.vocabulary` answers for."""

    stage_values: frozenset[str]
    """Values that field must include."""

    def add(self, count: int) -> list[str]:
        """Create ``count`` records in the system, oldest first; return their ids."""
        ...

    def touch(self, record_id: str) -> None:
        """Change one record so the system reports it as modified now."""
        ...

    def delete(self, record_id: str) -> None:
        """Delete or archive a record (only when ``capabilities().deletes``)."""
        ...

    def merge(self, keep: str, gone: str) -> str:
        """Merge ``gone`` into ``keep``; return the surviving record's id."""
        ...

    def settle(self) -> None:
        """Let time pass so the last changes are visible and later ones newer."""
        ...

    def person(self, n: int) -> dict[str, Any]:
        """Native fields of a valid new person, distinct per ``n``."""
        ...

    def invalid_person(self) -> dict[str, Any]:
        """Native fields the system refuses (only with ``record_errors``)."""
        ...

    def stored(self, record_id: str) -> Mapping[str, Any] | None:
        """The record as the system now holds it (native fields), or None."""
        ...

    def break_access(self) -> None:
        """Make the system unreachable or refuse our credentials from now on."""
        ...
