"""Handoff context: key page views, forms, webinars, and the analytics fallback."""

from __future__ import annotations

from datetime import UTC, datetime

from structlog.testing import capture_logs

from tests.adapters.hubspot.conftest import TOKEN
from tests.fakes.hubspot import FakeHubSpot

SINCE = datetime(2026, 4, 1, tzinfo=UTC)
MS = 1_776_000_000_000  # 2026-04-12


def test_activities_keep_key_page_views_forms_and_webinars(fake, adapter):
    """Pricing views, form submissions and webinars come back; other pages do not."""
    cid = fake.seed("contacts", {"email": "h@example.com"})
    fake.add_event(cid, "e_visited_page", MS, hs_url="https://x.jp/pricing")
    fake.add_event(cid, "e_visited_page", MS + 1, hs_url="https://x.jp/blog/1")
    fake.add_event(cid, "e_submitted_form", MS + 2, hs_form_title="Demo request")
    fake.add_participation(cid, "Spring webinar", MS + 3)
    fake.add_event(
        cid, "e_visited_page", 1_700_000_000_000, hs_url="https://x.jp/pricing"
    )
    activities = adapter.activities_for(cid, SINCE)
    assert [a.kind for a in activities] == ["page_view", "form_submission", "webinar"]
    assert activities[0].url == "https://x.jp/pricing"
    assert activities[1].title == "Demo request"
    assert activities[2].title == "Spring webinar"
    assert all(a.person.id == cid for a in activities)


def test_unavailable_events_fall_back_to_analytics_and_log_once(clock, make_adapter):
    """A 403 on events is logged once; analytics properties fill in."""
    fake = FakeHubSpot(
        token=TOKEN, clock=clock, unavailable=frozenset({"events", "participations"})
    )
    adapter = make_adapter(fake)
    ids = [
        fake.seed(
            "contacts",
            {
                "email": f"f{i}@example.com",
                "recent_conversion_event_name": "Whitepaper download",
                "recent_conversion_date": str(MS),
                "hs_analytics_num_page_views": "7",
            },
        )
        for i in range(3)
    ]
    with capture_logs() as logs:
        results = [adapter.activities_for(cid, SINCE) for cid in ids]
    warnings = [
        e for e in logs if e["event"] == "hubspot_activity_endpoint_unavailable"
    ]
    assert len(warnings) == 2  # events and marketing events, once each
    for activities in results:
        kinds = {a.kind for a in activities}
        assert kinds == {"form_submission", "page_views_summary"}
        assert all(a.attributes["fallback"] for a in activities)
    event_calls = [e for e in fake.log if e.path.startswith("/events/")]
    assert len(event_calls) == 1
