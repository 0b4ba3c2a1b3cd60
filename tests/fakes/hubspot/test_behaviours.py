"""Unconfirmed HubSpot behaviours are switchable; confirmed ones match the facts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.fakes.hubspot import FakeHubSpot
from tests.fakes.hubspot.errors import BATCH_LIMIT_MESSAGE

BATCH = "/crm/v3/objects/contacts/batch"


def _client(fake: FakeHubSpot) -> httpx.Client:
    return httpx.Client(
        transport=fake.transport(),
        base_url="https://api.hubapi.com",
        headers={"authorization": f"Bearer {fake.token}"},
    )


@pytest.fixture
def fake() -> FakeHubSpot:
    return FakeHubSpot()


@pytest.fixture
def client(fake: FakeHubSpot) -> Iterator[httpx.Client]:
    with _client(fake) as c:
        yield c


def _problems(response: httpx.Response) -> list[dict[str, Any]]:
    """The list inside a "Property values were not valid: [...]" message."""
    body = response.json()
    assert body["status"] == "error"
    assert body["category"] == "VALIDATION_ERROR"
    prefix = "Property values were not valid: "
    assert body["message"].startswith(prefix)
    problems: list[dict[str, Any]] = json.loads(body["message"][len(prefix) :])
    return problems


@pytest.mark.parametrize(("mode", "echoed"), [("echo", True), ("omit", False)])
def test_trace_id_echo_is_switchable(mode: str, echoed: bool) -> None:
    """``trace_echo`` decides whether batch update results carry the trace id."""
    fake = FakeHubSpot(trace_echo=mode)  # type: ignore[arg-type]
    record = fake.seed("contacts", {"email": "t@example.com"})
    with _client(fake) as c:
        response = c.post(
            f"{BATCH}/update",
            json={
                "inputs": [
                    {
                        "id": record,
                        "properties": {"firstname": "T"},
                        "objectWriteTraceId": "trace-1",
                    }
                ]
            },
        )
    assert response.status_code == 200
    [result] = response.json()["results"]
    assert ("objectWriteTraceId" in result) is echoed


@pytest.mark.parametrize("retry_after", [True, False])
def test_retry_after_on_burst_429_is_switchable(retry_after: bool) -> None:
    """The burst 429 has a ``Retry-After`` header only when asked for."""
    fake = FakeHubSpot(burst_limit=1, retry_after=retry_after)
    with _client(fake) as c:
        assert c.get("/crm/v3/objects/contacts").status_code == 200
        refused = c.get("/crm/v3/objects/contacts")
    assert refused.status_code == 429
    assert refused.json()["policyName"] == "TEN_SECONDLY_ROLLING"
    assert ("retry-after" in refused.headers) is retry_after


def _customer(fake: FakeHubSpot) -> str:
    return fake.seed(
        "contacts", {"email": "c@example.com", "lifecyclestage": "customer"}
    )


def test_backward_lifecycle_ignored_by_default(
    fake: FakeHubSpot, client: httpx.Client
) -> None:
    """Default: customer -> lead answers 200 and the stage stays customer."""
    record = _customer(fake)
    path = f"/crm/v3/objects/contacts/{record}"
    response = client.patch(path, json={"properties": {"lifecyclestage": "lead"}})
    assert response.status_code == 200
    assert fake.get("contacts", record).properties["lifecyclestage"] == "customer"
    client.patch(path, json={"properties": {"lifecyclestage": ""}})
    client.patch(path, json={"properties": {"lifecyclestage": "lead"}})
    assert fake.get("contacts", record).properties["lifecyclestage"] == "lead"


def test_backward_lifecycle_error_mode_refuses() -> None:
    """``lifecycle_policy="error"``: 400 VALIDATION_ERROR; clearing first works."""
    fake = FakeHubSpot(lifecycle_policy="error")
    record = _customer(fake)
    path = f"/crm/v3/objects/contacts/{record}"
    with _client(fake) as c:
        refused = c.patch(path, json={"properties": {"lifecyclestage": "lead"}})
        assert refused.status_code == 400
        [problem] = _problems(refused)
        assert problem["name"] == "lifecyclestage"
        assert c.patch(path, json={"properties": {"lifecyclestage": ""}}).is_success
        assert c.patch(path, json={"properties": {"lifecyclestage": "lead"}}).is_success
    assert fake.get("contacts", record).properties["lifecyclestage"] == "lead"


def test_backward_lifecycle_error_mode_refuses_whole_batch() -> None:
    """In ``error`` mode one backward input fails the batch; nothing is written."""
    fake = FakeHubSpot(lifecycle_policy="error")
    record = _customer(fake)
    other = fake.seed("contacts", {"email": "o@example.com"})
    with _client(fake) as c:
        response = c.post(
            f"{BATCH}/update",
            json={
                "inputs": [
                    {"id": other, "properties": {"firstname": "O"}},
                    {"id": record, "properties": {"lifecyclestage": "lead"}},
                ]
            },
        )
    assert response.status_code == 400
    assert "firstname" not in fake.get("contacts", other).properties


def test_value_outside_enumeration_is_invalid_option(
    fake: FakeHubSpot, client: httpx.Client
) -> None:
    """An enumeration value that is not an option: 400 with INVALID_OPTION."""
    record = fake.seed("contacts", {"email": "e@example.com"})
    response = client.patch(
        f"/crm/v3/objects/contacts/{record}",
        json={"properties": {"hs_lead_status": "HOT"}},
    )
    assert response.status_code == 400
    [problem] = _problems(response)
    assert problem == {
        "isValid": False,
        "message": problem["message"],
        "error": "INVALID_OPTION",
        "name": "hs_lead_status",
    }
    assert "HOT was not one of the allowed options" in problem["message"]


def test_unknown_property_is_property_doesnt_exist(client: httpx.Client) -> None:
    """Writing a property the portal lacks: 400 with PROPERTY_DOESNT_EXIST."""
    response = client.post(
        "/crm/v3/objects/contacts",
        json={"properties": {"email": "u@example.com", "favourite_colour": "red"}},
    )
    assert response.status_code == 400
    [problem] = _problems(response)
    assert problem["error"] == "PROPERTY_DOESNT_EXIST"
    assert problem["name"] == "favourite_colour"


@pytest.mark.parametrize("action", ["update", "read", "upsert"])
def test_duplicate_ids_refuse_the_batch(
    fake: FakeHubSpot, client: httpx.Client, action: str
) -> None:
    """The same id twice in one batch: 400 "Duplicate IDs found in batch input"."""
    record = fake.seed("contacts", {"email": "d@example.com"})
    if action == "read":
        body: dict[str, Any] = {
            "inputs": [{"id": record}, {"id": record}],
            "properties": ["email"],
        }
    elif action == "update":
        item = {"id": record, "properties": {"firstname": "D"}}
        body = {"inputs": [item, item]}
    else:
        item = {"id": "d@example.com", "idProperty": "email", "properties": {}}
        body = {"inputs": [item, item]}
    response = client.post(f"{BATCH}/{action}", json=body)
    assert response.status_code == 400
    error = response.json()
    key = "d@example.com" if action == "upsert" else record
    assert error["message"] == (
        f"Duplicate IDs found in batch input: [{key}]. IDs must be unique"
    )
    assert error["category"] == "VALIDATION_ERROR"
    assert error["context"] == {"ids": [key]}
    assert "firstname" not in fake.get("contacts", record).properties


@pytest.mark.parametrize("action", ["create", "update", "read", "archive"])
def test_more_than_100_inputs_is_refused(client: httpx.Client, action: str) -> None:
    """101 inputs: 400 VALIDATION_ERROR with HubSpot's batch-limit message."""
    if action == "create":
        inputs: list[dict[str, Any]] = [
            {"properties": {"email": f"{i}@example.com"}} for i in range(101)
        ]
    elif action == "update":
        inputs = [{"id": str(i), "properties": {}} for i in range(101)]
    else:
        inputs = [{"id": str(i)} for i in range(101)]
    body: dict[str, Any] = {"inputs": inputs}
    if action == "read":
        body["properties"] = ["email"]
    response = client.post(f"{BATCH}/{action}", json=body)
    assert response.status_code == 400
    assert response.json()["message"] == BATCH_LIMIT_MESSAGE
    assert response.json()["category"] == "VALIDATION_ERROR"


