"""Seek pulls through templated params, against the kintone fake.

The fake is written from kintone's documented contract (second-precision update
times, ``limit`` ≤ 500, ``$id``/``更新日時`` comparisons), so these tests show the
adapter neither skips records sharing the boundary second nor re-reads the app.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from adapters.rest import RestAdapter, RestSettings
from connector.errors import AdapterError
from tests.adapters.rest.conftest import deep_merge, ids, pull_all
from tests.fakes.kintone import App, FakeKintone, Field

TOKEN = "kintone-token"
ORDER = " order by 更新日時 asc, $id asc limit {limit}"
KEYSET = '(更新日時 > "{since}" or (更新日時 = "{since}" and $id > {last_id}))' + ORDER
SINCE_ONLY = '更新日時 >= "{since}"' + ORDER


def kintone(**switches: Any) -> FakeKintone:
    fake = FakeKintone(**switches)
    fake.add_app(App(7, {"会社名": Field("SINGLE_LINE_TEXT")}, tokens={TOKEN}))
    return fake


@pytest.fixture
def build() -> Iterator[Any]:
    built: list[RestAdapter] = []

    def make(fake: FakeKintone, query: str = KEYSET, **listing: Any) -> RestAdapter:
        raw = {
            "base_url": "https://example.cybozu.com",
            "auth": {"type": "api_key", "name": "X-Cybozu-API-Token", "value": TOKEN},
            "entities": {
                "persons": {
                    "id_field": "$id",
                    "updated_field": "更新日時",
                    "value_wrapper": "value",
                    "list": deep_merge(
                        {
                            "path": "/k/v1/records.json",
                            "params": {"app": 7, "query": query},
                            "page_size": 3,
                            "page_size_param": "",
                            "records_path": "records",
                            "pagination": {"style": "seek"},
                        },
                        listing,
                    ),
                }
            },
        }
        adapter = RestAdapter(
            "sfa",
            RestSettings.model_validate(raw),
            transport=httpx.MockTransport(fake.handle),
        )
        built.append(adapter)
        return adapter

    yield make
    for adapter in built:
        adapter.close()


def seed(fake: FakeKintone, n: int, step: float = 1.0) -> None:
    for i in range(n):
        fake.seed(7, {"会社名": f"社{i}"})
        fake.advance(step)


def reads(fake: FakeKintone) -> list[int]:
    return [s.records for s in fake.log if s.method == "GET"]


def test_first_pull_pages_until_a_short_page(build: Any) -> None:
    """No cursor: {since} is the epoch; 7 records in pages of 3, 3, 1 and no more."""
    fake = kintone()
    seed(fake, 7)
    pages, cursor = pull_all(build(fake))
    assert ids(pages) == [str(i) for i in range(1, 8)]
    assert reads(fake) == [3, 3, 1]
    assert cursor is not None
    first = fake.log[0].params["query"]
    assert '"1970-01-01T00:00:00Z"' in first
    assert "$id > 0" in first


def test_incremental_pull_reads_only_what_changed(build: Any) -> None:
    """Two edits after a pull: one request, the two edits and the boundary record."""
    fake = kintone()
    seed(fake, 7)
    adapter = build(fake, page_size=5)
    _, cursor = pull_all(adapter)
    fake.log.clear()
    fake.advance(10)
    fake.touch(7, 2, 会社名="変更A")
    fake.touch(7, 5, 会社名="変更B")
    pages, after = pull_all(adapter, cursor=cursor)
    assert ids(pages) == ["2", "5"]
    assert reads(fake) == [3]  # record 7 sits at the old boundary: re-read, dropped
    fake.log.clear()
    again, _ = pull_all(adapter, cursor=after)
    assert ids(again) == []
    assert reads(fake) == [2]  # both edits share the new boundary second


@pytest.mark.parametrize("precision", ["second", "minute"])
def test_a_record_written_later_in_the_boundary_second_is_not_skipped(
    build: Any, precision: str
) -> None:
    """A record edited in the cursor's own second, id below the last read, is read.

    kintone keeps update times to the second (or the minute, unconfirmed).
    """
    fake = kintone(precision=precision)
    fake.seed(7, {"会社名": "A"})
    fake.advance(120)
    fake.seed(7, {"会社名": "B"}, {"会社名": "C"})
    adapter = build(fake)
    _, cursor = pull_all(adapter)
    fake.touch(7, 1, 会社名="A2")  # same second as B and C; id 1 < 3
    assert fake.stores[7].records[1].updated == fake.stores[7].records[3].updated
    pages, _ = pull_all(adapter, cursor=cursor)
    assert ids(pages) == ["1"]
    assert pages[0].records[0].fields["会社名"] == "A2"


def test_exclusive_template_asks_one_second_earlier(build: Any) -> None:
    """A plain '>' filter with updated_since_inclusive = false re-reads the second.

    So a record written later in the boundary second is found.
    """
    fake = kintone()
    fake.seed(7, {"会社名": "A"}, {"会社名": "B"})
    query = '更新日時 > "{since}"' + ORDER
    adapter = build(fake, query, updated_since_inclusive=False, page_size=5)
    _, cursor = pull_all(adapter)
    fake.seed(7, {"会社名": "C"})
    pages, _ = pull_all(adapter, cursor=cursor)
    assert ids(pages) == ["3"]


def test_bulk_import_in_one_second_pages_by_id(build: Any) -> None:
    """8 records sharing one update time, pages of 3: each read exactly once."""
    fake = kintone()
    seed(fake, 8, step=0)
    pages, _ = pull_all(build(fake))
    assert ids(pages) == [str(i) for i in range(1, 9)]
    assert reads(fake) == [3, 3, 2]


def test_since_only_template_stops_instead_of_looping(build: Any) -> None:
    """Without {last_id} a full page in one second would repeat: an error."""
    fake = kintone()
    seed(fake, 8, step=0)
    with pytest.raises(AdapterError) as caught:
        pull_all(build(fake, SINCE_ONLY))
    assert "{last_id}" in (caught.value.hint or "")
    assert len(fake.log) == 2  # from the epoch, then once from the shared second


def test_since_only_template_works_while_seconds_differ(build: Any) -> None:
    fake = kintone()
    seed(fake, 7)
    pages, _ = pull_all(build(fake, SINCE_ONLY))
    assert ids(pages) == [str(i) for i in range(1, 8)]


def test_resume_from_any_page_cursor_without_gaps_or_repeats(build: Any) -> None:
    fake = kintone()
    seed(fake, 4, step=0)
    seed(fake, 4)
    adapter = build(fake)
    pages = list(adapter.pull("persons", None))
    everything = ids(pages)
    for cut, page in enumerate(pages[:-1]):
        rest, _ = pull_all(adapter, cursor=page.cursor)
        assert ids(pages[: cut + 1]) + ids(rest) == everything


def test_offset_placeholder_with_offset_paging(build: Any) -> None:
    """{offset} in the query text with style = 'offset' (reads until an empty page)."""
    fake = kintone()
    seed(fake, 5)
    query = '更新日時 >= "{since}"' + ORDER + " offset {offset}"
    pages, _ = pull_all(build(fake, query, pagination={"style": "offset"}))
    assert ids(pages) == [str(i) for i in range(1, 6)]
    offsets = [s.params["query"].rsplit(" ", 1)[1] for s in fake.log]
    assert offsets == ["0", "3", "5"]


def test_since_in_japan_time(build: Any) -> None:
    """since_strftime renders {since} as kintone's documented '+0900' form."""
    fake = kintone()
    seed(fake, 2)
    adapter = build(
        fake, since_strftime="%Y-%m-%dT%H:%M:%S%z", since_timezone="Asia/Tokyo"
    )
    _, cursor = pull_all(adapter)
    fake.log.clear()
    pull_all(adapter, cursor=cursor)
    assert '"2027-01-01T09:00:01+0900"' in fake.log[0].params["query"]
