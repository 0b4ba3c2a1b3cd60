"""Dead letters: retried on later runs, released on success, parked at the limit.

A person handles parked ones with ``connector dlq list/retry/drop``.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from adapters.protocol import Record
from connector.cli import main
from connector.flows.records_io import (
    MAX_KEPT_CHARS,
    record_from_payload,
    record_payload,
)
from connector.store import schema
from tests.flows.harness import Wired, WiredApp, make_project, seed_contacts, sfa_leads


class Picky:
    """The SFA refuses leads with a blocked email (a validation rule sales set)."""

    def __init__(self, wired: Wired) -> None:
        self.blocked: set[str] = set()
        inner = wired.sfa_handler

        def handle(request: httpx.Request) -> httpx.Response:
            body = request.content.decode() if request.content else ""
            if request.method != "GET" and any(b in body for b in self.blocked):
                return httpx.Response(
                    400, json={"success": False, "errors": [{"code": "BLOCKED"}]}
                )
            return inner(request)

        wired.sfa_handler = handle


def _later(app: WiredApp) -> None:
    """Let the dead letters' backoff pass (the store's own clock is real time)."""
    with app.store.transaction() as conn:
        conn.execute(
            update(schema.dead_letters).values(
                next_attempt_at=datetime.now(UTC) - timedelta(seconds=1)
            )
        )


def _dlq(config: Path, capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    capsys.readouterr()
    assert main(["--config", str(config), "dlq", *args]) == 0
    out = capsys.readouterr().out
    if args[0] == "list":
        return [json.loads(line) for line in out.splitlines() if line.strip()]
    return out


def test_retry_release_park_and_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A refused lead is retried, parked after 3 tries, retried by hand, then syncs."""
    config = make_project(tmp_path, batch_size=10, max_attempts=3, upsert=False)
    wired = Wired.build()
    picky = Picky(wired)
    app = WiredApp.open(config, wired)
    app.setup_hubspot()
    emails = seed_contacts(wired.hubspot, 12)
    bad = sorted(emails)[3]
    picky.blocked = {bad}

    first = app.run("handoff")
    assert first.status == "partial"
    letters = _dlq(config, capsys, "list", "--json")
    assert [(d["record_key"], d["attempts"], d["status"]) for d in letters] == [
        (f"ma:{emails[bad]}", 1, "pending")
    ]
    assert "SFA refused the lead" in letters[0]["error"]
    assert "400" in letters[0]["error"]
    assert len(list(sfa_leads(wired.sfa))) == 11

    assert app.run("handoff").counts["retried"] == 0  # not due yet
    (letter,) = _dlq(config, capsys, "list", "--json")
    while letter["status"] == "pending":
        _later(app)
        summary = app.run("handoff")
        assert summary.counts["retried"] == 1
        tries = letter["attempts"]
        (letter,) = _dlq(config, capsys, "list", "--json")
        assert letter["attempts"] == tries + 1  # one attempt per run
    assert letter["attempts"] == 3
    _later(app)
    assert app.run("handoff").counts["retried"] == 0  # parked: waits for a human
    assert _dlq(config, capsys, "list", "--json")[0]["status"] == "parked"

    picky.blocked = set()
    assert "1 dead letter(s)" in _dlq(config, capsys, "retry", str(letter["id"]))
    summary = app.run("handoff")
    assert summary.counts["retried"] == 1
    assert summary.status == "ok"
    assert _dlq(config, capsys, "list", "--json") == []
    assert {lead["email"] for lead in sfa_leads(wired.sfa)} == set(emails)
    contact = wired.hubspot.get("contacts", emails[bad])
    assert contact.properties.get("sfa_lead_id")

    other = "blocked@company.co.jp"
    picky.blocked = {other}
    wired.clock.advance(60)
    other_id = wired.hubspot.seed(
        "contacts",
        {
            "email": other,
            "lastname": "別",
            "company": "株式会社ブロック",
            "lifecyclestage": "marketingqualifiedlead",
        },
    )
    assert app.run("handoff").status == "partial"
    (letter,) = _dlq(config, capsys, "list", "--json")
    assert letter["record_key"] == f"ma:{other_id}"
    assert "1 dead letter(s) dropped" in _dlq(config, capsys, "drop", str(letter["id"]))
    assert _dlq(config, capsys, "list", "--json") == []
    app.close()


def test_a_huge_field_is_kept_cut_and_the_record_is_not_replayed() -> None:
    """A 10 MB cell costs kilobytes in the store, and is never replayed cut."""
    record = Record(
        system="ma",
        entity="persons",
        id="1",
        fields={"email": "a@example.jp", "notes": "x" * 10_000_000},
    )
    payload = record_payload(record)
    kept = payload["record"]["fields"]
    assert kept["email"] == "a@example.jp"
    assert len(kept["notes"]) < 3_000
    assert "10,000,000 characters" in kept["notes"]
    assert payload["cut_fields"] == {"notes": 10_000_000}
    assert record_from_payload(payload) is None
    small = record_payload(replace(record, fields={"notes": "x" * MAX_KEPT_CHARS}))
    assert record_from_payload(small) is not None
