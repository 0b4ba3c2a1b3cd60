"""Behaviour of the AcmeSFA fake, checked over real HTTP against its contract."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes.thirdparty_sfa import SfaProcess, ThirdPartySfa


@pytest.fixture
def sfa() -> Iterator[ThirdPartySfa]:
    with ThirdPartySfa().start() as server:
        yield server


@pytest.fixture
def api(sfa: ThirdPartySfa) -> Iterator[httpx.Client]:
    with sfa.api_client(timeout=5.0) as client:
        yield client


def upsert(api: httpx.Client, resource: str, *records: dict[str, Any]) -> list[Any]:
    response = api.post(f"/{resource}/batch", json={"records": list(records)})
    assert response.status_code == 200, response.text
    results: list[Any] = response.json()["results"]
    return results


def list_all(api: httpx.Client, resource: str, **params: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    while True:
        body = api.get(f"/{resource}", params=params).json()
        rows += body["data"]
        if body["next_cursor"] is None:
            return rows
        params = {**params, "cursor": body["next_cursor"]}


def test_requests_without_the_token_get_401_envelope(sfa: ThirdPartySfa) -> None:
    """A missing or wrong bearer token is refused with the unauthorized envelope."""
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        response = httpx.get(f"{sfa.api_url}/leads", headers=headers)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"


def test_meta_vocabularies_and_unknown_ids(api: httpx.Client) -> None:
    """Meta endpoints list the fixed vocabularies; unknown ids are not_found 404s."""
    stages = api.get("/meta/deal-stages").json()["data"]
    assert [s["value"] for s in stages] == ["アポ獲得", "提案", "見積", "受注", "失注"]
    assert {s["value"]: (s["closed"], s["won"]) for s in stages}["受注"] == (
        True,
        True,
    )
    statuses = api.get("/meta/lead-statuses").json()["data"]
    assert [s["value"] for s in statuses] == [
        "新規",
        "アプローチ中",
        "アポ獲得",
        "商談化",
        "対象外",
    ]
    for path in ("/leads/L000001", "/deals/D000001"):
        response = api.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_paging_under_ties_visits_every_record_once_in_order(
    sfa: ThirdPartySfa, api: httpx.Client
) -> None:
    """Records sharing one updated_at second are paged by id without loss."""
    sfa.admin.freeze_clock()
    upsert(api, "leads", *({"last_name": f"姓{i}"} for i in range(7)))
    sfa.admin.advance_clock(5)
    upsert(api, "leads", *({"last_name": f"後{i}"} for i in range(3)))
    pages = []
    params: dict[str, Any] = {"limit": 3}
    while True:
        body = api.get("/leads", params=params).json()
        pages.append([row["id"] for row in body["data"]])
        if body["next_cursor"] is None:
            break
        params["cursor"] = body["next_cursor"]
    seen = [lead_id for page in pages for lead_id in page]
    assert seen == [f"L{n:06d}" for n in range(1, 11)]
    assert [len(page) for page in pages] == [3, 3, 3, 1]
    stamps = {row["updated_at"] for row in list_all(api, "leads")}
    assert len(stamps) == 2


def test_a_record_rewritten_mid_paging_does_not_hide_others(
    sfa: ThirdPartySfa, api: httpx.Client
) -> None:
    """Keyset cursors survive concurrent writes: untouched rows are all still seen."""
    sfa.admin.freeze_clock()
    upsert(api, "leads", *({"last_name": f"姓{i}"} for i in range(6)))
    first = api.get("/leads", params={"limit": 2}).json()
    upsert(api, "leads", {"id": "L000001", "notes": "edited"}, {"id": "L000004"})
    rest = list_all(api, "leads", limit=2, cursor=first["next_cursor"])
    seen = [row["id"] for row in first["data"] + rest]
    assert seen == [
        "L000001",
        "L000002",
        "L000003",
        "L000005",
        "L000006",
        "L000001",
        "L000004",
    ]


def test_updated_since_is_inclusive_in_jst_and_utc(
    sfa: ThirdPartySfa, api: httpx.Client
) -> None:
    """updated_since matches records stamped at exactly that instant, any offset."""
    sfa.admin.freeze_clock()
    upsert(api, "leads", {"last_name": "前"})
    sfa.admin.advance_clock(10)
    upsert(api, "leads", {"last_name": "境"}, {"last_name": "後"})
    boundary = api.get("/leads/L000002").json()["data"]["updated_at"]
    assert boundary.endswith("+09:00")
    instant = datetime.fromisoformat(boundary)
    as_utc = instant.astimezone(UTC)
    spellings = [
        boundary,
        as_utc.isoformat(),
        as_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
    ]
    for since in spellings:
        ids = [row["id"] for row in list_all(api, "leads", updated_since=since)]
        assert ids == ["L000002", "L000003"], since
    later = (instant + timedelta(milliseconds=1)).isoformat()
    assert list_all(api, "leads", updated_since=later) == []


def test_bad_list_parameters_are_refused(api: httpx.Client) -> None:
    """Offset-less times, limits over 100, unknown params, alien cursors are 400."""
    upsert(api, "leads", {"last_name": "一"}, {"last_name": "二"})
    lead_cursor = api.get("/leads", params={"limit": 1}).json()["next_cursor"]
    assert lead_cursor is not None
    assert api.get("/deals", params={"cursor": lead_cursor}).status_code == 400
    cases = [
        ({"updated_since": "2026-11-02T09:15:00"}, "invalid_parameter"),
        ({"limit": "101"}, "invalid_parameter"),
        ({"since": "2026-11-02T09:15:00Z"}, "invalid_parameter"),
        ({"cursor": "not-a-cursor"}, "invalid_cursor"),
    ]
    for params, code in cases:
        response = api.get("/leads", params=params)
        assert response.status_code == 400, params
        assert response.json()["error"]["code"] == code


def test_batch_over_fifty_records_is_413_and_applies_nothing(
    sfa: ThirdPartySfa, api: httpx.Client
) -> None:
    """51 records are refused whole with batch_too_large; 50 are accepted."""
    too_many = [{"last_name": f"姓{i}"} for i in range(51)]
    response = api.post("/leads/batch", json={"records": too_many})
    assert response.status_code == 413
    assert response.json()["error"] == {
        "code": "batch_too_large",
        "message": "max 50 records",
    }
    assert sfa.admin.state()["leads"] == []
    assert len(upsert(api, "leads", *too_many[:50])) == 50


def test_per_record_errors_come_back_inside_a_200(
    sfa: ThirdPartySfa, api: httpx.Client
) -> None:
    """Each bad record gets its own error in input order; good ones are applied."""
    results = upsert(
        api,
        "leads",
        {"last_name": "良", "email": "ok@example.jp"},
        {"last_name": "悪", "email": "no-at-sign"},
        {"last_name": "悪", "status": "成約"},
        {"email": "x@example.jp"},
        {"id": "L999999", "notes": "?"},
        {"last_name": "悪", "fax": "03-0000"},
        {"last_name": "悪", "updated_at": "2026-01-01T00:00:00+09:00"},
        {"last_name": "良2", "status": "アプローチ中"},
    )
    assert [r["index"] for r in results] == list(range(8))
    assert [r["status"] for r in results] == ["ok"] + ["error"] * 6 + ["ok"]
    errors = [(r["error"]["code"], r["error"]["field"]) for r in results[1:7]]
    assert errors == [
        ("validation_error", "email"),
        ("validation_error", "status"),
        ("validation_error", "last_name"),
        ("not_found", "id"),
        ("unknown_field", "fax"),
        ("read_only_field", "updated_at"),
    ]
    leads = sfa.admin.state()["leads"]
    assert [(lead["last_name"], lead["status"]) for lead in leads] == [
        ("良", "新規"),
        ("良2", "アプローチ中"),
    ]


def test_upsert_by_external_id_updates_the_same_lead(
    sfa: ThirdPartySfa, api: httpx.Client
) -> None:
    """A second record with the same external_id updates, with a later updated_at."""
    sfa.admin.freeze_clock()
    created = upsert(api, "leads", {"external_id": "hs-42", "last_name": "山田"})[0]
    before = api.get(f"/leads/{created['id']}").json()["data"]
    again = upsert(api, "leads", {"external_id": "hs-42", "company": "ACME株式会社"})[0]
    after = api.get(f"/leads/{created['id']}").json()["data"]
    assert created["created"] is True
    assert again == {"index": 0, "status": "ok", "id": created["id"], "created": False}
    assert after["company"] == "ACME株式会社"
    assert after["last_name"] == "山田"
    assert after["updated_at"] > before["updated_at"]
    assert after["created_at"] == before["created_at"]
    other = upsert(api, "leads", {"last_name": "別"})[0]["id"]
    clash = upsert(api, "leads", {"id": other, "external_id": "hs-42"})[0]
    assert clash["error"]["code"] == "duplicate_external_id"


def test_two_leads_may_share_an_email(sfa: ThirdPartySfa, api: httpx.Client) -> None:
    """Email is not a key: the same address on two creates yields two leads."""
    results = upsert(
        api,
        "leads",
        {"last_name": "田中", "email": "info@example.co.jp"},
        {"last_name": "鈴木", "email": "info@example.co.jp"},
    )
    assert all(r["created"] for r in results)
    assert results[0]["id"] != results[1]["id"]
    emails = [lead["email"] for lead in sfa.admin.state()["leads"]]
    assert emails == ["info@example.co.jp", "info@example.co.jp"]


def test_salesperson_work_moves_leads_and_deals(
    sfa: ThirdPartySfa, api: httpx.Client
) -> None:
    """Admin actions set statuses, create and advance deals, and bump updated_at."""
    sfa.admin.freeze_clock()
    hand = sfa.admin.create_lead(last_name="高橋", company="高橋工業")
    assert hand["external_id"] is None
    won_id = upsert(api, "leads", {"external_id": "hs-1", "last_name": "伊藤"})[0]["id"]
    lost_id = upsert(api, "leads", {"last_name": "渡辺"})[0]["id"]
    sfa.admin.advance_clock(60)
    done = sfa.admin.work(
        {"lead_id": won_id, "action": "appointment"},
        {"lead_id": hand["id"], "action": "reject", "reason": "競合他社"},
        {"lead_id": lost_id, "action": "appointment"},
    )
    assert [d.get("deal_id") for d in done] == ["D000001", None, "D000002"]
    lead_after_appointment = api.get(f"/leads/{won_id}").json()["data"]
    sfa.admin.advance_clock(60)
    sfa.admin.work(
        {"lead_id": won_id, "action": "propose"},
        {"lead_id": won_id, "action": "quote"},
        {
            "lead_id": won_id,
            "action": "won",
            "amount": 1_200_000,
            "close_date": "2026-12-24",
        },
        {"lead_id": lost_id, "action": "lost", "reason": "予算なし"},
    )
    state = sfa.admin.state()
    leads = {lead["id"]: lead for lead in state["leads"]}
    deals = {deal["id"]: deal for deal in state["deals"]}
    assert leads[won_id]["status"] == "アポ獲得"
    assert leads[won_id] == lead_after_appointment
    assert (leads[hand["id"]]["status"], leads[hand["id"]]["rejected_reason"]) == (
        "対象外",
        "競合他社",
    )
    won, lost = deals["D000001"], deals["D000002"]
    assert (won["lead_id"], won["stage"], won["amount"], won["close_date"]) == (
        won_id,
        "受注",
        1_200_000,
        "2026-12-24",
    )
    assert (lost["lead_id"], lost["stage"], lost["lost_reason"]) == (
        lost_id,
        "失注",
        "予算なし",
    )
    assert won["updated_at"] > won["created_at"]
    recent = list_all(api, "deals", updated_since=won["updated_at"])
    assert [row["id"] for row in recent] == ["D000001", "D000002"]


def test_a_bad_action_rolls_back_the_whole_script(sfa: ThirdPartySfa) -> None:
    """Work scripts are atomic: an invalid action leaves earlier ones unapplied."""
    lead = sfa.admin.create_lead(last_name="中村")
    response = httpx.post(
        f"{sfa.base_url}/__admin/work",
        json=[
            {"lead_id": lead["id"], "action": "appointment"},
            {"lead_id": lead["id"], "action": "won", "amount": "たくさん"},
        ],
    )
    assert response.status_code == 400
    assert response.json()["error"]["index"] == 1
    state = sfa.admin.state()
    assert state["deals"] == []
    assert state["leads"][0]["status"] == "新規"


def _fault_trace(sfa: ThirdPartySfa, seed: int) -> list[Any]:
    sfa.admin.set_faults(rate=0.5, seed=seed, slow_seconds=(0.0, 0.01))
    sfa.admin.clear_requests()
    trace: list[Any] = []
    with sfa.api_client(timeout=5.0) as api:
        for i in range(40):
            try:
                if i % 3 == 0:
                    response = api.post(
                        "/leads/batch", json={"records": [{"last_name": f"姓{i}"}]}
                    )
                else:
                    response = api.get("/meta/lead-statuses")
            except httpx.TransportError:
                trace.append("dropped")
                continue
            trace.append((response.status_code, response.headers.get("Retry-After")))
    sfa.admin.clear_faults()
    return trace


def test_faults_are_deterministic_for_a_seed(sfa: ThirdPartySfa) -> None:
    """The same seed and request sequence yield the same faults; 429s come in bursts."""
    first = _fault_trace(sfa, seed=7)
    kinds_first = [entry["fault"] for entry in sfa.admin.requests()]
    second = _fault_trace(sfa, seed=7)
    kinds_second = [entry["fault"] for entry in sfa.admin.requests()]
    other = _fault_trace(sfa, seed=8)
    assert first == second
    assert kinds_first == kinds_second
    assert first != other
    assert len(set(kinds_first) - {None}) >= 4
    runs, run = [], 0
    for kind in kinds_first:  # a run still open at the end may be cut short
        if kind == "429":
            run += 1
        elif run:
            runs.append(run)
            run = 0
    assert runs
    assert min(runs) >= 3
    answered = [entry for entry in first if entry != "dropped"]
    assert all(after == "1" for status, after in answered if status == 429)


def test_drop_after_write_applies_the_write_but_drop_before_does_not(
    sfa: ThirdPartySfa, api: httpx.Client
) -> None:
    """The client sees the same broken connection; only drop_after wrote the lead."""
    for kind, name in (("drop_before_write", "前"), ("drop_after_write", "後")):
        sfa.admin.set_faults(rate=1.0, seed=1, kinds=[kind])
        with pytest.raises(httpx.TransportError):
            api.post("/leads/batch", json={"records": [{"last_name": name}]})
    sfa.admin.clear_faults()
    assert [lead["last_name"] for lead in sfa.admin.state()["leads"]] == ["後"]
    log = sfa.admin.requests()
    assert [(e["fault"], e["delivered"]) for e in log] == [
        ("drop_before_write", False),
        ("drop_after_write", False),
    ]
    assert log[1]["status"] == 200


def test_restart_from_the_state_file_keeps_data_ids_and_clock(tmp_path: Path) -> None:
    """A new server on the same state file resumes records, id counters and time."""
    state = tmp_path / "sfa.json"
    with ThirdPartySfa(state=state).start() as sfa, sfa.api_client() as api:
        upsert(api, "leads", {"external_id": "hs-1", "last_name": "小林"})
        sfa.admin.work({"lead_id": "L000001", "action": "appointment"})
        sfa.admin.advance_clock(3600)
        before = sfa.admin.state()
    with ThirdPartySfa(state=state).start() as sfa, sfa.api_client() as api:
        after = sfa.admin.state()
        assert after["leads"] == before["leads"]
        assert after["deals"] == before["deals"]
        assert after["now"] >= before["now"]
        again = upsert(
            api, "leads", {"external_id": "hs-1", "notes": "再"}, {"last_name": "新"}
        )
        assert [(r["id"], r["created"]) for r in again] == [
            ("L000001", False),
            ("L000002", True),
        ]


def test_cli_process_serves_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    """The module entry point prints LISTENING, persists writes and exits 0 on TERM."""
    state = tmp_path / "sfa.json"
    proc = SfaProcess(state=state, token="cli-token").start()
    try:
        assert proc.base_url.startswith("http://127.0.0.1:")
        with proc.api_client() as api:
            assert upsert(api, "leads", {"last_name": "加藤"})[0]["created"]
    finally:
        code = proc.stop()
    assert code == 0
    with SfaProcess(state=state, token="cli-token").start() as again:
        names = [lead["last_name"] for lead in again.admin.state()["leads"]]
    assert names == ["加藤"]
