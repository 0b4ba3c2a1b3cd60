"""POST/PUT records.json: caps, all-or-nothing, updateKey, upsert and revisions."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.fakes.kintone import FakeKintone

from .conftest import client_for, make_fake


def cells(**values: Any) -> dict[str, dict[str, Any]]:
    return {code: {"value": value} for code, value in values.items()}


def post(api: httpx.Client, *records: dict[str, Any]) -> httpx.Response:
    return api.post("/k/v1/records.json", json={"app": 7, "records": list(records)})


def put(api: httpx.Client, *records: dict[str, Any], **extra: Any) -> httpx.Response:
    body = {"app": 7, "records": list(records), **extra}
    return api.put("/k/v1/records.json", json=body)


def names(fake: FakeKintone) -> dict[int, str]:
    return {i: r.values.get("会社名", "") for i, r in fake.stores[7].records.items()}


def test_post_adds_records_with_ids_and_revision_1(
    fake: FakeKintone, api: httpx.Client
) -> None:
    response = post(api, cells(会社名="A"), cells(会社名="B", 従業員数="3"))
    assert response.status_code == 200
    assert response.json() == {"ids": ["1", "2"], "revisions": ["1", "1"]}
    assert names(fake) == {1: "A", 2: "B"}


@pytest.mark.parametrize("cap", [100, 2000])
def test_post_cap_is_a_switch(cap: int) -> None:
    """100 per POST (unconfirmed, same as PUT); the cap is a setting."""
    fake = make_fake(post_cap=cap)
    with client_for(fake) as api:
        ok = post(api, *[cells(会社名=f"n{i}") for i in range(cap)])
        over = post(api, *[cells(会社名=f"m{i}") for i in range(cap + 1)])
    assert ok.status_code == 200
    assert over.status_code == 400
    assert over.json()["code"] == "CB_VA01"
    assert len(fake.stores[7].records) == cap


def test_one_bad_record_rolls_back_the_whole_put(
    fake: FakeKintone, api: httpx.Client
) -> None:
    """All-or-nothing: a bad option on record 2 keeps records 1 and 3 unchanged."""
    post(api, *[cells(会社名=n) for n in "ABC"])
    response = put(
        api,
        {"id": 1, "record": cells(会社名="A2")},
        {"id": 2, "record": cells(ステータス="失注")},
        {"id": 3, "record": cells(従業員数="many")},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "CB_VA01"
    assert body["message"] == "入力内容が正しくありません。"
    assert body["errors"] == {
        "records[1].record.ステータス.value": {
            "messages": ['"失注"は選択肢にありません。']
        },
        "records[2].record.従業員数.value": {
            "messages": ["数字でなければなりません。"]
        },
    }
    assert names(fake) == {1: "A", 2: "B", 3: "C"}
    assert fake.stores[7].records[1].revision == 1


def test_required_field_and_put_cap(fake: FakeKintone, api: httpx.Client) -> None:
    missing = post(api, cells(メモ="x"))
    assert missing.json()["errors"] == {
        "records[0].会社名.value": {"messages": ["必須です。"]}
    }
    post(api, cells(会社名="A"))
    over = put(api, *[{"id": 1, "record": cells(メモ=str(i))} for i in range(101)])
    assert over.status_code == 400
    assert (
        put(
            api, *[{"id": 1, "record": cells(メモ=str(i))} for i in range(100)]
        ).status_code
        == 200
    )


def test_update_bumps_revision_and_time_and_checks_expected_revision(
    fake: FakeKintone, api: httpx.Client
) -> None:
    post(api, cells(会社名="A"))
    fake.advance(5)
    response = put(api, {"id": 1, "record": cells(メモ="m"), "revision": 1})
    assert response.json() == {"records": [{"id": "1", "revision": "2"}]}
    record = fake.stores[7].records[1]
    assert record.updated.isoformat() == "2027-01-01T00:00:05+00:00"
    stale = put(api, {"id": 1, "record": cells(メモ="n"), "revision": 1})
    assert stale.status_code == 400
    assert record.values["メモ"] == "m"
    assert (
        put(api, {"id": 1, "record": cells(メモ="o"), "revision": -1}).status_code
        == 200
    )


def test_update_key_must_be_a_unique_field(
    fake: FakeKintone, api: httpx.Client
) -> None:
    post(api, cells(会社名="A", メール="a@example.jp"))
    by_mail = {"updateKey": {"field": "メール", "value": "a@example.jp"}}
    ok = put(api, {**by_mail, "record": cells(メモ="via key")})
    assert ok.status_code == 200
    assert fake.stores[7].records[1].values["メモ"] == "via key"
    by_name = {
        "updateKey": {"field": "会社名", "value": "A"},
        "record": cells(メモ="x"),
    }
    refused = put(api, by_name)
    assert refused.status_code == 400
    assert "records[0].updateKey.field" in refused.json()["errors"]


def test_upsert_inserts_missing_and_reports_operations(
    fake: FakeKintone, api: httpx.Client
) -> None:
    """upsert: existing keys update, missing ones insert with a new id."""
    post(api, cells(会社名="A", メール="a@example.jp"))
    response = put(
        api,
        {
            "updateKey": {"field": "メール", "value": "a@example.jp"},
            "record": cells(メモ="u"),
        },
        {
            "updateKey": {"field": "メール", "value": "b@example.jp"},
            "record": cells(会社名="B"),
        },
        {"id": 77, "record": cells(会社名="C")},
        upsert=True,
    )
    assert response.json()["records"] == [
        {"id": "1", "revision": "2", "operation": "UPDATE"},
        {"id": "2", "revision": "1", "operation": "INSERT"},
        {"id": "3", "revision": "1", "operation": "INSERT"},
    ]
    assert fake.stores[7].records[2].values["メール"] == "b@example.jp"
    unknown = put(api, {"id": 77, "record": cells(会社名="C")})
    assert unknown.status_code == 400


def test_duplicate_values_in_unique_fields_are_refused(
    fake: FakeKintone, api: httpx.Client
) -> None:
    post(api, cells(会社名="A", メール="a@example.jp"))
    again = post(api, cells(会社名="B", メール="a@example.jp"))
    assert again.json()["errors"] == {
        "records[0].メール.value": {
            "messages": ["値がほかのレコードと重複しています。"]
        }
    }


def test_writes_need_value_shapes_and_valid_json(api: httpx.Client) -> None:
    flat = post(api, {"会社名": "A"})
    assert flat.json()["code"] == "CB_VA01"
    broken = api.post(
        "/k/v1/records.json",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert broken.status_code == 400
    assert broken.json()["code"] == "CB_IJ01"
    system = post(api, {**cells(会社名="A"), "$id": {"value": "9"}})
    assert system.status_code == 400
