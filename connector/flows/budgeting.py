"""A run's request budgets, and the forecast a backfill prints when it meets one.

The runner builds one :class:`RunBudgets` per run: a counter for every system,
backed by the persisted budget where ``[budgets.<system>]`` configures one, and
applies them to every request through :func:`connector.http.run_limiters`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

from connector.app import App
from connector.budget import BudgetRule, Mode, RequestBudget, RequestCounter
from connector.errors import BudgetExhaustedError
from connector.flows.progress import ProgressSnapshot
from connector.http import Limiter, run_limiters

__all__ = ["RunBudgets", "forecast"]

SYSTEMS = ("ma", "sfa")


class RunBudgets:
    """Every system's request counter for one run.

    Args:
        app: the app (settings and store).
        mode: ``sync`` or ``backfill``: backfills stop earlier.
        dry_run: read the stored counts, write nothing.
        clock: wall clock for budget windows (tests pass a fake one).
    """

    def __init__(
        self,
        app: App,
        mode: Mode,
        *,
        dry_run: bool = False,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.counters: dict[str, RequestCounter] = {}
        for system in SYSTEMS:
            settings = getattr(app.settings.budgets, system)
            if settings is None:
                self.counters[system] = RequestCounter(system)
                continue
            self.counters[system] = RequestBudget(
                app.store,
                BudgetRule.from_settings(system, settings),
                mode,
                persist=not dry_run,
                clock=clock or (lambda: datetime.now(UTC)),
            )

    @contextmanager
    def applied(self) -> Iterator[None]:
        """Count every request sent in this block; give back unused claims after."""
        limiters: dict[str, Sequence[Limiter]] = {
            system: (counter,) for system, counter in self.counters.items()
        }
        try:
            with run_limiters(limiters):
                yield
        finally:
            for counter in self.counters.values():
                counter.close()

    @property
    def sent(self) -> dict[str, int]:
        """Requests sent per system in this run (systems that sent any)."""
        return {s: c.sent for s, c in self.counters.items() if c.sent}


def forecast(
    exc: BudgetExhaustedError, progress: ProgressSnapshot, budgets: RunBudgets
) -> str:
    """What a backfill that met a budget did, and how long the rest will take.

    The pace is this run's records per request to the system whose budget ran
    out. The records left come from the share of the backfill window done, when
    the sources are read in update order; otherwise only the per-window pace can
    be told. A window's allowance is the configured backfill ceiling, or (for a
    budget the system itself enforces, such as HubSpot's daily headers) what this
    run managed to send.
    """
    system = str(exc.context.get("system", ""))
    counter = budgets.counters.get(system)
    sent = counter.sent if counter is not None else 0
    records = progress.records
    lines = [f"backfill stopped: {exc.message}"]
    if exc.hint:
        lines.append(exc.hint)
    if sent == 0 or records == 0:
        lines.append(
            "no records were processed in this run, so no forecast can be made; "
            "run the same command again when the budget window resets"
        )
        return "\n".join(lines)
    per_request = records / sent
    allowance, window = sent, "run"
    if isinstance(counter, RequestBudget):
        allowance = max(counter.ceiling, 1)
        window = counter.rule.window_text()
    lines.append(
        f"this run processed {records:,} records with {sent:,} {system} requests "
        f"({per_request:.1f} records per request); the backfill resumes from its "
        "last checkpoint when run again with the same dates"
    )
    left = _records_left(progress)
    if left is None:
        lines.append(
            "records left: unknown (the source is not read in update order); at "
            f"this pace one window of {allowance:,} requests processes about "
            f"{math.floor(allowance * per_request):,} records"
        )
        return "\n".join(lines)
    runs = max(1, math.ceil(left / per_request / allowance)) if left else 0
    if isinstance(counter, RequestBudget):
        days = runs * counter.rule.window.total_seconds() / 86400
        when = f"{runs} more run(s), one per {window} window (~{days:g} day(s))"
    else:
        when = f"{runs} more run(s) like this one"
    lines.append(f"forecast: about {left:,} records left, about {when} at this budget")
    return "\n".join(lines)


def _records_left(progress: ProgressSnapshot) -> int | None:
    if progress.fraction is None or not progress.run_fraction:
        return None
    per_share = progress.records / progress.run_fraction
    return max(0, round(per_share * (1 - progress.fraction)))
