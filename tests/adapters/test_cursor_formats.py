"""The shared versioned cursor, and every older cursor shape each adapter wrote."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from adapters.csv.pulling import load_cursor
from adapters.cursor import (
    CURSOR_VERSION,
    VersionedCursor,
    Watermark,
    WatermarkTracker,
    decode_cursor,
    describe_cursor,
)
from adapters.hubspot.pull import PullCursor
from adapters.rest.cursor import decode_rest_cursor, encode_rest_cursor
from connector.errors import CursorError

AT = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)


def test_round_trip_keeps_watermark_and_position() -> None:
    """An encoded cursor decodes to the same time, ids and position."""
    cursor = VersionedCursor("rest", Watermark(AT, frozenset({"b", "a"})), {"p": 3})
    back = decode_cursor(cursor.encode(), kind="rest", where="sfa.persons")
    assert back == cursor
    assert json.loads(cursor.encode())["v"] == CURSOR_VERSION


def test_tracker_keeps_only_ids_at_the_newest_time() -> None:
    """A newer time drops the boundary ids; the same time adds; an older is ignored."""
    tracker = WatermarkTracker()
    tracker.advance("1", AT.replace(minute=0))
    tracker.advance("2", AT)
    tracker.advance("3", AT)
    tracker.advance("4", AT.replace(minute=1))
    tracker.advance("5", None)
    mark = tracker.snapshot()
    assert mark == Watermark(AT, frozenset({"2", "3"}))
    assert mark.is_seen("2", AT)
    assert not mark.is_seen("2", AT.replace(second=1))


def test_another_adapters_cursor_is_refused() -> None:
    """A current-format cursor of the csv adapter is not read as a rest one."""
    text = VersionedCursor("csv", Watermark(AT)).encode()
    with pytest.raises(CursorError, match="written by the csv adapter") as caught:
        decode_cursor(text, kind="rest", where="sfa.persons")
    assert "connector cursors reset FLOW" in (caught.value.hint or "")
    assert caught.value.context == {"source": "sfa.persons"}


def test_a_newer_version_asks_for_an_upgrade() -> None:
    """A cursor from a newer connector says so instead of being misread."""
    text = json.dumps({"v": CURSOR_VERSION + 1, "kind": "rest"})
    with pytest.raises(CursorError, match="upgrade the connector"):
        decode_cursor(text, kind="rest", where="sfa.persons")


@pytest.mark.parametrize(
    "text", ["not json", "[1, 2]", '{"v": 2, "kind": "rest", "at": "yesterday"}']
)
def test_damaged_cursors_are_one_error_class(text: str) -> None:
    """Garbage, a JSON list and a bad timestamp all raise CursorError."""
    with pytest.raises(CursorError):
        decode_rest_cursor(text, where="sfa.persons")


def test_rest_unversioned_cursor_still_loads() -> None:
    """REST's old {"since", "ids"} form gives the same watermark."""
    old = json.dumps({"since": AT.isoformat(), "ids": ["7", "8"]})
    mark = decode_rest_cursor(old, where="sfa.persons")
    assert mark == Watermark(AT, frozenset({"7", "8"}))
    assert decode_rest_cursor(encode_rest_cursor(mark), where="x") == mark
    assert decode_rest_cursor('{"since": null, "ids": []}', where="x") == Watermark()


def test_hubspot_v1_cursor_still_loads() -> None:
    """HubSpot's own v1 JSON decodes to the same stamp, tie id, token and seen ids."""
    ms = int(AT.timestamp() * 1000) + 123
    old = json.dumps(
        {"v": 1, "ts": ms, "tie_id": "42", "after": "tok", "seen": ["9", "3"]}
    )
    cursor = PullCursor.decode(old, "ma")
    assert cursor == PullCursor(ms, "42", "tok", ("3", "9"))
    assert PullCursor.decode(cursor.encode(), "ma") == cursor
    assert json.loads(cursor.encode())["v"] == CURSOR_VERSION


def test_hubspot_start_cursor_round_trips() -> None:
    """A zero stamp (from the beginning) survives encoding as an empty watermark."""
    assert PullCursor.decode(PullCursor(0).encode(), "ma") == PullCursor(0)


@pytest.mark.parametrize(
    "old",
    [
        {"sha": "abc", "line": 12, "updated": "2026-10-02T00:00:00+09:00"},
        {
            "done": [{"sha": "d1", "name": "a.csv", "rows": 3}],
            "updated": "2026-10-02T00:00:00+09:00",
            "sha": "abc",
            "line": 4,
            "rows": 3,
            "floor": None,
        },
        {"done": [], "updated": None, "sha": None, "line": 0, "rows": 0, "floor": None},
        {"sha": "abc", "line": 3, "updated": None},
    ],
    ids=["one-file", "inbox-mid-file", "inbox-between-files", "file-no-times"],
)
def test_csv_raw_dict_cursors_still_load(old: dict[str, object]) -> None:
    """Each raw dict shape the CSV adapter stored loads to the same state."""
    assert load_cursor(json.dumps(old), where="sfa.persons") == old


def test_describe_marks_old_cursors_as_legacy() -> None:
    """describe_cursor never raises, and labels pre-v2 cursors."""
    assert describe_cursor('{"since": null}') == {"v": "legacy", "since": None}
    assert describe_cursor("opaque") == {"raw": "opaque"}
    current = VersionedCursor("csv", Watermark(AT)).encode()
    assert describe_cursor(current)["kind"] == "csv"
