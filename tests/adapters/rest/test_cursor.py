"""Incremental pulls: the cursor never skips a record, whatever the API's filter."""

from __future__ import annotations

import random

import pytest

from adapters.rest.cursor import decode_rest_cursor, format_since, parse_timestamp
from connector.errors import CursorError
from tests.adapters.rest.conftest import AdapterFactory, ids, pull_all
from tests.fakes.sfa import FakeSfa


def add(fake: FakeSfa, n: int) -> list[str]:
    return [
        fake.add("persons", email=f"p{i}@example.jp", last_name="高橋")
        for i in range(n)
    ]


@pytest.mark.parametrize("since_format", ["iso8601", "epoch_s", "epoch_ms"])
@pytest.mark.parametrize("inclusive", [True, False])
def test_records_sharing_the_boundary_second_are_not_skipped(
    make_adapter: AdapterFactory, since_format: str, inclusive: bool
) -> None:
    """A record updated in the cursor's own second after the pull is still read."""
    fake = FakeSfa(since_format=since_format, since_inclusive=inclusive)  # type: ignore[arg-type]
    first = add(fake, 3)  # all in the same second
    adapter = make_adapter(fake)
    pages, cursor = pull_all(adapter)
    assert ids(pages) == first
    late = fake.add("persons", email="late@example.jp", last_name="遅")  # same second
    pages, cursor = pull_all(adapter, cursor=cursor)
    assert ids(pages) == [late]
    fake.clock.advance(5)
    newer = add(fake, 2)
    pages, _ = pull_all(adapter, cursor=cursor)
    assert sorted(ids(pages)) == sorted(newer)


def test_a_rerun_with_the_same_cursor_hands_out_nothing_new(
    make_adapter: AdapterFactory,
) -> None:
    """Re-reading the boundary drops the records already handed out."""
    fake = FakeSfa()
    add(fake, 4)
    adapter = make_adapter(fake)
    _, cursor = pull_all(adapter)
    pages, again = pull_all(adapter, cursor=cursor)
    assert ids(pages) == []
    assert again == cursor


def test_updated_record_comes_back(make_adapter: AdapterFactory) -> None:
    """A record edited after the cursor is pulled again with its new timestamp."""
    fake = FakeSfa()
    lead = add(fake, 2)[0]
    adapter = make_adapter(fake)
    _, cursor = pull_all(adapter)
    fake.clock.advance(60)
    adapter.push("persons", [])  # no-op push must not disturb anything
    fake.tables["persons"][lead] |= {"last_name": "田中", "updated": fake.clock.now}
    pages, _ = pull_all(adapter, cursor=cursor)
    assert [(r.id, r.fields["last_name"]) for p in pages for r in p.records] == [
        (lead, "田中")
    ]


def test_unsorted_source_commits_the_cursor_only_at_the_end(
    make_adapter: AdapterFactory,
) -> None:
    """Without sort, pages carry no cursor and a last empty page carries the max."""
    fake = FakeSfa(max_page_size=4)
    for _ in range(10):
        add(fake, 1)
        fake.clock.advance(1)
    adapter = make_adapter(
        fake, entities={"persons": {"list": {"sort_param": None, "sort_value": None}}}
    )
    pages, cursor = pull_all(adapter)
    assert [p.cursor for p in pages[:-1]] == [None] * (len(pages) - 1)
    assert pages[-1].records == []
    assert decode_rest_cursor(cursor, where="sfa").at is not None
    assert len(ids(pages)) == 10


def test_interrupted_sorted_pull_resumes_without_gaps(
    make_adapter: AdapterFactory,
) -> None:
    """Stopping after any page and resuming from its cursor yields every record."""
    rng = random.Random(7)
    fake = FakeSfa(max_page_size=5)
    for _ in range(40):
        add(fake, 1)
        fake.clock.advance(rng.choice([0, 0, 1, 2]))  # many shared seconds
    adapter = make_adapter(fake)
    for stop_after in range(1, 9):
        got: list[str] = []
        cursor = None
        for number, page in enumerate(adapter.pull("persons", None), 1):
            got += [r.id for r in page.records]
            cursor = page.cursor
            if number == stop_after:
                break
        pages, _ = pull_all(adapter, cursor=cursor)
        got += ids(pages)
        assert sorted(set(got)) == sorted(fake.tables["persons"]), stop_after


