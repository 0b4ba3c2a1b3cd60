"""The shapes of the fake org's metadata: objects, fields, picklist values.

One definition drives validation of writes, SOQL type checks, query rendering
and describe, so the four cannot disagree. Field names are matched without case
(Salesforce is case-insensitive about them) and answered in their API spelling.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "STRINGY",
    "FieldDef",
    "FieldType",
    "ObjectDef",
    "PicklistValue",
    "system_fields",
]

FieldType = Literal[
    "id",
    "string",
    "email",
    "phone",
    "url",
    "textarea",
    "picklist",
    "boolean",
    "date",
    "datetime",
    "double",
    "int",
    "currency",
    "percent",
    "reference",
]
"""Describe's ``type`` values for the fields the fake models."""

STRINGY: frozenset[str] = frozenset(
    {"string", "email", "phone", "url", "textarea", "picklist"}
)
"""Types whose values are JSON strings and SOQL quoted strings (ids aside)."""


@dataclass(frozen=True)
class PicklistValue:
    """One picklist entry: ``value`` is the API name, ``label`` what users see."""

    value: str
    label: str
    active: bool = True
    default: bool = False


@dataclass(frozen=True)
class FieldDef:
    """One field, with what describe says about it and what writes must obey.

    ``required`` means REQUIRED_FIELD_MISSING when absent or null on create;
    ``filterable``/``sortable`` are False for long text areas (SOQL refuses them
    in WHERE and ORDER BY).
    """

    name: str
    type: FieldType
    label: str
    length: int = 0
    createable: bool = True
    updateable: bool = True
    nillable: bool = True
    required: bool = False
    default: Any = None
    picklist: tuple[PicklistValue, ...] = ()
    restricted: bool = False
    external_id: bool = False
    unique: bool = False
    reference_to: tuple[str, ...] = ()
    relationship_name: str | None = None
    custom: bool = False
    filterable: bool = True
    sortable: bool = True

    @property
    def initial(self) -> Any:
        """The value a new record starts with (booleans are never null)."""
        if self.default is None and self.type == "boolean":
            return False
        return self.default

    def active_values(self) -> frozenset[str]:
        """API names a restricted picklist accepts."""
        return frozenset(p.value for p in self.picklist if p.active)


@dataclass
class ObjectDef:
    """One sObject type: its fields (in describe order) and what it allows."""

    name: str
    label: str
    label_plural: str
    key_prefix: str
    fields: list[FieldDef]
    createable: bool = True
    updateable: bool = True
    deletable: bool = True
    mergeable: bool = False
    _by_lower: dict[str, FieldDef] = field(default_factory=dict, repr=False)
    _by_relationship: dict[str, FieldDef] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.reindex()

    def reindex(self) -> None:
        """Rebuild the case-insensitive lookups after ``fields`` changed."""
        self._by_lower = {f.name.lower(): f for f in self.fields}
        self._by_relationship = {
            f.relationship_name.lower(): f for f in self.fields if f.relationship_name
        }

    def field(self, name: str) -> FieldDef | None:
        """The field called ``name`` in any case, or None."""
        return self._by_lower.get(name.lower())

    def relationship(self, name: str) -> FieldDef | None:
        """The reference field whose relationship is ``name`` (``Owner``), or None."""
        return self._by_relationship.get(name.lower())

    def add_fields(self, extra: list[FieldDef]) -> None:
        """Append fields (custom ones from the fake's options)."""
        self.fields.extend(extra)
        self.reindex()


def system_fields(name: str, *, owned: bool = True) -> list[FieldDef]:
    """Fields every object has: Id, IsDeleted, audit stamps (and OwnerId).

    ``SystemModstamp`` and ``LastModifiedDate`` are read-only (fact sheet §3).
    """
    user = ("User",)
    fields = [
        FieldDef("Id", "id", f"{name} ID", 18, False, False, False),
        FieldDef("IsDeleted", "boolean", "Deleted", 0, False, False, False),
        FieldDef("CreatedDate", "datetime", "Created Date", 0, False, False, False),
        FieldDef(
            "CreatedById",
            "reference",
            "Created By ID",
            18,
            False,
            False,
            False,
            reference_to=user,
            relationship_name="CreatedBy",
        ),
        FieldDef(
            "LastModifiedDate", "datetime", "Last Modified Date", 0, False, False, False
        ),
        FieldDef(
            "LastModifiedById",
            "reference",
            "Last Modified By ID",
            18,
            False,
            False,
            False,
            reference_to=user,
            relationship_name="LastModifiedBy",
        ),
        FieldDef(
            "SystemModstamp", "datetime", "System Modstamp", 0, False, False, False
        ),
    ]
    if owned:
        fields.append(
            FieldDef(
                "OwnerId",
                "reference",
                "Owner ID",
                18,
                nillable=False,
                reference_to=user,
                relationship_name="Owner",
            )
        )
    return fields
