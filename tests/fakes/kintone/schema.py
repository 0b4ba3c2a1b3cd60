"""An app's form: field codes, their types and the checks kintone makes on writes.

Every app has the system fields ``$id``, ``$revision``, ``レコード番号``,
``作成日時`` and an update-time field. The update-time field's code is
app-specific (the fact sheet leaves the default unconfirmed), so it is a
setting of :class:`App` rather than a constant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["NUMERIC", "SYSTEM", "TIMES", "App", "Field", "FieldType"]

FieldType = Literal[
    "__ID__",
    "__REVISION__",
    "RECORD_NUMBER",
    "CREATED_TIME",
    "UPDATED_TIME",
    "SINGLE_LINE_TEXT",
    "MULTI_LINE_TEXT",
    "NUMBER",
    "DROP_DOWN",
    "RADIO_BUTTON",
    "DATETIME",
    "DATE",
    "LINK",
]
SYSTEM: frozenset[FieldType] = frozenset(
    {"__ID__", "__REVISION__", "RECORD_NUMBER", "CREATED_TIME", "UPDATED_TIME"}
)
NUMERIC: frozenset[FieldType] = frozenset(
    {"__ID__", "__REVISION__", "RECORD_NUMBER", "NUMBER"}
)
TIMES: frozenset[FieldType] = frozenset({"CREATED_TIME", "UPDATED_TIME", "DATETIME"})


@dataclass(frozen=True)
class Field:
    """One form field; ``unique`` is kintone's "prohibit duplicate values"."""

    type: FieldType
    required: bool = False
    unique: bool = False
    options: tuple[str, ...] = ()


@dataclass
class App:
    """One kintone app: its id, its user fields and its API tokens."""

    id: int
    fields: dict[str, Field]
    tokens: set[str] = field(default_factory=set)
    updated_field: str = "更新日時"
    created_field: str = "作成日時"
    number_field: str = "レコード番号"

    def form(self) -> dict[str, Field]:
        """User fields plus the system fields, by field code."""
        system = {
            "$id": Field("__ID__"),
            "$revision": Field("__REVISION__"),
            self.number_field: Field("RECORD_NUMBER"),
            self.created_field: Field("CREATED_TIME"),
            self.updated_field: Field("UPDATED_TIME"),
        }
        return {**system, **self.fields}
