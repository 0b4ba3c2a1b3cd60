"""§4: batches of up to 2,000, nextRecordsUrl locators, Sforce-Query-Options."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.fakes.hubspot.clock import FakeClock
from tests.fakes.salesforce import FakeSalesforce
from tests.fakes.salesforce.testkit import VERSION, api_client, query

ORDERED = "SELECT Id, LastName FROM Lead ORDER BY SystemModstamp, Id"


def _seed_leads(fake: FakeSalesforce, count: int, **fields: Any) -> list[str]:
    rows = [
        {"LastName": f"L{i:05d}", "Company": "Acme", **fields} for i in range(count)
    ]
    return fake.seed_many("Lead", rows)


def _follow(api: httpx.Client, first: httpx.Response) -> list[dict[str, Any]]:
    """Every batch of a query, following nextRecordsUrl as given."""
    pages = [first.json()]
    while not pages[-1]["done"]:
        url = pages[-1]["nextRecordsUrl"]
        # nextRecordsUrl is a path from the host: the client must not add the
        # version prefix a second time.
        response = api.get(str(api.base_url.copy_with(raw_path=url.encode())))
        assert response.status_code == 200, response.text
        pages.append(response.json())
    return pages


def test_paging_4500_rows_returns_each_exactly_once_in_order(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """4,500 rows come in batches of 2,000, 2,000, 500, each row once, in order."""
    ids = _seed_leads(fake, 4500)
    pages = _follow(api, query(api, ORDERED))
    assert [len(p["records"]) for p in pages] == [2000, 2000, 500]
    assert {p["totalSize"] for p in pages} == {4500}
    got = [r["Id"] for p in pages for r in p["records"]]
    assert got == ids
    pattern = rf"/services/data/v{VERSION}/query/01g[0-9A-Za-z]{{15}}-(\d+)"
    matches = [re.fullmatch(pattern, p["nextRecordsUrl"]) for p in pages[:2]]
    offsets = [int(m.group(1)) for m in matches if m is not None]
    assert offsets == [2000, 4000]
    assert "nextRecordsUrl" not in pages[-1]


def test_client_that_ignores_next_records_url_stops_at_2000(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """The first batch says done=false; the rest only comes through the locator."""
    _seed_leads(fake, 2001)
    body = query(api, ORDERED).json()
    assert body["done"] is False
    assert len(body["records"]) == 2000
    assert body["totalSize"] == 2001


@pytest.mark.parametrize(("asked", "served"), [(500, 500), (50, 200), (5000, 2000)])
def test_batch_size_header_is_honoured_within_bounds(
    fake: FakeSalesforce, api: httpx.Client, asked: int, served: int
) -> None:
    """batchSize=N applies between 200 and 2,000; outside, it is clamped [U]."""
    _seed_leads(fake, 2050)
    options = {"Sforce-Query-Options": f"batchSize={asked}"}
    body = query(api, ORDERED, headers=options).json()
    assert len(body["records"]) == served


def test_batch_size_out_of_range_can_be_an_error() -> None:
    """With batch_size_out_of_range="error", batchSize=50 is a 400."""
    fake = FakeSalesforce(batch_size_out_of_range="error")
    with api_client(fake) as api:
        options = {"Sforce-Query-Options": "batchSize=50"}
        response = query(api, ORDERED, headers=options)
    assert response.status_code == 400


def test_batches_may_be_shorter_than_asked() -> None:
    """batch_cap serves fewer rows than asked (seen: 250), and paging still ends."""
    fake = FakeSalesforce(batch_cap=250)
    _seed_leads(fake, 600)
    with api_client(fake) as api:
        pages = _follow(api, query(api, ORDERED))
    assert [len(p["records"]) for p in pages] == [250, 250, 100]


def test_two_long_text_fields_cap_batches_at_200(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """Selecting two long text areas gives batches of 200 (§4)."""
    _seed_leads(fake, 300)
    fake.seed("Account", {"Name": "A", "Description": "x"})
    soql = "SELECT Id, Description, ConvertedAccount.Description FROM Lead ORDER BY Id"
    assert len(query(api, soql).json()["records"]) == 200


def _next(api: httpx.Client, url: str) -> httpx.Response:
    return api.get(str(api.base_url.copy_with(raw_path=url.encode())))


def test_locator_is_served_once_by_default(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """Fetching one nextRecordsUrl twice is INVALID_QUERY_LOCATOR [U: stricter]."""
    _seed_leads(fake, 2050)
    url = query(api, ORDERED).json()["nextRecordsUrl"]
    assert _next(api, url).status_code == 200
    again = _next(api, url)
    assert again.status_code == 400
    assert again.json()[0]["errorCode"] == "INVALID_QUERY_LOCATOR"


def test_locator_reuse_can_be_allowed() -> None:
    """With locator_reuse=True a retried batch gives the same rows."""
    fake = FakeSalesforce(locator_reuse=True)
    _seed_leads(fake, 2050)
    with api_client(fake) as api:
        url = query(api, ORDERED).json()["nextRecordsUrl"]
        first, second = _next(api, url), _next(api, url)
    assert first.json()["records"] == second.json()["records"]


def test_locator_expires_after_two_days() -> None:
    """Results stay available 2 days (§4), then INVALID_QUERY_LOCATOR."""
    clock = FakeClock()
    fake = FakeSalesforce(clock=clock, session_seconds=10 * 86_400)
    _seed_leads(fake, 2050)
    with api_client(fake) as api:
        url = query(api, ORDERED).json()["nextRecordsUrl"]
        clock.advance(2 * 86_400)
        expired = _next(api, url)
    assert expired.status_code == 400
    assert expired.json() == [
        {"message": "invalid query locator", "errorCode": "INVALID_QUERY_LOCATOR"}
    ]


def test_expire_locators_and_made_up_locators(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """An admin-expired locator and a forged offset are both invalid."""
    _seed_leads(fake, 2050)
    url = query(api, ORDERED).json()["nextRecordsUrl"]
    assert _next(api, url.replace("-2000", "-1000")).status_code == 400
    fake.expire_locators()
    assert _next(api, url).json()[0]["errorCode"] == "INVALID_QUERY_LOCATOR"


def test_query_all_locator_still_uses_query_path(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """The nextRecordsUrl of queryAll contains /query/ (§4) and keeps deletes."""
    ids = _seed_leads(fake, 2100)
    fake.delete_record(ids[-1])
    first = query(api, "SELECT Id, IsDeleted FROM Lead ORDER BY Id", all_rows=True)
    assert f"/v{VERSION}/query/" in first.json()["nextRecordsUrl"]
    pages = _follow(api, first)
    rows = [r for p in pages for r in p["records"]]
    assert len(rows) == 2100
    assert rows[-1] == {**rows[-1], "Id": ids[-1], "IsDeleted": True}


def test_snapshot_cursor_does_not_see_later_writes(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """Default: a write during the read changes nothing in the open cursor [U]."""
    ids = _seed_leads(fake, 2100)
    first = query(api, "SELECT Id, LastName FROM Lead ORDER BY Id").json()
    fake.edit(ids[-1], {"LastName": "Changed"})
    rest = _next(api, first["nextRecordsUrl"]).json()
    assert rest["records"][-1]["LastName"] == "L02099"


def test_rerun_cursor_can_skip_rows_when_rows_move() -> None:
    """cursor="rerun": a row that moves ahead of the cursor is never returned."""
    fake = FakeSalesforce(cursor="rerun")
    ids = _seed_leads(fake, 2100)
    with api_client(fake) as api:
        first = query(api, "SELECT Id FROM Lead ORDER BY LastName").json()
        fake.edit(ids[-1], {"LastName": "A-first"})
        rest = _next(api, first["nextRecordsUrl"]).json()
    seen = {r["Id"] for r in first["records"] + rest["records"]}
    assert ids[-1] not in seen
    assert len(seen) == 2099


def test_limit_and_offset(fake: FakeSalesforce, api: httpx.Client) -> None:
    """LIMIT caps totalSize; OFFSET skips rows, at most 2,000 [U]."""
    ids = _seed_leads(fake, 30)
    body = query(api, "SELECT Id FROM Lead ORDER BY Id LIMIT 5 OFFSET 10").json()
    assert body["totalSize"] == 5
    assert [r["Id"] for r in body["records"]] == ids[10:15]
    refused = query(api, "SELECT Id FROM Lead ORDER BY Id OFFSET 2001")
    assert refused.status_code == 400
    assert refused.json()[0]["errorCode"] == "NUMBER_OUTSIDE_VALID_RANGE"
