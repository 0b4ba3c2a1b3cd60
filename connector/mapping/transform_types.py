"""The types every transform shares: the function shape, its context, its error."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

__all__ = ["Transform", "TransformContext", "TransformError", "lift_text"]

Transform: TypeAlias = Callable[[Any], Any]
"""A compiled transform: a pure function of one value."""


class TransformError(ValueError):
    """A value could not be parsed by a transform; the message says what was wrong."""


@dataclass(frozen=True, slots=True)
class TransformContext:
    """File-level defaults that transforms fall back on.

    Attributes:
        phone_region: region for numbers written without a country code.
        timezone: zone for timestamps written without an offset.
        value_maps: the ``[maps.<name>]`` tables of ``fields.toml``.
    """

    phone_region: str = "JP"
    timezone: str = "Asia/Tokyo"
    value_maps: Mapping[str, Mapping[str, Any]] | None = None


def lift_text(fn: Callable[[str], Any]) -> Transform:
    """Lift a str -> value function: None passes, non-strings are stringified."""

    def apply(value: Any) -> Any:
        if value is None:
            return None
        return fn(value if isinstance(value, str) else str(value))

    return apply
