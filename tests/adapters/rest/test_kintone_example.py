"""examples/config.kintone.toml, exactly as shipped, against the kintone fake.

The fake runs on loopback (real HTTP); only the base URL and the token come from
the environment, as a user would set them. Request and record counts are the
fake's own log, so "reads only what changed" is measured, not assumed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.protocol import WriteOp
from adapters.rest import RestAdapter
from connector.config import load_settings
from connector.mapping import load_mappings
from connector.registry import build_adapter
from tests.adapters.rest.conftest import ids, pull_all
from tests.fakes.kintone import App, FakeKintone, FakeKintoneServer, Field

EXAMPLE = Path(__file__).parents[3] / "examples" / "config.kintone.toml"
TOKEN = "kintone-example-token"
STATUSES = ("新規", "アポ取得", "商談化", "対象外")
"""The lead statuses mappings/stages.toml knows for sfa.persons."""


def lead_app() -> App:
    """App 12 with the field codes mappings/fields.toml names for sfa.persons."""
    text = Field("SINGLE_LINE_TEXT")
    return App(
        12,
        {
            "姓": Field("SINGLE_LINE_TEXT", required=True),
            "名": text,
            "会社名": text,
            "メールアドレス": Field("SINGLE_LINE_TEXT", unique=True),
            "電話番号": text,
            "ステータス": Field("DROP_DOWN", options=STATUSES),
            "担当者": text,
            "リードソース": text,
            "キャンペーン": text,
            "スコア": Field("NUMBER"),
            "マーケティング情報": Field("MULTI_LINE_TEXT"),
        },
        tokens={TOKEN},
    )


def deal_app() -> App:
    fields = {"商談名": Field("SINGLE_LINE_TEXT"), "金額": Field("NUMBER")}
    return App(13, fields, tokens={TOKEN})


@pytest.fixture
def fake() -> FakeKintone:
    domain = FakeKintone()
    domain.add_app(lead_app())
    domain.add_app(deal_app())
    return domain


@pytest.fixture
def adapter(
    fake: FakeKintone, monkeypatch: pytest.MonkeyPatch
) -> Iterator[RestAdapter]:
    with FakeKintoneServer(fake) as server:
        monkeypatch.setenv("CONNECTOR_SFA__BASE_URL", server.url)
        monkeypatch.setenv("CONNECTOR_SFA__AUTH__VALUE", TOKEN)
        settings, base = load_settings(EXAMPLE)
        built = build_adapter("sfa", settings.sfa, base_dir=base, source=str(EXAMPLE))
        assert isinstance(built, RestAdapter)
        yield built
        built.close()


def leads(fake: FakeKintone, n: int, step: float = 1.0) -> None:
    for i in range(n):
        fake.seed(12, {"姓": f"山田{i}", "メールアドレス": f"lead{i}@example.jp"})
        fake.advance(step)


def gets(fake: FakeKintone) -> list[int]:
    """Records served by each read request, in order."""
    return [s.records for s in fake.log if s.method == "GET"]


def test_pull_from_empty_then_only_what_changed(
    fake: FakeKintone, adapter: RestAdapter
) -> None:
    """1,200 leads in 3 requests; then 4 edits cost 1 request and 4 records."""
    leads(fake, 1200)
    pages, cursor = pull_all(adapter)
    assert len(ids(pages)) == 1200 == len(set(ids(pages)))
    assert gets(fake) == [500, 500, 200]
    assert pages[0].records[0].fields["姓"] == "山田0"
    assert pages[0].records[0].fields["メールアドレス"] == "lead0@example.jp"

    fake.log.clear()
    fake.advance(60)
    for record_id in (3, 400, 900, 1200):
        fake.touch(12, record_id, 会社名="更新後")
    changed, _ = pull_all(adapter, cursor=cursor)
    assert sorted(ids(changed), key=int) == ["3", "400", "900", "1200"]
    assert {r.fields["会社名"] for p in changed for r in p.records} == {"更新後"}
    # One request; kintone served the 4 edits, the old boundary record (1200 was
    # the newest before its edit, so it is re-read once more as its new version).
    assert gets(fake) == [4]
    query = fake.log[0].params["query"]
    assert query.startswith('(更新日時 > "2027-01-01T00:19:59Z"')
    assert "limit 500" in query


def test_resume_mid_bulk_import_sharing_one_second(
    fake: FakeKintone, adapter: RestAdapter
) -> None:
    """A pull stopped inside a one-second bulk import resumes without repeats.

    One older lead, then 700 imported in one second: the pull stopped after its
    first page resumes with the other 201, none twice. The old lead, edited
    later in that same second (so a lower id than the last one read there), is
    read by the next pull.
    """
    leads(fake, 1)
    leads(fake, 700, step=0)
    first = next(iter(adapter.pull("persons", None)))
    assert len(first.records) == 500
    fake.log.clear()
    rest, cursor = pull_all(adapter, cursor=first.cursor)
    everything = sorted(ids([first]) + ids(rest), key=int)
    assert everything == [str(i) for i in range(1, 702)]
    # The boundary second again from its start (the 499 already read there are
    # dropped, lead 501 is new), then the 200 after $id 501.
    assert gets(fake) == [500, 200]
    fake.touch(12, 1, 会社名="同じ秒")
    assert fake.stores[12].records[1].updated == fake.stores[12].records[701].updated
    again, _ = pull_all(adapter, cursor=cursor)
    assert ids(again) == ["1"]


def test_push_creates_updates_and_upserts_in_batches_of_100(
    fake: FakeKintone, adapter: RestAdapter
) -> None:
    leads(fake, 1)
    creates = [
        WriteOp(f"k{i}", {"姓": f"新規{i}", "メールアドレス": f"n{i}@example.jp"})
        for i in range(150)
    ]
    update = WriteOp("u", {"ステータス": "商談化"}, id="1")
    upserts = [
        WriteOp(
            "x",
            {"姓": "既存", "メールアドレス": "lead0@example.jp"},
            match_field="メールアドレス",
        ),
        WriteOp(
            "y",
            {"姓": "追加", "メールアドレス": "y@example.jp"},
            match_field="メールアドレス",
        ),
    ]
    result = adapter.push("persons", [*creates, update, *upserts])
    assert all(o.ok for o in result.outcomes), [
        o.body for o in result.outcomes if not o.ok
    ]
    by_key = {o.key: o for o in result.outcomes}
    assert (by_key["k0"].id, by_key["k149"].id) == ("2", "151")
    assert by_key["u"].id == "1"
    assert (by_key["x"].id, by_key["x"].created) == ("1", False)
    assert (by_key["y"].id, by_key["y"].created) == ("152", True)
    writes = [(s.method, s.params.get("upsert")) for s in fake.log if s.method != "GET"]
    assert writes == [("POST", None), ("POST", None), ("PUT", None), ("PUT", True)]
    record = fake.stores[12].records[1]
    assert (record.values["ステータス"], record.values["姓"], record.revision) == (
        "商談化",
        "既存",
        3,
    )


def test_a_refused_record_fails_alone_though_kintone_refuses_the_batch(
    fake: FakeKintone, adapter: RestAdapter
) -> None:
    """All 8 are refused at first; halving writes 7 and isolates the bad one."""
    ops = [WriteOp(f"g{i}", {"姓": f"良{i}"}) for i in range(8)]
    ops[5] = WriteOp("bad", {"姓": "悪", "ステータス": "保留"})
    result = adapter.push("persons", ops)
    assert [o.key for o in result.outcomes] == [op.key for op in ops]
    assert [o.key for o in result.outcomes if not o.ok] == ["bad"]
    body = json.loads(result.failed[0].body or "{}")
    assert body["code"] == "CB_VA01"
    assert body["errors"] == {
        "records[0].ステータス.value": {"messages": ['"保留"は選択肢にありません。']}
    }
    assert len(fake.stores[12].records) == 7
    posts = [s.status for s in fake.log if s.method == "POST"]
    # 8 refused; 0-3 written, 4-7 refused; 4-5 refused: 4 written, 5 refused
    # alone (its body names it records[0]); 6-7 written.
    assert posts == [400, 200, 400, 400, 200, 400, 200]


def test_pulled_kintone_leads_map_through_the_shipped_mappings(
    fake: FakeKintone, adapter: RestAdapter
) -> None:
    """Cells reach mappings/fields.toml as plain field codes, and back.

    ``{"type", "value"}`` cells are unwrapped for the mapping; what it writes
    back is wrapped again and passes kintone's write rules.
    """
    fake.seed(
        12,
        {
            "姓": "中村",
            "名": "真由美",
            "メールアドレス": " MNakamura@Kaede-Sekkei.jp ",
            "電話番号": "011-757-5391",
            "ステータス": "アポ取得",
            "スコア": "73",
        },
    )
    mappings = load_mappings(EXAMPLE.parents[1] / "mappings")
    [page] = list(adapter.pull("persons", None))
    person = mappings.to_person(page.records[0])
    assert (person.last_name, person.first_name) == ("中村", "真由美")
    assert person.email == "mnakamura@kaede-sekkei.jp"
    assert person.phone == "+81117575391"
    assert person.stage == "sql"
    assert person.score == 73.0
    assert person.updated_at == page.records[0].updated_at is not None
    native = mappings.to_native("sfa", "persons", person, current=None)
    result = adapter.push("persons", [WriteOp("copy", native)])
    assert result.outcomes[0].ok, result.outcomes[0].body
    stored = fake.stores[12].records[int(result.outcomes[0].id or 0)].values
    assert (stored["姓"], stored["ステータス"], stored["スコア"]) == (
        "中村",
        "アポ取得",
        "73",
    )
