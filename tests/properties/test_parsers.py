"""Properties of the timestamp and number parsers: bounded, total, exact.

Every text an export can hold either parses into a value the store can keep or
raises the one error class its caller turns into a dead letter; nothing else
escapes (a stray OSError or OverflowError used to crash every run).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from adapters.csv.timestamps import parse_timestamp
from connector.mapping.parsers import MAX_EXPONENT, parse_datetime
from connector.mapping.transform_types import TransformContext, TransformError
from connector.mapping.transforms import TRANSFORMS

TOKYO = ZoneInfo("Asia/Tokyo")
DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=30)
DATE_CHARS = st.text(alphabet="0123456789-/:. TZ+年月日", max_size=40)
ANY_TEXT = st.one_of(st.text(max_size=80), DIGITS, DATE_CHARS)
IN_RANGE = st.datetimes(
    min_value=datetime(1971, 1, 2), max_value=datetime(2999, 12, 30)
).map(lambda d: d.replace(tzinfo=UTC, microsecond=0))


def _transform(name: str) -> Any:
    return TRANSFORMS[name](TransformContext())


@given(ANY_TEXT)
def test_a_csv_timestamp_is_aware_or_a_value_error(text: str) -> None:
    """Any cell: an aware datetime that UTC can hold, or ValueError."""
    try:
        parsed = parse_timestamp(text, TOKYO)
    except ValueError:
        return
    assert parsed.tzinfo is not None
    parsed.astimezone(UTC)  # comparable and storable


@given(IN_RANGE)
def test_an_iso_timestamp_reads_back_as_written(moment: datetime) -> None:
    """What an export writes in ISO 8601 is the instant the connector reads."""
    assert parse_timestamp(moment.isoformat(), TOKYO) == moment
    local = moment.astimezone(TOKYO).replace(tzinfo=None)
    assert parse_timestamp(local.strftime("%Y/%m/%d %H:%M:%S"), TOKYO) == moment


@given(IN_RANGE.filter(lambda d: d.year < 2286))
def test_epoch_seconds_and_milliseconds_agree(moment: datetime) -> None:
    """10-digit seconds and 13-digit milliseconds name the same instant."""
    seconds = int(moment.timestamp())
    if len(str(seconds)) != 10:
        return
    assert parse_timestamp(str(seconds), TOKYO) == moment
    assert parse_timestamp(str(seconds * 1000), TOKYO) == moment


@given(st.one_of(ANY_TEXT, st.integers(), st.floats(allow_nan=True)))
def test_a_mapped_datetime_is_bounded_or_a_transform_error(value: object) -> None:
    """Mapping a date: 1900..2999, aware, or TransformError and nothing else."""
    try:
        parsed = parse_datetime(value, TOKYO)
    except TransformError:
        return
    assert parsed.tzinfo is not None
    utc = parsed.astimezone(UTC)
    assert datetime(1899, 12, 30, tzinfo=UTC) < utc < datetime(3000, 1, 2, tzinfo=UTC)


NUMBER_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789.,eE+-¥円 ", max_size=40),
    st.from_regex(r"-?[0-9]{1,6}(\.[0-9]{1,4})?[eE][+-]?[0-9]{1,9}", fullmatch=True),
)


@given(st.one_of(NUMBER_TEXT, st.integers(), st.floats(), st.decimals()))
def test_numbers_are_finite_and_bounded_or_a_transform_error(value: object) -> None:
    """decimal/float/int: a finite value below 1e30, or TransformError."""
    for name in ("decimal", "float", "int"):
        try:
            result = _transform(name)(value)
        except TransformError:
            continue
        if result is None:
            continue
        number = Decimal(result) if not isinstance(result, Decimal) else result
        assert number.is_finite()
        assert abs(number) < Decimal(10) ** (MAX_EXPONENT + 1)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_formatted_whole_numbers_read_back_exactly(number: int) -> None:
    """`1,234,567`, `¥1,234,567` and `1234567円` are all 1234567."""
    to_int = _transform("int")
    for text in (f"{number:,}", f"¥{number:,}", f"{number}円", f" {number} "):
        assert to_int(text) == number


@given(st.integers(min_value=1, max_value=10**6), st.integers(0, 10**6))
def test_huge_exponents_are_refused_not_computed(mantissa: int, extra: int) -> None:
    """1e999999 is refused at once (int() of it is quadratic), never converted."""
    text = f"{mantissa}e{MAX_EXPONENT + 1 + extra}"
    for name in ("decimal", "float", "int"):
        try:
            _transform(name)(text)
        except TransformError:
            continue
        raise AssertionError(f"{name} accepted {text}")


def test_the_epoch_bound_holds_at_its_edge() -> None:
    """The last 10-digit epoch second parses; one digit more is refused."""
    assert parse_timestamp("9999999999", TOKYO) == datetime(
        2286, 11, 20, 17, 46, 39, tzinfo=UTC
    )
    for text in ("99999999999", "99999999999999999999"):
        try:
            parse_timestamp(text, TOKYO)
        except ValueError:
            continue
        raise AssertionError(f"{text} was read as a date")
