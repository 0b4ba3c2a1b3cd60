"""The sales-ready rule: every part explained, none silently skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from connector.errors import MappingError
from connector.qualification import (
    Qualification,
    explain,
    load_qualification,
    marketing_context,
    qualifies,
)
from connector.records import Person, SourceRef, Stage

RULE = Qualification.model_validate(
    {
        "min_score": 50,
        "required": ["email", "company"],
        "any_of": [
            {"field": "pricing_page_views", "op": ">=", "value": 1, "label": "料金"},
            {"field": "webinar_attended", "op": "==", "value": "true"},
        ],
        "exclude": {"email_domains": ["gmail.com"], "stages": ["won"]},
        "context": [
            {"field": "pricing_page_views", "label": "料金ページ閲覧", "unit": "回"}
        ],
    }
)


def _lead(**changes: object) -> Person:
    base: dict[str, object] = {
        "source": SourceRef("ma", "1"),
        "email": "a@sakuratech.co.jp",
        "company": "株式会社サクラテック",
        "stage": Stage.MQL,
        "score": 60.0,
        "campaign": "展示会",
    }
    base.update(changes)
    return Person(**base)  # type: ignore[arg-type]


def test_a_qualified_lead_passes_every_rule() -> None:
    """A lead past the handoff stage, with score, fields and a signal qualifies."""
    native = {"pricing_page_views": "2", "webinar_attended": "false"}
    results = explain(RULE, _lead(), native, handoff_stage=Stage.MQL)
    assert all(r.passed for r in results)
    assert qualifies(RULE, _lead(), native, handoff_stage=Stage.MQL)


@pytest.mark.parametrize(
    ("changes", "native", "failing"),
    [
        ({"stage": Stage.NURTURING}, {"pricing_page_views": "3"}, "stage >= mql"),
        ({"score": 49.0}, {"pricing_page_views": "3"}, "score >= 50"),
        ({"company": None}, {"pricing_page_views": "3"}, "company present"),
        ({}, {"pricing_page_views": "0"}, "any of"),
        ({"email": "x@gmail.com"}, {"webinar_attended": "TRUE"}, "free-mail"),
        ({"stage": Stage.WON}, {"pricing_page_views": "3"}, "excluded stage"),
    ],
)
def test_each_rule_can_fail_alone(
    changes: dict[str, object], native: dict[str, str], failing: str
) -> None:
    """Breaking one condition fails exactly that rule, and the lead."""
    results = explain(RULE, _lead(**changes), native, handoff_stage=Stage.MQL)
    failed = [r.rule for r in results if not r.passed]
    assert len(failed) == 1
    assert failing in failed[0]
    assert not qualifies(RULE, _lead(**changes), native, handoff_stage=Stage.MQL)


def test_marketing_context_is_readable() -> None:
    """The context lists score, campaign and the non-zero signals."""
    text = marketing_context(RULE, _lead(), {"pricing_page_views": "3"})
    assert text == "スコア 60 / キャンペーン: 展示会 / 料金ページ閲覧 3回"


def test_bad_file_is_a_mapping_error(tmp_path: Path) -> None:
    """An unknown key in qualification.toml is reported with the file name."""
    path = tmp_path / "qualification.toml"
    path.write_text("min_scor = 5\n", encoding="utf-8")
    with pytest.raises(MappingError) as info:
        load_qualification(path)
    assert "qualification.toml: min_scor" in info.value.problems[0]


def test_missing_file_means_stage_only() -> None:
    """Without a file, only the handoff stage decides."""
    rule = load_qualification(Path("/nonexistent/qualification.toml"))
    assert qualifies(rule, _lead(score=None), {}, handoff_stage=Stage.MQL)


def test_missing_native_values_are_blank_not_the_text_none():
    """HubSpot's null never reads as "None" in the context or in a string rule."""
    rule = Qualification.model_validate(
        {
            "any_of": [{"field": "campaign", "op": "==", "value": "none"}],
            "context": [{"field": "campaign", "label": "キャンペーン"}],
        }
    )
    native = {"campaign": None}
    assert "None" not in marketing_context(rule, _lead(), native)
    assert not qualifies(rule, _lead(), native, handoff_stage=Stage.MQL)
