"""Reading ``fields.toml``: per system and entity, the mapped fields and their rules."""

from __future__ import annotations

import dataclasses
from typing import Any

from connector.mapping.fields import SYNC_RULES, FieldRule, SyncRule
from connector.mapping.problems import Problems
from connector.mapping.stages_file import ENTITIES, SYSTEMS
from connector.mapping.transforms import TransformContext, compile_chain
from connector.records import Deal, Person

__all__ = ["CANONICAL_FIELDS", "parse_fields"]

FILE = "fields.toml"
_TOP = ("defaults", "maps", *SYSTEMS)
_DEFAULTS = ("phone_region", "timezone")
_RULE = ("native", "canonical", "read", "write", "sync", "const")
_NOT_MAPPED = {"source", "attributes", "person"}

CANONICAL_FIELDS: dict[str, tuple[str, ...]] = {
    "persons": tuple(
        f.name for f in dataclasses.fields(Person) if f.name not in _NOT_MAPPED
    ),
    "deals": tuple(
        f.name for f in dataclasses.fields(Deal) if f.name not in _NOT_MAPPED
    ),
}
"""Canonical field names per entity; ``attributes.<name>`` is accepted as well."""


def _names(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str) and value.strip():
        return (value.strip(),)
    if (
        isinstance(value, list)
        and value
        and all(isinstance(v, str) and v.strip() for v in value)
    ):
        return tuple(v.strip() for v in value)
    return None


def _context(data: dict[str, Any], problems: Problems) -> TransformContext:
    defaults = data.get("defaults", {})
    maps = data.get("maps", {})
    if not isinstance(defaults, dict):
        problems.add(FILE, "defaults", "must be a table", "use [defaults]")
        defaults = {}
    problems.unknown_keys(FILE, "defaults", defaults, _DEFAULTS)
    if not isinstance(maps, dict) or not all(
        isinstance(m, dict) for m in maps.values()
    ):
        problems.add(FILE, "maps", "must hold tables", "use [maps.<name>] tables")
        maps = {}
    ctx = TransformContext(
        phone_region=str(defaults.get("phone_region", "JP")),
        timezone=str(defaults.get("timezone", "Asia/Tokyo")),
        value_maps=maps,
    )
    for key, name in (("phone_region", "e164"), ("timezone", "datetime")):
        try:
            compile_chain([name], ctx)
        except ValueError as exc:
            problems.add(FILE, f"defaults.{key}", str(exc), "fix the default")
            ctx = TransformContext(value_maps=maps)
    return ctx


def _rule(
    prefix: str,
    key: str,
    entry: Any,
    entity: str,
    ctx: TransformContext,
    problems: Problems,
) -> FieldRule | None:
    where = f"{prefix}.{key}"
    if not isinstance(entry, dict):
        problems.add(
            FILE,
            where,
            "must be a table",
            'write  key = { canonical = "email", read = ["trim"], sync = "never" }',
        )
        return None
    problems.unknown_keys(FILE, where, entry, _RULE)
    ok = True
    native = _names(entry.get("native", key))
    if native is None:
        problems.add(FILE, f"{where}.native", "must be a name or list of names", "")
        ok = False
    canonical = _names(entry.get("canonical"))
    if canonical is None:
        problems.add(
            FILE,
            f"{where}.canonical",
            "missing",
            f"name a canonical field: {', '.join(CANONICAL_FIELDS[entity])} "
            "or attributes.<name>",
        )
        ok = False
    for name in canonical or ():
        known = name in CANONICAL_FIELDS[entity]
        if not known and not (name.startswith("attributes.") and len(name) > 11):
            problems.add(
                FILE,
                f"{where}.canonical",
                f"unknown canonical field {name!r} for {entity}",
                f"use one of: {', '.join(CANONICAL_FIELDS[entity])} "
                "or attributes.<name>",
            )
            ok = False
    if native and canonical and len(native) > 1 and len(canonical) > 1:
        problems.add(
            FILE,
            where,
            "several native and several canonical fields",
            "map many-to-one or one-to-many, never many-to-many",
        )
        ok = False
    sync = entry.get("sync", "always")
    if sync not in SYNC_RULES:
        problems.add(
            FILE,
            f"{where}.sync",
            f"unknown sync rule {sync!r}",
            f"use one of: {', '.join(SYNC_RULES)}",
        )
        ok = False
    chains = {}
    for direction in ("read", "write"):
        specs = entry.get(direction, [])
        if not isinstance(specs, list):
            specs = [specs]
        try:
            chains[direction] = compile_chain(specs, ctx)
        except ValueError as exc:
            problems.add(
                FILE,
                f"{where}.{direction}",
                str(exc),
                "see docs/mapping.md (Transforms) for names and arguments",
            )
            ok = False
    if not ok or native is None or canonical is None:
        return None
    sync_rule: SyncRule = sync
    return FieldRule(
        key=where,
        native=native,
        canonical=canonical,
        read=chains["read"],
        write=chains["write"],
        sync=sync_rule,
        const=entry.get("const"),
    )


def _duplicates(prefix: str, rules: list[FieldRule], problems: Problems) -> None:
    read_into: dict[str, str] = {}
    write_into: dict[str, str] = {}
    for rule in rules:
        if rule.reads:
            for name in rule.canonical:
                if name in read_into:
                    problems.add(
                        FILE,
                        rule.key,
                        f"canonical field {name!r} is already read by "
                        f"{read_into[name]}",
                        "keep one rule per canonical field (use coalesce for "
                        "several native fields)",
                    )
                read_into.setdefault(name, rule.key)
        if rule.writes:
            for name in rule.native:
                if name in write_into:
                    problems.add(
                        FILE,
                        rule.key,
                        f"native field {name!r} is already written by "
                        f"{write_into[name]}",
                        'set sync = "never" on one of them',
                    )
                write_into.setdefault(name, rule.key)


def parse_fields(
    data: dict[str, Any], problems: Problems
) -> tuple[dict[tuple[str, str], tuple[FieldRule, ...]], TransformContext]:
    """Validate ``fields.toml`` content; problems are added, never raised.

    Returns the rules per (system, entity) and the file's transform defaults.
    """
    problems.unknown_keys(FILE, "", data, _TOP)
    ctx = _context(data, problems)
    result: dict[tuple[str, str], tuple[FieldRule, ...]] = {}
    for system in SYSTEMS:
        section = data.get(system, {})
        if not isinstance(section, dict):
            problems.add(FILE, system, "must be a table", f"use [{system}.persons]")
            continue
        problems.unknown_keys(FILE, system, section, ENTITIES)
        for entity in ENTITIES:
            table = section.get(entity)
            if table is None:
                continue
            prefix = f"{system}.{entity}"
            if not isinstance(table, dict):
                problems.add(FILE, prefix, "must be a table", f"use [{prefix}]")
                continue
            rules = [
                rule
                for key, entry in table.items()
                if (rule := _rule(prefix, key, entry, entity, ctx, problems))
            ]
            _duplicates(prefix, rules, problems)
            result[(system, entity)] = tuple(rules)
    return result, ctx
