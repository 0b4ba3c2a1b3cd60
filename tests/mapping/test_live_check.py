"""`check --live`: live vocabularies compared with the stage mappings."""

from __future__ import annotations

from connector.errors import AuthError
from connector.mapping import Mappings
from connector.mapping.check import live_check
from tests.mapping.conftest import FakeVocabularySource

HUBSPOT_LIFECYCLE = [
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "evangelist",
    "other",
]
DEFAULT_PIPELINE = [
    f"default:{s}"
    for s in (
        "appointmentscheduled",
        "qualifiedtobuy",
        "presentationscheduled",
        "decisionmakerboughtin",
        "contractsent",
        "closedwon",
        "closedlost",
    )
]
SFA_PHASES = [
    "アポ取得",
    "初回商談",
    "提案・見積",
    "クロージング",
    "受注",
    "失注",
    "対象外",
]


def test_all_mapped_means_nothing_to_report(shipped: Mappings) -> None:
    """Live vocabularies equal to the shipped defaults give no findings."""
    ma = FakeVocabularySource(
        {"lifecyclestage": HUBSPOT_LIFECYCLE, "dealstage": DEFAULT_PIPELINE}
    )
    sfa = FakeVocabularySource(
        {"ステータス": ["新規", "アポ取得", "商談化", "対象外"], "フェーズ": SFA_PHASES}
    )
    report = live_check(shipped, {"ma": ma, "sfa": sfa})
    assert report.lines() == []
    assert sorted(ma.asked) == ["dealstage", "lifecyclestage"]


def test_unmapped_and_stale_values_are_listed(shipped: Mappings) -> None:
    """New live values are unmapped; mapped values gone from the system are stale."""
    sfa = FakeVocabularySource(
        {
            "フェーズ": [p for p in SFA_PHASES if p != "対象外"] + ["保留"],
            "ステータス": ["新規", "アポ取得", "商談化", "対象外"],
        }
    )
    ma = FakeVocabularySource(
        {
            "lifecyclestage": HUBSPOT_LIFECYCLE,
            "dealstage": [*DEFAULT_PIPELINE, "987654:122178070"],
        }
    )
    report = live_check(shipped, {"ma": ma, "sfa": sfa})
    assert [(u.system, u.field, u.label) for u in report.unmapped] == [
        ("ma", "dealstage", "987654:122178070"),
        ("sfa", "フェーズ", "保留"),
    ]
    assert [(s.system, s.value) for s in report.stale] == [("sfa", "対象外")]
    lines = report.lines()
    assert lines[0].startswith(
        "stages.toml: ma.deals.pipelines.987654: live value '987654:122178070' "
        "of ma.dealstage has no mapping: "
    )
    assert lines[-1].startswith(
        "stages.toml: sfa.deals.values.対象外: mapped value '対象外' is not among"
    )


class _Refusing:
    def vocabulary(self, field: str) -> list[str]:
        raise AuthError("401 from HubSpot", hint="check the token's scopes")


def test_unreadable_vocabulary_is_reported(shipped: Mappings) -> None:
    """An adapter error while reading live values becomes a finding, not a crash."""
    report = live_check(shipped, {"ma": _Refusing()})
    assert len(report.errors) == 2
    assert "check the token's scopes" in report.errors[0]


def test_field_without_live_values_is_skipped(shipped: Mappings) -> None:
    """A system reporting no values for a field is noted, not flagged as all-stale."""
    ma = FakeVocabularySource({"lifecyclestage": HUBSPOT_LIFECYCLE})
    report = live_check(shipped, {"ma": ma})
    assert report.stale == []
    assert report.skipped == ["ma.dealstage"]


def test_a_value_the_connector_writes_is_never_stale(shipped: Mappings) -> None:
    """An export without customers does not make `customer` (won's write) stale."""
    in_use = [v for v in HUBSPOT_LIFECYCLE if v not in ("customer", "evangelist")]
    ma = FakeVocabularySource({"lifecyclestage": in_use, "dealstage": DEFAULT_PIPELINE})
    report = live_check(shipped, {"ma": ma}, exports=frozenset({"ma"}))
    stale = {item.value for item in report.stale if item.field == "lifecyclestage"}
    assert "customer" not in stale
    assert "customer" in {item.value for item in report.kept}
    assert "evangelist" in stale  # mapped, not written, not in use: still reported
    advice = next(line for line in report.lines() if "'customer'" in line)
    assert "keep the line" in advice
    assert "remove" not in advice
    # From the API, whose list is complete, a missing written value is reported.
    report = live_check(shipped, {"ma": ma})
    assert "customer" in {item.value for item in report.stale}
