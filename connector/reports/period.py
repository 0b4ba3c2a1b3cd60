"""Report periods: whole days in the report's time zone, and the one before.

A period is a cohort window: the people who became leads in it. Dates are
inclusive on both ends, as users type them (``--since 2024-04-01 --until
2024-04-30`` is April), and months begin at midnight in the configured zone, so a
lead created at 08:00 JST on the 1st belongs to that month, not the previous one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from connector.errors import UsageError

__all__ = ["Period", "month_key", "month_start", "parse_date"]


def parse_date(value: str, option: str) -> date:
    """Parse ``YYYY-MM-DD`` from the command line.

    Raises:
        UsageError: the value is not a date; names the option.
    """
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(
            f"{option} {value!r} is not a date",
            hint="write dates as YYYY-MM-DD, e.g. 2024-04-01",
            context={"option": option},
        ) from None


def month_key(when: datetime, tz: tzinfo) -> str:
    """``YYYY-MM`` of ``when`` in the report's time zone."""
    return when.astimezone(tz).strftime("%Y-%m")


def month_start(key: str, tz: tzinfo) -> datetime:
    """The first moment of month ``YYYY-MM`` in ``tz``."""
    year, month = (int(part) for part in key.split("-"))
    return datetime(year, month, 1, tzinfo=tz)


@dataclass(frozen=True, slots=True)
class Period:
    """The days ``since`` .. ``until`` (both included) in time zone ``tz``."""

    since: date
    until: date
    tz: tzinfo

    def __post_init__(self) -> None:
        if self.until < self.since:
            raise UsageError(
                f"--until {self.until} is before --since {self.since}",
                hint="swap the two dates",
            )

    @property
    def start(self) -> datetime:
        """First moment inside the period."""
        return datetime.combine(self.since, time(), tzinfo=self.tz)

    @property
    def end(self) -> datetime:
        """First moment after the period."""
        return datetime.combine(self.until + timedelta(days=1), time(), tzinfo=self.tz)

    @property
    def days(self) -> int:
        """Length in days."""
        return (self.until - self.since).days + 1

    def contains(self, when: datetime) -> bool:
        """Whether ``when`` falls inside the period."""
        return self.start <= when < self.end

    def previous(self) -> Period:
        """The period of equal length that ends the day before this one starts."""
        until = self.since - timedelta(days=1)
        return Period(until - timedelta(days=self.days - 1), until, self.tz)

    def months(self) -> list[str]:
        """Every ``YYYY-MM`` the period touches, in order."""
        keys: list[str] = []
        day = self.since.replace(day=1)
        while day <= self.until:
            keys.append(day.strftime("%Y-%m"))
            day = (day + timedelta(days=32)).replace(day=1)
        return keys

    @property
    def label(self) -> str:
        """``2024-04-01..2024-04-30``."""
        return f"{self.since.isoformat()}..{self.until.isoformat()}"
