"""A lead whose SFA twin cannot be read is held, not created a second time."""

from __future__ import annotations

from pathlib import Path

from connector.flows.unreadable_twins import emails_in
from connector.store import deadletters
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
