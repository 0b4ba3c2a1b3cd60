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
from tests.e2e.world import Expected

pytestmark = pytest.mark.slow

_SINCE = ("--since", "2000-01-01")


def _report(name: str, **figures: object) -> None:
    line = " | ".join(f"{k} {v}" for k, v in figures.items())
    print(f"\n[e2e salesforce] {name}: {line}")


def _hand_off(w: SalesforceWorld, contacts: int) -> dict[str, dict[str, str]]:
    seeded = w.seed(contacts)
    # The one-time HubSpot setup is not what these scenarios are about, and
    # behind a faulty proxy its dozens of property creations would dominate
    # the run (over a minute with HubSpot's default backoff): no faults then.
    for proxy in w.proxies:
        proxy.pause()
    w.cli_until_ok("setup", "hubspot")
    for proxy in w.proxies:
        proxy.resume()
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
        linked = w.linked()
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


def test_merges_in_salesforce_keep_each_outcome_on_its_contact(tmp_path: Path) -> None:
    """A lead merged into a hand-typed twin, a contact merged into an older one.

    Only the merge ties the survivors to marketing's contacts (their e-mail
    addresses differ and neither carries ``Connector_Id__c``); queryAll shows
    the losers with ``MasterRecordId``. The survivors' outcomes still reach the
    right contacts, and a later change in HubSpot makes no second lead.
    """
    with salesforce_world(tmp_path) as w:
        seeded = _hand_off(w, 20)
        first, second = _qualified(seeded)[:2]
        lead = {str(r["Connector_Id__c"]): r for r in w.leads()}
        # 1. Sales typed the person in again, with a private address, and keeps
        #    that record: the connector's lead is merged into it, then won.
        twin = w.org(
            "POST",
            "seed",
            {
                "sobject": "Lead",
                "rows": [
                    {
                        "LastName": seeded[first]["lastname"],
                        "Company": seeded[first]["company"],
                        "Email": "typed.by.sales@example.jp",
                        "Status": "Working - Contacted",
                    }
                ],
            },
        )["ids"][0]
        w.org("POST", "merge", {"master_id": twin, "loser_ids": [lead[first]["Id"]]})
        opp = w.convert(twin)["opportunity_id"]
        assert opp is not None
        w.edit(opp, {"StageName": "Closed Won", "Amount": 4_200_000})
        w.expected[first] = Expected("won", amount_won="4200000")
        # 2. The second lead is converted; its contact is then merged into an
        #    older contact of the same account, which keeps the opportunity.
        made = w.convert(lead[second]["Id"])
        older = w.org(
            "POST",
            "seed",
            {
                "sobject": "Contact",
                "rows": [
                    {
                        "LastName": seeded[second]["lastname"],
                        "Email": "old.address@example.jp",
                        "AccountId": made["account_id"],
                    }
                ],
            },
        )["ids"][0]
        w.org("POST", "merge", {"master_id": older, "loser_ids": [made["contact_id"]]})
        assert made["opportunity_id"] is not None
        w.edit(
            made["opportunity_id"],
            {"StageName": "Closed Lost", "Loss_Reason__c": "予算不足"},
        )
        w.expected[second] = Expected("lost", loss_reason="予算不足")
        losers = {
            r["Id"]: r["MasterRecordId"]
            for sobject in ("Lead", "Contact")
            for r in w.records(sobject, deleted=True)
            if r["IsDeleted"]
        }
        assert losers == {lead[first]["Id"]: twin, made["contact_id"]: older}
        w.cli_until_ok("sync", "handoff")
        w.cli_until_ok("sync", "outcomes")
        wrong = w.outcome_mismatches()
        # Marketing changes both people: the handoff must update the survivors,
        # not upsert new leads for the merged-away one.
        w.hubspot(
            "POST",
            "/__admin/contacts/bulk-edit",
            {
                "ids": [first, second],
                "properties": {"hs_analytics_num_page_views": "15"},
            },
        )
        w.cli_until_ok("sync", "handoff")
        w.cli_until_ok("sync", "outcomes")
        wrong_after = w.outcome_mismatches()
        keys = [str(r["Connector_Id__c"]) for r in w.leads() if r["Connector_Id__c"]]
        contacts = w.contacts()
        _report(
            "merges",
            losers=len(losers),
            outcomes=f"{len(w.expected) - len(wrong)} of {len(w.expected)}",
            outcomes_after_edit=f"{len(w.expected) - len(wrong_after)}"
            f" of {len(w.expected)}",
            live_leads=len(w.leads()),
            duplicate_keys=len(keys) - len(set(keys)),
            hubspot_contacts=len(contacts),
            links={c: contacts[c].get("sfa_lead_id") for c in (first, second)},
        )
        assert wrong == []
        assert wrong_after == []
        assert len(keys) == len(set(keys))
        assert first not in keys  # its lead was merged away; no new one was made
        assert len(w.leads()) == len(_qualified(seeded))  # - LA + the twin
        assert len(contacts) == len(seeded)
        assert contacts[first].get("sfa_lead_id") in (twin, w.convert_of(twin))
        assert contacts[second].get("sfa_lead_id") in (lead[second]["Id"], older)


