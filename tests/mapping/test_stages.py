"""Stage vocabularies (HubSpot defaults, Japanese SFA), unmapped values, moves."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.protocol import Entity, Record
from connector.errors import RecordInvalidError
from connector.mapping import Mappings
from connector.records import Stage


def person(system: str, fields: dict[str, Any]) -> Record:
    return Record(system=system, entity="persons", id="1", fields=fields)


def deal(system: str, fields: dict[str, Any], entity: Entity = "deals") -> Record:
    return Record(
        system=system, entity=entity, id="D-1", fields=fields, location="x.csv:3"
    )


@pytest.mark.parametrize(
    ("value", "stage"),
    [
        ("subscriber", Stage.AWARENESS),
        ("lead", Stage.NURTURING),
        ("marketingqualifiedlead", Stage.MQL),
        ("salesqualifiedlead", Stage.SQL),
        ("opportunity", Stage.OPPORTUNITY),
        ("customer", Stage.WON),
        ("evangelist", Stage.WON),
        ("other", Stage.AWARENESS),
    ],
)
def test_hubspot_default_lifecycle_stages(
    shipped: Mappings, value: str, stage: Stage
) -> None:
    """Every default HubSpot lifecyclestage value maps to its canonical stage."""
    assert shipped.to_person(person("ma", {"lifecyclestage": value})).stage is stage


@pytest.mark.parametrize(
    ("stage_id", "stage"),
    [
        ("appointmentscheduled", Stage.SQL),
        ("qualifiedtobuy", Stage.OPPORTUNITY),
        ("presentationscheduled", Stage.OPPORTUNITY),
        ("decisionmakerboughtin", Stage.CLOSING),
        ("contractsent", Stage.CLOSING),
        ("closedwon", Stage.WON),
        ("closedlost", Stage.LOST),
    ],
)
def test_hubspot_default_pipeline_stages(
    shipped: Mappings, stage_id: str, stage: Stage
) -> None:
    """Every stage of HubSpot's default deal pipeline maps, and the pipeline is kept."""
    mapped = shipped.to_deal(deal("ma", {"dealstage": stage_id, "pipeline": "default"}))
    assert mapped.stage is stage
    assert mapped.pipeline == "default"


def test_deal_stage_ids_are_per_pipeline(shipped: Mappings) -> None:
    """A default-pipeline stage id under another pipeline is unmapped, not borrowed."""
    with pytest.raises(RecordInvalidError) as caught:
        shipped.to_deal(deal("ma", {"dealstage": "closedwon", "pipeline": "987654"}))
    assert caught.value.context["reason"] == "unmapped_stage"
    assert caught.value.context["pipeline"] == "987654"


@pytest.mark.parametrize(
    ("value", "stage"),
    [
        ("アポ取得", Stage.SQL),
        ("初回商談", Stage.OPPORTUNITY),
        ("提案・見積", Stage.OPPORTUNITY),
        ("提案･見積", Stage.OPPORTUNITY),  # half-width middle dot, as some SFAs export
        (" クロージング ", Stage.CLOSING),
        ("受注", Stage.WON),
        ("失注", Stage.LOST),
        ("対象外", Stage.REJECTED),
    ],
)
def test_japanese_sfa_deal_phases(shipped: Mappings, value: str, stage: Stage) -> None:
    """The example Japanese SFA phases map, ignoring width and stray spaces."""
    assert shipped.to_deal(deal("sfa", {"フェーズ": value})).stage is stage


def test_japanese_lead_status_and_rejection_reason(shipped: Mappings) -> None:
    """A 対象外 deal is rejected with its 対象外理由 as the stage reason."""
    mapped = shipped.to_deal(
        deal("sfa", {"フェーズ": "対象外", "失注理由": "", "対象外理由": "決裁権なし"})
    )
    assert (mapped.stage, mapped.stage_reason) == (Stage.REJECTED, "決裁権なし")
    lead = shipped.to_person(person("sfa", {"ステータス": "商談化"}))
    assert lead.stage is Stage.OPPORTUNITY


