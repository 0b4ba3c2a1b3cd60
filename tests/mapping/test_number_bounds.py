"""Numbers and dates are bounded before conversion: one cell never crashes a run."""

from __future__ import annotations

import time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from connector.mapping.parsers import decimal_, float_, int_, parse_datetime
from connector.mapping.transform_types import TransformContext, TransformError

CTX = TransformContext()


@pytest.mark.parametrize("text", ["1e400", "-1e400", "1e-400", "9" * 100, "1e31"])
@pytest.mark.parametrize("make", [float_, int_, decimal_])
def test_out_of_range_numbers_are_transform_errors(make: Any, text: str) -> None:
    """Overflowing or absurd numbers raise TransformError, never OverflowError."""
    with pytest.raises(TransformError):
        make(CTX)(text)


def test_huge_exponent_is_refused_fast() -> None:
    """`1e999999` (8 bytes) is refused in well under a second, not minutes."""
    started = time.perf_counter()
    with pytest.raises(TransformError):
        int_(CTX)("1e999999")
    assert time.perf_counter() - started < 0.5


def test_zero_with_a_huge_exponent_is_zero() -> None:
    """`0e999999` is zero, converted without building a huge integer."""
    assert int_(CTX)("0e999999") == 0


@pytest.mark.parametrize(
    "text", ["99999999999999999999", "999999999999", "0001-01-01T00:00:00+09:00"]
)
def test_out_of_range_dates_are_transform_errors(text: str) -> None:
    """Epoch values and years out of range raise TransformError, never OSError."""
    with pytest.raises(TransformError):
        parse_datetime(text, ZoneInfo("Asia/Tokyo"))


def test_ordinary_values_still_convert() -> None:
    """Bounds leave everyday amounts, scores and epoch times alone."""
    assert int_(CTX)("1,234") == 1234
    assert float_(CTX)("73.5") == 73.5
    assert str(decimal_(CTX)("¥2,500,000")) == "2500000"
    stamp = parse_datetime("1790813400000", ZoneInfo("Asia/Tokyo"))
    assert stamp.isoformat() == "2026-10-01T00:10:00+00:00"