def _one_bad_update(fake: FakeHubSpot, traced: bool) -> tuple[httpx.Response, str]:
    good = fake.seed("contacts", {"email": "g@example.com"})
    bad = fake.seed("contacts", {"email": "b@example.com"})
    inputs: list[dict[str, Any]] = [
        {"id": good, "properties": {"firstname": "G"}},
        {"id": bad, "properties": {"no_such_property": "x"}},
    ]
    if traced:
        for n, item in enumerate(inputs):
            item["objectWriteTraceId"] = f"t{n}"
    with _client(fake) as c:
        return c.post(f"{BATCH}/update", json={"inputs": inputs}), good


def test_one_invalid_input_fails_the_whole_batch(fake: FakeHubSpot) -> None:
    """Without trace ids, one bad input refuses the batch and writes nothing."""
    response, good = _one_bad_update(fake, traced=False)
    assert response.status_code == 400
    assert _problems(response)[0]["error"] == "PROPERTY_DOESNT_EXIST"
    assert "firstname" not in fake.get("contacts", good).properties


def test_multi_status_update_when_enabled_for_all() -> None:
    """``multi_status="all"``: traced batch update answers 207, writes the good."""
    fake = FakeHubSpot(multi_status="all")
    response, good = _one_bad_update(fake, traced=True)
    assert response.status_code == 207
    body = response.json()
    assert body["numErrors"] == 1
    assert body["errors"][0]["context"] == {"objectWriteTraceId": ["t1"]}
    assert fake.get("contacts", good).properties["firstname"] == "G"


def test_multi_status_create_only_refuses_traced_update() -> None:
    """``multi_status="create"``: a traced update still fails whole with 400."""
    fake = FakeHubSpot(multi_status="create")
    response, good = _one_bad_update(fake, traced=True)
    assert response.status_code == 400
    assert "firstname" not in fake.get("contacts", good).properties


def test_property_problems_are_compact_json_like_hubspot(
    fake: FakeHubSpot, client: httpx.Client
) -> None:
    """The problem list inside the message has HubSpot's compact spacing."""
    record = fake.seed("contacts", {"email": "s@example.com"})
    response = client.patch(
        f"/crm/v3/objects/contacts/{record}",
        json={"properties": {"hs_lead_status": "HOT"}},
    )
    message = response.json()["message"]
    assert message.startswith('Property values were not valid: [{"isValid":false,')
    assert message.endswith('"error":"INVALID_OPTION","name":"hs_lead_status"}]')


def test_batch_read_by_email(fake: FakeHubSpot, client: httpx.Client) -> None:
    """Batch read with ``idProperty: email`` finds contacts by email."""
    record = fake.seed("contacts", {"email": "r@example.com"})
    response = client.post(
        f"{BATCH}/read",
        json={
            "idProperty": "email",
            "inputs": [{"id": "r@example.com"}],
            "properties": ["email"],
        },
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [record]
