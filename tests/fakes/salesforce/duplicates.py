"""Duplicate rules on Lead and Contact email (fact sheet §12).

A rule per object is off, *alert* (refused unless the request sends
``Sforce-Duplicate-Rule-Header: allowSave=true``) or *block* (always refused).
A refusal is DUPLICATES_DETECTED "Use one of these records?"; with the option
``duplicate_detail="full"`` it carries a ``duplicateResult`` naming the match,
laid out as the DuplicateResult object is documented (its exact REST layout is
unconfirmed, and Jetstream saw no id at all: ``duplicate_detail="none"``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fakes.salesforce.errors import RecordError
from tests.fakes.salesforce.schema import ObjectDef
from tests.fakes.salesforce.store import Record

if TYPE_CHECKING:
    from tests.fakes.salesforce.org import Org
    from tests.fakes.salesforce.writes import WriteContext

__all__ = ["MESSAGE", "check_duplicates", "parse_rule_header"]

MESSAGE = "Use one of these records?"


def parse_rule_header(value: str | None) -> dict[str, bool]:
    """``allowSave=true; includeRecordDetails=true`` -> flags (all default false)."""
    flags: dict[str, bool] = {}
    for part in (value or "").split(";"):
        name, _, setting = part.strip().partition("=")
        if name:
            flags[name.strip()] = setting.strip().lower() == "true"
    return flags


def check_duplicates(
    org: Org,
    obj: ObjectDef,
    merged: dict[str, Any],
    existing: Record | None,
    ctx: WriteContext,
) -> RecordError | None:
    """The DUPLICATES_DETECTED error this write meets, or None."""
    mode = org.options.duplicate_rules.get(obj.name, "off")
    email = merged.get("Email")
    if mode == "off" or not email:
        return None
    matches = [
        r
        for r in org.store.find(obj.name, "Email", email)
        if existing is None or r.id != existing.id
    ]
    if not matches or (mode == "alert" and ctx.allow_save):
        return None
    extra: dict[str, Any] = {}
    if org.options.duplicate_detail == "full":
        extra["duplicateResult"] = _result(obj, mode, matches, ctx)
    return RecordError("DUPLICATES_DETECTED", MESSAGE, [], extra=extra)


def _result(
    obj: ObjectDef, mode: str, matches: list[Record], ctx: WriteContext
) -> dict[str, Any]:
    records = []
    for match in matches:
        record: dict[str, Any] = {
            "attributes": {
                "type": obj.name,
                "url": f"/services/data/v{ctx.version}/sobjects/{obj.name}/{match.id}",
            },
            "Id": match.id,
        }
        if ctx.include_details:
            for name in ("Name", "Email", "Company", "AccountId"):
                if obj.field(name) is not None:
                    record[name] = match.values.get(name)
        records.append(
            {
                "additionalInformation": [],
                "fieldDiffs": [],
                "matchConfidence": 100.0,
                "record": record,
            }
        )
    return {
        "allowSave": mode == "alert",
        "duplicateRule": f"Standard_{obj.name}_Duplicate_Rule",
        "duplicateRuleEntityType": obj.name,
        "errorMessage": MESSAGE,
        "matchResults": [
            {
                "entityType": obj.name,
                "errors": [],
                "matchEngine": "ExactMatchEngine",
                "matchRecords": records,
                "rule": f"Standard_{obj.name}_Match_Rule_v1_0",
                "size": len(records),
                "success": True,
            }
        ],
    }
