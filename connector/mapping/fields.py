"""Field rules: which native field feeds which canonical field, and when to write.

One :class:`FieldRule` is one entry of ``fields.toml``. Reading applies its ``read``
chain (native -> canonical); writing applies its ``write`` chain and then its sync
rule decides, against the target's current value, whether the value is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, TypeAlias, get_args

from connector.mapping.transforms import Transform

__all__ = [
    "SYNC_RULES",
    "FieldRule",
    "SyncRule",
    "is_blank",
    "should_write",
]

SyncRule: TypeAlias = Literal[
    "always", "if_blank", "prefer_source_unless_blank", "latest_wins", "never"
]
"""When a mapped value is written to the target system:

- ``always``: the source wins, even when it is blank (clears the target).
- ``if_blank``: only fill a target that is blank (or being created).
- ``prefer_source_unless_blank``: the source wins, but a blank never erases.
- ``latest_wins``: two-way; the side modified last wins (ties keep the target).
- ``never``: read only; the connector never writes this field.
"""

SYNC_RULES: tuple[str, ...] = get_args(SyncRule)
"""The sync rule names, in the order the docs list them."""


def is_blank(value: Any) -> bool:
    """None, empty or whitespace-only text, or an empty list counts as blank."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return all(is_blank(v) for v in value)
    return False


def should_write(
    rule: SyncRule,
    value: Any,
    *,
    exists: bool,
    current_value: Any,
    source_updated_at: datetime | None,
    target_updated_at: datetime | None,
) -> bool:
    """Whether a field whose value is ``value`` is written under ``rule``.

    Args:
        rule: the field's sync rule.
        value: the value about to be written (after write transforms).
        exists: the target record exists (False when creating it).
        current_value: the target's current native value.
        source_updated_at: when the source side last changed.
        target_updated_at: when the target side last changed.
    """
    if rule == "never":
        return False
    if rule == "always":
        return True
    if rule == "prefer_source_unless_blank":
        return not is_blank(value)
    if not exists or is_blank(current_value):
        # if_blank and latest_wins both fill a blank target, but never with a blank.
        return not is_blank(value)
    if rule == "if_blank":
        return False
    # latest_wins: an unknown source time never beats a known target.
    if source_updated_at is None:
        return False
    return target_updated_at is None or source_updated_at > target_updated_at


@dataclass(frozen=True, slots=True)
class FieldRule:
    """One mapped field of one system and entity.

    Attributes:
        key: its key in ``fields.toml`` (for messages).
        native: native field name(s); several are read as a tuple.
        canonical: canonical field name(s) (``attributes.<name>`` allowed);
            several receive the items of a tuple produced by the read chain.
        read: native -> canonical transform chain.
        write: canonical -> native transform chain.
        sync: when the value is written to this system.
        const: a fixed canonical value (no native field is read).
    """

    key: str
    native: tuple[str, ...]
    canonical: tuple[str, ...]
    read: Transform
    write: Transform
    sync: SyncRule = "always"
    const: Any = None

    @property
    def reads(self) -> bool:
        """Whether reading fills canonical fields from this rule.

        Stages are read through the stage vocabulary, not through field rules.
        """
        return self.canonical != ("stage",)

    def read_value(self, fields: Mapping[str, Any]) -> Any:
        """The canonical value(s) of this rule for one native record."""
        if self.const is not None:
            return self.read(self.const)
        raw = tuple(_clean(fields.get(name)) for name in self.native)
        return self.read(raw[0] if len(raw) == 1 else raw)

    @property
    def writes(self) -> bool:
        """Whether this rule ever writes (a ``const`` rule never does)."""
        return self.sync != "never" and self.const is None


def _clean(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value
