"""Incremental pulls (10k cap, bulk edits, look-back), backfills, deletes, merges."""

from __future__ import annotations

import pytest

from adapters.hubspot.pull import PullCursor
from connector.errors import CursorError
from tests.fakes.hubspot import FakeHubSpot

BASE_MS = 1_777_000_000_000


def _pull_all(adapter, entity, cursor=None, *, full=False):
    records, cursors = [], []
    for page in adapter.pull(entity, cursor, full=full):
        records.extend(page.records)
        cursors.append(page.cursor)
    return records, cursors


def test_contacts_pull_uses_lastmodifieddate_and_requested_properties(fake, adapter):
    """Contacts are searched on lastmodifieddate and carry native string values."""
    cid = fake.seed(
        "contacts",
        {"email": "a@example.com", "firstname": "Aiko", "lifecyclestage": "lead"},
        at_ms=BASE_MS,
    )
    records, cursors = _pull_all(adapter, "persons")
    assert [r.id for r in records] == [cid]
    record = records[0]
    assert record.fields["email"] == "a@example.com"
    assert record.fields["hs_object_id"] == cid
    assert all(isinstance(v, str) or v is None for v in record.fields.values())
    assert record.updated_at is not None
    assert int(record.updated_at.timestamp() * 1000) == BASE_MS
    assert "hs_analytics_num_page_views" not in record.fields
    assert PullCursor.decode(cursors[-1], "ma").ts == BASE_MS


def test_deals_pull_uses_hs_lastmodifieddate(fake, adapter):
    """Deals are searched on hs_lastmodifieddate, not the contacts' property."""
    did = fake.seed(
        "deals", {"dealname": "Big", "dealstage": "qualifiedtobuy"}, at_ms=BASE_MS
    )
    records, _ = _pull_all(adapter, "deals")
    assert [r.id for r in records] == [did]
    assert records[0].fields["dealstage"] == "qualifiedtobuy"


def test_cursor_resumes_after_the_last_page(fake, adapter):
    """A second pull from the stored cursor skips what is older than the cursor."""
    oldest = fake.seed(
        "contacts", {"email": "oldest@example.com"}, at_ms=BASE_MS - 10_000
    )
    boundary = fake.seed("contacts", {"email": "boundary@example.com"}, at_ms=BASE_MS)
    _, cursors = _pull_all(adapter, "persons")
    new = fake.seed("contacts", {"email": "new@example.com"}, at_ms=BASE_MS + 5000)
    records, _ = _pull_all(adapter, "persons", cursors[-1])
    ids = {r.id for r in records}
    # The boundary timestamp is re-read (inclusive); nothing older comes back.
    assert new in ids
    assert oldest not in ids
    assert ids <= {boundary, new}


def test_more_than_10000_changes_are_pulled_without_400_or_gap(fake, adapter):
    """10,450 changed contacts come through although one search stops at 10,000."""
    ids = {
        fake.seed("contacts", {"email": f"c{i}@example.com"}, at_ms=BASE_MS + i)
        for i in range(10_450)
    }
    records, _ = _pull_all(adapter, "persons")
    assert {r.id for r in records} == ids
    assert fake.statuses(400) == 0
    assert fake.statuses(429) == 0


def test_bulk_edit_with_one_timestamp_over_10000_is_pulled_by_id(fake, adapter):
    """More than 10,000 records sharing one timestamp are read by id without a gap."""
    ids = [
        fake.seed("contacts", {"email": f"b{i}@example.com"}, at_ms=BASE_MS)
        for i in range(10_250)
    ]
    later = fake.seed("contacts", {"email": "late@example.com"}, at_ms=BASE_MS + 1)
    records, _ = _pull_all(adapter, "persons")
    assert {r.id for r in records} == {*ids, later}
    assert fake.statuses(400) == 0


def test_lookback_catches_records_the_search_index_had_not_seen(clock, make_adapter):
    """A write not yet indexed at pull time is found by the next pull's look-back."""
    fake = FakeHubSpot(
        token="pat-na1-11111111-2222-3333-4444-555555555555",
        clock=clock,
        index_delay=30,
    )
    adapter = make_adapter(fake, lookback_seconds=120)
    first = fake.seed("contacts", {"email": "first@example.com"})
    clock.advance(31)
    lagging = fake.seed("contacts", {"email": "lagging@example.com"})
    clock.advance(1)
    records, cursors = _pull_all(adapter, "persons")
    assert {r.id for r in records} == {first}
    clock.advance(60)
    records, _ = _pull_all(adapter, "persons", cursors[-1])
    assert lagging in {r.id for r in records}


def test_archived_records_come_as_deletions(fake, adapter):
    """Archived contacts are reported with deleted=True by the incremental pull."""
    keep = fake.seed("contacts", {"email": "keep@example.com"})
    gone = fake.seed("contacts", {"email": "gone@example.com"})
    fake.store.archive(fake.get("contacts", gone))
    records, _ = _pull_all(adapter, "persons")
    by_id = {r.id: r for r in records}
    assert by_id[gone].deleted is True
    assert by_id[keep].deleted is False


