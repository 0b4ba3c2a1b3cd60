"""The fake's own answers follow HubSpot's generated response models."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.fakes.hubspot import FakeHubSpot
from tests.fakes.hubspot.responses import check_response, response_model


def _calls(a: str, b: str, d: str) -> list[tuple[str, str, Any]]:
    assoc = "/crm/v4/associations/deals/contacts/batch"
    link = {"from": {"id": d}, "to": {"id": b}}
    return [
        ("GET", "/crm/v3/objects/contacts?limit=1", None),
        ("GET", f"/crm/objects/2026-03/contacts/{a}", None),
        ("POST", "/crm/v3/objects/contacts", {"properties": {"email": "c@x.io"}}),
        ("PATCH", f"/crm/v3/objects/contacts/{a}", {"properties": {"firstname": "A"}}),
        ("POST", "/crm/v3/objects/contacts/search", {"limit": 1}),
        (
            "POST",
            "/crm/v3/objects/contacts/batch/read",
            {"inputs": [{"id": a}, {"id": "9"}], "properties": ["email"]},
        ),
        (
            "POST",
            "/crm/v3/objects/contacts/batch/upsert",
            {"inputs": [{"id": "n@x.io", "idProperty": "email", "properties": {}}]},
        ),
        (
            "POST",
            "/crm/v3/objects/contacts/batch/create",
            {
                "inputs": [
                    {"properties": {"email": "q@x.io"}, "objectWriteTraceId": "1"},
                    {"properties": {"email": "a@x.io"}, "objectWriteTraceId": "2"},
                ]
            },
        ),
        ("POST", "/crm/v3/objects/contacts/batch/create", {"inputs": [{}]}),
        ("GET", "/crm/v3/properties/contacts", None),
        ("GET", "/crm/v3/properties/contacts/email", None),
        ("POST", "/crm/v3/properties/contacts/groups", {"name": "g", "label": "G"}),
        ("GET", "/crm/v3/properties/contacts/groups", None),
        (
            "POST",
            "/crm/v3/properties/contacts",
            {
                "name": "p",
                "label": "P",
                "type": "string",
                "fieldType": "text",
                "groupName": "g",
            },
        ),
        ("GET", "/crm/v3/pipelines/deals", None),
        ("GET", "/crm/v3/pipelines/deals/default/stages", None),
        ("POST", f"{assoc}/read", {"inputs": [{"id": d}]}),
        ("POST", f"{assoc}/associate/default", {"inputs": [link]}),
        (
            "POST",
            f"{assoc}/create",
            {
                "inputs": [
                    {
                        **link,
                        "types": [
                            {
                                "associationCategory": "HUBSPOT_DEFINED",
                                "associationTypeId": 3,
                            }
                        ],
                    }
                ]
            },
        ),
        ("GET", f"/events/v3/events?objectType=contact&objectId={a}", None),
        (
            "GET",
            f"/marketing/v3/marketing-events/participations/contacts/{a}/breakdown",
            None,
        ),
        ("GET", "/crm/v3/schemas", None),
        (
            "POST",
            "/crm/v3/objects/contacts/merge",
            {"primaryObjectId": a, "objectIdToMerge": b},
        ),
        ("DELETE", f"/crm/v3/objects/deals/{d}", None),
        ("GET", "/crm/v3/objects/contacts/424242", None),
    ]


def test_every_route_answers_in_hubspot_shapes() -> None:
    """A tour of every route the fake serves draws no response violation."""
    fake = FakeHubSpot()
    a = fake.seed("contacts", {"email": "a@x.io", "lifecyclestage": "lead"})
    b = fake.seed("contacts", {"email": "b@x.io"})
    d = fake.seed("deals", {"dealname": "D", "dealstage": "closedwon"})
    fake.link(fake.get("deals", d), fake.get("contacts", a))
    fake.add_event(a, "e_visited_page", 1_777_593_600_000, hs_url="u")
    fake.add_participation(a, "Webinar", 1_777_593_600_000)
    statuses = []
    with httpx.Client(
        transport=fake.transport(),
        base_url="https://api.hubapi.com",
        headers={"authorization": f"Bearer {fake.token}"},
    ) as client:
        for method, path, body in _calls(a, b, d):
            kwargs = {} if body is None else {"json": body}
            statuses.append(client.request(method, path, **kwargs).status_code)
    assert {200, 201, 204, 207, 400, 404} <= set(statuses)
    assert [v.as_dict() for v in fake.response_violations] == []
    assert fake.contract_violations[0].path.endswith("/batch/create")


def test_association_read_ids_must_be_strings() -> None:
    """A numeric ``toObjectId`` (the fake's old answer) breaks the v4 model."""
    body = {
        "status": "COMPLETE",
        "startedAt": "2026-05-01T00:00:00.000Z",
        "completedAt": "2026-05-01T00:00:00.000Z",
        "results": [
            {"from": {"id": "1"}, "to": [{"toObjectId": 2, "associationTypes": []}]}
        ],
    }
    path = "/crm/v4/associations/deals/contacts/batch/read"
    model, problems = check_response("POST", path, 200, json.dumps(body).encode())
    assert model == "BatchResponsePublicAssociationMultiWithLabel"
    assert problems == ["$.results[0].to[0].toObjectId: expected string, got number 2"]


def test_batch_envelope_needs_timestamps() -> None:
    """A batch answer without ``startedAt``/``completedAt`` is reported."""
    body = json.dumps({"status": "COMPLETE", "results": []}).encode()
    _, problems = check_response(
        "POST", "/crm/v3/objects/contacts/batch/read", 200, body
    )
    assert problems
    assert "['completedAt', 'startedAt']" in problems[0]


def test_null_property_values_are_allowed_in_answers() -> None:
    """HubSpot answers a requested but empty property with null; that is fine."""
    body = {
        "id": "1",
        "properties": {"firstname": None},
        "createdAt": "2026-05-01T00:00:00.000Z",
        "updatedAt": "2026-05-01T00:00:00.000Z",
        "archived": False,
    }
    path = "/crm/v3/objects/contacts/1"
    assert check_response("GET", path, 200, json.dumps(body).encode())[1] == []


def test_error_bodies_and_rate_limit_bodies() -> None:
    """Errors follow ``Error`` (plus ``status``); 429s carry exactly HubSpot's keys."""
    error = {"status": "error", "message": "m", "correlationId": "c", "category": "X"}
    path = "/crm/v3/objects/contacts"
    assert check_response("GET", path, 400, json.dumps(error).encode())[1] == []
    _, problems = check_response(
        "GET", path, 400, json.dumps({"message": "m"}).encode()
    )
    assert problems
    assert check_response("GET", path, 429, json.dumps(error).encode())[1]


def test_204_must_be_empty_and_unmodelled_routes_are_skipped() -> None:
    """A 204 with a body is reported; account-info has no model to check."""
    assert check_response("DELETE", "/crm/v3/objects/contacts/1", 204, b"{}")[1]
    usage = "/account-info/v3/api-usage/daily/private-apps"
    assert response_model("GET", usage, 200) is None


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/crm/v3/objects/contacts", 200),
        ("GET", "/crm/objects/2026-03/contacts/1", 200),
        ("POST", "/crm/v3/objects/deals", 201),
        ("PATCH", "/crm/v3/objects/deals/1", 200),
        ("POST", "/crm/v3/objects/contacts/search", 200),
        ("POST", "/crm/v3/objects/contacts/merge", 200),
        ("POST", "/crm/v3/objects/contacts/batch/read", 207),
        ("POST", "/crm/v3/objects/contacts/batch/upsert", 200),
        ("POST", "/crm/v3/objects/contacts/batch/upsert", 207),
        ("POST", "/crm/v3/objects/contacts/batch/update", 200),
        ("GET", "/crm/v3/properties/contacts", 200),
        ("GET", "/crm/v3/properties/contacts/email", 200),
        ("POST", "/crm/v3/properties/contacts/groups", 201),
        ("GET", "/crm/v3/pipelines/deals/default", 200),
        ("POST", "/crm/v4/associations/deals/contacts/batch/read", 207),
        ("POST", "/crm/v4/associations/deals/contacts/batch/associate/default", 200),
        ("GET", "/events/v3/events", 200),
    ],
)
def test_response_models_agree_with_the_package_api(
    method: str, path: str, status: int
) -> None:
    """Each hand-mapped answer model is what the package's API method expects."""
    from tests.fakes.hubspot.api_index import endpoint_for

    endpoint = endpoint_for(method, path)
    found = response_model(method, path, status)
    assert endpoint is not None
    assert found is not None
    expected = dict(endpoint.responses)
    # Where the package lists one success model, it stands for 200 and 201.
    assert found[1] == expected.get(status, next(iter(expected.values())))
