"""Logging in: client credentials, JWT bearer, and a new session on 401 mid-run."""

from __future__ import annotations

import base64
import importlib
import json

import pytest

from adapters.salesforce import SalesforceAdapter
from adapters.salesforce.auth import JWT_GRANT
from connector.errors import AuthError, ConfigError
from tests.adapters.salesforce.conftest import seed_leads, settings_for
from tests.fakes.salesforce import FakeClock, FakeSalesforce


def _token_posts(fake: FakeSalesforce) -> int:
    return sum(1 for e in fake.log if e.path.endswith("/oauth2/token"))


def test_session_expiring_mid_run_is_renewed_once_and_the_pull_goes_on(
    fake, clock, adapter
):
    """A 401 INVALID_SESSION_ID between batches costs one login; no page is lost."""
    ids = seed_leads(fake, 250)
    clock.advance(1)
    pages = adapter.pull("persons", None)
    first = next(pages)
    fake.expire_tokens()
    rest = list(pages)
    got = [r.id for p in (first, *rest) for r in p.records]
    assert sorted(got) == sorted(ids)
    assert fake.statuses(401) == 1
    assert adapter.client.tokens.fetches == 2
    assert _token_posts(fake) == 2


def test_a_refused_renewal_is_an_auth_error_naming_the_credentials(fake, build):
    """When the new login is refused too, the error says which settings to check."""
    adapter = build()
    adapter.check()
    fake.expire_tokens()
    adapter.client.tokens.auth = settings_for(
        fake, auth={"client_id": fake.options.client_id, "client_secret": "wrong"}
    ).auth
    with pytest.raises(AuthError, match="refused the client_credentials") as caught:
        list(adapter.pull("persons", None))
    assert "client_secret" in (caught.value.hint or "")


def test_client_credentials_in_http_basic_are_accepted(fake, build):
    """client_auth = "basic" sends the consumer key and secret as HTTP Basic."""
    adapter = build(
        auth={
            "client_id": fake.options.client_id,
            "client_secret": fake.options.client_secret,
            "client_auth": "basic",
        }
    )
    assert adapter.check().ok


def _claims(assertion: str) -> dict:
    body = assertion.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def test_jwt_bearer_posts_an_assertion_the_org_accepts(fake: FakeSalesforce):
    """The JWT grant sends iss/sub/aud/exp, RS256, and gets a working session."""
    clock = FakeClock()
    fake = FakeSalesforce(clock=clock)
    signed: list[bytes] = []

    def signer(data: bytes) -> bytes:
        signed.append(data)
        return b"not-checked-by-the-fake"

    settings = settings_for(
        fake,
        auth={
            "type": "jwt_bearer",
            "client_id": fake.options.client_id,
            "username": fake.options.run_as_username,
            "private_key": "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----",
        },
    )
    adapter = SalesforceAdapter(
        "sfa", settings, transport=fake.transport(), clock=clock.time, signer=signer
    )
    assert adapter.check().ok, adapter.check().message
    header, _ = signed[0].decode().split(".")
    assert json.loads(base64.urlsafe_b64decode(header + "==")) == {
        "alg": "RS256",
        "typ": "JWT",
    }
    decoded = _claims(signed[0].decode() + ".x")
    assert decoded["iss"] == fake.options.client_id
    assert decoded["sub"] == fake.options.run_as_username
    assert decoded["aud"] == "https://login.salesforce.com"
    assert decoded["exp"] > clock.time()
    assert JWT_GRANT.endswith("jwt-bearer")
    adapter.close()


def test_jwt_bearer_without_cryptography_says_what_to_install(
    fake, tmp_path, monkeypatch
):
    """Without the cryptography package the JWT flow fails with a clear fix."""
    real_import = importlib.import_module

    def no_cryptography(name: str, package: str | None = None):
        if name.startswith("cryptography"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, package)

    monkeypatch.setattr(importlib, "import_module", no_cryptography)
    key = tmp_path / "key.pem"
    key.write_text("-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n")
    settings = settings_for(
        fake,
        auth={
            "type": "jwt_bearer",
            "client_id": fake.options.client_id,
            "username": fake.options.run_as_username,
            "private_key_file": "key.pem",
        },
    )
    adapter = SalesforceAdapter(
        "sfa", settings, transport=fake.transport(), base_dir=tmp_path
    )
    with pytest.raises(ConfigError, match="cryptography") as caught:
        list(adapter.pull("persons", None))
    assert "client_credentials" in (caught.value.hint or "")
    adapter.close()


def test_jwt_settings_need_exactly_one_key(fake):
    """A JWT config with neither (or both) of private_key and its file is refused."""
    with pytest.raises(ValueError, match="exactly one"):
        settings_for(
            fake, auth={"type": "jwt_bearer", "client_id": "c", "username": "u"}
        )


def _rsa_pair() -> tuple[bytes, bytes]:
    """A fresh RSA key: (private PEM for the connector, public PEM for the org)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


def _jwt_adapter(tmp_path, org_key: bytes, private: bytes) -> SalesforceAdapter:
    clock = FakeClock()
    fake = FakeSalesforce(clock=clock, jwt_public_key_pem=org_key)
    seed_leads(fake, 3)
    (tmp_path / "connector.key").write_bytes(private)
    settings = settings_for(
        fake,
        auth={
            "type": "jwt_bearer",
            "client_id": fake.options.client_id,
            "username": fake.options.run_as_username,
            "private_key_file": "connector.key",
        },
    )
    return SalesforceAdapter(
        "sfa", settings, transport=fake.transport(), clock=clock.time, base_dir=tmp_path
    )


def test_jwt_bearer_signs_with_the_key_file_and_the_org_verifies_it(tmp_path):
    """No injected signer: the PEM file's key signs, the org's certificate verifies."""
    private, public = _rsa_pair()
    adapter = _jwt_adapter(tmp_path, public, private)
    try:
        result = adapter.check()
        assert result.ok, result.message
        pulled = [r for page in adapter.pull("persons", None) for r in page.records]
        assert len(pulled) == 3
    finally:
        adapter.close()


def test_jwt_bearer_signed_with_another_key_is_an_auth_error(tmp_path):
    """A key that does not match the connected app's certificate is refused."""
    private, _ = _rsa_pair()
    _, other_public = _rsa_pair()
    adapter = _jwt_adapter(tmp_path, other_public, private)
    try:
        with pytest.raises(AuthError):
            list(adapter.pull("persons", None))
    finally:
        adapter.close()


def test_an_unreadable_jwt_key_file_is_a_config_error_naming_the_setting(tmp_path):
    """A key file that holds no PEM key names sfa.auth.private_key."""
    _, public = _rsa_pair()
    adapter = _jwt_adapter(tmp_path, public, b"not a key\n")
    try:
        with pytest.raises(ConfigError, match="JWT private key") as caught:
            list(adapter.pull("persons", None))
        assert "PEM" in (caught.value.hint or "")
    finally:
        adapter.close()