def test_lookback_re_reads_before_the_cursor(make_adapter: AdapterFactory) -> None:
    """lookback_seconds hands out records from just before the cursor again."""
    fake = FakeSfa()
    older = add(fake, 1)
    fake.clock.advance(30)
    add(fake, 1)
    plain = make_adapter(fake)
    looking_back = make_adapter(
        fake, entities={"persons": {"list": {"lookback_seconds": 60}}}
    )
    _, cursor = pull_all(plain)
    assert ids(pull_all(plain, cursor=cursor)[0]) == []
    assert ids(pull_all(looking_back, cursor=cursor)[0]) == older


def test_full_pull_ignores_the_cursor(make_adapter: AdapterFactory) -> None:
    """full=True reads everything even with a cursor at the end."""
    fake = FakeSfa()
    added = add(fake, 3)
    adapter = make_adapter(fake)
    _, cursor = pull_all(adapter)
    assert ids(list(adapter.pull("persons", cursor, full=True))) == added


def test_a_foreign_cursor_is_a_clear_error(make_adapter: AdapterFactory) -> None:
    """A cursor written by another adapter names the fix (a cursor reset)."""
    with pytest.raises(CursorError, match="not a rest adapter cursor") as caught:
        list(make_adapter(FakeSfa()).pull("persons", "sha=abc;line=3"))
    assert "connector cursors reset" in (caught.value.hint or "")


def test_epoch_millisecond_timestamps_are_read(make_adapter: AdapterFactory) -> None:
    """APIs that send updated-at as epoch milliseconds give correct datetimes."""
    fake = FakeSfa(updated_format="epoch_ms", since_format="epoch_ms")
    add(fake, 1)
    record = next(make_adapter(fake).pull("persons", None)).records[0]
    assert record.updated_at is not None
    assert record.updated_at.timestamp() == pytest.approx(fake.clock.now)


@pytest.mark.parametrize(
    ("value", "fmt", "epoch"),
    [
        ("2026-05-01T00:00:00Z", "auto", 1_777_593_600),
        ("2026-05-01T09:00:00+09:00", "auto", 1_777_593_600),
        ("2026-05-01T00:00:00.000+0000", "auto", 1_777_593_600),
        (1_777_593_600, "auto", 1_777_593_600),
        (1_777_593_600_000, "auto", 1_777_593_600),
        ("1777593600000", "epoch_ms", 1_777_593_600),
    ],
)
def test_timestamps_in_every_shape_parse(value: object, fmt: str, epoch: int) -> None:
    """ISO with any offset and epoch seconds/ms all give the same instant."""
    parsed = parse_timestamp(value, fmt)
    assert parsed is not None
    assert parsed.timestamp() == epoch


def test_naive_iso_uses_the_configured_zone() -> None:
    """A timestamp without offset is read in the entity's timezone (JST here)."""
    parsed = parse_timestamp("2026-05-01 09:00:00", "auto", "Asia/Tokyo")
    assert parsed is not None
    assert parsed.timestamp() == 1_777_593_600


def test_since_is_rounded_down_and_one_unit_earlier_when_exclusive() -> None:
    """Asking earlier re-reads a little; asking later would skip, so never round up."""
    when = parse_timestamp(1_777_593_600.9)
    assert when is not None
    assert format_since(when, "epoch_s", inclusive=True) == "1777593600"
    assert format_since(when, "epoch_s", inclusive=False) == "1777593599"
    assert format_since(when, "epoch_ms", inclusive=False) == "1777593600899"
    assert format_since(when, "iso8601", inclusive=False).startswith(
        "2026-04-30T23:59:59.9"
    )
