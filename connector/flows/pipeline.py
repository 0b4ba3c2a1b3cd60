"""The page pipeline both flows share: resolved records in, prepared writes out.

Each flow maps and resolves a page's records into :class:`Resolved` entries,
then runs one *step* per entry. A step returns what to write, or a
:class:`Skip` saying why not; :func:`prepare_page` does the bookkeeping every
skip needs (count the reason, release the record's key), so a step reads as the
decisions it makes. :func:`admitted` is the opening both steps share: a record
that failed mapping is dead-lettered, one deleted in the source is passed over.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from adapters.protocol import Record
from connector.errors import RecordInvalidError
from connector.flows.batch import Batch
from connector.flows.common import already_there, dead_letter_invalid
from connector.flows.context import FlowContext
from connector.flows.push import invalid_reason
from connector.flows.resolve import Resolution
from connector.records import Deal, Person

__all__ = [
    "HANDLED",
    "Resolved",
    "Skip",
    "admitted",
    "link_resolution",
    "prepare_page",
    "refused_payload",
    "unchanged",
]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Resolved:
    """A record mapped to a person (or deal) and resolved, or why it was not."""

    record: Record
    person: Person | None = None
    resolution: Resolution | None = None
    error: RecordInvalidError | None = None
    deal: Deal | None = None

    @property
    def canonical(self) -> str | None:
        """The canonical person, when the record resolved to one."""
        return self.resolution.canonical_id if self.resolution else None


@dataclass(frozen=True, slots=True)
class Skip:
    """A record the step will not write, and what the pipeline must do about it.

    Attributes:
        reason: the summary count to add one to; None when the step already
            accounted for the record (dead-lettered it, say).
        release: free the record's key in the batch (nothing of it is written).
    """

    reason: str | None = None
    release: bool = False

    @classmethod
    def because(cls, reason: str) -> Skip:
        """Count ``reason`` and release the key: the common "nothing to do"."""
        return cls(reason, release=True)


HANDLED = Skip()
"""The step dealt with the record itself (a dead letter); nothing more to do."""


def prepare_page(
    ctx: FlowContext,
    batch: Batch,
    entries: Iterable[Resolved],
    step: Callable[[Resolved], T | Skip],
    key_of: Callable[[Record], str],
) -> list[T]:
    """Run ``step`` over every entry, in order; return what is to be written."""
    prepared: list[T] = []
    for entry in entries:
        result = step(entry)
        if not isinstance(result, Skip):
            prepared.append(result)
            continue
        if result.reason is not None:
            ctx.summary.counts[result.reason] += 1
        if result.release:
            batch.release(key_of(entry.record))
    return prepared


def admitted(ctx: FlowContext, batch: Batch, entry: Resolved, key: str) -> Skip | None:
    """None when the step may go on; else the Skip for a bad or deleted record."""
    if entry.error is not None:
        dead_letter_invalid(ctx, batch, key, entry.record, entry.error)
        return HANDLED
    if entry.person is None and entry.deal is None:
        return HANDLED  # deleted in the source, or mapped to nothing
    return None


def link_resolution(batch: Batch, entry: Resolved) -> None:
    """Record a new identity link (one the identity map did not already hold)."""
    resolution, record = entry.resolution, entry.record
    if resolution is None or resolution.rule == "identity_map":
        return
    batch.link(
        record.system,
        record.entity,
        record.id,
        resolution.canonical_id,
        resolution.rule,
        resolution.score,
    )


def refused_payload(
    ctx: FlowContext,
    batch: Batch,
    key: str,
    record: Record,
    fields: Mapping[str, Any],
    problem: str | None = None,
) -> Skip | None:
    """Dead-letter a payload that must not be sent; None when it may go.

    ``problem`` is a flow's own objection, checked after the generic ones
    (a field too large for any target, control characters).
    """
    problem = invalid_reason(fields, email_field=None) or problem
    if problem is None:
        return None
    error = RecordInvalidError(problem, context={"reason": "invalid_payload"})
    dead_letter_invalid(ctx, batch, key, record, error)
    return HANDLED


def unchanged(
    fields: Mapping[str, Any],
    digest: str,
    known: str | None,
    current: Mapping[str, Any] | None,
) -> bool:
    """Whether a write would change nothing: empty, sent before, or already there."""
    return not fields or known == digest or already_there(fields, current)
