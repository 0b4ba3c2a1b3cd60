"""§9: Bulk API 2.0 query jobs: lifecycle, CSV pages, locators, errors."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest

from tests.fakes.hubspot.clock import START
from tests.fakes.salesforce import FakeSalesforce
from tests.fakes.salesforce.testkit import api_client

SOQL = "SELECT Id, LastName, Email, IsConverted, SystemModstamp FROM Lead ORDER BY Id"


def _create(api: httpx.Client, soql: str = SOQL, **extra: Any) -> dict[str, Any]:
    response = api.post(
        "/jobs/query", json={"operation": "query", "query": soql, **extra}
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _wait(api: httpx.Client, job_id: str) -> list[str]:
    states = []
    for _ in range(10):
        state = api.get(f"/jobs/query/{job_id}").json()["state"]
        states.append(state)
        if state == "JobComplete":
            break
    return states


def test_job_lifecycle_to_complete(fake: FakeSalesforce, api: httpx.Client) -> None:
    """Created UploadComplete, polled InProgress, then JobComplete (§9)."""
    fake.seed("Lead", {"LastName": "L", "Company": "C"})
    job = _create(api)
    assert {
        k: job[k] for k in ("state", "contentType", "lineEnding", "columnDelimiter")
    } == {
        "state": "UploadComplete",
        "contentType": "CSV",
        "lineEnding": "LF",
        "columnDelimiter": "COMMA",
    }
    assert job["concurrencyMode"] == "Parallel"
    assert job["apiVersion"] == 62.0
    assert job["object"] == "Lead"
    assert job["id"].startswith("750")
    assert _wait(api, job["id"]) == ["InProgress", "JobComplete"]
    info = api.get(f"/jobs/query/{job['id']}").json()
    assert info["numberRecordsProcessed"] == 1


def test_results_before_completion_are_job_not_complete(api: httpx.Client) -> None:
    """Results of a running job: the documented JOB_NOT_COMPLETE body (§9)."""
    job = _create(api)
    api.get(f"/jobs/query/{job['id']}")
    response = api.get(f"/jobs/query/{job['id']}/results")
    assert response.status_code == 400
    assert response.json() == [
        {
            "errorCode": "JOB_NOT_COMPLETE",
            "message": "can only download query results of successfully completed "
            "bulk job with status: JOB_COMPLETE. Current status: IN_PROGRESS",
        }
    ]


def test_results_are_csv_pages_with_locators(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """Pages of maxRecords rows; Sforce-Locator ends as "null"; rows once each."""
    ids = fake.seed_many(
        "Lead",
        [
            {"LastName": f"L{i}", "Company": "C", "Email": f"l{i}@x.jp"}
            for i in range(25)
        ],
        at=START,
    )
    job = _create(api)
    _wait(api, job["id"])
    rows: list[list[str]] = []
    locator = None
    counts = []
    while True:
        params = {"maxRecords": "10", **({"locator": locator} if locator else {})}
        page = api.get(f"/jobs/query/{job['id']}/results", params=params)
        assert page.headers["content-type"].startswith("text/csv")
        counts.append(int(page.headers["sforce-numberofrecords"]))
        parsed = list(csv.reader(io.StringIO(page.text)))
        assert parsed[0] == ["Id", "LastName", "Email", "IsConverted", "SystemModstamp"]
        rows.extend(parsed[1:])
        locator = page.headers["sforce-locator"]
        if locator == "null":
            break
    assert counts == [10, 10, 5]
    assert [r[0] for r in rows] == ids
    assert rows[0][3:] == ["false", "2026-05-01T00:00:00.000Z"]


def test_locator_can_be_fetched_again(fake: FakeSalesforce, api: httpx.Client) -> None:
    """A Bulk locator is stable while the job exists (§9), unlike REST's."""
    fake.seed_many("Lead", [{"LastName": f"L{i}", "Company": "C"} for i in range(5)])
    job = _create(api)
    _wait(api, job["id"])
    first = api.get(f"/jobs/query/{job['id']}/results", params={"maxRecords": "2"})
    locator = first.headers["sforce-locator"]
    again = [
        api.get(
            f"/jobs/query/{job['id']}/results",
            params={"maxRecords": "2", "locator": locator},
        ).text
        for _ in range(2)
    ]
    assert again[0] == again[1]


