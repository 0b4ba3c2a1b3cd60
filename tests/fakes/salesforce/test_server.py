"""The fake over real HTTP on 127.0.0.1, as a third-party client sees it."""

from __future__ import annotations

import httpx
import pytest

from tests.fakes.salesforce import FakeSalesforce
from tests.fakes.salesforce.server import FakeSalesforceServer


def test_loopback_server_serves_login_query_and_encoded_paths() -> None:
    """Token, upsert with an encoded key and a query all work over real HTTP."""
    fake = FakeSalesforce()
    with FakeSalesforceServer(fake) as server:
        assert server.url.startswith("http://127.0.0.1:")
        with httpx.Client(base_url=server.url) as client:
            token = client.post(
                "/services/oauth2/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": fake.options.client_id,
                    "client_secret": fake.options.client_secret,
                },
            ).json()["access_token"]
            client.headers["authorization"] = f"Bearer {token}"
            created = client.patch(
                "/services/data/v62.0/sobjects/Lead/Connector_Id__c/a%2Fb",
                json={"LastName": "L", "Company": "C"},
            )
            assert created.status_code == 201
            found = client.get(
                "/services/data/v62.0/query",
                params={"q": "SELECT Connector_Id__c FROM Lead"},
            )
    assert found.json()["records"][0]["Connector_Id__c"] == "a/b"
    assert found.headers["sforce-limit-info"] == "api-usage=2/100000"


def test_loopback_drop_closes_the_connection() -> None:
    """A drop fault reaches a real client as a closed connection."""
    fake = FakeSalesforce()
    with (
        FakeSalesforceServer(fake) as server,
        httpx.Client(base_url=server.url) as client,
    ):
        fake.inject("drop")
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/services/data/")
        assert client.get("/services/data/").status_code == 200
