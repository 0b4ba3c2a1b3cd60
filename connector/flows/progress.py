"""How far a run has got: records, rate, and (for backfills) the share done and ETA.

No adapter reports how many records a listing holds, so the share done comes from
time: sources are read in update order, and a backfill covers ``since..until``
(until defaults to the run's start), so the last update time read says how much of
the window lies behind. A source whose records arrive out of order gives no share
(the display then shows records and rate only); that is honest, not a guess.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from adapters.protocol import Record

__all__ = ["FLOW_SOURCES", "Progress", "ProgressListener", "ProgressSnapshot"]

FLOW_SOURCES: dict[str, tuple[str, ...]] = {
    "handoff": ("ma.persons",),
    "outcomes": ("sfa.persons", "sfa.deals"),
}
"""The sources each flow reads in order, so the share done spans all of them."""


@dataclass(frozen=True, slots=True)
class ProgressSnapshot:
    """Progress at one moment, for a display or a log line."""

    flow: str
    source: str | None
    records: int
    pages: int
    elapsed: float
    fraction: float | None
    """Share of the backfill window done (0..1), or None when unknown."""
    run_fraction: float | None
    """Share of the window this run has covered so far, or None."""
    finished: bool = False

    @property
    def rate(self) -> float:
        """Records per second in this run."""
        return self.records / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left at this run's pace, or None when the share is unknown."""
        if self.finished:
            return 0.0
        if not self.fraction or not self.run_fraction or self.elapsed <= 0:
            return None
        return (1 - self.fraction) * self.elapsed / self.run_fraction


ProgressListener = Callable[[ProgressSnapshot], None]
"""Called after every page a flow has handled (and once when the run ends)."""


@dataclass
class _Source:
    name: str
    first: datetime | None = None
    last: datetime | None = None
    ordered: bool = True


@dataclass
class Progress:
    """Counts what a run has handled; tells its listeners after every page.

    Args:
        flow: the flow name (which sources it reads, see :data:`FLOW_SOURCES`).
        since: the backfill window's start (None for a sync: no share done).
        until: the window's end; None means the run's start.
        clock: monotonic seconds (tests pass a fake clock).
    """

    flow: str
    since: datetime | None = None
    until: datetime | None = None
    clock: Callable[[], float] = time.monotonic
    listeners: list[ProgressListener] = field(default_factory=list)
    records: int = 0
    pages: int = 0
    _sources: list[_Source] = field(default_factory=list)
    _started: float = 0.0
    _end: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __post_init__(self) -> None:
        self._started = self.clock()
        if self.until is not None:
            self._end = self.until

    def page(self, source: str, records: Sequence[Record]) -> None:
        """Count a handled page of ``source`` and tell the listeners."""
        current = self._source(source)
        for record in records:
            when = record.updated_at
            if when is None:
                continue
            if current.last is not None and when < current.last:
                current.ordered = False
            current.first = when if current.first is None else current.first
            current.last = when if current.last is None else max(current.last, when)
        self.records += len(records)
        self.pages += 1
        self._tell(finished=False)

    def finish(self) -> None:
        """Tell the listeners the run has ended."""
        self._tell(finished=True)

    def snapshot(self, *, finished: bool = False) -> ProgressSnapshot:
        """Where the run stands now."""
        current = self._sources[-1].name if self._sources else None
        return ProgressSnapshot(
            flow=self.flow,
            source=current,
            records=self.records,
            pages=self.pages,
            elapsed=max(self.clock() - self._started, 0.0),
            fraction=self._fraction(lambda s: s.last),
            run_fraction=self._run_fraction(),
            finished=finished,
        )

    def _tell(self, *, finished: bool) -> None:
        if not self.listeners:
            return
        snap = self.snapshot(finished=finished)
        for listener in self.listeners:
            listener(snap)

    def _source(self, name: str) -> _Source:
        if not self._sources or self._sources[-1].name != name:
            self._sources.append(_Source(name))
        return self._sources[-1]

    def _position(self, when: datetime | None) -> float | None:
        """Share of the window before ``when`` (0..1)."""
        if self.since is None or when is None:
            return None
        span = (self._end - self.since).total_seconds()
        if span <= 0:
            return None
        done = (when - self.since).total_seconds() / span
        return min(max(done, 0.0), 1.0)

    def _fraction(self, point: Callable[[_Source], datetime | None]) -> float | None:
        """Share of the whole flow done, spread evenly over its sources."""
        if not self._sources or not all(s.ordered for s in self._sources):
            return None
        names = FLOW_SOURCES.get(self.flow, ())
        current = self._sources[-1]
        index = names.index(current.name) if current.name in names else 0
        within = self._position(point(current))
        if within is None:
            return None
        return (index + within) / max(len(names), 1)

    def _run_fraction(self) -> float | None:
        """Share of the flow this run covered: from its first record to its last."""
        done = self._fraction(lambda s: s.last)
        if done is None:
            return None
        first = self._sources[0]
        names = FLOW_SOURCES.get(self.flow, ())
        index = names.index(first.name) if first.name in names else 0
        start = self._position(first.first)
        if start is None:
            return None
        return max(done - (index + start) / max(len(names), 1), 0.0)