def test_csv_quotes_nulls_and_delimiters(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """Cells quoted [U], null empty, quotes doubled, delimiter and line options."""
    fake.seed("Lead", {"LastName": 'O"Brien, Jr.', "Company": "C"})
    job = _create(
        api,
        "SELECT LastName, Email, Owner.Name FROM Lead",
        columnDelimiter="PIPE",
        lineEnding="CRLF",
    )
    _wait(api, job["id"])
    text = api.get(f"/jobs/query/{job['id']}/results").text
    assert (
        text == '"LastName"|"Email"|"Owner.Name"\r\n'
        '"O""Brien, Jr."|""|"Integration User"\r\n'
    )


def test_query_all_job_includes_deleted(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """The queryAll operation returns deleted rows; query does not."""
    lead = fake.seed("Lead", {"LastName": "L", "Company": "C"})
    fake.delete_record(lead)
    counts = {}
    for operation in ("query", "queryAll"):
        job = api.post(
            "/jobs/query",
            json={"operation": operation, "query": "SELECT Id, IsDeleted FROM Lead"},
        ).json()
        _wait(api, job["id"])
        counts[operation] = api.get(f"/jobs/query/{job['id']}/results").headers[
            "sforce-numberofrecords"
        ]
    assert counts == {"query": "0", "queryAll": "1"}


def test_results_need_the_creating_version(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """Results asked for under another API version: 409 (§9)."""
    job = _create(api)
    _wait(api, job["id"])
    with api_client(fake, version="63.0") as other:
        assert other.get(f"/jobs/query/{job['id']}/results").status_code == 409


@pytest.mark.parametrize(
    "soql",
    [
        "SELECT COUNT() FROM Lead",
        "SELECT Id FROM Lead OFFSET 5",
        "SELECT LeadSource FROM Lead GROUP BY LeadSource",
        "SELECT Id, (SELECT Id FROM Contacts) FROM Account",
    ],
)
def test_unsupported_bulk_queries_are_refused(api: httpx.Client, soql: str) -> None:
    """GROUP BY, OFFSET, aggregates and subqueries are not Bulk 2.0 queries (§9)."""
    response = api.post("/jobs/query", json={"operation": "query", "query": soql})
    assert response.status_code == 400


def test_bad_soql_in_a_job_is_refused_at_create(api: httpx.Client) -> None:
    """An unknown field fails the create with the SOQL error."""
    response = api.post(
        "/jobs/query", json={"operation": "query", "query": "SELECT Nope FROM Lead"}
    )
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "INVALID_FIELD"


def test_abort_delete_and_failed_jobs(fake: FakeSalesforce, api: httpx.Client) -> None:
    """PATCH state Aborted, DELETE after; a failed job shows its errorMessage."""
    job = _create(api)
    aborted = api.patch(f"/jobs/query/{job['id']}", json={"state": "Aborted"})
    assert aborted.json()["state"] == "Aborted"
    assert api.get(f"/jobs/query/{job['id']}/results").status_code == 400
    assert api.delete(f"/jobs/query/{job['id']}").status_code == 204
    assert api.get(f"/jobs/query/{job['id']}").status_code == 404
    failing = _create(api)
    fake.fail_bulk_job(failing["id"], "QUERY_TIMEOUT")
    info = api.get(f"/jobs/query/{failing['id']}").json()
    assert (info["state"], info["errorMessage"]) == ("Failed", "QUERY_TIMEOUT")


def test_polls_to_complete_is_configurable() -> None:
    """bulk_polls_to_complete sets how many status reads a job takes."""
    fake = FakeSalesforce(bulk_polls_to_complete=4)
    with api_client(fake) as api:
        job = _create(api)
        assert _wait(api, job["id"]) == ["InProgress"] * 3 + ["JobComplete"]
