"""Catch-up by list: no version lost or handed out twice, then on by search."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from adapters.hubspot.pull import PullCursor
from adapters.protocol import Record
from tests.fakes.hubspot import FakeClock, FakeHubSpot

BASE_MS = 1_777_000_000_000

Hook = Callable[[int], None]


class _Between(httpx.BaseTransport):
    """The fake's transport, calling ``hook(n)`` before the n-th list request.

    This is how a test edits records *between* the pages of one pull, whatever
    the adapter reads ahead: the edit lands before the fake answers that page.
    """

    def __init__(self, fake: FakeHubSpot, hook: Hook) -> None:
        self._fake = fake
        self._hook = hook
        self.lists = 0

    def transport(self) -> httpx.BaseTransport:
        """What the adapter fixture plugs in (it asks a portal for this)."""
        return self

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.params.get("archived") == "false":
            self.lists += 1
            self._hook(self.lists)
        return self._fake.handle(request)


def _adapter(make_adapter, fake, hook: Hook | None = None, **options):
    portal = fake if hook is None else _Between(fake, hook)
    return make_adapter(portal, lookback_seconds=0, **options)


def _pull(adapter, cursor=None) -> tuple[list[Record], list[str | None]]:
    records: list[Record] = []
    cursors: list[str | None] = []
    for page in adapter.pull("persons", cursor):
        records.extend(page.records)
        cursors.append(page.cursor)
    return records, cursors


def _versions(records: list[Record]) -> list[tuple[str, object]]:
    return [(r.id, r.fields.get("lastmodifieddate")) for r in records]


def _paths(fake: FakeHubSpot) -> list[str]:
    return [
        "search" if e.search else "list"
        for e in fake.log
        if e.method in ("GET", "POST")
    ]


def test_no_cursor_reads_by_list_then_searches_from_the_list_start(
    fake, make_adapter, clock: FakeClock
):
    """With no cursor the pull lists every record once, then searches from its start."""
    ids = [
        fake.seed("contacts", {"email": f"c{i}@example.com"}, at_ms=BASE_MS + i)
        for i in range(250)
    ]
    clock.advance(5)
    records, cursors = _pull(_adapter(make_adapter, fake))
    assert sorted(r.id for r in records) == sorted(ids)
    paths = _paths(fake)
    assert paths[:3] == ["list", "list", "list"]
    assert "search" in paths[3:]
    final = PullCursor.decode(cursors[-1], "ma")
    assert final.until is None
    assert final.after is None
    # Nothing changed after the list began: the cursor is where it began.
    assert final.ts == int(clock.time() * 1000)


def test_records_edited_during_the_list_are_each_handed_out_once_per_version(
    fake, make_adapter, clock: FakeClock
):
    """Edits before and after the list reaches a record: every version comes once."""
    ids = [
        fake.seed("contacts", {"email": f"e{i}@example.com"}, at_ms=BASE_MS + i)
        for i in range(300)
    ]
    clock.advance(60)
    listed_early, not_yet = ids[10], ids[250]

    def edit(n: int) -> None:
        if n == 2:  # page 1 (ids 0-99) is read, pages 2 and 3 are not
            clock.advance(1)
            for record_id in (listed_early, not_yet):
                obj = fake.get("contacts", record_id)
                fake.store.update(obj, {"firstname": "edited"})

    records, _ = _pull(_adapter(make_adapter, fake, edit))
    versions = _versions(records)
    assert len(versions) == len(set(versions))  # no version twice
    assert {r.id for r in records} == set(ids)  # nobody lost
    edited = [r for r in records if r.fields.get("firstname") == "edited"]
    assert sorted(r.id for r in edited) == sorted([listed_early, not_yet])
    # The one listed before its edit came twice (old, then new); the other once.
    assert [r.id for r in records].count(listed_early) == 2
    assert [r.id for r in records].count(not_yet) == 1


def test_a_large_search_total_switches_to_the_list_then_back_to_search(
    fake, make_adapter, clock: FakeClock
):
    """Over the threshold, changes come by list, those made meanwhile by search."""
    old = fake.seed("contacts", {"email": "old@example.com"}, at_ms=BASE_MS)
    clock.advance(1)
    adapter = _adapter(make_adapter, fake, catch_up_by_list_above=50)
    _, cursors = _pull(adapter)
    stored = cursors[-1]
    clock.advance(10)
    changed = {fake.seed("contacts", {"email": f"n{i}@example.com"}) for i in range(80)}
    clock.advance(10)
    fake.log.clear()

    def edit(n: int) -> None:
        if n == 1:
            clock.advance(1)
            late.add(fake.seed("contacts", {"email": "during@example.com"}))

    late: set[str] = set()
    adapter = _adapter(make_adapter, fake, edit, catch_up_by_list_above=50)
    records, cursors = _pull(adapter, stored)
    assert sorted(r.id for r in records) == sorted(changed | late)
    assert old not in {r.id for r in records}
    paths = _paths(fake)
    # the first search's total, the portal's size, the list, then search again
    assert paths[:3] == ["search", "search", "list"]
    assert paths[-2:] == ["search", "list"]  # the search part, then deletions
    final = PullCursor.decode(cursors[-1], "ma")
    assert final.until is None


def test_a_small_catch_up_stays_on_search(fake, make_adapter, clock: FakeClock):
    """At or below the threshold the pull never lists the portal."""
    fake.seed("contacts", {"email": "a@example.com"}, at_ms=BASE_MS)
    adapter = _adapter(make_adapter, fake, catch_up_by_list_above=50)
    _, cursors = _pull(adapter)
    clock.advance(5)
    for i in range(30):
        fake.seed("contacts", {"email": f"s{i}@example.com"})
    fake.log.clear()
    records, _ = _pull(
        _adapter(make_adapter, fake, catch_up_by_list_above=50), cursors[-1]
    )
    assert len(records) == 30
    assert _paths(fake) == ["search", "list"]  # changes, then the archived list


def test_a_portal_much_larger_than_the_changes_is_searched_not_listed(
    fake, make_adapter, clock: FakeClock
):
    """Listing 1,000 records for 60 changes would be slower: the pull searches."""
    for i in range(1_000):
        fake.seed("contacts", {"email": f"p{i}@example.com"}, at_ms=BASE_MS)
    adapter = _adapter(make_adapter, fake, catch_up_by_list_above=50)
    cursor = PullCursor(BASE_MS + 1).encode()
    clock.advance(5)
    changed = {fake.seed("contacts", {"email": f"x{i}@example.com"}) for i in range(60)}
    fake.log.clear()
    records, _ = _pull(adapter, cursor)
    assert {r.id for r in records} == changed
    assert "list" not in _paths(fake)[:-1]  # only the archived list at the end


def test_equal_stamps_at_the_cursor_and_across_list_pages(
    fake, make_adapter, clock: FakeClock
):
    """Ids the cursor handed out at its stamp are dropped; the rest at it come."""
    boundary = [
        fake.seed("contacts", {"email": f"b{i}@example.com"}, at_ms=BASE_MS)
        for i in range(150)  # one stamp over two list pages
    ]
    seen = tuple(sorted(boundary[:40]))
    cursor = PullCursor(BASE_MS, seen=seen).encode()
    later = [
        fake.seed("contacts", {"email": f"l{i}@example.com"}, at_ms=BASE_MS + 7)
        for i in range(120)  # another stamp over two list pages
    ]
    clock.advance(5)
    adapter = _adapter(make_adapter, fake, catch_up_by_list_above=50)
    records, _ = _pull(adapter, cursor)
    got = [r.id for r in records]
    assert len(got) == len(set(got))
    assert set(got) == set(boundary[40:]) | set(later)


def test_a_catch_up_stopped_mid_list_resumes_without_gap_or_repeat(
    fake, make_adapter, clock: FakeClock
):
    """The cursor of a list page resumes the same catch-up: its union is exact."""
    ids = [
        fake.seed("contacts", {"email": f"r{i}@example.com"}, at_ms=BASE_MS + i)
        for i in range(350)
    ]
    clock.advance(5)
    adapter = _adapter(make_adapter, fake, read_ahead_pages=0)
    first: list[Record] = []
    pages = adapter.pull("persons", None)
    for _ in range(2):
        page = next(pages)
        first.extend(page.records)
        stored = page.cursor
    pages.close()  # type: ignore[attr-defined]
    assert PullCursor.decode(stored, "ma").until is not None
    clock.advance(5)
    newer = fake.seed("contacts", {"email": "newer@example.com"})
    rest, _ = _pull(_adapter(make_adapter, fake), stored)
    got = [r.id for r in first + rest]
    assert len(got) == len(set(got))
    assert set(got) == {*ids, newer}


def test_records_edited_at_the_list_start_stamp_come_once(
    fake, make_adapter, clock: FakeClock
):
    """A record stamped exactly at the list's start is the search's, not the list's."""
    ids = [
        fake.seed("contacts", {"email": f"t{i}@example.com"}, at_ms=BASE_MS + i)
        for i in range(120)
    ]
    clock.advance(5)
    at_start = int(clock.time() * 1000)

    def edit(n: int) -> None:
        if n == 1:
            fake.store.update(fake.get("contacts", ids[5]), {"firstname": "x"})
            fake.store.update(fake.get("contacts", ids[110]), {"firstname": "x"})

    records, _ = _pull(_adapter(make_adapter, fake, edit))
    versions = _versions(records)
    assert len(versions) == len(set(versions))
    assert {r.id for r in records} == set(ids)
    stamps = {r.id: r.updated_at for r in records if r.fields.get("firstname") == "x"}
    assert set(stamps) == {ids[5], ids[110]}
    assert all(int(s.timestamp() * 1000) == at_start for s in stamps.values() if s)
