"""A lead whose SFA twin cannot be read is held, not created a second time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import update

from connector.flows.unreadable_twins import emails_in
from connector.store import deadletters
from connector.store.schema import dead_letters
from tests.flows.harness import Wired, WiredApp, make_project, sfa_leads

MQL = {
    "lastname": "佐藤",
    "company": "株式会社A",
    "lifecyclestage": "marketingqualifiedlead",
}


def test_a_new_lead_matching_an_unreadable_sfa_record_is_held(tmp_path: Path) -> None:
    """Sales' record of the person fails mapping: marketing's twin waits for it."""
    wired = Wired.build()
    # "保留" is in no stage mapping: the SFA record cannot become a person.
    wired.sfa.add("persons", email="Sato@A.example.jp", last_name="佐藤", status="保留")
    app = WiredApp.open(make_project(tmp_path), wired)
    app.setup_hubspot()
    wired.hubspot.seed("contacts", {**MQL, "email": "sato@a.example.jp"})
    wired.hubspot.seed("contacts", {**MQL, "email": "other@a.example.jp"})
    summary = app.run("handoff")
    emails = sorted(lead["email"] for lead in sfa_leads(wired.sfa))
    assert emails == ["Sato@A.example.jp", "other@a.example.jp"]
    assert summary.counts["invalid:sfa_twin_unreadable"] == 1
    with app.store.read() as conn:
        held = [
            d
            for d in deadletters.list_dead_letters(conn)
            if d["reason"] == "sfa_twin_unreadable"
        ]
    assert len(held) == 1
    assert "could not be read" in held[0]["error"]
    app.close()


def test_without_unreadable_sfa_rows_nothing_is_held(tmp_path: Path) -> None:
    """The control: the same lead is created when sales holds no broken record."""
    wired = Wired.build()
    app = WiredApp.open(make_project(tmp_path), wired)
    app.setup_hubspot()
    wired.hubspot.seed("contacts", {**MQL, "email": "sato@a.example.jp"})
    summary = app.run("handoff")
    assert [lead["email"] for lead in sfa_leads(wired.sfa)] == ["sato@a.example.jp"]
    assert summary.counts["invalid:sfa_twin_unreadable"] == 0
    app.close()


def test_emails_are_found_in_raw_rows_whatever_their_width_or_case() -> None:
    """A CSV line, a JSON dump or a full-width address all give the folded address."""
    raw = 'L-1,"佐藤,ＳＡＴＯ＠Ａ.ｅｘａｍｐｌｅ.ｊｐ,x\x81 ,{"mail": "b.c+d@e.co.jp"}'
    assert emails_in([raw, None, 3]) == {"sato@a.example.jp", "b.c+d@e.co.jp"}


def _unreadable_row(app: WiredApp, raw: str, *, age: timedelta = timedelta(0)) -> None:
    """An SFA export row that could not be read, as a run dead-letters it."""
    with app.store.transaction() as conn:
        deadletters.add_dead_letter(
            conn,
            flow="handoff",
            record_key="sfa:row:sfa_leads.csv:4",
            system="sfa",
            entity="rows",
            kind="unreadable",
            reason="malformed_row",
            error="sfa_leads.csv:4: expected 11 columns, found 2",
            payload={"location": "sfa_leads.csv:4", "raw": raw},
        )
        if age:
            conn.execute(
                update(dead_letters).values(first_seen=datetime.now(UTC) - age)
            )


def _waiting(app: WiredApp) -> list[dict[str, object]]:
    with app.store.read() as conn:
        return [
            d
            for d in deadletters.list_dead_letters(conn)
            if d["reason"] == "sfa_row_unidentified"
        ]


def test_a_row_naming_no_one_holds_new_leads_until_it_is_fixed(
    tmp_path: Path,
) -> None:
    """Only the id of an unknown SFA row is legible: any new lead may be it.

    New leads wait (a dead letter each, naming the row, retried every run);
    once sales' record with that id reads cleanly the row's dead letter goes
    and the next sync creates the held leads.
    """
    wired = Wired.build()
    app = WiredApp.open(make_project(tmp_path), wired)
    app.setup_hubspot()
    _unreadable_row(app, "L-77,x")
    wired.hubspot.seed("contacts", {**MQL, "email": "sato@a.example.jp"})
    summary = app.run("handoff")
    assert list(sfa_leads(wired.sfa)) == []
    assert summary.counts["invalid:sfa_row_unidentified"] == 1
    held = _waiting(app)
    assert len(held) == 1
    assert "sfa_leads.csv:4" in str(held[0]["error"])
    assert held[0]["status"] == "pending"
    wired.sfa.add("persons", id="L-77", email="other@b.example.jp", last_name="林")
    summary = app.run("handoff")
    assert summary.counts["sfa_rows_fixed"] == 1
    assert summary.counts["retried"] == 1
    assert [lead["email"] for lead in sfa_leads(wired.sfa)] == [
        "other@b.example.jp",
        "sato@a.example.jp",
    ]
    assert _waiting(app) == []
    app.close()


def test_a_row_whose_id_sales_is_known_for_holds_nothing(tmp_path: Path) -> None:
    """The row's person is already linked: new leads cannot be that person."""
    wired = Wired.build()
    wired.sfa.add("persons", id="L-77", email="hayashi@b.example.jp", last_name="林")
    app = WiredApp.open(make_project(tmp_path), wired)
    app.setup_hubspot()
    app.run("handoff")  # indexes sales' L-77
    _unreadable_row(app, "L-77,x")
    wired.hubspot.seed("contacts", {**MQL, "email": "sato@a.example.jp"})
    summary = app.run("handoff")
    assert summary.counts["invalid:sfa_row_unidentified"] == 0
    assert "sato@a.example.jp" in [lead["email"] for lead in sfa_leads(wired.sfa)]
    app.close()


def test_the_wait_ends_after_its_hours(tmp_path: Path) -> None:
    """A row left broken past the hold stops holding: leads are created."""
    wired = Wired.build()
    app = WiredApp.open(make_project(tmp_path), wired)
    app.setup_hubspot()
    _unreadable_row(app, "L-77,x", age=timedelta(hours=25))
    wired.hubspot.seed("contacts", {**MQL, "email": "sato@a.example.jp"})
    summary = app.run("handoff")
    assert summary.counts["invalid:sfa_row_unidentified"] == 0
    assert [lead["email"] for lead in sfa_leads(wired.sfa)] == ["sato@a.example.jp"]
    app.close()
