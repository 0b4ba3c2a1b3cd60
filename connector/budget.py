"""API request budgets: how many requests a run may send to a system per window.

Each system may have a quota per window (HubSpot's daily limit, an SFA's daily API
quota) that the customer's other integrations share. ``[budgets.<system>]`` in the
config says how big it is; the connector counts every request it sends there in the
state store, so the count survives restarts and is shared by replicas.

The rule, with ``requests = R``, ``reserve = r`` and ``backfill_reserve = b``:

- ``sync`` runs (``connector sync``, the daemon's handoff and outcomes) may use the
  window's budget until ``R * (1 - r)`` requests are counted;
- ``backfill`` runs stop at ``R * (1 - r - b)``, so history never starves the
  regular flows;
- no run touches the last ``R * r``, the share of the other integrations.

Requests are counted where they are sent (:func:`connector.http.run_limiters`), so
every API adapter is covered; retries count too, as they do for the system. The
count is claimed from the store in small blocks: a run killed with SIGKILL leaves
at most one block minus one counted but unsent, which errs on the safe side. A dry
run reads the count but writes nothing.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from typing_extensions import override

from connector.config import BudgetSettings
from connector.errors import BudgetExhaustedError
from connector.store import StateStore
from connector.store.budgets import claim_requests, release_requests, used_requests

__all__ = [
    "BudgetRule",
    "Mode",
    "RequestBudget",
    "RequestCounter",
    "parse_window",
]

Mode = Literal["sync", "backfill"]
"""Which share of the budget a run may use: ``backfill`` stops earlier."""

Clock = Callable[[], datetime]

_WINDOW = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

CLAIM_BLOCK = 10
"""Requests claimed from the store at once (one transaction per block)."""


def parse_window(text: str) -> timedelta:
    """``30m``, ``1h``, ``1d``... as a duration.

    Raises:
        ValueError: not a positive number followed by s, m, h or d.
    """
    match = _WINDOW.match(text)
    if match is None or int(match.group(1)) == 0:
        raise ValueError(
            f"window {text!r} is not a duration: use a number and s, m, h or d, "
            'e.g. "1d" for a daily quota'
        )
    return timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])


@dataclass(frozen=True, slots=True)
class BudgetRule:
    """One system's budget, resolved from ``[budgets.<system>]``."""

    system: str
    requests: int
    window: timedelta
    timezone: ZoneInfo
    reserve: float
    backfill_reserve: float

    @classmethod
    def from_settings(cls, system: str, settings: BudgetSettings) -> BudgetRule:
        """Build the rule of ``system`` from its validated settings."""
        return cls(
            system=system,
            requests=settings.requests,
            window=parse_window(settings.window),
            timezone=ZoneInfo(settings.timezone),
            reserve=settings.reserve,
            backfill_reserve=settings.backfill_reserve,
        )

    def ceiling(self, mode: Mode) -> int:
        """Requests a run of ``mode`` may see counted in one window, at most."""
        share = 1 - self.reserve - (self.backfill_reserve if mode == "backfill" else 0)
        return max(0, math.floor(self.requests * share + 1e-9))

    def window_start(self, now: datetime) -> datetime:
        """Start (UTC) of the window holding ``now``: windows start at local midnight.

        A window that does not divide a day is counted from local midnight too, so
        ``"6h"`` resets at 00:00, 06:00, 12:00 and 18:00 in ``timezone``.
        """
        local = now.astimezone(self.timezone)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        size = self.window.total_seconds()
        if size >= 86400:
            days = (
                (local.date().toordinal() - 1)
                // int(size // 86400)
                * int(size // 86400)
            )
            start = datetime.fromordinal(days + 1).replace(tzinfo=self.timezone)
        else:
            elapsed = (local - midnight).total_seconds()
            start = midnight + timedelta(seconds=elapsed // size * size)
        return start.astimezone(UTC)

    def window_text(self) -> str:
        """The window as configured: ``1d``, ``12h``, ``30m``..."""
        seconds = int(self.window.total_seconds())
        for unit in ("d", "h", "m"):
            if seconds % _UNITS[unit] == 0:
                return f"{seconds // _UNITS[unit]}{unit}"
        return f"{seconds}s"

    def describe(self, mode: Mode) -> str:
        """The rule in words, for messages."""
        kept = f"{self.reserve:.0%} kept for other integrations"
        if mode == "backfill":
            kept += f" and {self.backfill_reserve:.0%} for the regular flows"
        return f"{mode} runs stop at {self.ceiling(mode):,}: {kept}"


class RequestCounter:
    """Counts one system's requests in this run (a limiter that never waits).

    Every run counts, budget or not: the summary shows the requests per system and
    the backfill forecast needs the records processed per request.
    """

    def __init__(self, system: str) -> None:
        self.system = system
        self.sent = 0
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Count one request."""
        with self._lock:
            self.sent += 1
        return 0.0

    def close(self) -> None:
        """Nothing to give back."""


class RequestBudget(RequestCounter):
    """Counts requests against a persisted budget; raises before it is overspent.

    Args:
        store: where the window's count lives.
        rule: the system's budget.
        mode: ``sync`` or ``backfill`` (the ceiling differs).
        persist: False in a dry run: read the stored count, never write it.
        clock: the current time (tests pass a fake one).
        block: requests claimed from the store per transaction.
    """

    def __init__(
        self,
        store: StateStore,
        rule: BudgetRule,
        mode: Mode,
        *,
        persist: bool = True,
        clock: Clock = lambda: datetime.now(UTC),
        block: int = CLAIM_BLOCK,
    ) -> None:
        super().__init__(rule.system)
        self.store = store
        self.rule = rule
        self.mode = mode
        self.persist = persist
        self.block = max(1, block)
        self._clock = clock
        self._window: datetime | None = None
        self._left = 0
        self._base = 0  # dry run: the stored count when the window was first seen
        self._local = 0  # dry run: requests counted since
        self.used = 0
        """The window's count as last seen (ours and other runs' claims)."""
        self.exhausted: BudgetExhaustedError | None = None

    @property
    def ceiling(self) -> int:
        """Requests this run's mode may see counted in one window."""
        return self.rule.ceiling(self.mode)

    @property
    def resets_at(self) -> datetime:
        """When the current window ends and the count starts again."""
        start = self._window or self.rule.window_start(self._clock())
        return start + self.rule.window

    @override
    def acquire(self) -> float:
        """Count one request, claiming more from the store when needed.

        Raises:
            BudgetExhaustedError: the window's count reached this mode's ceiling.
        """
        with self._lock:
            window = self.rule.window_start(self._clock())
            if window != self._window:
                self._release()
                self._window, self._left, self._local = window, 0, 0
                if not self.persist:
                    with self.store.read() as conn:
                        self._base = used_requests(conn, self.system, window)
            if self._left == 0:
                self._claim(window)
            self._left -= 1
            self.sent += 1
        return 0.0

    @override
    def close(self) -> None:
        """Give back what was claimed and not sent, so the count stays exact."""
        with self._lock:
            self._release()

    def _claim(self, window: datetime) -> None:
        if self.persist:
            with self.store.transaction() as conn:
                granted, before = claim_requests(
                    conn, self.system, window, self.block, self.ceiling
                )
            self.used = before + granted
        else:
            self.used = self._base + self._local
            granted = 1 if self.used < self.ceiling else 0
            self._local += granted
            self.used += granted
        if granted == 0:
            self.exhausted = self._error()
            raise self.exhausted
        self._left = granted

    def _release(self) -> None:
        if self.persist and self._window is not None and self._left > 0:
            with self.store.transaction() as conn:
                release_requests(conn, self.system, self._window, self._left)
            self.used -= self._left
        self._left = 0

    def _error(self) -> BudgetExhaustedError:
        rule, resets = self.rule, self.resets_at
        when = resets.astimezone(rule.timezone).strftime("%Y-%m-%d %H:%M %Z")
        return BudgetExhaustedError(
            f"{self.system} API budget for {self.mode} runs is used up: "
            f"{self.used:,} of {rule.requests:,} requests counted in this "
            f"{rule.window_text()} window ({rule.describe(self.mode)})",
            hint=f"the run stopped cleanly after its last checkpoint; it continues "
            f"when the window resets at {when}. Raise [budgets.{self.system}] "
            "requests only if the system really allows more",
            context={
                "system": self.system,
                "used": self.used,
                "ceiling": self.ceiling,
                "resets_at": resets.isoformat(),
            },
        )
