"""Small helpers for tests that talk to the fake over HTTP, as a client would.

A client logs in through the token endpoint (client credentials) and keeps the
``instance_url`` it is given; nothing here reaches into the fake's internals.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from tests.fakes.salesforce.app import FakeSalesforce

__all__ = ["VERSION", "api_client", "login", "query"]

VERSION = "62.0"
"""The API version the tests speak (Winter '25)."""


def login(fake: FakeSalesforce, client: httpx.Client | None = None) -> dict[str, Any]:
    """The token answer of a client-credentials grant."""
    own = client is None
    client = client or httpx.Client(transport=fake.transport())
    try:
        response = client.post(
            "https://login.salesforce.com/services/oauth2/token",
            data={
                "grant_type": "client_credentials",
                "client_id": fake.options.client_id,
                "client_secret": fake.options.client_secret,
            },
        )
    finally:
        if own:
            client.close()
    assert response.status_code == 200, response.text
    token: dict[str, Any] = response.json()
    return token


def api_client(fake: FakeSalesforce, version: str = VERSION) -> httpx.Client:
    """A logged-in client whose base URL is ``{instance_url}/services/data/vXX.X``."""
    token = login(fake)
    return httpx.Client(
        transport=fake.transport(),
        base_url=f"{token['instance_url']}/services/data/v{version}",
        headers={"authorization": f"Bearer {token['access_token']}"},
    )


def query(
    client: httpx.Client,
    soql: str,
    *,
    all_rows: bool = False,
    headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    """GET ``/query`` (or ``/queryAll``) with ``q``."""
    return client.get(
        "/queryAll" if all_rows else "/query",
        params={"q": soql},
        headers=dict(headers or {}),
    )
