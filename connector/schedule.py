"""Flow schedules as admins write them: ``every 5m`` or ``cron */10 * * * *``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

__all__ = ["Schedule", "parse_schedule"]

_EVERY = re.compile(r"^every\s+(\d+)\s*(s|m|h|d)$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True, slots=True)
class Schedule:
    """A parsed schedule: an interval, or a five-field crontab line."""

    interval: timedelta | None = None
    crontab: str | None = None


def parse_schedule(text: str) -> Schedule:
    """Parse a schedule string.

    Raises:
        ValueError: with the accepted forms, so config errors say how to fix it.
    """
    value = text.strip().lower()
    match = _EVERY.match(value)
    if match:
        seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        if seconds <= 0:
            raise ValueError("an interval must be at least 1s")
        return Schedule(interval=timedelta(seconds=seconds))
    if value.startswith("cron "):
        fields = value[5:].split()
        if len(fields) != 5:
            raise ValueError(
                "a cron schedule has five fields: 'cron MIN HOUR DAY MONTH WEEKDAY'"
            )
        from apscheduler.triggers.cron import CronTrigger

        CronTrigger.from_crontab(" ".join(fields))  # raises ValueError when invalid
        return Schedule(crontab=" ".join(fields))
    raise ValueError("use 'every 30s', 'every 5m', 'every 1h' or 'cron */10 * * * *'")
