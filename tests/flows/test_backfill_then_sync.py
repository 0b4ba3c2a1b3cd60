"""After a backfill, the incremental flow goes on from it instead of starting over."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.flows.harness import Wired, WiredApp, make_project, seed_contacts, sfa_leads

_SINCE = datetime(2000, 1, 1, tzinfo=UTC)


def _wired() -> Wired:
    wired = Wired.build()
    wired.hubspot.latency = 0.01  # each answer takes time: writes get later stamps
    return wired


def _requests(wired: Wired) -> tuple[int, int]:
    return len(wired.hubspot.log), len(wired.sfa.requests)


def test_first_sync_after_a_backfill_with_nothing_changed_is_cheap(tmp_path: Path):
    """No changes since the backfill: a few HubSpot requests, none to the SFA."""
    wired = _wired()
    app = WiredApp.open(make_project(tmp_path), wired)
    app.setup_hubspot()
    seed_contacts(wired.hubspot, 120)
    wired.clock.advance(60)
    backfill = app.run("handoff", mode="backfill", since=_SINCE)
    assert backfill.status == "ok"
    assert len(list(sfa_leads(wired.sfa))) == 120
    wired.clock.advance(600)  # past the adapter's look-back and the index lag
    hubspot_before, sfa_before = _requests(wired)
    sync = app.run("handoff")
    hubspot_after, sfa_after = _requests(wired)
    assert sync.status == "ok"
    assert sync.counts["pulled"] == 0
    assert hubspot_after - hubspot_before <= 3
    assert sfa_after - sfa_before == 0
    app.close()


def test_an_edit_after_the_backfill_reaches_the_sfa_on_the_next_sync(tmp_path: Path):
    """Going on from the backfill's cursor still reads what changed after it."""
    wired = _wired()
    app = WiredApp.open(make_project(tmp_path), wired)
    app.setup_hubspot()
    emails = seed_contacts(wired.hubspot, 5)
    wired.clock.advance(60)
    assert app.run("handoff", mode="backfill", since=_SINCE).status == "ok"
    wired.clock.advance(600)
    target = sorted(emails)[2]
    contact = wired.hubspot.get("contacts", emails[target])
    wired.hubspot.store.update(contact, {"company": "株式会社カイゼン"})
    sync = app.run("handoff")
    assert sync.counts["pulled"] == 1
    assert sync.status == "ok"
    app.close()
