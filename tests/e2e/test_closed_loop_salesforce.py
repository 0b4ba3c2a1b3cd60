"""The closed loop end to end with Salesforce as the sales system.

The HubSpot fake and the strict Salesforce fake run as processes on loopback;
the connector runs as a process, as an admin runs it. Sales works the leads in
Salesforce (conversions, stages, won/lost, rejections, merges) through the
fake's admin side door, and each scenario compares the final state of both
systems with the truth the test kept, never with what the connector reports.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.sf_world import SalesforceWorld, salesforce_world

pytestmark = pytest.mark.slow

_SINCE = ("--since", "2000-01-01")


def _report(name: str, **figures: object) -> None:
    line = " | ".join(f"{k} {v}" for k, v in figures.items())
    print(f"\n[e2e salesforce] {name}: {line}")


def _hand_off(w: SalesforceWorld, contacts: int) -> dict[str, dict[str, str]]:
    seeded = w.seed(contacts)
    w.cli_until_ok("setup", "hubspot")
    w.cli_until_ok("backfill", "handoff", *_SINCE)
    return seeded


def _full_loop(w: SalesforceWorld, contacts: int = 60) -> dict[str, dict[str, str]]:
    """Hand off, let sales work, hand outcomes back; rerun after failures."""
    seeded = _hand_off(w, contacts)
    w.work_leads()
    w.cli_until_ok("sync", "handoff")
    w.cli_until_ok("sync", "outcomes")
    return seeded


def _qualified(seeded: dict[str, dict[str, str]]) -> list[str]:
    return sorted(
        c for c, p in seeded.items() if p["hs_analytics_num_page_views"] != "0"
    )


def test_outcomes_reach_hubspot_and_a_second_round_writes_nothing(
    tmp_path: Path,
) -> None:
    """Qualified contacts become leads; every outcome sales gave comes back."""
    with salesforce_world(tmp_path) as w:
        seeded = _hand_off(w, 60)
        qualified = _qualified(seeded)
        leads = w.leads()
        keys = sorted(str(lead["Connector_Id__c"]) for lead in leads)
        assert keys == qualified  # one lead per qualified contact, keyed by its id
        assert all(lead["Status"] == "Open - Not Contacted" for lead in leads)
        done = w.work_leads()
        w.cli_until_ok("sync", "handoff")
        w.cli_until_ok("sync", "outcomes")
        contacts = w.contacts()
        lead_ids = {lead["Id"] for lead in w.leads()}
        linked = [c for c in qualified if contacts[c].get("sfa_lead_id") in lead_ids]
        wrong = w.outcome_mismatches()
        w.clear_logs()
        assert w.cli("sync", "handoff").returncode == 0
        assert w.cli("sync", "outcomes").returncode == 0
        writes = w.writes()
        converted = sum(1 for lead in w.leads() if lead["IsConverted"])
        _report(
            "clean",
            leads=len(leads),
            converted=converted,
            actions={
                a: list(done.values()).count(a) for a in sorted(set(done.values()))
            },
            outcomes=f"{len(w.expected) - len(wrong)} of {len(w.expected)}",
            linked=f"{len(linked)} of {len(qualified)}",
            second_round_writes=writes,
        )
        assert wrong == []
        assert linked == qualified
        assert writes == (0, 0)
