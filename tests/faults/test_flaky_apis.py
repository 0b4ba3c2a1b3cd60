"""Backfills through APIs that fail 10-20 % of the time: the target ends exact.

The HubSpot fake (MA) and the REST SFA fake sit behind :class:`Faulty`, which
answers a seeded share of requests with 429, 5xx, timeouts, resets and refused
connections. Every wait goes to the fake clock, so nothing really sleeps.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from connector.errors import TransientAdapterError
from connector.flows import RunSummary
from tests.flows.harness import (
    Faulty,
    Wired,
    WiredApp,
    make_project,
    seed_contacts,
    sfa_leads,
)


def _until_done(app: WiredApp, flow: str, tries: int = 4) -> RunSummary:
    """Run a backfill again after a run that gave up, as the scheduler would."""
    for _ in range(tries - 1):
        try:
            return app.run(flow, mode="backfill")
        except TransientAdapterError:
            continue
    return app.run(flow, mode="backfill")


def _assert_exact(wired: Wired, emails: dict[str, str]) -> None:
    leads = list(sfa_leads(wired.sfa))
    by_email = {lead["email"]: lead["id"] for lead in leads}
    assert len(leads) == len(emails), "duplicate or missing leads"
    assert set(by_email) == set(emails)
    for email, contact_id in emails.items():
        contact = wired.hubspot.get("contacts", contact_id)
        assert contact.properties.get("sfa_lead_id") == by_email[email], email


def test_backfill_of_5000_people_survives_flaky_apis(tmp_path: Path) -> None:
    """5,000 contacts reach the SFA exactly once through 15 % injected failures."""
    config = make_project(tmp_path, batch_size=100, attempts=8, upsert=False)
    wired = Wired.build()
    ma = Faulty(wired.hubspot.handle, rate=0.15, seed=11)
    sfa = Faulty(wired.sfa.handler, rate=0.15, seed=12)
    wired.ma_handler, wired.sfa_handler = ma, sfa
    app = WiredApp.open(config, wired)
    app.setup_hubspot()
    emails = seed_contacts(wired.hubspot, 5000)
    started_clock, started = wired.clock.now, time.monotonic()
    del app.sleeps[:]

    summary = _until_done(app, "handoff")

    assert summary.status == "ok"
    _assert_exact(wired, emails)
    for faults in (ma.injected, sfa.injected):
        assert sum(faults.values()) >= 10
    assert all(sfa.injected[kind] > 0 for kind in Faulty.KINDS), sfa.injected
    # Retries waited on the fake clock only: minutes of backoff, seconds of test.
    assert sum(app.sleeps) > 30
    assert wired.clock.now - started_clock >= sum(app.sleeps) - 0.01
    assert time.monotonic() - started < sum(app.sleeps)

    writes = len(wired.sfa.api_calls("POST")) + len(wired.sfa.api_calls("PATCH"))
    assert app.run("handoff").status == "ok"
    after = len(wired.sfa.api_calls("POST")) + len(wired.sfa.api_calls("PATCH"))
    assert after == writes
    app.close()


@pytest.mark.parametrize("seed", [3, 4])
def test_lost_create_responses_never_duplicate_leads(tmp_path: Path, seed: int) -> None:
    """Creates whose response is lost after the SFA wrote them are not repeated."""
    config = make_project(tmp_path, batch_size=50, attempts=8, upsert=True)
    wired = Wired.build()
    sfa = Faulty(wired.sfa.handler, rate=0.1, seed=seed, after_rate=0.1)
    ma = Faulty(wired.hubspot.handle, rate=0.1, seed=seed + 100, after_rate=0.1)
    wired.ma_handler, wired.sfa_handler = ma, sfa
    app = WiredApp.open(config, wired)
    app.setup_hubspot()
    emails = seed_contacts(wired.hubspot, 300)

    assert _until_done(app, "handoff").status == "ok"

    assert sfa.injected["lost_response"] >= 5
    assert ma.injected["lost_response"] >= 1
    _assert_exact(wired, emails)
    app.close()
