"""Reading ``stages.toml``: vocabularies, the handoff point, declared transitions."""

from __future__ import annotations

from typing import Any

from connector.mapping.problems import Problems
from connector.mapping.stages import (
    StageRules,
    Transition,
    Vocabulary,
    normalise_value,
)
from connector.records import Stage

__all__ = ["SYSTEMS", "parse_stages"]

FILE = "stages.toml"
SYSTEMS = ("ma", "sfa")
ENTITIES = ("persons", "deals")
_TOP = ("handoff_stage", "transitions", *SYSTEMS)
_VOCAB = ("field", "values", "pipeline_field", "pipelines", "write")
_STAGES = ", ".join(s.value for s in Stage)


def _stage(value: Any, problems: Problems, key: str) -> Stage | None:
    try:
        return Stage(str(value).strip())
    except ValueError:
        problems.add(
            FILE,
            key,
            f"unknown canonical stage {value!r}",
            f"use one of: {_STAGES}",
        )
        return None


def _values(
    table: Any, prefix: str, problems: Problems, native: dict[str, str], tag: str = ""
) -> dict[str, Stage]:
    """Native value -> stage, reporting bad stages and duplicate source values."""
    result: dict[str, Stage] = {}
    if not isinstance(table, dict):
        problems.add(FILE, prefix, 'must be a table of value = "stage"', _example())
        return result
    for raw, target in table.items():
        key = f"{prefix}.{raw}"
        if isinstance(target, dict):
            problems.add(FILE, key, "must be a stage name, not a table", _example())
            continue
        stage = _stage(target, problems, key)
        norm = normalise_value(raw)
        if norm in result:
            problems.add(
                FILE,
                key,
                f"duplicate source value (same as {native[tag + norm]!r} once "
                "width, spaces and case are ignored)",
                "keep one entry for this value",
            )
            continue
        if stage is not None:
            result[norm] = stage
            native[tag + norm] = str(raw)
    return result


def _example() -> str:
    return 'write entries as  native_value = "canonical_stage"'


def _vocabulary(
    system: str, entity: str, table: dict[str, Any], problems: Problems
) -> Vocabulary | None:
    prefix = f"{system}.{entity}"
    problems.unknown_keys(FILE, prefix, table, _VOCAB)
    field_name = table.get("field")
    if not isinstance(field_name, str) or not field_name.strip():
        problems.add(
            FILE,
            f"{prefix}.field",
            "missing or empty",
            'name the native field holding the stage, e.g. field = "lifecyclestage"',
        )
        return None
    native: dict[str, str] = {}
    pipeline_field = table.get("pipeline_field")
    values: dict[str, Stage] = {}
    pipelines: dict[str, dict[str, Stage]] = {}
    if pipeline_field is not None:
        if "values" in table:
            problems.add(
                FILE,
                f"{prefix}.values",
                "cannot be used with pipeline_field",
                f"put the values under [{prefix}.pipelines.<pipeline id>]",
            )
        raw_pipelines = table.get("pipelines")
        if not isinstance(raw_pipelines, dict) or not raw_pipelines:
            problems.add(
                FILE,
                f"{prefix}.pipelines",
                "missing: pipeline_field is set",
                f"add [{prefix}.pipelines.<pipeline id>] tables of stage ids",
            )
            raw_pipelines = {}
        for pid, mapped in raw_pipelines.items():
            pipelines[str(pid)] = _values(
                mapped, f"{prefix}.pipelines.{pid}", problems, native, f"{pid}:"
            )
    elif "pipelines" in table:
        problems.add(
            FILE,
            f"{prefix}.pipelines",
            "needs pipeline_field",
            'add pipeline_field = "pipeline" (the native field naming the pipeline)',
        )
    else:
        values = _values(table.get("values", {}), f"{prefix}.values", problems, native)
    write = _write_table(prefix, table, values, native, problems)
    return Vocabulary(
        system=system,
        entity=entity,
        field=field_name,
        values=values,
        pipeline_field=str(pipeline_field) if pipeline_field else None,
        pipelines=pipelines,
        native=native,
        write=write,
    )


def _write_table(
    prefix: str,
    table: dict[str, Any],
    values: dict[str, Stage],
    native: dict[str, str],
    problems: Problems,
) -> dict[Stage, str]:
    """Stage -> native value to write; unambiguous inverses when not declared."""
    write: dict[Stage, str] = {}
    if "write" not in table:
        by_stage: dict[Stage, list[str]] = {}
        for norm, stage in values.items():
            by_stage.setdefault(stage, []).append(native.get(norm, norm))
        return {s: v[0] for s, v in by_stage.items() if len(v) == 1}
    raw = table["write"]
    if not isinstance(raw, dict):
        problems.add(FILE, f"{prefix}.write", "must be a table", 'stage = "value"')
        return write
    for stage_name, value in raw.items():
        key = f"{prefix}.write.{stage_name}"
        target = _stage(stage_name, problems, key)
        if target is None:
            continue
        if values and normalise_value(value) not in values:
            # A lossy write (closing -> "opportunity") is fine; an unknown one is
            # a typo that the target system would reject.
            problems.add(
                FILE,
                key,
                f"{value!r} is not one of the values in {prefix}.values",
                "write a native value listed in the values table",
            )
            continue
        write[target] = str(value)
    return write


def _transitions(raw: Any, problems: Problems) -> tuple[Transition, ...]:
    result: list[Transition] = []
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.add(
            FILE,
            "transitions",
            "must be a list of [[transitions]] tables",
            "write [[transitions]] with from, to and reason",
        )
        return ()
    for index, item in enumerate(raw):
        key = f"transitions[{index}]"
        if not isinstance(item, dict):
            problems.add(FILE, key, "must be a table", "use [[transitions]]")
            continue
        problems.unknown_keys(FILE, key, item, ("from", "to", "reason"))
        reason = item.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            problems.add(
                FILE,
                f"{key}.reason",
                "missing",
                "say why this move is made; it is recorded with every such move",
            )
        sources = item.get("from")
        source_list = sources if isinstance(sources, list) else [sources]
        target = _stage(item.get("to"), problems, f"{key}.to")
        for source in source_list:
            stage = _stage(source, problems, f"{key}.from")
            if stage is not None and target is not None and stage is not target:
                result.append(Transition(stage, target, str(reason or "").strip()))
    return tuple(result)


def parse_stages(
    data: dict[str, Any], problems: Problems
) -> tuple[StageRules, dict[tuple[str, str], Vocabulary]]:
    """Validate ``stages.toml`` content; problems are added, never raised."""
    problems.unknown_keys(FILE, "", data, _TOP)
    handoff = Stage.MQL
    if "handoff_stage" in data:
        found = _stage(data["handoff_stage"], problems, "handoff_stage")
        if found is not None and found.is_side_state:
            problems.add(
                FILE,
                "handoff_stage",
                f"{found.value} is a side state",
                "use a main-line stage such as mql or sql",
            )
        elif found is not None:
            handoff = found
    rules = StageRules(handoff, _transitions(data.get("transitions"), problems))
    vocabularies: dict[tuple[str, str], Vocabulary] = {}
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
            if not isinstance(table, dict):
                problems.add(FILE, f"{system}.{entity}", "must be a table", _example())
                continue
            vocab = _vocabulary(system, entity, table, problems)
            if vocab is not None:
                vocabularies[(system, entity)] = vocab
    return rules, vocabularies