def test_unmapped_stage_value_is_reported_not_guessed(shipped: Mappings) -> None:
    """An unknown phase raises unmapped_stage naming the system, field and value."""
    with pytest.raises(RecordInvalidError) as caught:
        shipped.to_deal(deal("sfa", {"フェーズ": "保留"}))
    error = caught.value
    assert error.context == {
        "reason": "unmapped_stage",
        "system": "sfa",
        "field": "フェーズ",
        "value": "保留",
        "location": "x.csv:3",
    }
    assert "stages.toml" in (error.hint or "")


def test_blank_stage_is_no_stage(shipped: Mappings) -> None:
    """An empty stage cell gives no stage rather than an unmapped value."""
    assert shipped.to_person(person("ma", {"lifecyclestage": ""})).stage is None


def test_handoff_stage_defaults_to_mql(shipped: Mappings) -> None:
    """The shipped handoff point is mql."""
    assert shipped.handoff_stage is Stage.MQL


def test_stage_fields(shipped: Mappings) -> None:
    """stage_field names the native stage field per system and entity."""
    assert shipped.stage_field("ma", "persons") == "lifecyclestage"
    assert shipped.stage_field("ma", "deals") == "dealstage"
    assert shipped.stage_field("sfa", "deals") == "フェーズ"
    assert shipped.stage_field("sfa", "activities") is None


@pytest.mark.parametrize(
    ("current", "new", "allowed", "backward"),
    [
        (None, Stage.SQL, True, False),
        (Stage.MQL, Stage.MQL, True, False),
        (Stage.MQL, Stage.WON, True, False),
        (Stage.SQL, Stage.NURTURING, False, True),
        (Stage.WON, Stage.OPPORTUNITY, False, True),
        (Stage.OPPORTUNITY, Stage.LOST, True, False),
        (Stage.SQL, Stage.REJECTED, True, False),
        (Stage.REJECTED, Stage.RECYCLED, True, False),
        (Stage.LOST, Stage.RECYCLED, True, False),
        (Stage.MQL, Stage.RECYCLED, False, True),
        (Stage.RECYCLED, Stage.NURTURING, True, True),
        (Stage.RECYCLED, Stage.MQL, True, True),
        (Stage.RECYCLED, Stage.AWARENESS, False, True),
        (Stage.REJECTED, Stage.SQL, False, True),
        (Stage.LOST, Stage.WON, False, True),
    ],
)
def test_backward_move_protection(
    shipped: Mappings, current: Stage | None, new: Stage, allowed: bool, backward: bool
) -> None:
    """Forward moves and losses pass; backward moves pass only when declared."""
    move = shipped.check_move(current, new)
    assert (move.allowed, move.backward) == (allowed, backward)


def test_declared_moves_carry_their_reason(shipped: Mappings) -> None:
    """Rejected -> recycled -> nurturing each come with the reason in stages.toml."""
    first = shipped.check_move(Stage.REJECTED, Stage.RECYCLED)
    second = shipped.check_move(Stage.RECYCLED, Stage.NURTURING)
    assert first.reason == "sales rejected the lead; marketing takes it back"
    assert second.reason == "recycled leads are nurtured again"
    refused = shipped.check_move(Stage.SQL, Stage.NURTURING)
    assert refused.reason is not None
    assert "not declared" in refused.reason


def test_stage_written_back_through_the_vocabulary(shipped: Mappings) -> None:
    """Stages write as HubSpot values to lifecyclestage, as names to canonical_stage."""
    from connector.records import Person, SourceRef

    out = shipped.to_native(
        "ma", "persons", Person(SourceRef("ma", "1"), stage=Stage.WON)
    )
    assert out["lifecyclestage"] == "customer"
    assert out["canonical_stage"] == "won"
    lost = shipped.to_native(
        "ma", "persons", Person(SourceRef("ma", "1"), stage=Stage.LOST)
    )
    assert "lifecyclestage" not in lost
    assert lost["canonical_stage"] == "lost"
