"""The /__admin side door: seeding, bulk edits, merges, ground truth, logs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fakes.hubspot import FakeHubSpot
from tests.fakes.hubspot.state import load_state, save_state


@pytest.fixture
def fake() -> FakeHubSpot:
    return FakeHubSpot(token="T")


@pytest.fixture
def admin(fake: FakeHubSpot) -> Iterator[httpx.Client]:
    """A client with no credentials: admin endpoints need none."""
    with httpx.Client(transport=fake.transport(), base_url="http://fake") as c:
        yield c


def _api(fake: FakeHubSpot) -> httpx.Client:
    return httpx.Client(
        transport=fake.transport(),
        base_url="http://fake",
        headers={"authorization": "Bearer T"},
    )


def test_seeded_contacts_show_in_state(admin: httpx.Client) -> None:
    """Contacts posted to /__admin/contacts appear in /__admin/state."""
    seeded = admin.post(
        "/__admin/contacts",
        json={"contacts": [{"email": "a@example.com"}, {"email": "b@example.com"}]},
    )
    assert seeded.status_code == 201
    ids = seeded.json()["ids"]
    state = admin.get("/__admin/state").json()
    rows = {r["id"]: r for r in state["objects"]["contacts"]}
    assert sorted(rows) == sorted(ids)
    assert rows[ids[0]]["properties"]["email"] == "a@example.com"
    assert rows[ids[0]]["archived"] is False


def test_seeding_validates_like_the_api(admin: httpx.Client) -> None:
    """A seeded contact with an unknown property is refused, not stored."""
    response = admin.post("/__admin/contacts", json={"contacts": [{"nope": "x"}]})
    assert response.status_code == 400
    assert admin.get("/__admin/state").json()["objects"]["contacts"] == []


def test_bulk_edit_gives_one_timestamp(fake: FakeHubSpot, admin: httpx.Client) -> None:
    """Bulk edit with same_timestamp sets one lastmodifieddate on every contact."""
    ids = [fake.seed("contacts", {"email": f"{n}@example.com"}) for n in range(5)]
    fake.clock.advance(60)
    response = admin.post(
        "/__admin/contacts/bulk-edit",
        json={"all": True, "properties": {"hs_lead_status": "OPEN"}},
    )
    assert response.json()["updated"] == 5
    stamps = {fake.get("contacts", i).properties["lastmodifieddate"] for i in ids}
    assert stamps == {response.json()["at"]}
    assert {fake.get("contacts", i).properties["hs_lead_status"] for i in ids} == {
        "OPEN"
    }


def test_bulk_edit_by_ids_without_same_timestamp(
    fake: FakeHubSpot, admin: httpx.Client
) -> None:
    """Listed ids only; ``same_timestamp: false`` gives each its own millisecond."""
    ids = [fake.seed("contacts", {"email": f"{n}@example.com"}) for n in range(3)]
    admin.post(
        "/__admin/contacts/bulk-edit",
        json={
            "ids": ids[:2],
            "properties": {"firstname": "X"},
            "same_timestamp": False,
        },
    )
    edited = [fake.get("contacts", i) for i in ids[:2]]
    assert edited[0].updated_ms != edited[1].updated_ms
    assert "firstname" not in fake.get("contacts", ids[2]).properties


def test_merge_redirects_old_ids(fake: FakeHubSpot, admin: httpx.Client) -> None:
    """An admin merge makes a new record; state maps both old ids to it."""
    first = fake.seed("contacts", {"email": "p@example.com"})
    second = fake.seed("contacts", {"email": "s@example.com"})
    merged = admin.post(
        "/__admin/merge", json={"primary": first, "secondary": second}
    ).json()
    assert merged["id"] not in (first, second)
    assert sorted(merged["mergedObjectIds"]) == sorted([first, second])
    state = admin.get("/__admin/state").json()
    assert state["merged"]["contacts"] == {first: merged["id"], second: merged["id"]}
    with _api(fake) as api:
        assert api.get(f"/crm/v3/objects/contacts/{first}").json()["id"] == merged["id"]


def test_request_log_and_clear(fake: FakeHubSpot, admin: httpx.Client) -> None:
    """API requests are logged with method, path, status; admin calls are not."""
    with _api(fake) as api:
        api.get("/crm/v3/objects/contacts")
        api.get("/crm/v3/objects/contacts/999")
    rows = admin.get("/__admin/requests").json()["requests"]
    assert [(r["method"], r["path"], r["status"]) for r in rows] == [
        ("GET", "/crm/v3/objects/contacts", 200),
        ("GET", "/crm/v3/objects/contacts/999", 404),
    ]
    admin.post("/__admin/requests/clear")
    assert admin.get("/__admin/requests").json()["requests"] == []


def test_events_seeded_are_served(fake: FakeHubSpot, admin: httpx.Client) -> None:
    """Seeded behavioural events come back from GET /events/v3/events."""
    contact = fake.seed("contacts", {"email": "e@example.com"})
    added = admin.post(
        "/__admin/events",
        json={
            "events": [
                {
                    "contactId": contact,
                    "eventType": "e_visited_page",
                    "occurredAt": "2026-05-01T10:00:00Z",
                    "properties": {"hs_url": "https://example.com/pricing"},
                }
            ]
        },
    )
    assert added.status_code == 201
    with _api(fake) as api:
        events = api.get(
            "/events/v3/events",
            params={"objectType": "contact", "objectId": contact},
        ).json()["results"]
    assert [e["properties"]["hs_url"] for e in events] == [
        "https://example.com/pricing"
    ]


def test_contract_violations_endpoint(fake: FakeHubSpot, admin: httpx.Client) -> None:
    """Violations are listed at /__admin/contract-violations and can be cleared."""
    with _api(fake) as api:
        api.post("/crm/v3/objects/contacts", json={"props": {}})
    listed = admin.get("/__admin/contract-violations").json()
    [row] = listed["violations"]
    assert row["model"] == "SimplePublicObjectInputForCreate"
    assert listed["responseViolations"] == []
    admin.post("/__admin/contract-violations/clear")
    assert admin.get("/__admin/contract-violations").json()["violations"] == []


def test_unknown_admin_route_is_404(admin: httpx.Client) -> None:
    """A mistyped admin path says so instead of doing nothing."""
    assert admin.post("/__admin/nothing").status_code == 404


def test_state_round_trips_through_a_file(fake: FakeHubSpot, tmp_path: Path) -> None:
    """Saved state loads into a new fake: records, merges, archive, next id."""
    kept = fake.seed("contacts", {"email": "k@example.com"})
    gone = fake.seed("contacts", {"email": "g@example.com"})
    fake.store.archive(fake.get("contacts", gone))
    merged = fake.store.merge(
        "contacts", kept, fake.seed("contacts", {"email": "m@example.com"})
    )
    path = tmp_path / "state.json"
    save_state(fake, path)
    again = FakeHubSpot(token="T")
    load_state(again, path)
    assert again.get("contacts", kept).id == merged.id
    assert again.get("contacts", gone).archived is True
    assert again.store.by_email("k@example.com") is not None
    assert int(again.seed("contacts", {"email": "n@example.com"})) > int(merged.id)
