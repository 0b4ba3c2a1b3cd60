"""Which leads are sales-ready: an admin-owned, quantitative rule in TOML.

Sales stops trusting marketing's leads when "qualified" means whatever the tool
happened to do. ``mappings/qualification.toml`` states it in numbers, and
:func:`explain` shows, for one lead, every rule and whether it passed.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from connector.config import load_toml_model
from connector.records import Activity, Person, Stage

__all__ = [
    "ActivitySignal",
    "Qualification",
    "RuleResult",
    "explain",
    "load_qualification",
    "marketing_context",
    "qualifies",
]

_STRICT = ConfigDict(extra="forbid", frozen=True)


class Signal(BaseModel):
    """One behavioural signal read from a native MA field."""

    model_config = _STRICT

    field: str
    op: Literal[">=", ">", "==", "!=", "<=", "<"] = ">="
    value: float | str | bool = 1
    label: str | None = None


class ActivitySignal(BaseModel):
    """A native signal counted from the MA's behavioural events, not a field.

    HubSpot has no "pricing page visits" property: it is a count of page-view
    events whose URL contains ``/pricing``. When the MA adapter reports activities
    for a lead, each of these replaces the native value of ``name`` with the count
    of matching activities (``true``/``false`` for ``as_flag``); an MA that
    reports none (a CSV export with the counts as columns) keeps its columns.
    """

    model_config = _STRICT

    name: str
    kind: Literal[
        "page_view", "form_submission", "webinar", "email_click", "page_views_summary"
    ]
    url_contains: list[str] = Field(default_factory=list)
    title_contains: list[str] = Field(default_factory=list)
    as_flag: bool = False
    lookback_days: int = Field(default=90, ge=1)

    def matches(self, activity: Activity) -> bool:
        """Whether one activity counts towards this signal."""
        if activity.kind != self.kind:
            return False
        url, title = activity.url or "", activity.title or ""
        if self.url_contains and not any(u in url for u in self.url_contains):
            return False
        return not self.title_contains or any(t in title for t in self.title_contains)


class Exclusions(BaseModel):
    """Leads that never go to sales, whatever their score."""

    model_config = _STRICT

    email_domains: list[str] = Field(default_factory=list)
    """Free-mail and other domains that are not a company."""
    competitor_domains: list[str] = Field(default_factory=list)
    stages: list[Stage] = Field(default_factory=list)
    """E.g. ``won``: existing customers belong to account management."""


class ContextField(BaseModel):
    """One line of the marketing context handed to sales."""

    model_config = _STRICT

    field: str
    label: str
    unit: str = ""


class Qualification(BaseModel):
    """The whole rule: every part must pass."""

    model_config = _STRICT

    min_stage: Stage | None = None
    """Lowest canonical stage handed over (default: the mappings' handoff stage)."""
    min_score: float | None = None
    score_field: str = "score"
    required: list[str] = Field(default_factory=list)
    """Canonical fields that must not be blank (email, company, last_name...)."""
    any_of: list[Signal] = Field(default_factory=list)
    """At least one of these signals (skipped when empty)."""
    exclude: Exclusions = Exclusions()
    context: list[ContextField] = Field(default_factory=list)
    activities: list[ActivitySignal] = Field(default_factory=list)
    """Signals counted from the MA's events (see :class:`ActivitySignal`)."""

    def with_activities(
        self, native: Mapping[str, Any], found: Sequence[Activity]
    ) -> dict[str, Any]:
        """``native`` with every activity signal counted from ``found``."""
        values = dict(native)
        for signal in self.activities:
            hits = [a for a in found if signal.matches(a)]
            if signal.kind == "page_views_summary":
                # The analytics-property fallback carries a count, not events.
                count = sum(int(a.attributes.get("page_views") or 0) for a in hits)
            else:
                count = len(hits)
            values[signal.name] = (
                ("true" if count else "false") if signal.as_flag else count
            )
        return values

    @cached_property
    def compiled(self) -> _Compiled:
        """What :func:`explain` derives from the rule, derived once, not per lead."""
        signals = tuple(
            (
                s.label or s.field,
                s.field,
                s.op,
                s.value,
                str(s.value).lower() if isinstance(s.value, bool | str) else None,
            )
            for s in self.any_of
        )
        return _Compiled(
            required=tuple((name, f"{name} present") for name in self.required),
            signals=signals,
            wanted=", ".join(f"{s.field} {s.op} {s.value}" for s in self.any_of),
            excluded=frozenset(d.lower() for d in self.exclude.email_domains),
            competitors=frozenset(d.lower() for d in self.exclude.competitor_domains),
        )

    def native_fields(self) -> list[str]:
        """The native MA fields the signals and the context read."""
        names = [s.field for s in self.any_of] + [c.field for c in self.context]
        return list(dict.fromkeys(names))


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A rule's labels, lowered values and domain sets (see Qualification.compiled).

    ``signals`` holds (label, field, op, value, the value lowered when it is
    text or a flag).
    """

    required: tuple[tuple[str, str], ...]
    signals: tuple[tuple[str, str, str, float | str | bool, str | None], ...]
    wanted: str
    excluded: frozenset[str]
    competitors: frozenset[str]


@dataclass(frozen=True, slots=True)
class RuleResult:
    """One rule's verdict for one lead, with the values it looked at."""

    rule: str
    passed: bool
    detail: str


def load_qualification(path: Path) -> Qualification:
    """Load ``qualification.toml``; a missing file means "stage rule only".

    Raises:
        MappingError: the file is not TOML or has unknown/invalid keys.
    """
    return load_toml_model(
        path,
        Qualification,
        hint="fix each key listed, then run `connector mappings check`",
    )


def _text(value: Any) -> str:
    """A native value as text; a missing value (HubSpot's null) is blank, not "None"."""
    return "" if value is None else str(value).strip()


_NUMERIC: dict[str, Callable[[float, Any], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "==": operator.eq,
    "!=": operator.ne,
    "<=": operator.le,
    "<": operator.lt,
}


def _compare(
    actual: Any, op: str, expected: float | str | bool, lowered: str | None = None
) -> bool:
    """``actual op expected``: as text for a text or flag, else as a number.

    ``lowered`` is ``str(expected).lower()`` when the caller has it already.
    """
    if isinstance(expected, bool | str):
        left = _text(actual).lower()
        right = str(expected).lower() if lowered is None else lowered
        return (
            (left == right) if op == "==" else (left != right) if op == "!=" else False
        )
    try:
        number = float(_text(actual).replace(",", ""))
    except ValueError:
        return False
    return _NUMERIC[op](number, expected)


def explain(
    rule: Qualification,
    person: Person,
    native: Mapping[str, Any],
    *,
    handoff_stage: Stage,
) -> list[RuleResult]:
    """Evaluate every part of the rule for one lead (none is skipped on failure)."""
    results = []
    floor = rule.min_stage or handoff_stage
    stage = person.stage
    reached = (
        stage is not None
        and not stage.is_side_state
        and ((stage.rank or 0) >= (floor.rank or 0))
    )
    results.append(
        RuleResult(f"stage >= {floor.value}", reached, f"stage is {stage or 'unset'}")
    )
    if rule.min_score is not None:
        score = person.score
        results.append(
            RuleResult(
                f"score >= {rule.min_score:g}",
                score is not None and score >= rule.min_score,
                f"score is {score if score is not None else 'unset'}",
            )
        )
    compiled = rule.compiled
    for name, label in compiled.required:
        value = getattr(person, name, None) or person.attributes.get(name)
        results.append(RuleResult(label, bool(value), f"{name} = {value!r}"))
    if compiled.signals:
        hits = [
            label
            for label, field, op, value, lowered in compiled.signals
            if _compare(native.get(field, ""), op, value, lowered)
        ]
        results.append(
            RuleResult(
                f"any of: {compiled.wanted}",
                bool(hits),
                f"matched: {', '.join(hits)}" if hits else "no signal matched",
            )
        )
    domain = (person.email or "").rsplit("@", 1)[-1].lower()
    results.append(
        RuleResult(
            "not a free-mail or excluded domain",
            domain not in compiled.excluded,
            f"domain is {domain or 'unset'}",
        )
    )
    if compiled.competitors:
        results.append(
            RuleResult(
                "not a competitor",
                domain not in compiled.competitors,
                f"domain {domain}",
            )
        )
    if rule.exclude.stages:
        results.append(
            RuleResult(
                "not an excluded stage (e.g. existing customer)",
                stage not in rule.exclude.stages,
                f"stage is {stage or 'unset'}",
            )
        )
    return results


def qualifies(
    rule: Qualification,
    person: Person,
    native: Mapping[str, Any],
    *,
    handoff_stage: Stage,
) -> bool:
    """Whether every part of the rule passes."""
    return all(
        r.passed for r in explain(rule, person, native, handoff_stage=handoff_stage)
    )


def marketing_context(
    rule: Qualification, person: Person, native: Mapping[str, Any]
) -> str:
    """A short, readable summary of what marketing knows, for the sales rep."""
    parts = []
    if person.score is not None:
        parts.append(f"スコア {person.score:g}")
    if person.campaign:
        parts.append(f"キャンペーン: {person.campaign}")
    if person.lead_source:
        parts.append(f"流入元: {person.lead_source}")
    for item in rule.context:
        value = _text(native.get(item.field))
        if value in ("", "0", "false", "False"):
            continue
        parts.append(
            item.label
            if value.lower() == "true"
            else f"{item.label} {value}{item.unit}"
        )
    return " / ".join(parts)
