"""The closed loop end to end: the real CLI against systems we did not write.

HubSpot and AcmeSFA fakes run as processes on loopback and judge requests by
their vendors' contracts; the connector runs as a process, exactly as an admin
runs it. Each scenario compares the final state of both systems with the truth
the test kept while it played marketing and sales.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.e2e.world import World, world

pytestmark = pytest.mark.slow

_SINCE = ("--since", "2000-01-01")


def _full_loop(w: World, contacts: int = 60) -> dict[str, dict[str, str]]:
    """Set up, hand off, let sales work, hand outcomes back; rerun after failures."""
    seeded = w.seed(contacts)
    w.cli_until_ok("setup", "hubspot")
    w.cli_until_ok("backfill", "handoff", *_SINCE)
    w.work_leads()
    w.hand_entered_wins(seeded)
    w.cli_until_ok("sync", "handoff")
    w.cli_until_ok("sync", "outcomes")
    return seeded


def _report(name: str, w: World, **figures: object) -> None:
    line = " | ".join(f"{k} {v}" for k, v in figures.items())
    print(f"\n[e2e] {name}: {line}")


def test_outcomes_reach_hubspot_and_a_second_round_writes_nothing(tmp_path: Path):
    """Every outcome sales gave reaches its contact; replaying both flows is free."""
    with world(tmp_path) as w:
        seeded = _full_loop(w)
        qualified = [
            c for c, p in seeded.items() if p["hs_analytics_num_page_views"] != "0"
        ]
        leads = w.leads()
        by_key = {lead.get("external_id") for lead in leads}
        assert set(qualified) <= by_key  # every qualified contact got its lead
        assert len([lead for lead in leads if lead.get("external_id")]) == len(
            qualified
        )
        contacts = w.contacts()
        linked = [c for c in qualified if contacts[c].get("sfa_lead_id")]
        wrong = w.outcome_mismatches()
        w.clear_logs()
        assert w.cli("sync", "handoff").returncode == 0
        assert w.cli("sync", "outcomes").returncode == 0
        writes = w.writes()
        _report(
            "clean",
            w,
            outcomes=f"{len(w.expected) - len(wrong)} of {len(w.expected)}",
            linked=f"{len(linked)} of {len(qualified)}",
            second_round_writes=writes,
        )
        assert wrong == []
        assert linked == qualified
        assert writes == (0, 0)


def _clean_snapshot(tmp_path: Path, contacts: int) -> dict[str, object]:
    with world(tmp_path / "clean") as w:
        _full_loop(w, contacts)
        assert w.outcome_mismatches() == []
        return w.snapshot()


def test_twenty_percent_faults_end_equal_to_a_clean_run(tmp_path: Path):
    """5xx, 429 bursts, slow answers, drops before and after writes: same end."""
    clean = _clean_snapshot(tmp_path, 60)
    with world(tmp_path / "faulty", faults=0.2, seed=7) as w:
        _full_loop(w, 60)
        wrong = w.outcome_mismatches()
        final = w.snapshot()
        leads = w.leads()
        keys = [lead["external_id"] for lead in leads if lead.get("external_id")]
        faults = w.faults_injected()
        _report(
            "20% faults",
            w,
            faults_injected=faults,
            outcomes=f"{len(w.expected) - len(wrong)} of {len(w.expected)}",
            leads=len(leads),
            duplicate_leads=len(keys) - len(set(keys)),
            equal_to_clean=final == clean,
        )
        assert faults >= 10
        assert wrong == []
        assert len(keys) == len(set(keys))
        assert final == clean


@pytest.mark.parametrize("seed", [11])
def test_kill_9_at_five_points_ends_equal_to_a_clean_run(tmp_path: Path, seed: int):
    """A backfill killed at five or more seeded moments, rerun each time, ends clean."""
    import random

    clean = _clean_snapshot(tmp_path, 600)
    rng = random.Random(seed)
    points = [round(rng.uniform(1.0, 2.5), 2) for _ in range(8)]
    # Every answer takes 0.15-0.4 s, so each run lasts long enough to be killed.
    slow = {"faults": 1.0, "kinds": ["slow"], "slow_range": (0.15, 0.4)}
    with world(tmp_path / "killed", **slow) as w:
        seeded = w.seed(600)
        w.cli_until_ok("setup", "hubspot")
        codes = [w.cli_killed_at(t, "backfill", "handoff", *_SINCE) for t in points]
        w.cli_until_ok("backfill", "handoff", *_SINCE)
        w.work_leads()
        w.hand_entered_wins(seeded)
        w.cli_until_ok("sync", "handoff")
        w.cli_until_ok("sync", "outcomes")
        wrong = w.outcome_mismatches()
        final = w.snapshot()
        _report(
            "kill -9",
            w,
            points=points,
            killed=sum(code == -9 for code in codes),
            outcomes=f"{len(w.expected) - len(wrong)} of {len(w.expected)}",
            equal_to_clean=final == clean,
        )
        assert sum(code == -9 for code in codes) >= 5  # at least five landed mid-run
        assert wrong == []
        assert final == clean


def test_a_bulk_edit_of_more_than_ten_thousand_ties_reaches_every_lead(tmp_path: Path):
    """10,100 contacts edited with one timestamp: every lead gets the new value."""
    with world(tmp_path, search_lag=1.0) as w:
        seeded = w.seed(10_100)
        w.cli_until_ok("setup", "hubspot")
        w.cli_until_ok("backfill", "handoff", *_SINCE)
        before = len(w.leads())
        edit = {"all": True, "properties": {"hs_analytics_num_page_views": "12"}}
        edited = w.hubspot("POST", "/__admin/contacts/bulk-edit", edit)
        time.sleep(1.5)  # past the search index lag
        w.clear_logs()
        w.cli_until_ok("sync", "handoff")
        leads = w.leads()
        stale = [
            lead for lead in leads if "ページ閲覧 12回" not in (lead.get("notes") or "")
        ]
        keys = [lead["external_id"] for lead in leads]
        requests = w.requests()
        _report(
            "bulk edit",
            w,
            edited=edited["updated"],
            leads_before=before,
            leads_after=len(leads),
            stale=len(stale),
            requests=requests,
        )
        assert edited["updated"] == len(seeded) > 10_000
        assert len(leads) == len(seeded)  # now every contact qualifies
        assert len(set(keys)) == len(keys)
        assert stale == []


def test_requests_of_a_backfill_and_of_the_first_sync_after_it(tmp_path: Path):
    """Requests per 1,000 contacts with write-back; a no-change sync after it."""
    with world(tmp_path) as w:
        w.seed(1_000)
        w.cli_until_ok("setup", "hubspot")
        w.clear_logs()
        w.cli_until_ok("backfill", "handoff", *_SINCE)
        backfill = w.requests()
        handed = len(w.leads())
        time.sleep(1.0)
        w.clear_logs()
        w.cli_until_ok("sync", "handoff")
        first_sync = w.requests()
        _report(
            "requests",
            w,
            backfill_hubspot_per_1000_contacts=backfill[0],
            backfill_sfa=backfill[1],
            leads=handed,
            first_sync_hubspot=first_sync[0],
            first_sync_sfa=first_sync[1],
        )
        assert first_sync[0] <= 3
        assert first_sync[1] == 0
