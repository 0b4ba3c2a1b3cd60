"""§1-§2: token grants, expiry as 401 INVALID_SESSION_ID, the versions list."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from tests.fakes.hubspot.clock import FakeClock
from tests.fakes.salesforce import FakeSalesforce
from tests.fakes.salesforce.auth import JWT_GRANT
from tests.fakes.salesforce.testkit import VERSION, api_client, login

TOKEN_URL = "https://login.salesforce.com/services/oauth2/token"
INVALID_SESSION = [
    {"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}
]


def _post_token(fake: FakeSalesforce, **form: str) -> httpx.Response:
    with httpx.Client(transport=fake.transport()) as client:
        return client.post(TOKEN_URL, data=form)


def _jwt(claims: dict[str, Any], alg: str = "RS256") -> str:
    def part(obj: dict[str, Any]) -> str:
        raw = json.dumps(obj).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    return f"{part({'alg': alg})}.{part(claims)}.c2lnbmF0dXJl"


def _claims(fake: FakeSalesforce, **over: Any) -> dict[str, Any]:
    return {
        "iss": fake.options.client_id,
        "sub": fake.options.run_as_username,
        "aud": "https://login.salesforce.com",
        "exp": int(fake.clock.time()) + 180,
    } | over


def test_client_credentials_token_has_documented_fields_and_no_expiry(
    fake: FakeSalesforce,
) -> None:
    """The token answer has the documented fields, no expires_in, no refresh (§2)."""
    token = login(fake)
    assert token["token_type"] == "Bearer"
    assert token["instance_url"] == fake.options.instance_url
    assert token["issued_at"] == str(int(fake.clock.time() * 1000))
    assert token["id"].startswith("https://login.salesforce.com/id/00D")
    assert "expires_in" not in token
    assert "refresh_token" not in token


def test_client_credentials_accepts_http_basic(fake: FakeSalesforce) -> None:
    """Client id and secret may come as HTTP Basic instead of the form (§2)."""
    secret = f"{fake.options.client_id}:{fake.options.client_secret}"
    with httpx.Client(transport=fake.transport()) as client:
        response = client.post(
            TOKEN_URL,
            data={"grant_type": "client_credentials"},
            headers={
                "authorization": "Basic " + base64.b64encode(secret.encode()).decode()
            },
        )
    assert response.status_code == 200
    assert response.json()["access_token"]


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"client_id": "nope", "client_secret": "x"}, "invalid_client_id"),
        ({"client_secret": "wrong"}, "invalid_client"),
    ],
)
def test_bad_client_credentials_are_refused(
    fake: FakeSalesforce, form: dict[str, str], error: str
) -> None:
    """A wrong consumer key or secret is a 400 OAuth error body, never a token."""
    data = {"grant_type": "client_credentials", "client_id": fake.options.client_id}
    response = _post_token(fake, **(data | form))
    assert response.status_code == 400
    assert response.json()["error"] == error
    assert "access_token" not in response.json()


def test_unknown_grant_type_is_refused(fake: FakeSalesforce) -> None:
    """Only client_credentials and the JWT bearer grant are served."""
    response = _post_token(fake, grant_type="password", username="u", password="p")
    assert response.status_code == 400
    assert response.json() == {
        "error": "unsupported_grant_type",
        "error_description": "grant type not supported",
    }


def test_client_credentials_flow_can_be_disabled() -> None:
    """An app without the flow enabled gets invalid_grant (§2)."""
    fake = FakeSalesforce(client_credentials_enabled=False)
    response = _post_token(
        fake,
        grant_type="client_credentials",
        client_id=fake.options.client_id,
        client_secret=fake.options.client_secret,
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_jwt_bearer_with_valid_claims_gets_a_token_for_sub(
    fake: FakeSalesforce,
) -> None:
    """iss, sub, aud and exp are checked (the signature is not) (§2)."""
    owner = fake.add_user("sales@fake-org.example", "営業", "太郎", "s@example.com")
    claims = _claims(fake, sub="sales@fake-org.example")
    response = _post_token(fake, grant_type=JWT_GRANT, assertion=_jwt(claims))
    assert response.status_code == 200, response.text
    assert response.json()["id"].endswith("/" + owner)


@pytest.mark.parametrize(
    ("over", "alg", "error"),
    [
        ({"iss": "someone-else"}, "RS256", "invalid_client_id"),
        ({"aud": "https://example.com"}, "RS256", "invalid_grant"),
        ({"exp": 1_000}, "RS256", "invalid_grant"),
        ({"sub": "nobody@example.com"}, "RS256", "invalid_grant"),
        ({}, "HS256", "invalid_grant"),
    ],
)
def test_jwt_bearer_with_bad_claims_is_refused(
    fake: FakeSalesforce, over: dict[str, Any], alg: str, error: str
) -> None:
    """A wrong issuer, audience, subject, algorithm or a past exp is refused."""
    assertion = _jwt(_claims(fake, **over), alg)
    response = _post_token(fake, grant_type=JWT_GRANT, assertion=assertion)
    assert response.status_code == 400
    assert response.json()["error"] == error


def test_malformed_jwt_is_refused(fake: FakeSalesforce) -> None:
    """An assertion that is not three base64url parts is invalid_grant."""
    response = _post_token(fake, grant_type=JWT_GRANT, assertion="not-a-jwt")
    assert response.status_code == 400
    assert response.json()["error_description"] == "invalid assertion"


def test_token_expires_after_session_seconds() -> None:
    """After the session lifetime the API answers 401 with the exact body (§2)."""
    clock = FakeClock()
    fake = FakeSalesforce(clock=clock, session_seconds=600)
    with api_client(fake) as api:
        assert api.get("/limits").status_code == 200
        clock.advance(599)
        assert api.get("/limits").status_code == 200
        clock.advance(1)
        refused = api.get("/limits")
    assert refused.status_code == 401
    assert refused.json() == INVALID_SESSION


def test_expire_tokens_then_a_new_grant_works(fake: FakeSalesforce) -> None:
    """expire_tokens() kills every token; running the grant again is the refresh."""
    with api_client(fake) as api:
        fake.expire_tokens()
        refused = api.get("/sobjects")
        assert refused.status_code == 401
        assert refused.json() == INVALID_SESSION
        api.headers["authorization"] = "Bearer " + login(fake)["access_token"]
        assert api.get("/sobjects").status_code == 200


@pytest.mark.parametrize("header", [None, "Bearer made-up", "Basic Zm9vOmJhcg=="])
def test_missing_or_unknown_token_is_invalid_session(
    fake: FakeSalesforce, header: str | None
) -> None:
    """No token or a token the org never issued: 401 INVALID_SESSION_ID, uncounted."""
    headers = {"authorization": header} if header else {}
    with httpx.Client(transport=fake.transport()) as client:
        response = client.get(
            f"{fake.options.instance_url}/services/data/v{VERSION}/limits",
            headers=headers,
        )
    assert response.status_code == 401
    assert response.json() == INVALID_SESSION
    assert "sforce-limit-info" not in response.headers


def test_versions_list_needs_no_auth_and_has_no_limit_header(
    fake: FakeSalesforce,
) -> None:
    """GET /services/data/ lists versions without a token or Sforce-Limit-Info (§1)."""
    with httpx.Client(transport=fake.transport()) as client:
        response = client.get(f"{fake.options.instance_url}/services/data/")
    assert response.status_code == 200
    assert "sforce-limit-info" not in response.headers
    listed = response.json()
    assert listed[0] == {
        "label": "Summer '14",
        "url": "/services/data/v31.0",
        "version": "31.0",
    }
    by_version = {v["version"]: v["label"] for v in listed}
    assert by_version["62.0"] == "Winter '25"
    assert by_version["66.0"] == "Spring '26"
    assert "67.0" not in by_version


@pytest.mark.parametrize(
    ("version", "status"), [("30.0", 410), ("21.0", 410), ("99.0", 404)]
)
def test_retired_version_is_gone_and_unknown_is_not_found(
    fake: FakeSalesforce, version: str, status: int
) -> None:
    """Retired versions answer 410, versions beyond the newest 404 (§1)."""
    token = login(fake)["access_token"]
    with httpx.Client(transport=fake.transport()) as client:
        response = client.get(
            f"{fake.options.instance_url}/services/data/v{version}/limits",
            headers={"authorization": f"Bearer {token}"},
        )
    assert response.status_code == status


def test_a_token_can_end_after_a_number_of_api_calls() -> None:
    """session_requests: the seventh call with a six-call token is a 401."""
    fake = FakeSalesforce(clock=FakeClock(), session_requests=6)
    with api_client(fake) as api:
        statuses = [api.get("/limits").status_code for _ in range(7)]
        refused = api.get("/limits")
    assert statuses == [200] * 6 + [401]
    assert refused.json() == INVALID_SESSION
