"""``explain`` with its rule's parts derived once gives what it gave per lead.

The labels, lowered values and domain sets of a rule are now derived once per
rule (``Qualification.compiled``) and numbers compared through ``operator``;
both for speed only. The reference below is ``explain`` as it was written
before, evaluating everything per lead; every generated rule and lead must get
the same verdicts, labels and details from both.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from connector.qualification import Qualification, RuleResult, explain
from connector.records import Person, SourceRef, Stage


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _compare(actual: Any, op: str, expected: float | str | bool) -> bool:
    if isinstance(expected, bool | str):
        left, right = _text(actual).lower(), str(expected).lower()
        return (
            (left == right) if op == "==" else (left != right) if op == "!=" else False
        )
    try:
        number = float(_text(actual).replace(",", ""))
    except ValueError:
        return False
    return {
        ">=": number >= expected,
        ">": number > expected,
        "==": number == expected,
        "!=": number != expected,
        "<=": number <= expected,
        "<": number < expected,
    }[op]


def _explain_per_lead(
    rule: Qualification, person: Person, native: dict[str, Any], handoff: Stage
) -> list[RuleResult]:
    results = []
    floor = rule.min_stage or handoff
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
    for name in rule.required:
        value = getattr(person, name, None) or person.attributes.get(name)
        results.append(
            RuleResult(f"{name} present", bool(value), f"{name} = {value!r}")
        )
    if rule.any_of:
        hits = [
            s.label or s.field
            for s in rule.any_of
            if _compare(native.get(s.field, ""), s.op, s.value)
        ]
        wanted = ", ".join(f"{s.field} {s.op} {s.value}" for s in rule.any_of)
        results.append(
            RuleResult(
                f"any of: {wanted}",
                bool(hits),
                f"matched: {', '.join(hits)}" if hits else "no signal matched",
            )
        )
    domain = (person.email or "").rsplit("@", 1)[-1].lower()
    excluded = {d.lower() for d in rule.exclude.email_domains}
    competitors = {d.lower() for d in rule.exclude.competitor_domains}
    results.append(
        RuleResult(
            "not a free-mail or excluded domain",
            domain not in excluded,
            f"domain is {domain or 'unset'}",
        )
    )
    if competitors:
        results.append(
            RuleResult(
                "not a competitor", domain not in competitors, f"domain {domain}"
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


FIELDS = ["views", "Clicks", "flag"]
DOMAINS = st.sampled_from(["gmail.com", "Yahoo.co.jp", "rival.jp", "acme.co.jp"])
SIGNAL = st.fixed_dictionaries(
    {
        "field": st.sampled_from(FIELDS),
        "op": st.sampled_from([">=", ">", "==", "!=", "<=", "<"]),
        "value": st.one_of(
            st.integers(0, 2),  # equal to a native value often: >= and > differ
            st.floats(-3, 5),
            st.booleans(),
            st.sampled_from(["Yes", "no", ""]),
        ),
    },
    optional={"label": st.sampled_from(["ページ閲覧", "click"])},
)
RULE = st.builds(
    lambda required, any_of, email, rivals, stages, floor, score: Qualification(
        required=required,
        any_of=any_of,
        exclude={
            "email_domains": email,
            "competitor_domains": rivals,
            "stages": stages,
        },
        min_stage=floor,
        min_score=score,
    ),
    st.lists(
        st.sampled_from(["email", "last_name", "company", "phone", "sfa_id"]),
        max_size=4,
    ),
    st.lists(SIGNAL, max_size=3),
    st.lists(DOMAINS, max_size=2),
    st.lists(DOMAINS, max_size=2),
    st.lists(st.sampled_from(list(Stage)), max_size=2),
    st.one_of(st.none(), st.sampled_from(list(Stage))),
    st.one_of(st.none(), st.floats(0, 100)),
)
NATIVE_VALUE = st.one_of(
    st.none(),
    st.integers(0, 2),
    st.sampled_from(["1", " 2 ", "1,000", "-1.5", "true", "YES", "no", "x", ""]),
)
PERSON = st.builds(
    lambda email, last, company, stage, score, sfa: Person(
        SourceRef("ma", "1"),
        email=email,
        last_name=last,
        company=company,
        stage=stage,
        score=score,
        attributes={"sfa_id": sfa} if sfa else {},
    ),
    st.one_of(
        st.none(),
        st.sampled_from(
            ["a@gmail.com", "b@ACME.co.jp", "c@rival.jp", "d@yahoo.co.jp", "bad"]
        ),
    ),
    st.one_of(st.none(), st.just(""), st.just("山田")),
    st.one_of(st.none(), st.just("株式会社テスト")),
    st.one_of(st.none(), st.sampled_from(list(Stage))),
    st.one_of(st.none(), st.floats(0, 100)),
    st.one_of(st.none(), st.just("L-1")),
)


@settings(max_examples=400)
@given(
    RULE,
    PERSON,
    st.fixed_dictionaries({}, optional=dict.fromkeys(FIELDS, NATIVE_VALUE)),
    st.sampled_from(list(Stage)),
)
def test_explain_is_explain_per_lead(
    rule: Qualification, person: Person, native: dict[str, Any], handoff: Stage
) -> None:
    """Every generated rule and lead: the same results, in the same order."""
    expected = _explain_per_lead(rule, person, native, handoff)
    assert explain(rule, person, native, handoff_stage=handoff) == expected
    # Asked again (the derived parts now cached), still the same.
    assert explain(rule, person, native, handoff_stage=handoff) == expected
