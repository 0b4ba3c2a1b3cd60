"""Validation rules an admin wrote: FIELD_CUSTOM_VALIDATION_EXCEPTION (§10).

The sheet asks the fake for one in Japanese, as a Japanese org's admin would
write it: the message is the admin's own text and comes back verbatim.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["NEGATIVE_AMOUNT", "ValidationRule"]


@dataclass(frozen=True)
class ValidationRule:
    """Refuse a write when ``violated(record_after_write)`` is true."""

    sobject: str
    name: str
    message: str
    violated: Callable[[Mapping[str, Any]], bool]
    field: str | None = None


def _negative_amount(values: Mapping[str, Any]) -> bool:
    amount = values.get("Amount")
    return amount is not None and amount < 0


NEGATIVE_AMOUNT = ValidationRule(
    "Opportunity",
    "Amount_Not_Negative",
    "金額にマイナスの値は入力できません。",
    _negative_amount,
    field="Amount",
)
"""The default rule: an opportunity's Amount may not be negative."""
