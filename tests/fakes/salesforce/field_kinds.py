"""Short builders for the field definitions of the standard objects.

They keep the object lists in sales_objects.py and campaign_objects.py readable:
one line per field, with only what differs from the defaults.
"""

from __future__ import annotations

from tests.fakes.salesforce.schema import FieldDef, PicklistValue

__all__ = [
    "connector_id",
    "flag",
    "long_text",
    "lookup",
    "master_record",
    "picklist",
    "platform_lookup",
    "readonly",
    "text",
    "typed",
    "values_of",
]


def values_of(*pairs: tuple[str, str]) -> tuple[PicklistValue, ...]:
    """Picklist entries from (API value, label) pairs."""
    return tuple(PicklistValue(v, label) for v, label in pairs)


def text(name: str, label: str, length: int = 255, **kw: object) -> FieldDef:
    """A text field (createable, updateable, nillable unless said)."""
    return FieldDef(name, "string", label, length, **kw)  # type: ignore[arg-type]


def typed(name: str, type_: str, label: str, length: int = 0, **kw: object) -> FieldDef:
    """A field of any type with the usual defaults."""
    return FieldDef(name, type_, label, length, **kw)  # type: ignore[arg-type]


def readonly(
    name: str, type_: str, label: str, length: int = 0, **kw: object
) -> FieldDef:
    """A field the platform sets: neither createable nor updateable."""
    return FieldDef(name, type_, label, length, False, False, **kw)  # type: ignore[arg-type]


def flag(name: str, label: str, **kw: object) -> FieldDef:
    """A checkbox: never null, false unless set."""
    kw.setdefault("nillable", False)
    kw.setdefault("default", False)
    return FieldDef(name, "boolean", label, **kw)  # type: ignore[arg-type]


def lookup(name: str, label: str, to: str, rel: str | None, **kw: object) -> FieldDef:
    """A reference to one object, with its relationship name."""
    return FieldDef(
        name,
        "reference",
        label,
        18,
        reference_to=(to,),
        relationship_name=rel,
        **kw,  # type: ignore[arg-type]
    )


def picklist(
    name: str, label: str, values: tuple[PicklistValue, ...], **kw: object
) -> FieldDef:
    """A picklist (restricted only when ``restricted=True``)."""
    return FieldDef(name, "picklist", label, 255, picklist=values, **kw)  # type: ignore[arg-type]


def long_text(name: str, label: str) -> FieldDef:
    """A long text area: SOQL can neither filter nor sort on it."""
    return FieldDef(name, "textarea", label, 32000, filterable=False, sortable=False)


def connector_id(unique: bool) -> FieldDef:
    """The external-id field a connector upserts by (§7)."""
    return FieldDef(
        "Connector_Id__c",
        "string",
        "Connector ID",
        255,
        external_id=True,
        unique=unique,
        custom=True,
    )


def platform_lookup(name: str, label: str, to: str, rel: str) -> FieldDef:
    """A lookup only the platform sets (conversion, merge)."""
    return FieldDef(
        name,
        "reference",
        label,
        18,
        False,
        False,
        reference_to=(to,),
        relationship_name=rel,
    )


def master_record(obj: str) -> FieldDef:
    """MasterRecordId: set on merged losers (§8)."""
    return platform_lookup("MasterRecordId", "Master Record ID", obj, "MasterRecord")
