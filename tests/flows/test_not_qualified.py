"""A lead kept from sales says why, where an admin looks."""

from __future__ import annotations

from pathlib import Path

from connector.store import deadletters
from tests.flows.harness import Wired, WiredApp, make_project, sfa_leads


def test_a_lead_missing_only_its_company_is_a_dead_letter_naming_it(tmp_path: Path):
    """No company: held in the dead-letter store with the field to fill in."""
    wired = Wired.build()
    app = WiredApp.open(make_project(tmp_path), wired)
    app.setup_hubspot()
    base = {"lastname": "姓", "lifecyclestage": "marketingqualifiedlead"}
    wired.hubspot.seed("contacts", {**base, "email": "a@example.co.jp"})
    wired.hubspot.seed(
        "contacts", {**base, "email": "b@example.co.jp", "company": "株式会社B"}
    )
    wired.hubspot.seed(
        "contacts",
        {**base, "email": "c@example.co.jp", "company": "C", "lifecyclestage": "lead"},
    )
    summary = app.run("handoff")
    assert [lead["email"] for lead in sfa_leads(wired.sfa)] == ["b@example.co.jp"]
    assert summary.counts["not_qualified"] == 2
    assert summary.counts["not_qualified: company present"] == 1
    assert summary.counts["not_qualified: stage >= mql"] == 1
    with app.store.read() as conn:
        letters = deadletters.list_dead_letters(conn)
    assert [(d["reason"], "company" in d["error"]) for d in letters] == [
        ("missing_required_field", True)
    ]
    app.close()
