"""The fake judges request bodies by hubspot-api-client's models, not by ours."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.fakes.hubspot import FakeHubSpot
from tests.fakes.hubspot.contract import (
    _ASSOCIATION_MODELS,
    _OBJECT_MODELS,
    _PROPERTY_MODELS,
    check_body,
    contract_for,
    model_class,
)

BASE = "https://api.hubapi.com"


@pytest.fixture
def fake() -> FakeHubSpot:
    return FakeHubSpot()


@pytest.fixture
def client(fake: FakeHubSpot) -> Iterator[httpx.Client]:
    with httpx.Client(
        transport=fake.transport(),
        base_url=BASE,
        headers={"authorization": f"Bearer {fake.token}"},
    ) as c:
        yield c


def _serialise(model: Any) -> Any:
    """What the official client would put on the wire for a model instance."""
    from hubspot.crm.contacts import ApiClient

    return ApiClient().sanitize_for_serialization(model)


def test_every_route_model_exists_in_the_package() -> None:
    """Each route's model name resolves to a generated class with attribute_map."""
    names = [(m, "hubspot.crm.contacts.models") for _, _, m in _OBJECT_MODELS]
    names += [(m, "hubspot.crm.properties.models") for _, _, m in _PROPERTY_MODELS]
    names += [
        (m, "hubspot.crm.associations.v4.models") for m in _ASSOCIATION_MODELS.values()
    ]
    for name, module in names:
        assert model_class(module, name).attribute_map, name


def test_routes_map_to_their_models() -> None:
    """Both path families and every object type pick the route's own model."""
    assert contract_for("POST", "/crm/v3/objects/contacts/batch/update") == (
        "hubspot.crm.contacts.models",
        "BatchInputSimplePublicObjectBatchInput",
    )
    assert contract_for("POST", "/crm/objects/2026-03/0-3/search") == (
        "hubspot.crm.deals.models",
        "PublicObjectSearchRequest",
    )
    assert contract_for("PATCH", "/crm/v3/objects/companies/12") == (
        "hubspot.crm.companies.models",
        "SimplePublicObjectInput",
    )
    assert contract_for("PATCH", "/crm/v3/properties/contacts/email") == (
        "hubspot.crm.properties.models",
        "PropertyUpdate",
    )
    assert contract_for("POST", "/crm/associations/2026-03/deals/contacts/batch/read")
    assert contract_for("GET", "/crm/v3/objects/contacts") is None


WRITE_ROUTES = [
    "/crm/v3/objects/contacts",
    "/crm/v3/objects/deals/search",
    "/crm/v3/objects/contacts/merge",
    "/crm/objects/2026-03/contacts/batch/create",
    "/crm/objects/2026-03/contacts/batch/update",
    "/crm/objects/2026-03/contacts/batch/upsert",
    "/crm/objects/2026-03/contacts/batch/read",
    "/crm/objects/2026-03/contacts/batch/archive",
    "/crm/v3/properties/contacts",
    "/crm/v3/properties/deals/groups",
    "/crm/v4/associations/deals/contacts/batch/associate/default",
    "/crm/v4/associations/deals/contacts/batch/create",
    "/crm/associations/2026-03/contacts/deals/batch/read",
]


@pytest.mark.parametrize("path", WRITE_ROUTES)
def test_every_post_route_the_fake_serves_has_a_model(path: str) -> None:
    """No POST route of the fake escapes the contract (each maps to a model)."""
    assert contract_for("POST", path) is not None


def test_patch_of_a_record_has_a_model() -> None:
    """PATCH of one record is judged by SimplePublicObjectInput."""
    found = contract_for("PATCH", "/crm/objects/2026-03/contacts/1001")
    assert found == ("hubspot.crm.contacts.models", "SimplePublicObjectInput")