def test_merged_contacts_come_under_a_new_id_with_merged_ids(fake, adapter):
    """A merge yields a record with a new id whose merged_ids name both old ids."""
    a = fake.seed("contacts", {"email": "a@example.com"})
    b = fake.seed("contacts", {"email": "b@example.com"})
    merged = fake.store.merge("contacts", a, b)
    records, _ = _pull_all(adapter, "persons")
    assert merged.id not in (a, b)
    record = next(r for r in records if r.id == merged.id)
    assert set(record.merged_ids) == {a, b}
    assert {a, b}.isdisjoint({r.id for r in records})


def test_full_pull_lists_every_record_in_pages_of_100(fake, adapter, clock):
    """A backfill reads all records by the list endpoint, 100 per page, uncapped."""
    ids = {fake.seed("contacts", {"email": f"f{i}@example.com"}) for i in range(250)}
    clock.advance(1)
    records, cursors = _pull_all(adapter, "persons", full=True)
    assert {r.id for r in records} == ids
    assert len(records) == 250  # the catch-up search finds nothing changed since
    assert len(cursors) == 3
    listed = [e for e in fake.log if e.path.endswith("/contacts")]
    assert len(listed) == 3 + 1  # three pages, then the archive read of the catch-up
    assert PullCursor.decode(cursors[-1], "ma").after is None


def test_full_pull_ends_caught_up_with_what_changed_while_it_ran(fake, adapter, clock):
    """A record edited after its page was listed is read again before the end."""
    ids = [fake.seed("contacts", {"email": f"f{i}@example.com"}) for i in range(150)]
    clock.advance(1)
    pulled = adapter.pull("persons", None, full=True)
    first = next(pulled)
    clock.advance(1)
    fake.store.update(fake.get("contacts", ids[0]), {"firstname": "edited"})
    rest = [r for page in pulled for r in page.records]
    assert ids[0] in {r.id for r in first.records}
    again = [r for r in rest if r.id == ids[0]]
    assert again
    assert again[-1].fields["firstname"] == "edited"


def test_interrupted_backfill_resumes_from_its_list_cursor(fake, adapter, clock):
    """A backfill cursor with a list token resumes the list, not a search."""
    ids = [fake.seed("contacts", {"email": f"r{i}@example.com"}) for i in range(150)]
    clock.advance(1)
    first_page = next(iter(adapter.pull("persons", None, full=True)))
    records, _ = _pull_all(adapter, "persons", first_page.cursor)
    assert {r.id for r in records} == set(ids[100:])


def test_foreign_cursor_is_a_config_error(adapter):
    """A cursor this adapter did not write is refused with a hint to reset it."""
    with pytest.raises(CursorError, match="not a hubspot adapter cursor") as caught:
        list(adapter.pull("persons", "2026-01-01"))
    assert "connector cursors reset" in (caught.value.hint or "")


def test_legacy_v3_paths_work_against_the_same_fake(fake, make_adapter):
    """With api_version v3 the adapter speaks /crm/v3 and gets the same records."""
    adapter = make_adapter(fake, api_version="v3", lookback_seconds=0)
    cid = fake.seed("contacts", {"email": "v3@example.com"})
    records, _ = _pull_all(adapter, "persons")
    assert [r.id for r in records] == [cid]
    assert all("/crm/v3/" in e.path for e in fake.log)


def test_writes_between_pages_skip_nothing(fake, adapter, clock):
    """Write-backs move read records to a later stamp; no unread record is skipped."""
    ids = []
    for i in range(450):
        clock.advance(0.001)
        ids.append(fake.seed("contacts", {"email": f"w{i}@example.com"}))
    seen: set[str] = set()
    for page in adapter.pull("persons", PullCursor(0).encode()):
        first_seen = [r.id for r in page.records if r.id not in seen]
        seen.update(first_seen)
        clock.advance(0.5)
        for record_id in first_seen:  # the handoff writes back once per lead
            fake.store.update(fake.get("contacts", record_id), {"firstname": "x"})
    assert seen >= set(ids)


def test_more_ties_than_a_page_are_read_by_id_even_while_written(fake, adapter, clock):
    """2,500 records of one stamp, written back as they are read: all are read."""
    ids = [fake.seed("contacts", {"email": f"t{i}@example.com"}) for i in range(2_500)]
    clock.advance(1)
    seen: set[str] = set()
    for page in adapter.pull("persons", PullCursor(0).encode()):
        first_seen = [r.id for r in page.records if r.id not in seen]
        seen.update(first_seen)
        clock.advance(0.5)
        for record_id in first_seen[::3]:
            fake.store.update(fake.get("contacts", record_id), {"firstname": "x"})
    assert seen >= set(ids)
