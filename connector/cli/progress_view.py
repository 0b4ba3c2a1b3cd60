"""Showing a long run's progress: a live bar on a terminal, log lines elsewhere.

A backfill can take hours. On a terminal a rich progress bar shows records, rate
and ETA; under cron, Docker or CI (no terminal) a log line every ``every`` seconds
says the same, so the log shows the run is alive without flooding it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import structlog
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn

from connector.flows.progress import ProgressListener, ProgressSnapshot

__all__ = ["LogProgress", "RichProgress", "format_eta", "progress_display"]

log = structlog.get_logger("connector.cli")


def format_eta(seconds: float | None) -> str:
    """``1h02m``, ``4m10s``, ``12s`` or ``?`` when unknown."""
    if seconds is None:
        return "?"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{secs}s"


class LogProgress:
    """One ``run_progress`` log line per ``every`` seconds, and one at the end.

    The first page is always logged, so a stuck run is told apart from a slow one.

    Args:
        every: seconds between lines.
        clock: monotonic seconds (tests pass a fake clock).
    """

    def __init__(
        self, every: float = 10.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.every = every
        self._clock = clock
        self._last: float | None = None

    def __call__(self, snap: ProgressSnapshot) -> None:
        """Log the snapshot when the last line is old enough (or the run ended)."""
        now = self._clock()
        due = self._last is None or now - self._last >= self.every
        if not (due or snap.finished):
            return
        self._last = now
        log.info(
            "run_progress",
            finished=snap.finished,
            flow=snap.flow,
            source=snap.source,
            records=snap.records,
            rate_per_s=round(snap.rate, 1),
            percent=None if snap.fraction is None else round(snap.fraction * 100, 1),
            eta=format_eta(snap.eta),
        )


class RichProgress:
    """A live bar: source, share done, records, records per second, ETA."""

    def __init__(self, console: Console) -> None:
        self.bar = Progress(
            TextColumn("{task.description}", style="bold", markup=False),
            BarColumn(),
            TextColumn("{task.fields[percent]}"),
            TextColumn("{task.fields[records]} records"),
            TextColumn("{task.fields[rate]}/s"),
            TextColumn("ETA {task.fields[eta]}"),
            console=console,
            auto_refresh=False,  # refreshed per page: no thread, no flicker
            transient=False,
        )
        self._task: TaskID | None = None

    def __call__(self, snap: ProgressSnapshot) -> None:
        """Redraw the bar from the snapshot."""
        percent = "?%" if snap.fraction is None else f"{snap.fraction:.0%}"
        records, rate = f"{snap.records:,}", f"{snap.rate:,.1f}"
        eta = format_eta(snap.eta)
        description = f"{snap.flow} {snap.source or ''}".strip()
        # Per mille, so the bar moves smoothly; no total means "unknown share".
        total = None if snap.fraction is None else 1000.0
        done = 1000 if snap.finished else round((snap.fraction or 0.0) * 1000)
        if self._task is None:
            self._task = self.bar.add_task(
                description,
                total=total,
                completed=done,
                percent=percent,
                records=records,
                rate=rate,
                eta=eta,
            )
        else:
            self.bar.update(
                self._task,
                description=description,
                total=total,
                completed=done,
                percent=percent,
                records=records,
                rate=rate,
                eta=eta,
            )
        self.bar.refresh()


@contextmanager
def progress_display(
    console: Console, *, every: float = 10.0
) -> Iterator[ProgressListener]:
    """The right display for ``console``: a bar on a terminal, log lines otherwise."""
    if not console.is_terminal:
        yield LogProgress(every)
        return
    view = RichProgress(console)
    with view.bar:
        yield view
