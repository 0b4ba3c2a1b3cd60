"""A deal reaches marketing through the SFA's own lead id, whoever entered the lead."""

from __future__ import annotations

from pathlib import Path

from tests.flows.harness import Wired, WiredApp, make_project, seed_contacts, sfa_leads


def _app(tmp_path: Path) -> tuple[Wired, WiredApp]:
    wired = Wired.build()
    app = WiredApp.open(make_project(tmp_path), wired)
    app.setup_hubspot()
    return wired, app


def test_deal_on_a_hand_entered_lead_reaches_the_contact(tmp_path: Path):
    """A lead typed in by sales (no external id) links by e-mail, its deal by id."""
    wired, app = _app(tmp_path)
    emails = seed_contacts(wired.hubspot, 1)
    (email,) = emails
    lead = wired.sfa.add(
        "persons",
        email=email.upper(),
        last_name="手入力",
        company="株式会社テスト00",
        status="アポ獲得",
    )
    assert app.run("handoff").status == "ok"
    assert len(list(sfa_leads(wired.sfa))) == 1  # updated, not created twice
    wired.clock.advance(600)
    wired.sfa.add("deals", name="導入案件", lead_id=lead, amount=900000, stage="受注")
    assert app.run("outcomes").status == "ok"
    contact = wired.hubspot.get("contacts", emails[email]).properties
    assert (contact["outcome"], contact["amount_won"]) == ("won", "900000")
    app.close()


def test_deal_naming_only_its_lead_id_reaches_a_handed_off_contact(tmp_path: Path):
    """A deal with no e-mail or company of its own still finds its person."""
    wired, app = _app(tmp_path)
    emails = seed_contacts(wired.hubspot, 3)
    assert app.run("handoff").status == "ok"
    leads = {lead["email"]: lead["id"] for lead in sfa_leads(wired.sfa)}
    target = sorted(emails)[1]
    wired.clock.advance(600)
    wired.sfa.add(
        "deals", name="案件", lead_id=leads[target], stage="失注", reason="予算不足"
    )
    assert app.run("outcomes").status == "ok"
    contact = wired.hubspot.get("contacts", emails[target]).properties
    assert (contact["outcome"], contact["loss_reason"]) == ("lost", "予算不足")
    others = [e for e in emails if e != target]
    assert all(
        wired.hubspot.get("contacts", emails[e]).properties.get("outcome") != "lost"
        for e in others
    )
    app.close()


def test_outcomes_before_the_first_handoff_wait_and_lose_nothing(tmp_path: Path):
    """Run first, outcomes reads nothing; after the handoff the won deal arrives."""
    wired, app = _app(tmp_path)
    emails = seed_contacts(wired.hubspot, 1)
    (email,) = emails
    lead = wired.sfa.add(
        "persons",
        email=email,
        last_name="姓",
        company="株式会社テスト00",
        status="新規",
    )
    wired.sfa.add("deals", name="案件", lead_id=lead, amount=500000, stage="受注")
    early = app.run("outcomes")
    assert early.counts["waiting_for_handoff"] == 1
    assert "handoff" in (early.message or "")
    assert app.run("handoff").status == "ok"
    assert app.run("outcomes").status == "ok"
    assert wired.hubspot.get("contacts", emails[email]).properties["outcome"] == "won"
    app.close()
