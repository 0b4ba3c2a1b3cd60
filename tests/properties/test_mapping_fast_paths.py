"""The mapping's fast paths give what the plain definitions give, on any input.

``compile_chain`` fuses runs of text steps and skips NFKC for ASCII, and
``Mappings.to_person`` reads through a plan built once per system and entity.
Both exist only for speed, so each is checked against the definition it
replaces: the chain against its steps applied one by one (each from
``TRANSFORMS``), the plan against reading every rule with ``FieldRule.read_value``
and coercing each part as ``_COERCE`` says.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.protocol import Record
from connector.errors import RecordInvalidError
from connector.mapping import load_mappings
from connector.mapping.mappings import _COERCE, Mappings, _spread
from connector.mapping.transform_types import TransformContext, TransformError
from connector.mapping.transforms import TRANSFORMS, compile_chain
from connector.records import Person, SourceRef

CTX = TransformContext()
SHIPPED = load_mappings(Path(__file__).resolve().parents[2] / "mappings")
AWKWARD = load_mappings(Path(__file__).resolve().parent / "fast_path_mappings")

TEXT = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=" \u3000\tＡＢｃ１２３ｶﾅ株式会社ab.@+-", max_size=30),
    st.text(alphabet="0123456789-/:. TZ+", max_size=25),
)
VALUE = st.one_of(st.none(), TEXT, st.integers(-(10**6), 10**6), st.floats())
TEXT_STEPS = ["trim", "lower", "upper", "nfkc", "collapse_spaces"]
OTHER_STEPS = ["blank_to_none", "text", "int", "float", "decimal", "bool", "datetime"]
STEP = st.sampled_from([*TEXT_STEPS, *OTHER_STEPS, {"default": "x"}])


def _outcome(fn: Any, value: Any) -> tuple[str, Any]:
    try:
        return "value", fn(value)
    except TransformError as exc:
        return "error", str(exc)


def _stepwise(specs: list[Any], value: Any) -> Any:
    for spec in specs:
        if isinstance(spec, dict):
            ((name, arg),) = spec.items()
            value = TRANSFORMS[name](CTX, value=arg)(value)
        else:
            value = TRANSFORMS[spec](CTX)(value)
    return value


def _same(left: tuple[str, Any], right: tuple[str, Any]) -> bool:
    # NaN is a value equal to nothing, itself included.
    return left == right or repr(left) == repr(right)


@given(st.lists(STEP, max_size=5), VALUE)
def test_a_compiled_chain_is_its_steps_in_order(specs: list[Any], value: Any) -> None:
    """Fused or not, a chain gives what its steps give one after the other."""
    fused = _outcome(compile_chain(specs, CTX), value)
    assert _same(fused, _outcome(lambda v: _stepwise(specs, v), value))


@given(st.text(max_size=40))
def test_nfkc_is_unicode_nfkc(text: str) -> None:
    """The ASCII shortcut never changes what NFKC gives."""
    assert TRANSFORMS["nfkc"](CTX)(text) == unicodedata.normalize("NFKC", text)


def _read_plainly(mappings: Mappings, record: Record) -> Person:
    """``to_person`` as it reads by definition: every rule, every part, coerced."""
    values: dict[str, Any] = {}
    attributes: dict[str, Any] = {}
    for rule in mappings.fields.get((record.system, "persons"), ()):
        if not rule.reads:
            continue
        parts = _spread(rule.read_value(record.fields), len(rule.canonical))
        for name, part in zip(rule.canonical, parts, strict=True):
            if isinstance(part, str) and not part.strip():
                part = None
            elif part is not None and name in _COERCE:
                part = compile_chain([_COERCE[name]], mappings.context)(part)
            if name.startswith("attributes."):
                attributes[name.removeprefix("attributes.")] = part
            else:
                values[name] = part
    values["stage"] = mappings._stage(record, "persons")
    if values.get("updated_at") is None:
        values["updated_at"] = record.updated_at
    return Person(
        source=SourceRef(record.system, record.id), attributes=attributes, **values
    )


def _records(mappings: Mappings, system: str) -> st.SearchStrategy[Record]:
    names = mappings.native_fields(system, "persons")
    stage = mappings.stage_field(system, "persons")
    vocab = mappings.vocabularies.get((system, "persons"))
    known = sorted(vocab.native.values()) if vocab else []
    stages = st.one_of(st.none(), st.sampled_from(known or ["lead"]), TEXT)
    return st.builds(
        lambda fields, stage_value: Record(
            system,
            "persons",
            "r1",
            {**fields, **({stage: stage_value} if stage else {})},
        ),
        st.fixed_dictionaries({}, optional=dict.fromkeys(names, VALUE)),
        stages,
    )


@settings(max_examples=300)
@given(
    st.one_of(
        st.tuples(st.just(SHIPPED), _records(SHIPPED, "ma")),
        st.tuples(st.just(SHIPPED), _records(SHIPPED, "sfa")),
        st.tuples(st.just(AWKWARD), _records(AWKWARD, "ma")),
    )
)
def test_to_person_reads_as_every_rule_says(case: tuple[Mappings, Record]) -> None:
    """Same person, or the same dead-letter reason, as reading rule by rule."""
    mappings, record = case

    def plain(r: Record) -> Person:
        try:
            return _read_plainly(mappings, r)
        except TransformError as exc:
            raise RecordInvalidError(str(exc)) from None

    fast: tuple[str, Any]
    slow: tuple[str, Any]
    try:
        fast = ("person", mappings.to_person(record))
    except RecordInvalidError as exc:
        fast = ("invalid", exc.context.get("reason") if exc.context else None)
    try:
        slow = ("person", plain(record))
    except RecordInvalidError as exc:
        slow = ("invalid", (exc.context or {}).get("reason", "invalid_value"))
    assert _same(fast, slow)
