"""The mapping's fast paths give what the plain definitions give, on any input.

``compile_chain`` fuses runs of text steps and skips NFKC for ASCII;
``Mappings.to_person`` and ``to_native`` go through plans built once per system
and entity. All of it exists only for speed, so each is checked against the
definition it replaces: the chain against its steps applied one by one (each
from ``TRANSFORMS``), the read plan against reading every rule with
``FieldRule.read_value`` and coercing each part as ``_COERCE`` says, the write
plan against the loop over every field rule it replaced, and the timestamp
parse (strptime results cached, NFKC skipped for ASCII) against the uncached one.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.protocol import Record
from connector.errors import RecordInvalidError
from connector.mapping import load_mappings
from connector.mapping.fields import should_write
from connector.mapping.mappings import _COERCE, Mappings, _spread
from connector.mapping.parsers import _DATE_FORMATS, parse_datetime
from connector.mapping.transform_types import TransformContext, TransformError
from connector.mapping.transforms import TRANSFORMS, compile_chain
from connector.records import Person, SourceRef, Stage

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


def _write_plainly(
    mappings: Mappings,
    system: str,
    canonical: Person,
    current: dict[str, Any] | None,
    current_updated_at: datetime | None,
) -> dict[str, Any]:
    """``to_native`` as it writes by definition: every rule that writes, in order."""
    vocab = mappings.vocabularies.get((system, "persons"))
    result: dict[str, Any] = {}
    for rule in mappings.fields.get((system, "persons"), ()):
        if not rule.writes:
            continue
        raw = tuple(
            canonical.attributes.get(n.removeprefix("attributes."))
            if n.startswith("attributes.")
            else getattr(canonical, n, None)
            for n in rule.canonical
        )
        value: Any = raw[0] if len(raw) == 1 else raw
        if rule.canonical == ("stage",) and value is not None:
            stage = Stage(value)
            if vocab is not None and rule.native == (vocab.field,):
                value = vocab.to_native(stage)
                if value is None:
                    continue
            else:
                value = stage.value
        written = _spread(rule.write(value), len(rule.native))
        for name, part in zip(rule.native, written, strict=True):
            if should_write(
                rule.sync,
                part,
                exists=current is not None,
                current_value=None if current is None else current.get(name),
                source_updated_at=canonical.updated_at,
                target_updated_at=current_updated_at,
            ):
                result[name] = part.value if isinstance(part, Stage) else part
    return result


MOMENT = st.one_of(
    st.none(),
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)).map(
        lambda d: d.replace(tzinfo=UTC)
    ),
)
PERSON = st.builds(
    lambda text, stage, score, when, attrs: Person(
        SourceRef("ma", "1"),
        email=text[0],
        first_name=text[1],
        last_name=text[2],
        company=text[3],
        phone=text[4],
        campaign=text[5],
        lead_source=text[6],
        stage=stage,
        score=score,
        updated_at=when,
        attributes=attrs,
    ),
    st.lists(st.one_of(st.none(), TEXT), min_size=7, max_size=7),
    st.one_of(st.none(), st.sampled_from(list(Stage))),
    st.one_of(st.none(), st.floats(0, 1000)),
    MOMENT,
    st.dictionaries(st.sampled_from(["marketing_context", "sfa_id", "x"]), TEXT),
)


@settings(max_examples=300)
@given(
    st.sampled_from(["ma", "sfa"]),
    PERSON,
    st.one_of(st.none(), st.dictionaries(st.text(max_size=8), VALUE, max_size=5)),
    MOMENT,
)
def test_to_native_writes_as_every_rule_says(
    system: str,
    person: Person,
    current: dict[str, Any] | None,
    current_updated_at: datetime | None,
) -> None:
    """Same native fields, or the same refusal, as writing rule by rule."""
    if current is not None:
        # Some of the target's current values under the fields written.
        current = {
            **current,
            **dict.fromkeys(SHIPPED.native_fields(system, "persons")[::2], "kept"),
        }

    def fast() -> dict[str, Any]:
        return SHIPPED.to_native(
            system,
            "persons",
            person,
            current=current,
            current_updated_at=current_updated_at,
        )

    try:
        got: tuple[str, Any] = ("fields", fast())
    except RecordInvalidError:
        got = ("invalid", None)
    try:
        want: tuple[str, Any] = (
            "fields",
            _write_plainly(SHIPPED, system, person, current, current_updated_at),
        )
    except TransformError:
        want = ("invalid", None)
    assert _same(got, want)


DATE_TEXT = st.one_of(
    st.text(alphabet="0123456789-/:. TZ+年月日", max_size=25),
    st.text(alphabet="０１２３４５６７８９／：　2026-10-01T09:30", max_size=25),
    st.sampled_from(
        [
            *("2026/11/01 9:00", "2026/11/01 09:00:05", "2026年10月1日", "2026.10.01"),
            *("2026-10-01T09:00:00.000+09:00", "2026-10-01 09:00Z", "1767225600"),
        ]
    ),
)


def _parse_uncached(value: str, zone: ZoneInfo) -> datetime:
    """``parse_datetime`` of a text as written before the cache (NFKC always)."""
    text = unicodedata.normalize("NFKC", value).strip()
    if text.isdigit() and len(text) >= 10:
        if not text.isascii() or len(text) not in (10, 13):
            raise TransformError("epoch")
        return datetime.fromtimestamp(int(text) / (1000 if len(text) == 13 else 1), UTC)
    if len(text) > 64:
        raise TransformError("too long")
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        for fmt in _DATE_FORMATS:
            try:
                parsed = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if parsed is None or not 1900 <= parsed.year <= 2999:
        raise TransformError("not a date")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


def _kind(fn: Any, value: Any) -> tuple[str, Any]:
    found = _outcome(fn, value)
    return found if found[0] == "value" else ("error", None)


@given(DATE_TEXT)
def test_a_timestamp_parses_as_without_the_cache(text: str) -> None:
    """Asked twice (the second from the cache), as the uncached parse said."""
    zone = ZoneInfo("Asia/Tokyo")
    plain = _kind(lambda v: _parse_uncached(v, zone), text)
    assert _kind(lambda v: parse_datetime(v, zone), text) == plain
    assert _kind(lambda v: parse_datetime(v, zone), text) == plain
