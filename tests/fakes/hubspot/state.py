"""The fake portal's whole state as JSON: ground truth for tests, and a save file.

End-to-end tests compare what the connector believes with what the portal really
holds, so :func:`dump_state` lists every record with its properties, archive and
merge information. The standalone process saves the same document on SIGTERM
and :func:`load_state` puts it back, so a run can continue across restarts.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.fakes.hubspot.objects import StoredObject
from tests.fakes.hubspot.timefmt import iso

if TYPE_CHECKING:
    from tests.fakes.hubspot.app import FakeHubSpot

__all__ = ["dump_state", "load_state", "record_json", "save_state"]

FORMAT = 1
"""Bumped when the saved layout changes incompatibly."""


def record_json(obj: StoredObject) -> dict[str, Any]:
    """One record with everything the portal knows about it."""
    return {
        "id": obj.id,
        "type": obj.type,
        "properties": dict(obj.properties),
        "createdAt": iso(obj.created_ms),
        "updatedAt": iso(obj.updated_ms),
        "createdMs": obj.created_ms,
        "updatedMs": obj.updated_ms,
        "archived": obj.archived,
        "archivedAt": iso(obj.archived_ms) if obj.archived_ms is not None else None,
        "archivedMs": obj.archived_ms,
        "mergedObjectIds": [
            i for i in obj.properties.get("hs_merged_object_ids", "").split(";") if i
        ],
        "associations": {k: sorted(v, key=int) for k, v in obj.associations.items()},
    }


def dump_state(fake: FakeHubSpot) -> dict[str, Any]:
    """Every record (live and archived), merge redirects, events, definitions."""
    store = fake.store
    return {
        "format": FORMAT,
        "objects": {
            type_: [record_json(o) for o in sorted(rows.values(), key=_by_id)]
            for type_, rows in store.objects.items()
        },
        # Old id -> the id it now resolves to (merged-away records are gone).
        "merged": {
            type_: {old: store.resolve(type_, old).id for old in aliases}  # type: ignore[union-attr]
            for type_, aliases in store.aliases.items()
        },
        "events": copy.deepcopy(fake.events),
        "participations": copy.deepcopy(fake.participations),
        "propertyDefinitions": copy.deepcopy(store.properties),
        "propertyGroups": copy.deepcopy(store.groups),
    }


def _by_id(obj: StoredObject) -> int:
    return int(obj.id)


def save_state(fake: FakeHubSpot, path: Path) -> None:
    """Write :func:`dump_state` to ``path`` (via a temporary file, then rename)."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(dump_state(fake), indent=1, sort_keys=True))
    tmp.replace(path)


def load_state(fake: FakeHubSpot, path: Path) -> None:
    """Replace the fake's records and events with a saved document."""
    saved = json.loads(path.read_text())
    if saved.get("format") != FORMAT:
        raise ValueError(f"{path}: unknown state format {saved.get('format')!r}")
    store = fake.store
    for type_, rows in saved["objects"].items():
        store.objects[type_] = {}
        for row in rows:
            obj = StoredObject(
                row["id"],
                type_,
                dict(row["properties"]),
                row["createdMs"],
                row["updatedMs"],
                archived=row["archived"],
                archived_ms=row["archivedMs"],
                associations={k: set(v) for k, v in row["associations"].items()},
            )
            store.register(obj)
    for type_, aliases in saved["merged"].items():
        store.aliases[type_] = dict(aliases)
        for old in aliases:
            store.register_id(int(old))
    fake.events[:] = saved["events"]
    fake.participations[:] = saved["participations"]
    store.properties = saved["propertyDefinitions"]
    store.groups = saved["propertyGroups"]
