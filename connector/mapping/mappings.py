"""The loaded mapping set: native records to canonical ones and back.

A :class:`Mappings` is immutable and built only by
:func:`connector.mapping.load_mappings`, so a flow run sees one consistent version
from start to end even while an admin edits the files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from adapters.protocol import Record
from connector.errors import RecordInvalidError
from connector.mapping.fields import FieldRule, should_write
from connector.mapping.stages import StageMove, StageRules, Vocabulary
from connector.mapping.transforms import (
    Transform,
    TransformContext,
    TransformError,
    compile_chain,
)
from connector.records import Deal, Person, SourceRef, Stage

__all__ = ["Mappings"]

_COERCE = {
    "score": "float",
    "amount": "decimal",
    "updated_at": "datetime",
    "close_date": "datetime",
}
"""Typed canonical fields: values are coerced even when the file forgets to."""


def _empty() -> Mapping[Any, Any]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Mappings:
    """Stage vocabularies, field rules and move rules of one mapping version.

    Attributes:
        version: short content hash of the mapping files (shown in status/runs).
        rules: the handoff stage and declared transitions.
        vocabularies: (system, entity) -> stage vocabulary.
        fields: (system, entity) -> field rules in file order.
        directory: where the files were read from.
    """

    version: str
    rules: StageRules = field(default_factory=StageRules)
    vocabularies: Mapping[tuple[str, str], Vocabulary] = field(default_factory=_empty)
    fields: Mapping[tuple[str, str], tuple[FieldRule, ...]] = field(
        default_factory=_empty
    )
    directory: str = ""
    context: TransformContext = field(default_factory=TransformContext)
    _coercions: dict[str, Transform] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _readers: dict[tuple[str, str], tuple[_Reader, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _writers: dict[tuple[str, str], tuple[_Writer, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def handoff_stage(self) -> Stage:
        """The canonical stage at which a lead becomes sales' responsibility."""
        return self.rules.handoff_stage

    # -- reading -----------------------------------------------------------------

    def to_person(self, record: Record) -> Person:
        """Map a native person record to a canonical :class:`Person`.

        Raises:
            RecordInvalidError: reason ``unmapped_stage`` (the stage value has no
                mapping) or ``invalid_value`` (a transform could not parse a value).
        """
        values, attributes = self._read(record, "persons")
        return Person(
            source=SourceRef(record.system, record.id),
            attributes=attributes,
            **values,
        )

    def to_deal(self, record: Record) -> Deal:
        """Map a native deal record to a canonical :class:`Deal` (see to_person).

        Raises:
            RecordInvalidError: as :meth:`to_person`.
        """
        values, attributes = self._read(record, "deals")
        vocab = self.vocabularies.get((record.system, "deals"))
        if vocab and vocab.pipeline_field and values.get("pipeline") is None:
            pipeline = record.fields.get(vocab.pipeline_field)
            values["pipeline"] = str(pipeline).strip() if pipeline else None
        return Deal(
            source=SourceRef(record.system, record.id),
            attributes=attributes,
            **values,
        )

    def _read(
        self, record: Record, entity: str
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        values: dict[str, Any] = {}
        attributes: dict[str, Any] = {}
        fields = record.fields
        readers = self._readers.get((record.system, entity))
        if readers is None:
            readers = self._readers[(record.system, entity)] = self._plan(
                record.system, entity
            )
        for reader in readers:
            rule = reader.rule
            try:
                if reader.single is not None:
                    raw = fields.get(reader.single)
                    if isinstance(raw, str) and not raw.strip():
                        raw = None
                    value = rule.read(raw)
                else:
                    value = rule.read_value(fields)
                if len(reader.targets) == 1:
                    parts: tuple[Any, ...] = (value,)
                else:
                    parts = _spread(value, len(reader.targets))
                for (attribute, name, coerce), part in zip(
                    reader.targets, parts, strict=True
                ):
                    if isinstance(part, str) and not part.strip():
                        part = None
                    elif coerce is not None and part is not None:
                        part = coerce(part)
                    if attribute:
                        attributes[name] = part
                    else:
                        values[name] = part
            except TransformError as exc:
                raise _invalid(record, rule, exc) from None
        stage = self._stage(record, entity)
        values["stage"] = stage
        if values.get("updated_at") is None:
            values["updated_at"] = record.updated_at
        return values, attributes

    def _plan(self, system: str, entity: str) -> tuple[_Reader, ...]:
        """The reading rules of one system and entity, with what each needs decided.

        Built once per version: deciding per value whether a rule reads, where its
        parts go and how they are coerced cost more than the transforms did.
        """
        readers = []
        for rule in self.fields.get((system, entity), ()):
            if not rule.reads:
                continue
            targets = []
            for name in rule.canonical:
                kind = _COERCE.get(name)
                coerce = None if kind is None else self._coercion(kind)
                if name.startswith("attributes."):
                    targets.append((True, name.removeprefix("attributes."), coerce))
                else:
                    targets.append((False, name, coerce))
            single = (
                rule.native[0] if rule.const is None and len(rule.native) == 1 else None
            )
            readers.append(_Reader(rule, single, tuple(targets)))
        return tuple(readers)

    def _coercion(self, kind: str) -> Transform:
        coerce = self._coercions.get(kind)
        if coerce is None:
            # Compiled once per kind: compiling per value was a third of mapping.
            coerce = self._coercions[kind] = compile_chain([kind], self.context)
        return coerce

    def _stage(self, record: Record, entity: str) -> Stage | None:
        vocab = self.vocabularies.get((record.system, entity))
        if vocab is None:
            return None
        raw = record.fields.get(vocab.field)
        if raw is None or not str(raw).strip():
            return None
        pipeline = (
            record.fields.get(vocab.pipeline_field) if vocab.pipeline_field else None
        )
        stage = vocab.lookup(raw, pipeline)
        if stage is not None:
            return stage
        context: dict[str, Any] = {
            "reason": "unmapped_stage",
            "system": record.system,
            "field": vocab.field,
            "value": str(raw),
        }
        where = f"[{record.system}.{entity}.values]"
        if vocab.pipeline_field:
            context["pipeline"] = str(pipeline or "")
            where = f"[{record.system}.{entity}.pipelines.{pipeline or '<id>'}]"
        if record.location:
            context["location"] = record.location
        raise RecordInvalidError(
            f"{record.system} {entity} {record.id}: stage value {str(raw)!r} of "
            f"field {vocab.field!r} has no mapping",
            hint=f"map it in mappings/stages.toml {where}, or run "
            "`connector mappings suggest --write`; the record is retried after",
            context=context,
        )

    # -- writing -----------------------------------------------------------------

    def to_native(
        self,
        system: str,
        entity: str,
        canonical: Person | Deal,
        *,
        current: Mapping[str, Any] | None = None,
        canonical_updated_at: datetime | None = None,
        current_updated_at: datetime | None = None,
    ) -> dict[str, Any]:
        """Canonical -> the target system's native fields, honouring sync rules.

        ``current`` is the target's current native values (None when creating).
        Fields a rule says not to write are absent from the result.

        Raises:
            RecordInvalidError: reason ``invalid_value``, a write transform could
                not convert a value.
        """
        source_time = canonical_updated_at or canonical.updated_at
        vocab = self.vocabularies.get((system, entity))
        result: dict[str, Any] = {}
        writers = self._writers.get((system, entity))
        if writers is None:
            writers = self._writers[(system, entity)] = tuple(
                _Writer(rule, rule.canonical == ("stage",), _vocab_field(vocab, rule))
                for rule in self.fields.get((system, entity), ())
                if rule.writes
            )
        for writer in writers:
            rule = writer.rule
            if len(rule.canonical) == 1:
                value: Any = _canonical_value(canonical, rule.canonical[0])
            else:
                value = tuple(_canonical_value(canonical, n) for n in rule.canonical)
            if writer.stage and value is not None:
                stage = Stage(value)
                if vocab is not None and writer.vocab_field:
                    value = vocab.to_native(stage)
                    if value is None:
                        continue  # no native value means "leave the stage alone"
                else:
                    value = stage.value
            try:
                written = _spread(rule.write(value), len(rule.native))
            except TransformError as exc:
                raise RecordInvalidError(
                    f"{canonical.source}: cannot write {rule.canonical} to "
                    f"{system}.{'/'.join(rule.native)}: {exc}",
                    hint=f"fix the value, or the write transforms of {rule.key} "
                    "in mappings/fields.toml",
                    context={
                        "reason": "invalid_value",
                        "system": system,
                        "field": "/".join(rule.native),
                        "value": str(value)[:200],
                    },
                ) from None
            for name, part in zip(rule.native, written, strict=True):
                if should_write(
                    rule.sync,
                    part,
                    exists=current is not None,
                    current_value=None if current is None else current.get(name),
                    source_updated_at=source_time,
                    target_updated_at=current_updated_at,
                ):
                    result[name] = part.value if isinstance(part, Stage) else part
        return result

    # -- questions flows ask -----------------------------------------------------

    def stage_field(self, system: str, entity: str) -> str | None:
        """The native field holding the stage of ``system``'s ``entity``."""
        vocab = self.vocabularies.get((system, entity))
        return vocab.field if vocab else None

    def native_fields(self, system: str, entity: str) -> list[str]:
        """Every native field the mappings read or write, in file order."""
        names: list[str] = []
        vocab = self.vocabularies.get((system, entity))
        if vocab is not None:
            names.append(vocab.field)
            if vocab.pipeline_field:
                names.append(vocab.pipeline_field)
        for rule in self.fields.get((system, entity), ()):
            if rule.const is None:
                names.extend(rule.native)
        return list(dict.fromkeys(names))

    def check_move(self, current: Stage | None, new: Stage) -> StageMove:
        """Whether a record may move from ``current`` to ``new`` (see StageRules)."""
        return self.rules.check_move(current, new)


@dataclass(frozen=True, slots=True)
class _Reader:
    """One reading rule, planned once per mapping version.

    ``single`` is its one native field (None: a const, or several fields);
    ``targets`` holds, per canonical part, (is an attribute, name, coercion).
    """

    rule: FieldRule
    single: str | None
    targets: tuple[tuple[bool, str, Transform | None], ...]


@dataclass(frozen=True, slots=True)
class _Writer:
    """One writing rule, planned once per mapping version.

    ``stage``: it writes the canonical stage; ``vocab_field``: its one native
    field is the stage vocabulary's, so the stage is written in its words.
    """

    rule: FieldRule
    stage: bool
    vocab_field: bool


def _vocab_field(vocab: Vocabulary | None, rule: FieldRule) -> bool:
    return vocab is not None and rule.native == (vocab.field,)


def _canonical_value(record: Person | Deal, name: str) -> Any:
    if name.startswith("attributes."):
        return record.attributes.get(name.removeprefix("attributes."))
    return getattr(record, name, None)


def _spread(value: Any, count: int) -> tuple[Any, ...]:
    """One value per field: tuples are spread over several fields, None fills all."""
    if count == 1:
        return (value,)
    if value is None:
        return (None,) * count
    if not isinstance(value, list | tuple) or len(value) != count:
        raise TransformError(
            f"expected {count} values, got {value!r}; end the chain with split or join"
        )
    return tuple(value)


def _invalid(
    record: Record, rule: FieldRule, exc: TransformError
) -> RecordInvalidError:
    native = "/".join(rule.native)
    raw = [record.fields.get(n) for n in rule.native]
    return RecordInvalidError(
        f"{record.system} {record.id}: field {native!r}: {exc}",
        hint=f"fix the value in the source system, or the read transforms of "
        f"{rule.key} in mappings/fields.toml",
        context={
            "reason": "invalid_value",
            "system": record.system,
            "field": native,
            "value": str(raw[0] if len(raw) == 1 else raw)[:200],
            **({"location": record.location} if record.location else {}),
        },
    )