def _clean_snapshot(tmp_path: Path, contacts: int) -> dict[str, object]:
    with salesforce_world(tmp_path / "clean") as w:
        _full_loop(w, contacts)
        assert w.outcome_mismatches() == []
        return w.snapshot()


def test_faults_expired_sessions_and_the_api_limit_end_equal_to_a_clean_run(
    tmp_path: Path,
) -> None:
    """20 % network faults, short sessions, a spent daily allocation: same end.

    The proxies answer 5xx and 429 bursts, stall, and drop connections before
    and after the fake applied a write. Sessions last 3 s or 4 API calls,
    whichever ends first, so tokens expire in the middle of runs (401
    INVALID_SESSION_ID) on a fast machine too. Other integrations spend the
    org's daily allocation before the outcomes run (403 REQUEST_LIMIT_EXCEEDED):
    it stops, and once the window has moved on the admin runs it again, meeting
    two ConcurrentRequests 403s on the way.
    """
    clean = _clean_snapshot(tmp_path, 60)
    with salesforce_world(
        tmp_path / "faulty", faults=0.2, seed=7, session_seconds=3, session_requests=4
    ) as w:
        seeded = _hand_off(w, 60)
        w.work_leads()
        w.cli_until_ok("sync", "handoff")
        w.org("POST", "use-api", {"requests": 100_000})
        limited = w.cli("sync", "outcomes")
        waiting = len(w.outcome_mismatches())
        w.org("POST", "day-passes")
        concurrency = {"kind": "concurrency", "times": 2, "path": r"^/services/data/v"}
        w.org("POST", "inject", concurrency)
        w.cli_until_ok("sync", "outcomes")
        wrong = w.outcome_mismatches()
        final = w.snapshot()
        keys = [str(r["Connector_Id__c"]) for r in w.leads() if r["Connector_Id__c"]]
        statuses = w.statuses()
        faults = w.faults_injected()
        _report(
            "faults",
            proxy_faults=faults,
            expired_sessions_401=statuses.get(401, 0),
            limit_403=statuses.get(403, 0),
            limited_exit=limited.returncode,
            outcomes_missing_while_limited=waiting,
            outcomes=f"{len(w.expected) - len(wrong)} of {len(w.expected)}",
            leads=len(keys),
            duplicate_leads=len(keys) - len(set(keys)),
            equal_to_clean=final == clean,
        )
        assert faults >= 10
        assert statuses.get(401, 0) >= 1
        # A run stopped by the API allocation exits 0 (the CLI's contract) and
        # says so, naming the retry time; it wrote nothing half-way.
        assert limited.returncode == 0
        assert "status: stopped" in limited.stdout
        assert "REQUEST_LIMIT_EXCEEDED" in limited.stdout
        assert waiting == len(w.expected)
        assert wrong == []
        assert sorted(keys) == _qualified(seeded)
        assert final == clean


def test_a_backfill_killed_mid_push_and_rerun_makes_no_duplicate_lead(
    tmp_path: Path,
) -> None:
    """Kill -9 between a page's upserts and their write-back, rerun: one lead each.

    Every HubSpot answer takes 0.4-0.8 s and Salesforce answers at once. The
    CLI is killed the moment Salesforce holds leads marketing has not heard
    of: the upserts happened, the run never committed them. Each rerun
    resumes from the last committed page, upserts that page again (by
    ``Connector_Id__c``, so no second lead) and moves on.
    """
    slow = {"faults": 1.0, "kinds": ["slow"], "slow_range": (0.4, 0.8)}
    with salesforce_world(tmp_path, **slow) as w:  # type: ignore[arg-type]
        hubspot, salesforce = w.proxies
        salesforce.pause()
        seeded = w.seed(300)
        qualified = _qualified(seeded)
        hubspot.pause()
        w.cli_until_ok("setup", "hubspot")
        hubspot.resume()

        seen: list[tuple[int, int]] = []

        def unheard_leads() -> bool:
            leads, heard = len(w.leads()), len(w.linked())
            if leads > heard:
                seen.append((leads, heard))
            return leads > heard

        codes, after_kill = [], []
        for _ in range(3):
            codes.append(
                w.cli_killed_when(unheard_leads, "backfill", "handoff", *_SINCE)
            )
            # A write-back already on the wire may still land after the kill.
            after_kill.append((len(w.leads()), len(w.linked())))
        w.cli_until_ok("backfill", "handoff", *_SINCE)
        keys = [str(r["Connector_Id__c"]) for r in w.leads()]
        linked = w.linked()
        hubspot.pause()
        w.work_leads()
        w.cli_until_ok("sync", "handoff")
        w.cli_until_ok("sync", "outcomes")
        wrong = w.outcome_mismatches()
        _report(
            "kill -9",
            killed=sum(code == -9 for code in codes),
            leads_and_heard_at_each_kill=seen,
            leads_and_heard_after_each_kill=after_kill,
            leads=len(keys),
            qualified=len(qualified),
            linked=len(linked),
            duplicate_leads=len(keys) - len(set(keys)),
            outcomes=f"{len(w.expected) - len(wrong)} of {len(w.expected)}",
        )
        assert codes == [-9, -9, -9]  # each kill landed inside a page's push
        assert len(seen) == 3
        assert sorted(keys) == qualified
        assert linked == qualified
        assert wrong == []
