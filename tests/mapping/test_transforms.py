"""Transforms: each one's behaviour, plus properties over arbitrary unicode."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connector.mapping.transforms import (
    TRANSFORMS,
    TransformContext,
    TransformError,
    compile_chain,
)

CTX = TransformContext(
    phone_region="JP",
    timezone="Asia/Tokyo",
    value_maps={"industry": {"01": "製造業", "02": "小売業"}},
)
TOKYO = ZoneInfo("Asia/Tokyo")


def run(spec: Any, value: Any) -> Any:
    return compile_chain(spec if isinstance(spec, list) else [spec], CTX)(value)


@pytest.mark.parametrize(
    ("spec", "given_value", "expected"),
    [
        ("trim", "  山田\u3000", "山田"),
        ("lower", "Taro@Example.JP", "taro@example.jp"),
        ("upper", "jpy", "JPY"),
        ("nfkc", "ＡＢＣ１２３", "ABC123"),
        ("nfkc", "ｱﾎﾟ取得", "アポ取得"),
        ("collapse_spaces", " 株式会社　 サクラ  テック ", "株式会社 サクラ テック"),
        ("blank_to_none", "   ", None),
        ("e164", "03-1234-5678", "+81312345678"),
        ("e164", "０９０－１２３４－５６７８", "+819012345678"),
        ("e164", "+1 650-253-0000", "+16502530000"),
        ({"e164": "US"}, "(650) 253-0000", "+16502530000"),
        ({"e164": {"invalid": "keep"}}, "未定", "未定"),
        ("phone_national", "+81312345678", "03-1234-5678"),
        ("decimal", "2,500,000", Decimal(2500000)),
        ("decimal", "¥480,000", Decimal(480000)),
        ("decimal", "300000円", Decimal(300000)),
        ("float", "73", 73.0),
        ("int", "１２", 12),
        ("bool", "true", True),
        ("bool", "いいえ", False),
        ({"map": "industry"}, "01", "製造業"),
        ({"map": "industry"}, "99", "99"),
        ({"map": {"table": "industry", "missing": "none"}}, "99", None),
        ({"join": " "}, ("山田", "太郎"), "山田 太郎"),
        ({"join": " "}, ("山田", None), "山田"),
        ("split", "山田　太郎", ("山田", "太郎")),
        ("split", "山田", ("山田", None)),
        ("coalesce", (None, " ", "決裁権なし"), "決裁権なし"),
        ({"default": "JPY"}, None, "JPY"),
        ({"default": "JPY"}, "USD", "USD"),
        ("text", Decimal("1.50"), "1.50"),
    ],
)
def test_transform_examples(spec: Any, given_value: Any, expected: Any) -> None:
    """Each transform turns a typical input into the documented output."""
    assert run(spec, given_value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10-01T09:30:00+09:00", datetime(2026, 10, 1, 9, 30, tzinfo=TOKYO)),
        ("2026-10-01T00:30:00Z", datetime(2026, 10, 1, 9, 30, tzinfo=TOKYO)),
        ("2026/10/01 09:30", datetime(2026, 10, 1, 9, 30, tzinfo=TOKYO)),
        ("2026/11/01 9:00", datetime(2026, 11, 1, 9, 0, tzinfo=TOKYO)),
        ("2026年10月1日", datetime(2026, 10, 1, tzinfo=TOKYO)),
        ("1790811000000", datetime.fromtimestamp(1790811000, UTC)),
    ],
)
def test_datetime_parses_the_forms_exports_use(text: str, expected: datetime) -> None:
    """Datetimes without an offset are Tokyo time; ones with an offset keep it."""
    parsed = run("datetime", text)
    assert parsed == expected
    assert parsed.tzinfo is not None


def test_datetime_honours_a_per_field_timezone() -> None:
    """A timezone argument overrides the file default."""
    parsed = run({"datetime": "UTC"}, "2026/10/01 09:30")
    assert parsed.utcoffset() == timedelta(0)


def test_date_keeps_the_local_calendar_day() -> None:
    """A close date is midnight of the local day, whatever offset it came with."""
    parsed = run("date", "2026-10-14T20:00:00+00:00")  # 05:00 on the 15th in Tokyo
    assert parsed == datetime(2026, 10, 15, tzinfo=TOKYO)


def test_format_writes_local_time() -> None:
    """Format renders a UTC instant in the target's zone and pattern."""
    instant = datetime(2026, 10, 1, 0, 30, tzinfo=UTC)
    assert run({"format": "%Y/%m/%d %H:%M"}, instant) == "2026/10/01 09:30"


@pytest.mark.parametrize(
    ("spec", "bad"),
    [
        ("datetime", "来週あたり"),
        ("date", "2026/13/45"),
        ("decimal", "百万"),
        ("int", "1.5"),
        ("bool", "maybe"),
        ("e164", "未定"),
        ({"map": {"table": "industry", "missing": "error"}}, "99"),
    ],
)
def test_unparseable_values_raise_transform_error(spec: Any, bad: str) -> None:
    """A value a parsing transform cannot read raises TransformError, naming it."""
    with pytest.raises(TransformError):
        run(spec, bad)


@pytest.mark.parametrize("name", sorted(TRANSFORMS))
def test_every_transform_passes_none_through(name: str) -> None:
    """A blank cell stays blank through every transform except default."""
    spec: Any = {"map": "industry"} if name == "map" else name
    expected = None
    assert run(spec, None) == expected


@pytest.mark.parametrize(
    "spec",
    [
        "nosuch",
        {"e164": "XX"},
        {"datetime": "Mars/Olympus"},
        {"map": "nope"},
        {"trim": "x"},
        {"split": {"parts": 1}},
        {"join": {"bogus": 1}},
        42,
    ],
)
def test_bad_specs_fail_at_load(spec: Any) -> None:
    """Unknown transforms and bad arguments are rejected when compiling, not later."""
    with pytest.raises(ValueError):  # noqa: PT011 - messages are checked in loader tests
        compile_chain([spec], CTX)


IDEMPOTENT = [
    "trim",
    "lower",
    "upper",
    "nfkc",
    "collapse_spaces",
    "blank_to_none",
    {"e164": {"invalid": "keep"}},
    "phone_national",
    "text",
]


@pytest.mark.parametrize("spec", IDEMPOTENT, ids=str)
@settings(max_examples=150, deadline=None)
@given(value=st.text())
def test_text_transforms_are_idempotent_and_never_raise(spec: Any, value: str) -> None:
    """On any unicode, text transforms never raise and are idempotent."""
    once = run(spec, value)
    assert run(spec, once) == once


PARSERS = ["datetime", "date", "decimal", "float", "int", "bool", "e164"]


@pytest.mark.parametrize("spec", PARSERS)
@settings(max_examples=150, deadline=None)
@given(value=st.text())
def test_parsers_raise_only_transform_error(spec: str, value: str) -> None:
    """On any unicode, parsers succeed or raise TransformError, never anything else."""
    try:
        once = run(spec, value)
    except TransformError:
        return
    assert run(spec, once) == once


@settings(max_examples=150, deadline=None)
@given(
    family=st.text(alphabet=st.characters(categories=["Lo", "Lu", "Ll"]), min_size=1),
    given_name=st.text(
        alphabet=st.characters(categories=["Lo", "Lu", "Ll"]), min_size=1
    ),
)
def test_join_and_split_round_trip_names(family: str, given_name: str) -> None:
    """姓 + 名 joined with a space split back into the same two names."""
    joined = run({"join": " "}, (family, given_name))
    assert run({"split": " "}, joined) == (family, given_name)