def test_bodies_built_by_the_official_client_pass(
    fake: FakeHubSpot, client: httpx.Client
) -> None:
    """Bodies serialised from hubspot-api-client's own models draw no violation."""
    from hubspot.crm.contacts import models as m

    fake.seed("contacts", {"email": "old@example.com"})
    upsert = m.BatchInputSimplePublicObjectBatchInputUpsert
    bodies = {
        "/crm/v3/objects/contacts/batch/upsert": upsert(
            inputs=[
                m.SimplePublicObjectBatchInputUpsert(
                    id="new@example.com",
                    id_property="email",
                    properties={"firstname": "Ann"},
                )
            ]
        ),
        "/crm/v3/objects/contacts/search": m.PublicObjectSearchRequest(
            filter_groups=[
                m.FilterGroup(
                    filters=[
                        m.Filter(
                            property_name="lastmodifieddate",
                            operator="GTE",
                            value="0",
                        )
                    ]
                )
            ],
            properties=["email"],
            limit=10,
        ),
        "/crm/v3/objects/contacts/batch/read": m.BatchReadInputSimplePublicObjectId(
            inputs=[m.SimplePublicObjectId(id="1001")],
            properties=["email"],
            properties_with_history=["lifecyclestage"],
        ),
    }
    for path, model in bodies.items():
        response = client.post(path, json=_serialise(model))
        assert response.status_code < 300, (path, response.json())
    assert fake.contract_violations == []


