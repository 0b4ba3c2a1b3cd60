"""Flows against the HubSpot and REST SFA fakes: idempotence, dry runs, echoes.

The fakes record every request, so "nothing changed" is counted, not assumed.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from connector.store import schema
from tests.flows.harness import Wired, WiredApp, make_project, seed_contacts, sfa_leads


class Writes:
    """Counts records written per system by reading request bodies."""

    def __init__(self, wired: Wired) -> None:
        self.counts: Counter[str] = Counter()
        inner_ma, inner_sfa = wired.ma_handler, wired.sfa_handler

        def ma(request: httpx.Request) -> httpx.Response:
            path = request.url.path
            if request.method in ("POST", "PATCH") and "/objects/" in path:
                body = json.loads(request.content or b"{}")
                if path.endswith(("/batch/update", "/batch/create", "/batch/upsert")):
                    self.counts["ma"] += len(body.get("inputs", []))
                elif not path.endswith(("/search", "/batch/read")):
                    self.counts["ma"] += 1
            return inner_ma(request)

        def sfa(request: httpx.Request) -> httpx.Response:
            if request.method in ("POST", "PATCH", "PUT"):
                body = json.loads(request.content or b"{}")
                is_batch = request.url.path.endswith("/batch")
                self.counts["sfa"] += len(body["records"]) if is_batch else 1
            return inner_sfa(request)

        wired.ma_handler, wired.sfa_handler = ma, sfa

    def total(self) -> int:
        return sum(self.counts.values())


@pytest.fixture
def wired() -> Wired:
    """Fresh fakes on one clock."""
    return Wired.build()


@pytest.fixture
def app(tmp_path: Path, wired: Wired) -> WiredApp:
    """An app on the fakes with the connector's HubSpot properties set up."""
    connector = WiredApp.open(make_project(tmp_path, batch_size=20), wired)
    connector.setup_hubspot()
    return connector


def _dump(app: WiredApp) -> dict[str, list[tuple[Any, ...]]]:
    with app.store.read() as conn:
        return {
            name: sorted(
                (tuple(map(str, row)) for row in conn.execute(select(table))),
            )
            for name, table in schema.metadata.tables.items()
        }


def test_second_run_and_window_replay_write_nothing(
    app: WiredApp, wired: Wired
) -> None:
    """After a backfill, syncs and a replayed backfill window send no writes."""
    writes = Writes(wired)
    seed_contacts(wired.hubspot, 60)
    for flow in ("handoff", "outcomes"):
        assert app.run(flow, mode="backfill").status == "ok"
    first = writes.total()
    assert writes.counts == {"sfa": 60, "ma": 120}  # leads, id write-back, outcome
    for flow in ("handoff", "outcomes", "handoff", "outcomes"):
        assert app.run(flow).status == "ok"
    for flow in ("handoff", "outcomes"):
        summary = app.run(flow, mode="backfill", since=None)
        assert summary.status == "ok"
    assert writes.total() == first
    assert len(list(sfa_leads(wired.sfa))) == 60


def test_dry_run_writes_nothing_and_shows_samples(app: WiredApp, wired: Wired) -> None:
    """A dry run sends no writes, leaves the state store as it was and has samples."""
    writes = Writes(wired)
    seed_contacts(wired.hubspot, 15)
    wired.clock.advance(1)  # seeded before the backfill began, not while it ran
    before = _dump(app)
    summary = app.run("handoff", mode="backfill", dry_run=True)
    assert summary.counts["would_create"] == 15
    assert 0 < len(summary.samples) <= 10
    changes: Any = summary.samples[0]["changes"]
    assert changes["email"]["to"].endswith(".co.jp")
    assert writes.total() == 0
    assert _dump(app) == before
    assert list(sfa_leads(wired.sfa)) == []


def test_an_hour_of_two_way_edits_makes_no_echo_writes(
    app: WiredApp, wired: Wired
) -> None:
    """Every write at the fakes is explained by a real change on the other side."""
    writes = Writes(wired)
    rng = random.Random(5)
    emails = seed_contacts(wired.hubspot, 20)
    expected = Counter({"sfa": 20, "ma": 40})  # lead + id write-back + first outcome
    forward = {"新規": "アポ獲得", "アポ獲得": "提案", "提案": "受注"}
    for step in range(12):  # five minutes each
        wired.clock.advance(300)
        for _ in range(3):
            contact = wired.hubspot.get("contacts", rng.choice(list(emails.values())))
            # Marketing renames: no field of theirs is synced, so no write.
            wired.hubspot.store.update(contact, {"firstname": f"改名{step}"})
        if step % 3 == 1:
            email = f"new{step}@company.co.jp"
            emails[email] = wired.hubspot.seed(
                "contacts",
                {
                    "email": email,
                    "firstname": "新",
                    "lastname": f"規{step}",
                    "company": "株式会社ニュー",
                    "lifecyclestage": "marketingqualifiedlead",
                },
            )
            expected.update({"sfa": 1, "ma": 2})
        leads = [lead for lead in sfa_leads(wired.sfa) if lead["status"] in forward]
        for lead in rng.sample(leads, min(2, len(leads))):
            lead["status"] = forward[lead["status"]]
            lead["updated"] = wired.clock.now
            expected["ma"] += 1
        for flow in ("handoff", "outcomes"):
            assert app.run(flow).status == "ok", flow
    assert writes.counts == expected
