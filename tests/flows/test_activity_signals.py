"""Buying signals counted from HubSpot's events, which are not contact properties."""

from __future__ import annotations

import time
from pathlib import Path

from tests.flows.harness import Wired, WiredApp, make_project, sfa_leads

_RULE = """
required = ["email", "last_name", "company"]

[[any_of]]
field = "pricing_page_views"
op = ">="
value = 1
label = "料金ページ閲覧"

[[context]]
field = "pricing_page_views"
label = "料金ページ閲覧"
unit = "回"

[[activities]]
name = "pricing_page_views"
kind = "page_view"
url_contains = ["/pricing"]
"""


def test_pricing_page_visits_are_counted_from_page_view_events(tmp_path: Path):
    """Two pricing-page views qualify a contact; a blog view does not."""
    config = make_project(tmp_path)
    (tmp_path / "mappings" / "qualification.toml").write_text(_RULE, encoding="utf-8")
    wired = Wired.build()
    app = WiredApp.open(config, wired)
    app.setup_hubspot()
    now_ms = int(time.time() * 1000)  # the flow asks for the last 90 days of now
    ids = []
    for n in range(2):
        ids.append(
            wired.hubspot.seed(
                "contacts",
                {
                    "email": f"e{n}@example.co.jp",
                    "lastname": f"姓{n}",
                    "company": "株式会社テスト",
                    "lifecyclestage": "marketingqualifiedlead",
                },
            )
        )
    for url in ("https://example.co.jp/pricing", "https://example.co.jp/pricing#plans"):
        wired.hubspot.add_event(ids[0], "e_visited_page", now_ms - 60_000, hs_url=url)
    wired.hubspot.add_event(
        ids[1], "e_visited_page", now_ms - 60_000, hs_url="https://example.co.jp/blog"
    )
    summary = app.run("handoff")
    leads = list(sfa_leads(wired.sfa))
    assert [lead["email"] for lead in leads] == ["e0@example.co.jp"]
    assert "料金ページ閲覧 2回" in leads[0]["marketing_context"]
    assert summary.counts["activities_read"] == 2
    app.close()
