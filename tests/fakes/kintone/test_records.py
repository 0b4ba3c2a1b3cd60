"""GET records.json: query subset, limits, field shapes and long-URL override."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.fakes.kintone import FakeKintone

from .conftest import client_for, make_fake


def get(api: httpx.Client, query: str = "", **params: Any) -> httpx.Response:
    return api.get("/k/v1/records.json", params={"app": 7, "query": query, **params})


def ids(response: httpx.Response) -> list[int]:
    assert response.status_code == 200, response.text
    return [int(r["$id"]["value"]) for r in response.json()["records"]]


def seed(fake: FakeKintone, n: int, step: float = 1.0) -> None:
    for i in range(n):
        fake.seed(7, {"会社名": f"社{i + 1}", "従業員数": str(10 * (i + 1))})
        fake.advance(step)


def test_records_carry_type_and_value_and_system_fields(
    fake: FakeKintone, api: httpx.Client
) -> None:
    """Each field is {"type", "value"}; numbers and ids come as strings."""
    fake.seed(7, {"会社名": "サイボウズ", "従業員数": "42"})
    record = get(api).json()["records"][0]
    assert record["会社名"] == {"type": "SINGLE_LINE_TEXT", "value": "サイボウズ"}
    assert record["従業員数"] == {"type": "NUMBER", "value": "42"}
    assert record["$id"] == {"type": "__ID__", "value": "1"}
    assert record["$revision"] == {"type": "__REVISION__", "value": "1"}
    assert record["更新日時"] == {
        "type": "UPDATED_TIME",
        "value": "2027-01-01T00:00:00Z",
    }


def test_default_limit_is_100_and_max_is_500(
    fake: FakeKintone, api: httpx.Client
) -> None:
    """Without limit 100 records come back; limit 501 is refused with CB_VA01."""
    seed(fake, 501, step=0)
    assert len(ids(get(api))) == 100
    assert len(ids(get(api, "limit 500"))) == 500
    refused = get(api, "limit 501")
    assert refused.status_code == 400
    assert refused.json()["code"] == "CB_VA01"
    assert "query" in refused.json()["errors"]


def test_offset_is_capped_at_10000(fake: FakeKintone, api: httpx.Client) -> None:
    """An offset of 10,000 is allowed (empty here); 10,001 is an error since 2020."""
    seed(fake, 3, step=0)
    assert ids(get(api, "limit 1 offset 10000")) == []
    refused = get(api, "limit 1 offset 10001")
    assert refused.status_code == 400
    assert set(refused.json()) >= {"code", "id", "message"}


def test_default_order_and_order_by(fake: FakeKintone, api: httpx.Client) -> None:
    """No order by: $id descending (a switch); asc/desc and tie-breaks obey order by."""
    seed(fake, 3)
    assert ids(get(api)) == [3, 2, 1]
    assert ids(get(api, "order by $id asc")) == [1, 2, 3]
    assert ids(get(api, "order by 従業員数 desc")) == [3, 2, 1]
    with client_for(ascending := make_fake(default_desc=False)) as other:
        seed(ascending, 3)
        assert ids(get(other)) == [1, 2, 3]


def test_comparisons_on_update_time_and_id(
    fake: FakeKintone, api: httpx.Client
) -> None:
    """更新日時 compares as an instant across offsets; $id compares as a number."""
    seed(fake, 4)  # updated 00:00:00, :01, :02, :03 UTC
    after = '更新日時 > "2027-01-01T09:00:01+0900" order by $id asc'
    assert ids(get(api, after)) == [3, 4]
    since = '更新日時 >= "2027-01-01T00:00:01Z" and $id < 4 order by $id asc'
    assert ids(get(api, since)) == [2, 3]
    assert ids(get(api, '$id > "2" order by $id asc')) == [3, 4]
    assert ids(get(api, "$id > 2 order by $id asc limit 1")) == [3]
    both = '($id = "1" or $id = "4") and 従業員数 >= "10" order by $id asc'
    assert ids(get(api, both)) == [1, 4]
    assert ids(get(api, '$id in ("1", "3") order by $id asc')) == [1, 3]
    assert ids(get(api, '会社名 like "社2"')) == [2]


def test_records_in_the_same_second_share_the_update_time(
    fake: FakeKintone, api: httpx.Client
) -> None:
    """Second precision: '>' the boundary misses a record written later that second."""
    fake.seed(7, {"会社名": "A"})
    fake.advance(0.4)
    fake.seed(7, {"会社名": "B"})
    rows = get(api, "order by $id asc").json()["records"]
    assert rows[0]["更新日時"]["value"] == rows[1]["更新日時"]["value"]
    assert ids(get(api, f'更新日時 > "{rows[0]["更新日時"]["value"]}"')) == []


def test_minute_precision_switch() -> None:
    """With minute precision (unconfirmed) update times drop their seconds."""
    fake = make_fake(precision="minute")
    fake.advance(59)
    fake.seed(7, {"会社名": "A"})
    with client_for(fake) as api:
        value = get(api).json()["records"][0]["更新日時"]["value"]
    assert value == "2027-01-01T00:00:00Z"


def test_fields_selects_and_unknown_field_is_gaia_iq11(
    fake: FakeKintone, api: httpx.Client
) -> None:
    """fields[N] limits the answer; an unknown field code is GAIA_IQ11."""
    seed(fake, 1)
    response = get(api, **{"fields[0]": "$id", "fields[1]": "会社名"})
    assert set(response.json()["records"][0]) == {"$id", "会社名"}
    unknown = get(api, '存在しない = "x"')
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "GAIA_IQ11"
    assert unknown.json()["message"] == "Specified field (存在しない) not found."


@pytest.mark.parametrize(
    "query",
    ["会社名 = A", '会社名 ~ "A"', "order 会社名", '$id > "1" limit', "limit x"],
)
def test_bad_query_syntax_is_refused(api: httpx.Client, query: str) -> None:
    """Syntax outside the grammar is CB_VA01 on query, never silently ignored."""
    response = get(api, query)
    assert response.status_code == 400
    assert response.json()["code"] == "CB_VA01"
    assert "query" in response.json()["errors"]


def test_total_count_is_a_string_only_when_asked(
    fake: FakeKintone, api: httpx.Client
) -> None:
    seed(fake, 3)
    assert get(api, "limit 1").json()["totalCount"] is None
    assert get(api, "limit 1", totalCount="true").json()["totalCount"] == "3"


def test_long_urls_need_post_with_method_override(
    fake: FakeKintone, api: httpx.Client
) -> None:
    """Past 8 KB a GET is refused; POST + X-HTTP-Method-Override: GET reads."""
    seed(fake, 2)
    long = " or ".join(f'$id = "{i}"' for i in range(1, 800))
    assert get(api, long).status_code == 414
    response = api.post(
        "/k/v1/records.json",
        json={"app": 7, "query": long + " order by $id asc"},
        headers={"X-HTTP-Method-Override": "GET"},
    )
    assert ids(response) == [1, 2]


def test_guest_space_path_and_unknown_app(fake: FakeKintone, api: httpx.Client) -> None:
    seed(fake, 1)
    assert ids(api.get("/k/guest/3/v1/records.json", params={"app": 7})) == [1]
    missing = api.get("/k/v1/records.json", params={"app": 99})
    assert missing.status_code == 404
    assert missing.json()["code"] == "GAIA_AP01"


def test_log_counts_records_served(fake: FakeKintone, api: httpx.Client) -> None:
    seed(fake, 5)
    get(api, "limit 2")
    get(api, "limit 2 offset 4")
    assert fake.served() == 3
    assert [s.records for s in fake.log] == [2, 1]
