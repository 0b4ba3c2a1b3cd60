"""Parsing transforms: phones, dates and times, numbers, yes/no.

Each raises :class:`~connector.mapping.transform_types.TransformError` for input it
cannot read, and nothing else, so a bad cell dead-letters one record.

Numbers and dates are bounded *before* they are converted: ``float("1e400")`` is
inf and ``int()`` of it raises OverflowError, ``int(Decimal("1e999999"))`` takes
minutes, and ``datetime.fromtimestamp`` raises OSError past the platform's range.
None of those is a TransformError, so one such cell used to crash every run.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers

from connector.mapping.transform_types import (
    Transform,
    TransformContext,
    TransformError,
    lift_text,
)

__all__ = [
    "MAX_EXPONENT",
    "MAX_NUMBER_CHARS",
    "bool_",
    "date_",
    "datetime_",
    "decimal_",
    "e164",
    "float_",
    "format_",
    "int_",
    "parse_datetime",
    "phone_national",
]


def e164(
    ctx: TransformContext, region: str | None = None, invalid: str = "error"
) -> Transform:
    """Phone numbers to E.164 (+81312345678); numbers without +CC use ``region``."""
    if invalid not in ("error", "keep"):
        raise ValueError("invalid must be 'error' or 'keep'")
    home = (region or ctx.phone_region).upper()
    if home not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"unknown phone region {home!r} (use e.g. JP, US, GB)")

    def apply(text: str) -> str | None:
        raw = unicodedata.normalize("NFKC", text).strip()
        if not raw:
            return None
        try:
            number = phonenumbers.parse(raw, home)
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_possible_number(number):
            if invalid == "keep":
                return raw
            raise TransformError(f"{text!r} is not a phone number")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    return lift_text(apply)


def phone_national(ctx: TransformContext, region: str | None = None) -> Transform:
    """Phone numbers in the national format sales dial (03-1234-5678); else kept."""
    home = (region or ctx.phone_region).upper()
    if home not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"unknown phone region {home!r} (use e.g. JP, US, GB)")

    def apply(text: str) -> str | None:
        raw = unicodedata.normalize("NFKC", text).strip()
        try:
            number = phonenumbers.parse(raw, home)
        except phonenumbers.NumberParseException:
            return raw or None
        if not phonenumbers.is_possible_number(number):
            return raw or None
        fmt = (
            phonenumbers.PhoneNumberFormat.NATIONAL
            if phonenumbers.region_code_for_number(number) == home
            else phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
        return phonenumbers.format_number(number, fmt)

    return lift_text(apply)


_DATE_FORMATS = (
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y.%m.%d",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日",
)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown timezone {name!r} (use e.g. Asia/Tokyo)") from None


def parse_datetime(value: Any, zone: ZoneInfo) -> datetime:
    """Parse ISO 8601, epoch seconds/milliseconds or Japanese-style dates.

    Values without an offset are taken in ``zone``; the result is always aware.

    Raises:
        TransformError: the value is not a date in any accepted form.
    """
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return datetime.combine(value, time(), zone)
    raw = str(value)
    text = (raw if raw.isascii() else unicodedata.normalize("NFKC", raw)).strip()
    if text.isdigit() and len(text) >= 10:
        if not text.isascii() or len(text) not in (10, 13):
            raise TransformError(
                f"{text[:40]!r} is not a date (epoch times have 10 digits for "
                "seconds or 13 for milliseconds)"
            )
        seconds = int(text) / (1000 if len(text) == 13 else 1)
        return datetime.fromtimestamp(seconds, UTC)
    if len(text) > 64:
        raise TransformError(f"{text[:40]!r}... is too long to be a date")
    try:
        parsed: datetime | None = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = _by_format(text)
    if parsed is None:
        raise TransformError(
            f"{text[:40]!r} is not a date (use ISO 8601, epoch ms or 2026/10/01 09:30)"
        )
    if not 1900 <= parsed.year <= 2999:
        # Years 1 and 9999 with an offset cannot even be compared or stored in UTC.
        raise TransformError(f"{text[:40]!r} is not a date between 1900 and 2999")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


@lru_cache(maxsize=4096)
def _by_format(text: str) -> datetime | None:
    """The first of :data:`_DATE_FORMATS` that reads ``text``, or None; cached.

    strptime is the costly part of mapping an SFA export's row, and exports
    repeat their non-ISO timestamps (one bulk edit, one close date). ISO 8601
    is read without the cache: it is fast, and API timestamps rarely repeat.
    """
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def datetime_(ctx: TransformContext, timezone: str | None = None) -> Transform:
    """Timestamps to aware datetimes; no offset means the file's timezone."""
    zone = _zone(timezone or ctx.timezone)

    def apply(value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return parse_datetime(value, zone)

    return apply


def date_(ctx: TransformContext, timezone: str | None = None) -> Transform:
    """A calendar date, kept as midnight in the zone (Deal.close_date is a datetime)."""
    zone = _zone(timezone or ctx.timezone)

    def apply(value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        local = parse_datetime(value, zone).astimezone(zone)
        return datetime.combine(local.date(), time(), zone)

    return apply


def format_(
    ctx: TransformContext, pattern: str = "%Y/%m/%d %H:%M", timezone: str | None = None
) -> Transform:
    """Datetimes to text in the target's local zone (e.g. 2026/10/01 09:30)."""
    zone = _zone(timezone or ctx.timezone)
    datetime(2000, 1, 1, tzinfo=zone).strftime(pattern)  # fail at load on bad patterns

    def apply(value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return parse_datetime(value, zone).astimezone(zone).strftime(pattern)

    return apply


_NUMBER_JUNK = re.compile(r"[,\s_¥￥$円]")

MAX_NUMBER_CHARS = 64
"""Longer text is not a number anyone typed (and converting it costs time)."""

MAX_EXPONENT = 30
"""Numbers must lie within 1e-30 .. 1e30 in magnitude (zero aside): far beyond
any amount, score or count, far inside what float and int convert quickly."""


def _decimal_of(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None if value is None else Decimal(int(value))
    if isinstance(value, int) and abs(value) >= 10**MAX_EXPONENT:
        raise TransformError(
            f"the number is out of range (numbers must be below 1e{MAX_EXPONENT})"
        )
    raw = str(value)
    if len(raw) > 4 * MAX_NUMBER_CHARS:
        raise TransformError(f"{raw[:40]!r}... is too long to be a number")
    text = _NUMBER_JUNK.sub("", unicodedata.normalize("NFKC", raw))
    if not text:
        return None
    if len(text) > MAX_NUMBER_CHARS:
        raise TransformError(f"{raw[:40]!r}... is too long to be a number")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise TransformError(f"{raw[:40]!r} is not a number") from None
    if not number.is_finite():
        raise TransformError(f"{raw[:40]!r} is not a finite number")
    if not number:
        return Decimal(0)  # 0e999999 is zero, but with an exponent int() chokes on
    if abs(number.adjusted()) > MAX_EXPONENT:
        raise TransformError(
            f"{raw[:40]!r} is out of range (numbers must be below 1e{MAX_EXPONENT})"
        )
    return number


def decimal_(_: TransformContext) -> Transform:
    """Amounts such as "2,500,000", "¥480,000" or "300000円" to Decimal."""
    return _decimal_of


def float_(_: TransformContext) -> Transform:
    """Numbers (scores) to float, accepting the forms :func:`decimal_` does."""

    def apply(value: Any) -> float | None:
        number = _decimal_of(value)
        return None if number is None else float(number)

    return apply


def int_(_: TransformContext) -> Transform:
    """Whole numbers (counts); a fraction is an error rather than truncated."""

    def apply(value: Any) -> int | None:
        number = _decimal_of(value)
        if number is None:
            return None
        if number != number.to_integral_value():
            raise TransformError(f"{value!r} is not a whole number")
        return int(number)

    return apply


_TRUE = {"true", "yes", "y", "1", "on", "はい", "有", "済"}
_FALSE = {"false", "no", "n", "0", "off", "いいえ", "無", "未"}


def bool_(_: TransformContext) -> Transform:
    """Yes/no in English or Japanese (はい/いいえ, 有/無); anything else is an error."""

    def apply(value: Any) -> bool | None:
        if value is None or isinstance(value, bool):
            return value
        text = unicodedata.normalize("NFKC", str(value)).strip().lower()
        if not text:
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise TransformError(f"{str(value)[:40]!r} is not yes/no")

    return apply
