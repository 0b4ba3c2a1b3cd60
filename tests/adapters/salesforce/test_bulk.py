"""Backfills by Bulk API 2.0: above bulk_threshold, resumable, caught up after."""

from __future__ import annotations

import json

import httpx
import pytest

from adapters.salesforce import SalesforceAdapter
from connector.errors import AdapterError
from tests.adapters.salesforce.conftest import paths, seed_leads, settings_for


def _bulk_settings() -> dict:
    return {"bulk_threshold": 300, "bulk_page_size": 150, "bulk_poll_seconds": 1}


def test_a_big_full_pull_reads_through_a_bulk_job(fake, clock, build):
    """Over bulk_threshold rows, a full pull is one query job read in result pages."""
    adapter = build(**_bulk_settings())
    ids = seed_leads(fake, 320)
    clock.advance(1)
    pages = list(adapter.pull("persons", None, full=True))
    got = [r.id for p in pages for r in p.records]
    assert sorted(got) == sorted(ids)
    assert [len(p.records) for p in pages] == [150, 150, 20]
    assert len(paths(fake, "POST", "/jobs/query")) == 1
    assert len(paths(fake, "GET", "/results")) == 3
    lead = next(r for p in pages for r in p.records)
    assert lead.fields["IsDeleted"] is False  # typed like REST, not CSV text
    assert lead.fields["SystemModstamp"].endswith("+0000")
    assert lead.updated_at is not None


def test_a_killed_bulk_backfill_resumes_at_its_locator(fake, clock, build):
    """A new adapter given a mid-backfill cursor reads the remaining pages only."""
    ids = seed_leads(fake, 320)
    clock.advance(1)
    first = build(**_bulk_settings())
    pages = first.pull("persons", None, full=True)
    done = [next(pages), next(pages)]
    position = json.loads(done[-1].cursor)["position"]
    assert position["bulk"]["locator"]
    second = build(**_bulk_settings())
    rest = [r.id for p in second.pull("persons", done[-1].cursor) for r in p.records]
    kept = [r.id for p in done for r in p.records]
    assert set(rest).isdisjoint(kept)
    assert sorted(rest + kept) == sorted(ids)
    assert len(paths(fake, "POST", "/jobs/query")) == 1  # the same job


def test_changes_during_a_backfill_are_read_after_it(fake, clock, build):
    """After the job, the object is read by REST from the job's start."""
    adapter = build(**_bulk_settings())
    ids = seed_leads(fake, 320)
    clock.advance(1)
    pages = adapter.pull("persons", None, full=True)
    next(pages)
    clock.advance(1)
    fake.edit(ids[0], {"Title": "バックフィル中に変更"})
    rest = [r for p in pages for r in p.records]
    changed = [r for r in rest if r.id == ids[0]]
    assert changed
    assert changed[-1].fields["Title"] == "バックフィル中に変更"
    final = json.loads([p.cursor for p in adapter.pull("persons", None)][-1])
    assert "bulk" not in final["position"]


def test_a_failed_bulk_job_fails_the_run_with_its_message(fake, clock, build):
    """A job that ends Failed is an AdapterError naming Salesforce's reason."""
    seed_leads(fake, 320)
    clock.advance(1)

    def fail_on_create(request: httpx.Request) -> httpx.Response:
        response = fake.handle(request)
        if request.method == "POST" and request.url.path.endswith("/jobs/query"):
            fake.fail_bulk_job(response.json()["id"], "InternalServerError")
        return response

    adapter = SalesforceAdapter(
        "sfa",
        settings_for(fake, **_bulk_settings()),
        transport=httpx.MockTransport(fail_on_create),
        sleep=clock.sleep,
        clock=clock.time,
    )
    with pytest.raises(AdapterError, match="ended Failed: InternalServerError"):
        list(adapter.pull("persons", None, full=True))
    adapter.close()


def test_a_backfill_whose_job_is_gone_starts_a_new_job(fake, clock, build):
    """A stored job that no longer exists (expired, deleted) is started again."""
    ids = seed_leads(fake, 320)
    clock.advance(1)
    adapter = build(**_bulk_settings())
    pages = adapter.pull("persons", None, full=True)
    first = next(pages)
    job = json.loads(first.cursor)["position"]["bulk"]["job"]
    deleted = adapter.client.request("DELETE", f"/jobs/query/{job}")
    assert deleted.status_code == 204
    again = [r.id for p in adapter.pull("persons", first.cursor) for r in p.records]
    assert set(ids) <= set(again)
    assert len(paths(fake, "POST", "/jobs/query")) == 2


def test_a_small_full_pull_stays_on_rest(fake, clock, build):
    """At or below bulk_threshold the REST batches are used and no job is made."""
    adapter = build(**_bulk_settings())
    seed_leads(fake, 250)
    clock.advance(1)
    assert (
        len([r for p in adapter.pull("persons", None, full=True) for r in p.records])
        == 250
    )
    assert not paths(fake, "POST", "/jobs/query")