def test_unknown_key_is_refused_with_validation_error(
    fake: FakeHubSpot, client: httpx.Client
) -> None:
    """A key the model does not have gets 400 VALIDATION_ERROR and is recorded."""
    record = fake.seed("contacts", {"email": "a@example.com"})
    response = client.post(
        "/crm/v3/objects/contacts/batch/update",
        json={"inputs": [{"id": record, "properties": {"firstname": "A"}, "x": 1}]},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["category"] == "VALIDATION_ERROR"
    assert body["status"] == "error"
    assert body["correlationId"]
    assert 'unknown field "x"' in body["message"]
    assert fake.get("contacts", record).properties.get("firstname") is None
    [violation] = fake.contract_violations
    assert violation.model == "BatchInputSimplePublicObjectBatchInput"
    assert violation.path == "/crm/v3/objects/contacts/batch/update"


def test_missing_required_field_names_the_model_and_key(client: httpx.Client) -> None:
    """A batch update input without ``id`` is refused, naming the missing key."""
    response = client.post(
        "/crm/v3/objects/contacts/batch/update",
        json={"inputs": [{"properties": {"firstname": "A"}}]},
    )
    assert response.status_code == 400
    message = response.json()["message"]
    assert "Cannot build SimplePublicObjectBatchInput" in message
    assert "['id']" in message


@pytest.mark.parametrize(
    ("path", "body", "where"),
    [
        (
            "/crm/v3/objects/contacts",
            {"properties": {"hs_analytics_num_page_views": 3}},
            "$.properties.hs_analytics_num_page_views",
        ),
        (
            "/crm/v3/objects/contacts",
            {"properties": {"firstname": None}},
            "$.properties.firstname",
        ),
        (
            "/crm/v3/objects/contacts/batch/archive",
            {"inputs": [{"id": 1001}]},
            "$.inputs[0].id",
        ),
        ("/crm/v3/objects/contacts/search", {"limit": "10"}, "$.limit"),
        ("/crm/v3/objects/contacts/batch/read", [], "$"),
    ],
)
def test_wrong_json_types_are_refused(
    fake: FakeHubSpot, client: httpx.Client, path: str, body: Any, where: str
) -> None:
    """Numbers, nulls or arrays where the model wants a string or object: 400."""
    response = client.post(path, json=body)
    assert response.status_code == 400
    assert any(e["in"] == where for e in response.json()["errors"])
    assert len(fake.contract_violations) == 1


def test_search_operator_and_sort_direction_enums(client: httpx.Client) -> None:
    """Operators outside the Filter enum and unknown sort directions are refused."""
    bad = client.post(
        "/crm/v3/objects/contacts/search",
        json={
            "filterGroups": [
                {"filters": [{"propertyName": "email", "operator": "EQUALS"}]}
            ],
            "sorts": [{"propertyName": "email", "direction": "UP"}],
        },
    )
    assert bad.status_code == 400
    places = {e["in"] for e in bad.json()["errors"]}
    assert places == {"$.filterGroups[0].filters[0].operator", "$.sorts[0].direction"}
    good = client.post(
        "/crm/v3/objects/contacts/search",
        json={
            "filterGroups": [
                {"filters": [{"propertyName": "email", "operator": "HAS_PROPERTY"}]}
            ],
            "sorts": [{"propertyName": "email", "direction": "DESCENDING"}],
        },
    )
    assert good.status_code == 200


def test_association_category_enum_is_checked(client: httpx.Client) -> None:
    """An association type with a category outside the enum is refused."""
    response = client.post(
        "/crm/v4/associations/deals/contacts/batch/create",
        json={
            "inputs": [
                {
                    "from": {"id": "1"},
                    "to": {"id": "2"},
                    "types": [
                        {"associationCategory": "HUBSPOT", "associationTypeId": 3}
                    ],
                }
            ]
        },
    )
    assert response.status_code == 400
    assert "associationCategory" in response.json()["message"]


def test_property_create_options_follow_option_input(client: httpx.Client) -> None:
    """Property options need label, value and hidden; phone_number type is allowed."""
    body = {
        "name": "tier",
        "label": "Tier",
        "type": "enumeration",
        "fieldType": "select",
        "groupName": "contactinformation",
        "options": [{"label": "Gold", "value": "gold"}],
    }
    refused = client.post("/crm/v3/properties/contacts", json=body)
    assert refused.status_code == 400
    assert "OptionInput" in refused.json()["message"]
    body["options"] = [{"label": "Gold", "value": "gold", "hidden": False}]
    assert client.post("/crm/v3/properties/contacts", json=body).status_code == 201
    phone = {
        "name": "mobile",
        "label": "Mobile",
        "type": "phone_number",
        "fieldType": "phonenumber",
        "groupName": "contactinformation",
    }
    assert client.post("/crm/v3/properties/contacts", json=phone).status_code == 201


def test_body_on_a_get_is_a_violation() -> None:
    """A GET that carries a body breaks the contract (no GET takes one)."""
    model, problems = check_body("GET", "/crm/v3/objects/contacts", {}, b"{}")
    assert model == "-"
    assert problems


def test_record_mode_serves_but_remembers() -> None:
    """``contract="record"`` answers normally and still lists the violation."""
    fake = FakeHubSpot(contract="record")
    with httpx.Client(
        transport=fake.transport(),
        base_url=BASE,
        headers={"authorization": f"Bearer {fake.token}"},
    ) as c:
        response = c.post(
            "/crm/v3/objects/contacts",
            json={"properties": {"email": "r@example.com"}, "extra": True},
        )
    assert response.status_code == 201
    assert len(fake.contract_violations) == 1


def test_date_based_paths_are_judged_too(client: httpx.Client) -> None:
    """The 2026-03 path family is held to the same models as v3."""
    response = client.post(
        "/crm/objects/2026-03/contacts/batch/create",
        json={"inputs": [{"properties": {"email": "d@example.com"}, "id": "1"}]},
    )
    assert response.status_code == 400
    assert "SimplePublicObjectBatchInputForCreate" in response.json()["message"]


@pytest.mark.parametrize("path", WRITE_ROUTES)
def test_route_models_agree_with_the_package_api(path: str) -> None:
    """Each hand-mapped body model is the one the package's API method takes."""
    from tests.fakes.hubspot.api_index import endpoint_for

    endpoint = endpoint_for("POST", path)
    found = contract_for("POST", path)
    assert endpoint is not None
    assert found is not None
    assert endpoint.body_type == found[1]


def test_unknown_query_parameter_is_refused(
    fake: FakeHubSpot, client: httpx.Client
) -> None:
    """A misspelt query parameter (HubSpot would ignore it) draws a 400."""
    response = client.get(
        "/crm/v3/objects/contacts", params={"propertiesWithHistroy": "email"}
    )
    assert response.status_code == 400
    assert "propertiesWithHistroy" in response.json()["message"]
    assert fake.contract_violations[0].problems[0].startswith("query:")


def test_known_query_parameters_pass(fake: FakeHubSpot, client: httpx.Client) -> None:
    """The list endpoint's own parameters (limit, properties, archived) pass."""
    response = client.get(
        "/crm/objects/2026-03/0-1",
        params={"limit": "5", "properties": "email", "archived": "false"},
    )
    assert response.status_code == 200
    assert fake.contract_violations == []


def test_assert_contract_clean_lists_each_problem(
    fake: FakeHubSpot, client: httpx.Client
) -> None:
    """The helper passes on a clean fake and names path and problem otherwise."""
    fake.assert_contract_clean()
    client.post("/crm/v3/objects/contacts", json={"properties": {}, "typo": 1})
    with pytest.raises(AssertionError, match=r'request POST .*unknown field "typo"'):
        fake.assert_contract_clean()
