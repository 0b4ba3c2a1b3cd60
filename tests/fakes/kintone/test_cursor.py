"""The cursor API: create, page with next, removal, the 10-per-domain cap, expiry."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.fakes.kintone import FakeKintone

from .conftest import client_for, make_fake

CURSOR = "/k/v1/records/cursor.json"


def create(api: httpx.Client, **body: Any) -> httpx.Response:
    return api.post(CURSOR, json={"app": 7, **body})


def fill(fake: FakeKintone, n: int) -> None:
    for i in range(n):
        fake.seed(7, {"会社名": f"社{i}"})


def test_cursor_pages_until_next_is_false_then_is_gone(
    fake: FakeKintone, api: httpx.Client
) -> None:
    fill(fake, 5)
    made = create(api, query="order by $id asc", size=2, fields=["$id"])
    assert made.status_code == 200
    body = made.json()
    assert body["totalCount"] == "5"
    assert isinstance(body["id"], str)
    pages: list[list[str]] = []
    while True:
        page = api.get(CURSOR, params={"id": body["id"]}).json()
        pages.append([r["$id"]["value"] for r in page["records"]])
        if not page["next"]:
            break
    assert pages == [["1", "2"], ["3", "4"], ["5"]]
    gone = api.get(CURSOR, params={"id": body["id"]})
    assert gone.status_code == 404
    assert gone.json()["code"] == "GAIA_CN01"
    assert fake.served("records/cursor") == 5


def test_cursor_refuses_limit_offset_and_bad_size(api: httpx.Client) -> None:
    assert create(api, query="limit 10").status_code == 400
    assert create(api, query="offset 1").status_code == 400
    for size in (0, 501):
        assert create(api, size=size).json()["code"] == "CB_VA01"
    assert create(api, size=500).status_code == 200


def test_ten_cursors_per_domain(fake: FakeKintone, api: httpx.Client) -> None:
    """The eleventh cursor on the domain (any app) is refused until one is freed."""
    keys = [create(api).json()["id"] for _ in range(10)]
    assert create(api).status_code == 400
    assert api.delete(CURSOR, params={"id": keys[0]}).status_code == 200
    assert create(api).status_code == 200


@pytest.mark.parametrize(("freed", "status"), [("GAIA_CN01", 404), ("ok", 200)])
def test_deleting_a_freed_cursor(freed: str, status: int) -> None:
    """Measured by a third party as 404 GAIA_CN01; a switch allows plain success."""
    fake = make_fake(freed_cursor=freed)
    with client_for(fake) as api:
        key = create(api).json()["id"]
        api.delete(CURSOR, params={"id": key})
        again = api.delete(CURSOR, params={"id": key})
    assert again.status_code == status
    if status == 404:
        assert again.json()["message"] == (
            "指定したカーソルは存在しないか、既に有効期限が切れています。"
        )


@pytest.mark.parametrize(("ttl", "alive"), [(600.0, False), (None, True)])
def test_idle_cursor_expiry(ttl: float | None, alive: bool) -> None:
    """10 minutes after last use (unconfirmed) the cursor is gone; None: never."""
    fake = make_fake(cursor_ttl=ttl)
    fill(fake, 3)
    with client_for(fake) as api:
        key = create(api, size=1).json()["id"]
        fake.advance(601)
        status = api.get(CURSOR, params={"id": key}).status_code
    assert (status == 200) is alive


def test_cursor_is_a_snapshot(fake: FakeKintone, api: httpx.Client) -> None:
    """Records written after creation are not handed out by that cursor."""
    fill(fake, 1)
    key = create(api).json()["id"]
    fill(fake, 1)
    page = api.get(CURSOR, params={"id": key}).json()
    assert [r["$id"]["value"] for r in page["records"]] == ["1"]
