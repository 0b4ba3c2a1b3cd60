"""``/sobjects/`` (global describe) and ``/sobjects/{Type}/describe`` (§10).

Enough for an adapter to find an external-id field, read picklist values (API
``value`` vs translated ``label``, ``active``) and know what it may write.
"""

from __future__ import annotations

from typing import Any

from tests.fakes.salesforce.schema import FieldDef, ObjectDef

__all__ = ["describe_global", "describe_object", "object_summary"]


def _urls(obj: ObjectDef, version: str) -> dict[str, str]:
    base = f"/services/data/v{version}/sobjects/{obj.name}"
    return {
        "sobject": base,
        "describe": f"{base}/describe",
        "rowTemplate": f"{base}/{{ID}}",
    }


def object_summary(obj: ObjectDef, version: str) -> dict[str, Any]:
    """An object as global describe lists it."""
    return {
        "name": obj.name,
        "label": obj.label,
        "labelPlural": obj.label_plural,
        "keyPrefix": obj.key_prefix,
        "custom": obj.name.endswith("__c"),
        "createable": obj.createable,
        "updateable": obj.updateable,
        "deletable": obj.deletable,
        "queryable": True,
        "retrieveable": True,
        "mergeable": obj.mergeable,
        "urls": _urls(obj, version),
    }


def describe_global(objects: list[ObjectDef], version: str) -> dict[str, Any]:
    """The ``/sobjects/`` answer."""
    return {
        "encoding": "UTF-8",
        "maxBatchSize": 200,
        "sobjects": [object_summary(o, version) for o in objects],
    }


def _field(field: FieldDef) -> dict[str, Any]:
    picklist = [
        {
            "active": p.active,
            "defaultValue": p.default,
            "label": p.label,
            "validFor": None,
            "value": p.value,
        }
        for p in field.picklist
    ]
    return {
        "name": field.name,
        "label": field.label,
        "type": field.type,
        "length": field.length,
        "nillable": field.nillable,
        "createable": field.createable,
        "updateable": field.updateable,
        "defaultedOnCreate": field.default is not None or field.name == "OwnerId",
        "externalId": field.external_id,
        "unique": field.unique,
        "idLookup": field.name == "Id" or field.external_id,
        "filterable": field.filterable,
        "sortable": field.sortable,
        "custom": field.custom,
        "restrictedPicklist": field.restricted,
        "picklistValues": picklist,
        "referenceTo": list(field.reference_to),
        "relationshipName": field.relationship_name,
        "calculated": False,
    }


def describe_object(obj: ObjectDef, version: str) -> dict[str, Any]:
    """The ``/sobjects/{Type}/describe`` answer."""
    return {
        **object_summary(obj, version),
        "fields": [_field(f) for f in obj.fields],
        "childRelationships": [],
        "recordTypeInfos": [],
    }
