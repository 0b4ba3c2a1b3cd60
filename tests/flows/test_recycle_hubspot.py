"""A lost deal recycles the HubSpot contact to nurturing, against the strict fake."""

from __future__ import annotations

from pathlib import Path

from tests.flows.harness import Wired, WiredApp, make_project, seed_contacts


def test_lost_deal_moves_lifecycle_back_to_lead(tmp_path: Path) -> None:
    """HubSpot keeps later lifecycle stages unless the write says it moves back."""
    wired = Wired.build()
    app = WiredApp.open(make_project(tmp_path), wired)
    app.setup_hubspot()
    emails = seed_contacts(wired.hubspot, 2, stage="salesqualifiedlead")
    assert app.run("handoff").status == "ok"
    lost, won = sorted(emails)
    wired.clock.advance(600)
    for email, stage, reason in ((lost, "失注", "競合に決定"), (won, "受注", "")):
        wired.sfa.add(
            "deals",
            name=f"商談 {email}",
            email=email,
            company="株式会社テスト",
            amount=1200000,
            stage=stage,
            reason=reason,
        )
    assert app.run("outcomes").status == "ok"

    recycled = wired.hubspot.get("contacts", emails[lost]).properties
    assert recycled["lifecyclestage"] == "lead"
    assert recycled["canonical_stage"] == "nurturing"
    assert recycled["loss_reason"] == "競合に決定"
    customer = wired.hubspot.get("contacts", emails[won]).properties
    assert customer["lifecyclestage"] == "customer"
    assert customer["outcome"] == "won"
    app.close()
