"""Value transforms that mapping files compose: pure functions, one value in, one out.

A transform is written in ``fields.toml`` either as a bare name (``"trim"``) or as a
one-key inline table whose value is the argument (``{ e164 = "JP" }``,
``{ map = "industry" }``) or keyword arguments (``{ e164 = { region = "JP",
invalid = "keep" } }``). :func:`compile_chain` turns such a list into one callable.

Every transform passes ``None`` through (except ``default``), so a blank cell stays
blank whatever the chain. Transforms that parse (dates, numbers, phones; see
:mod:`connector.mapping.parsers`) raise :class:`TransformError` for input they
cannot read; nothing else may escape, so a bad cell becomes a dead letter with
reason ``invalid_value`` instead of a crash.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from connector.mapping.parsers import (
    bool_,
    date_,
    datetime_,
    decimal_,
    e164,
    float_,
    format_,
    int_,
    parse_datetime,
    phone_national,
)
from connector.mapping.transform_types import (
    Transform,
    TransformContext,
    TransformError,
    lift_text,
)

__all__ = [
    "TRANSFORMS",
    "Transform",
    "TransformContext",
    "TransformError",
    "compile_chain",
    "parse_datetime",
]


def _trim(_: TransformContext) -> Transform:
    return lift_text(str.strip)


def _lower(_: TransformContext) -> Transform:
    return lift_text(str.lower)


def _upper(_: TransformContext) -> Transform:
    return lift_text(str.upper)


def _nfkc_text(text: str) -> str:
    # NFKC folds full-width ASCII and digits (ＡＢＣ１２３) and half-width katakana
    # into their usual forms; Unicode guarantees it is idempotent. ASCII text is
    # already in NFKC, and most e-mail addresses are ASCII: skip the call.
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def _nfkc(_: TransformContext) -> Transform:
    return lift_text(_nfkc_text)


_SPACES = re.compile(r"\s+")


def _collapse_text(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _collapse_spaces(_: TransformContext) -> Transform:
    return lift_text(_collapse_text)


def _blank_to_none(_: TransformContext) -> Transform:
    def apply(value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    return apply


def _map(ctx: TransformContext, table: str, missing: str = "keep") -> Transform:
    """Look the value up in ``[maps.<table>]``; ``missing`` = keep | none | error."""
    maps = ctx.value_maps or {}
    if table not in maps:
        known = ", ".join(sorted(maps)) or "none defined"
        raise ValueError(f"no value map [maps.{table}] (known: {known})")
    if missing not in ("keep", "none", "error"):
        raise ValueError("missing must be 'keep', 'none' or 'error'")
    lookup = {str(k): v for k, v in maps[table].items()}

    def apply(value: Any) -> Any:
        if value is None:
            return None
        key = str(value)
        if key in lookup:
            return lookup[key]
        if missing == "error":
            raise TransformError(f"{key[:40]!r} is not in [maps.{table}]")
        return value if missing == "keep" else None

    return apply


def _join(_: TransformContext, sep: str = " ") -> Transform:
    """Several values (e.g. 姓 and 名) into one text; blank parts are skipped."""

    def apply(value: Any) -> Any:
        if value is None:
            return None
        parts = value if isinstance(value, list | tuple) else (value,)
        text = sep.join(
            str(p).strip() for p in parts if p is not None and str(p).strip()
        )
        return text or None

    return apply


def _split(_: TransformContext, sep: str = " ", parts: int = 2) -> Transform:
    """One text into ``parts`` values (the last keeps the rest); missing ones None."""
    if parts < 2:
        raise ValueError("parts must be at least 2")
    if not sep:
        raise ValueError("sep must not be empty")

    def apply(value: Any) -> Any:
        if value is None:
            return None
        # " " means any run of whitespace, so 山田　太郎 (full-width space) splits too.
        text = str(value).strip() if sep == " " else str(value)
        pieces = [
            p.strip() or None
            for p in text.split(None if sep == " " else sep, parts - 1)
        ]
        pieces += [None] * (parts - len(pieces))
        return tuple(pieces)

    return apply


def _coalesce(_: TransformContext) -> Transform:
    """The first non-blank of several values (e.g. 失注理由 or 対象外理由)."""

    def apply(value: Any) -> Any:
        if not isinstance(value, list | tuple):
            return value
        for item in value:
            if item is not None and str(item).strip():
                return item
        return None

    return apply


def _default(_: TransformContext, value: Any = None) -> Transform:
    fallback = value

    def apply(current: Any) -> Any:
        if current is None or (isinstance(current, str) and not current.strip()):
            return fallback
        return current

    return apply


def _text_of(_: TransformContext) -> Transform:
    def apply(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, Decimal):
            return format(value, "f")
        if isinstance(value, datetime):
            return value.isoformat()
        return str(value)

    return apply


TRANSFORMS: dict[str, Callable[..., Transform]] = {
    "trim": _trim,
    "lower": _lower,
    "upper": _upper,
    "nfkc": _nfkc,
    "collapse_spaces": _collapse_spaces,
    "blank_to_none": _blank_to_none,
    "e164": e164,
    "phone_national": phone_national,
    "datetime": datetime_,
    "date": date_,
    "format": format_,
    "decimal": decimal_,
    "float": float_,
    "int": int_,
    "bool": bool_,
    "text": _text_of,
    "map": _map,
    "join": _join,
    "split": _split,
    "coalesce": _coalesce,
    "default": _default,
}
"""Every transform a mapping file may name, by name."""

_TEXT_STEPS: dict[str, Callable[[str], str]] = {
    "trim": str.strip,
    "lower": str.lower,
    "upper": str.upper,
    "nfkc": _nfkc_text,
    "collapse_spaces": _collapse_text,
}
"""The argument-free transforms that map text to text: a run of them in a chain
is fused into one lifted function (one None check, one call per step)."""

_POSITIONAL = {
    "e164": "region",
    "phone_national": "region",
    "datetime": "timezone",
    "date": "timezone",
    "format": "pattern",
    "map": "table",
    "join": "sep",
    "split": "sep",
    "default": "value",
}


def _one(spec: Any, ctx: TransformContext) -> Transform:
    if isinstance(spec, str):
        name, kwargs = spec, {}
    elif isinstance(spec, Mapping) and len(spec) == 1:
        name, arg = next(iter(spec.items()))
        if isinstance(arg, Mapping):
            kwargs = dict(arg)
        elif name in _POSITIONAL:
            kwargs = {_POSITIONAL[name]: arg}
        else:
            raise ValueError(f"transform {name!r} takes no argument")
    else:
        raise ValueError(
            'a transform is a name ("trim") or a one-key table ({ e164 = "JP" })'
        )
    factory = TRANSFORMS.get(name)
    if factory is None:
        raise ValueError(
            f"unknown transform {name!r} (known: {', '.join(sorted(TRANSFORMS))})"
        )
    try:
        return factory(ctx, **kwargs)
    except TypeError:
        raise ValueError(f"bad arguments {kwargs!r} for transform {name!r}") from None


def compile_chain(specs: Sequence[Any], ctx: TransformContext) -> Transform:
    """Compile a list of transform specs into one function, applied left to right.

    Raises:
        ValueError: an unknown transform or a bad argument, saying which.
    """
    steps: list[Transform] = []
    texts: list[Callable[[str], str]] = []
    for spec in specs:
        if isinstance(spec, str) and spec in _TEXT_STEPS:
            texts.append(_TEXT_STEPS[spec])
            continue
        if texts:
            steps.append(lift_text(_fused(texts)))
            texts = []
        steps.append(_one(spec, ctx))
    if texts:
        steps.append(lift_text(_fused(texts)))
    if not steps:
        return _identity
    if len(steps) == 1:
        # Every record runs every field's chain: no loop for the common case.
        return steps[0]

    def chain(value: Any) -> Any:
        for step in steps:
            value = step(value)
        return value

    return chain


def _identity(value: Any) -> Any:
    return value


def _fused(texts: Sequence[Callable[[str], str]]) -> Callable[[str], str]:
    """Text steps applied left to right, as one function (lift_text already ran)."""
    if len(texts) == 1:
        return texts[0]
    if len(texts) == 2:
        first, second = texts

        def two(text: str) -> str:
            return second(first(text))

        return two
    steps = tuple(texts)

    def many(text: str) -> str:
        for step in steps:
            text = step(text)
        return text

    return many
