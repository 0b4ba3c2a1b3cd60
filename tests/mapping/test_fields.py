"""Field rules: every sync rule, read/write transforms, and the example data."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from adapters.protocol import Entity, Record
from connector.errors import RecordInvalidError
from connector.mapping import Mappings, load_mappings
from connector.mapping.fields import should_write
from connector.records import Person, SourceRef, Stage

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
T0 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
LATER = T0 + timedelta(hours=1)


@pytest.mark.parametrize(
    ("rule", "value", "exists", "current", "src", "dst", "expected"),
    [
        ("always", "new", True, "old", None, None, True),
        ("always", None, True, "old", None, None, True),
        ("never", "new", False, None, LATER, T0, False),
        ("if_blank", "new", False, None, None, None, True),
        ("if_blank", "new", True, "", None, None, True),
        ("if_blank", "new", True, "old", LATER, T0, False),
        ("if_blank", None, True, "", None, None, False),
        ("prefer_source_unless_blank", "new", True, "old", None, None, True),
        ("prefer_source_unless_blank", " ", True, "old", None, None, False),
        ("latest_wins", "new", True, "old", LATER, T0, True),
        ("latest_wins", "new", True, "old", T0, LATER, False),
        ("latest_wins", "new", True, "old", T0, T0, False),
        ("latest_wins", "new", True, "old", None, T0, False),
        ("latest_wins", "new", True, "old", T0, None, True),
        ("latest_wins", "new", True, None, None, LATER, True),
        ("latest_wins", "new", False, None, None, None, True),
    ],
)
def test_sync_rules(
    rule: Any,
    value: Any,
    exists: bool,
    current: Any,
    src: Any,
    dst: Any,
    expected: bool,
) -> None:
    """Each sync rule writes exactly when its documented condition holds."""
    assert (
        should_write(
            rule,
            value,
            exists=exists,
            current_value=current,
            source_updated_at=src,
            target_updated_at=dst,
        )
        is expected
    )


FIELDS = """
[sfa.persons]
a = {{ canonical = "email", sync = "{rule}" }}
"""


def _one_rule(tmp_path: Path, rule: str) -> Mappings:
    folder = tmp_path / rule
    folder.mkdir()
    (folder / "stages.toml").write_text("", encoding="utf-8")
    (folder / "fields.toml").write_text(FIELDS.format(rule=rule), encoding="utf-8")
    return load_mappings(folder)


@pytest.mark.parametrize(
    ("rule", "current", "times", "expected"),
    [
        ("always", {"a": "old"}, (None, None), {"a": "x@y.jp"}),
        ("never", None, (None, None), {}),
        ("if_blank", None, (None, None), {"a": "x@y.jp"}),
        ("if_blank", {"a": "old"}, (None, None), {}),
        ("prefer_source_unless_blank", {"a": "old"}, (None, None), {"a": "x@y.jp"}),
        ("latest_wins", {"a": "old"}, (LATER, T0), {"a": "x@y.jp"}),
        ("latest_wins", {"a": "old"}, (T0, LATER), {}),
    ],
)
def test_to_native_honours_sync_rules(
    tmp_path: Path, rule: str, current: Any, times: Any, expected: dict[str, Any]
) -> None:
    """to_native leaves out exactly the fields the rule says not to write."""
    mappings = _one_rule(tmp_path, rule)
    canonical = Person(SourceRef("ma", "1"), email="x@y.jp")
    out = mappings.to_native(
        "sfa",
        "persons",
        canonical,
        current=current,
        canonical_updated_at=times[0],
        current_updated_at=times[1],
    )
    assert out == expected


def test_blank_source_never_erases_under_prefer_source(tmp_path: Path) -> None:
    """prefer_source_unless_blank keeps the target when the canonical value is blank."""
    mappings = _one_rule(tmp_path, "prefer_source_unless_blank")
    out = mappings.to_native(
        "sfa", "persons", Person(SourceRef("ma", "1")), current={"a": "kept"}
    )
    assert out == {}


def test_join_and_split_between_full_name_and_parts(tmp_path: Path) -> None:
    """氏名 splits into last/first name on read and joins back on write."""
    (tmp_path / "stages.toml").write_text("", encoding="utf-8")
    (tmp_path / "fields.toml").write_text(
        '[sfa.persons]\n"氏名" = { canonical = ["last_name", "first_name"], '
        'read = [{ split = " " }], write = [{ join = " " }] }\n',
        encoding="utf-8",
    )
    mappings = load_mappings(tmp_path)
    record = Record("sfa", "persons", "1", {"氏名": "山田　太郎"})
    mapped = mappings.to_person(record)
    assert (mapped.last_name, mapped.first_name) == ("山田", "太郎")
    assert mappings.to_native("sfa", "persons", mapped) == {"氏名": "山田 太郎"}


def test_ma_contact_maps_to_sfa_lead(shipped: Mappings) -> None:
    """A HubSpot contact becomes an SFA lead: 姓/名, E.164 phone, 新規, source."""
    contact = Record(
        "ma",
        "persons",
        "51000",
        {
            "hs_object_id": "51000",
            "firstname": "真由美",
            "lastname": "中村",
            "email": " MNakamura@Kaede-Sekkei.jp ",
            "phone": "011-757-5391",
            "company": "有限会社カエデ設計",
            "lifecyclestage": "marketingqualifiedlead",
            "hubspotscore": "73",
            "hs_analytics_source": "ORGANIC_SEARCH",
            "campaign": "メルマガ_10月号",
            "webinar_attended": "true",
            "lastmodifieddate": "2026-10-01T09:00:00.000+09:00",
        },
    )
    mapped = shipped.to_person(contact)
    assert mapped.email == "mnakamura@kaede-sekkei.jp"
    assert mapped.score == 73.0
    assert mapped.attributes["webinar_attended"] is True
    assert mapped.updated_at == datetime(2026, 10, 1, 0, 0, tzinfo=UTC)
    out = shipped.to_native("sfa", "persons", mapped, current=None)
    assert out["姓"] == "中村"
    assert out["名"] == "真由美"
    assert out["電話番号"] == "+81117575391"
    assert out["ステータス"] == "新規"
    assert out["リードソース"] == "自然検索"
    assert out["スコア"] == 73
    assert "担当者" not in out
    assert "最終更新日時" not in out


def test_existing_sfa_lead_keeps_sales_edits(shipped: Mappings) -> None:
    """Updating an existing lead fills only blanks and never touches its status."""
    mapped = Person(
        SourceRef("ma", "1"), last_name="中村", company="カエデ設計", stage=Stage.SQL
    )
    current = {"姓": "中村", "会社名": "", "ステータス": "アポ取得"}
    out = shipped.to_native("sfa", "persons", mapped, current=current)
    assert "姓" not in out
    assert out["会社名"] == "カエデ設計"
    assert "ステータス" not in out


def test_sfa_deal_outcome_maps_to_ma_properties(shipped: Mappings) -> None:
    """A won SFA deal (yen with commas) becomes outcome properties on the contact."""
    record = Record(
        "sfa",
        "deals",
        "D-5005",
        {
            "商談名": "アオバ商事株式会社 営業支援ツール導入",
            "メールアドレス": "awatanabe@aoba-shoji.co.jp",
            "フェーズ": "受注",
            "金額": "300,000",
            "完了日": "2026/11/05",
            "失注理由": "",
            "対象外理由": "",
            "最終更新日時": "2026/11/05 13:04",
        },
    )
    mapped = shipped.to_deal(record)
    assert (mapped.stage, mapped.amount, mapped.currency) == (
        Stage.WON,
        Decimal(300000),
        "JPY",
    )
    outgoing = Person(
        SourceRef("ma", "51000"),
        stage=Stage.WON,
        attributes={"outcome": "won", "amount_won": mapped.amount},
    )
    out = shipped.to_native("ma", "persons", outgoing, current={"firstname": "x"})
    assert out == {
        "lifecyclestage": "customer",
        "canonical_stage": "won",
        "outcome": "won",
        "amount_won": Decimal(300000),
    }


def test_handoff_time_is_written_once(shipped: Mappings) -> None:
    """handoff_time (if_blank) is set on the first handoff and never moved after."""
    first = Person(
        SourceRef("ma", "1"), attributes={"sfa_id": "NEW-1", "handoff_at": T0}
    )
    assert shipped.to_native("ma", "persons", first, current={"handoff_time": ""}) == {
        "sfa_lead_id": "NEW-1",
        "handoff_time": T0,
    }
    again = shipped.to_native("ma", "persons", first, current={"handoff_time": "x"})
    assert again == {"sfa_lead_id": "NEW-1"}


def test_bad_value_is_invalid_value(shipped: Mappings) -> None:
    """A date a transform cannot read raises invalid_value naming the field."""
    record = Record("sfa", "deals", "D-1", {"フェーズ": "受注", "完了日": "来月"})
    with pytest.raises(RecordInvalidError) as caught:
        shipped.to_deal(record)
    assert caught.value.context["reason"] == "invalid_value"
    assert caught.value.context["field"] == "完了日"
    assert caught.value.context["value"] == "来月"


def test_native_fields_lists_what_hubspot_must_return(shipped: Mappings) -> None:
    """native_fields includes the stage field, mapped fields and owned properties."""
    names = shipped.native_fields("ma", "persons")
    assert names[0] == "lifecyclestage"
    for name in ("email", "hubspotscore", "pricing_page_views", "sfa_lead_id"):
        assert name in names
    assert len(names) == len(set(names))
    assert "pipeline" in shipped.native_fields("ma", "deals")


def _rows(name: str, encoding: str) -> list[dict[str, str]]:
    with (EXAMPLES / name).open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(
    ("name", "encoding", "system", "entity"),
    [
        ("ma_contacts.csv", "utf-8-sig", "ma", "persons"),
        ("sfa_leads.csv", "cp932", "sfa", "persons"),
        ("sfa_deals.csv", "cp932", "sfa", "deals"),
    ],
)
def test_every_example_row_maps(
    shipped: Mappings, name: str, encoding: str, system: str, entity: Entity
) -> None:
    """Every row of the example exports maps with a stage and a timestamp."""
    rows = _rows(name, encoding)
    assert rows
    for index, row in enumerate(rows):
        record = Record(system, entity, str(index), row)
        mapped = (
            shipped.to_person(record)
            if entity == "persons"
            else shipped.to_deal(record)
        )
        assert mapped.stage is not None
        assert mapped.updated_at is not None
        assert mapped.updated_at.tzinfo is not None
