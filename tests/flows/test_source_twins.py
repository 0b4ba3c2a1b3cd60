"""One person held twice by marketing: sales gets one lead with the newest values.

The two HubSpot contacts differ in email (so HubSpot keeps both) but share name,
company and phone, so the matcher links them to one person. Their page-view
counts differ, and the count travels in the lead's marketing context, so which
record was sent last is visible on the lead.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.flows.harness import Wired, WiredApp, make_project, sfa_leads

OLDER_MS = 1_700_000_000_000
NEWER_MS = OLDER_MS + 86_400_000
REPLAY_SINCE = datetime(2001, 1, 1, tzinfo=UTC)
"""Another backfill window: a full listing again, not a resumed one."""


def _project(folder: Path) -> Path:
    config = make_project(folder, batch_size=50)
    text = config.read_text(encoding="utf-8")
    text = text.replace(
        '"rejected_reason"]', '"rejected_reason", "hs_analytics_num_page_views"]'
    )
    text = text.replace(
        "lookback_seconds = 0", "lookback_seconds = 0\nlist_page_size = 10"
    )
    config.write_text(text, encoding="utf-8")
    with (folder / "mappings" / "qualification.toml").open("a") as rule:
        rule.write(
            '\n[[context]]\nfield = "hs_analytics_num_page_views"\n'
            'label = "閲覧"\nunit = "回"\n'
        )
    return config


@pytest.fixture
def wired() -> Wired:
    return Wired.build()


@pytest.fixture
def app(tmp_path: Path, wired: Wired) -> WiredApp:
    connector = WiredApp.open(_project(tmp_path), wired)
    connector.setup_hubspot()
    return connector


def _contact(wired: Wired, email: str, views: int, at_ms: int) -> str:
    return wired.hubspot.seed(
        "contacts",
        {
            "email": email,
            "firstname": "太郎",
            "lastname": "山田",
            "company": "株式会社アクメ",
            "phone": "03-1234-5678",
            "lifecyclestage": "marketingqualifiedlead",
            "hs_analytics_num_page_views": str(views),
        },
        at_ms=at_ms,
    )


def _filler(wired: Wired, count: int) -> None:
    for n in range(count):
        wired.hubspot.seed(
            "contacts",
            {
                "email": f"filler{n}@other{n}.co.jp",
                "firstname": f"名{n}",
                "lastname": f"別人{n:03d}",
                "company": f"株式会社別会社{n}",
                "lifecyclestage": "subscriber",
            },
            at_ms=OLDER_MS,
        )


def _contexts(wired: Wired) -> list[str]:
    return sorted(
        str(lead["marketing_context"])
        for lead in sfa_leads(wired.sfa)
        if lead.get("last_name") == "山田"
    )


@pytest.mark.parametrize("newer_first", [True, False])
def test_one_page_sends_the_newer_record_and_a_replay_keeps_it(
    app: WiredApp, wired: Wired, newer_first: bool
) -> None:
    """Either order in the page: one lead, the newer views, before and after replay."""
    records = [
        ("yamada.taro@gmail.com", 75, OLDER_MS),
        ("taro.yamada@acme.co.jp", 98, NEWER_MS),
    ]
    for email, views, at_ms in reversed(records) if newer_first else records:
        _contact(wired, email, views, at_ms)
    first = app.run("handoff", mode="backfill", since=None)
    assert first.counts["created"] == 1
    assert first.counts["duplicates_in_source"] == 1
    assert _contexts(wired) == ["閲覧 98回"]
    replay = app.run("handoff", mode="backfill", since=REPLAY_SINCE)
    assert replay.status == "ok"
    assert replay.counts["created"] + replay.counts["updated"] == 0
    assert _contexts(wired) == ["閲覧 98回"]


def test_an_older_twin_on_a_later_page_does_not_overwrite_the_lead(
    app: WiredApp, wired: Wired
) -> None:
    """A full pull lists by id: the newer record first, the older ten records on."""
    _contact(wired, "taro.yamada@acme.co.jp", 98, NEWER_MS)
    _filler(wired, 12)
    _contact(wired, "yamada.taro@gmail.com", 75, OLDER_MS)
    for since in (None, REPLAY_SINCE):  # the first run, then a replay of it
        summary = app.run("handoff", mode="backfill", since=since)
        assert summary.status == "ok"
        assert _contexts(wired) == ["閲覧 98回"]
    assert summary.counts["superseded_in_source"] == 1
    assert summary.counts["created"] + summary.counts["updated"] == 0


def test_a_newer_twin_on_a_later_page_updates_the_lead(
    app: WiredApp, wired: Wired
) -> None:
    """The other way round the newer values must reach sales."""
    _contact(wired, "yamada.taro@gmail.com", 75, OLDER_MS)
    _filler(wired, 12)
    _contact(wired, "taro.yamada@acme.co.jp", 98, NEWER_MS)
    summary = app.run("handoff", mode="backfill", since=None)
    assert summary.counts["created"] == 1
    assert summary.counts["updated"] == 1
    assert _contexts(wired) == ["閲覧 98回"]
    replay = app.run("handoff", mode="backfill", since=REPLAY_SINCE)
    assert replay.counts["created"] + replay.counts["updated"] == 0
    assert _contexts(wired) == ["閲覧 98回"]
