"""``/services/oauth2/token``: the client-credentials and JWT bearer grants (§2).

A token answer carries ``access_token``, ``instance_url``, ``id``, ``token_type``,
``issued_at`` (ms, a string), ``signature`` and ``scope``, and no ``expires_in``
and no refresh token. Tokens expire after ``session_seconds`` or on
:meth:`Sessions.expire_all`; the API then answers 401 INVALID_SESSION_ID.

JWT assertions are decoded and their claims checked (``iss`` = consumer key,
``sub`` = an active username, ``aud`` = a login host or the instance, ``exp`` in
the future). The RS256 signature is verified against
``Options.jwt_public_key_pem`` (the connected app's certificate) when one is set,
and not checked otherwise. OAuth error bodies use the
RFC 6749 layout; Salesforce's exact ``error_description`` texts are not in the
sheet (see README).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import httpx

from tests.fakes.salesforce.errors import json_response

if TYPE_CHECKING:
    from tests.fakes.salesforce.org import Org

__all__ = ["JWT_GRANT", "Session", "Sessions", "handle_token"]

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


@dataclass
class Session:
    """One issued access token: whose it is and until when it works."""

    user_id: str
    issued: float
    expires: float
    calls_left: int | None = None


class Sessions:
    """Issued tokens; each expires on its own clock time."""

    def __init__(self) -> None:
        self.by_token: dict[str, Session] = {}

    def issue(self, org: Org, user_id: str) -> tuple[str, Session]:
        """A new token for ``user_id``."""
        now = org.clock.time()
        token = f"{org.org_id[:15]}!AQ{secrets.token_urlsafe(72)}"
        session = Session(
            user_id,
            now,
            now + org.options.session_seconds,
            org.options.session_requests,
        )
        self.by_token[token] = session
        return token, session

    def user(self, token: str | None, now: float) -> str | None:
        """The user of a live token, or None (unknown or expired)."""
        session = self.by_token.get(token or "")
        if session is None or now >= session.expires:
            return None
        if session.calls_left is not None:
            if session.calls_left <= 0:
                return None
            session.calls_left -= 1
        return session.user_id

    def expire_all(self, now: float) -> None:
        """Every token issued so far stops working now."""
        for session in self.by_token.values():
            session.expires = min(session.expires, now)


def _oauth_error(error: str, description: str, status: int = 400) -> httpx.Response:
    return json_response(status, {"error": error, "error_description": description})


def handle_token(
    org: Org, sessions: Sessions, request: httpx.Request
) -> httpx.Response:
    """Answer a token request (POST, form-encoded)."""
    if request.method != "POST":
        return _oauth_error("invalid_request", "must use HTTP POST", 405)
    form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
    grant = form.get("grant_type")
    if grant == "client_credentials":
        return _client_credentials(org, sessions, request, form)
    if grant == JWT_GRANT:
        return _jwt_bearer(org, sessions, form)
    if grant is None:
        return _oauth_error("invalid_request", "grant type not specified")
    return _oauth_error("unsupported_grant_type", "grant type not supported")


def _basic(request: httpx.Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:]).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, _, secret = decoded.partition(":")
    return client_id, secret


def _client_credentials(
    org: Org, sessions: Sessions, request: httpx.Request, form: dict[str, str]
) -> httpx.Response:
    basic = _basic(request)
    client_id, secret = basic or (
        form.get("client_id", ""),
        form.get("client_secret", ""),
    )
    options = org.options
    if client_id != options.client_id:
        return _oauth_error("invalid_client_id", "client identifier invalid")
    if not hmac.compare_digest(secret, options.client_secret):
        return _oauth_error("invalid_client", "invalid client credentials")
    if not options.client_credentials_enabled:
        return _oauth_error("invalid_grant", "no client credentials user enabled")
    return _granted(org, sessions, org.run_as_id)


def _b64url_json(part: str) -> Any:
    padded = part + "=" * (-len(part) % 4)
    return json.loads(base64.urlsafe_b64decode(padded))


def _signature_holds(public_pem: bytes, parts: list[str]) -> bool:
    """True when ``parts[2]`` is an RS256 signature of ``parts[0].parts[1]``."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    key = serialization.load_pem_public_key(public_pem)
    assert isinstance(key, rsa.RSAPublicKey)
    try:
        signature = base64.urlsafe_b64decode(parts[2] + "=" * (-len(parts[2]) % 4))
        key.verify(
            signature,
            f"{parts[0]}.{parts[1]}".encode(),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def _jwt_bearer(org: Org, sessions: Sessions, form: dict[str, str]) -> httpx.Response:
    assertion = form.get("assertion", "")
    parts = assertion.split(".")
    if len(parts) != 3:
        return _oauth_error("invalid_grant", "invalid assertion")
    try:
        header, claims = _b64url_json(parts[0]), _b64url_json(parts[1])
    except (ValueError, binascii.Error):
        return _oauth_error("invalid_grant", "invalid assertion")
    if not isinstance(header, dict) or not isinstance(claims, dict):
        return _oauth_error("invalid_grant", "invalid assertion")
    if header.get("alg") != "RS256":
        return _oauth_error("invalid_grant", "invalid assertion")
    options = org.options
    if options.jwt_public_key_pem is not None and not _signature_holds(
        options.jwt_public_key_pem, parts
    ):
        return _oauth_error("invalid_grant", "invalid assertion")
    if claims.get("iss") != options.client_id:
        return _oauth_error("invalid_client_id", "client identifier invalid")
    audiences = {*options.jwt_audiences, options.instance_url}
    aud = claims.get("aud")
    aud_values = aud if isinstance(aud, list) else [aud]
    if not any(a in audiences for a in aud_values):
        return _oauth_error("invalid_grant", "audience is invalid")
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or isinstance(exp, bool):
        return _oauth_error("invalid_grant", "invalid assertion")
    if exp <= org.clock.time():
        return _oauth_error("invalid_grant", "expired authorization code")
    users = org.store.find("User", "Username", str(claims.get("sub", "")))
    if not users or not users[0].values.get("IsActive"):
        return _oauth_error("invalid_grant", "user hasn't approved this consumer")
    return _granted(org, sessions, users[0].id)


def _granted(org: Org, sessions: Sessions, user_id: str) -> httpx.Response:
    token, session = sessions.issue(org, user_id)
    issued_at = str(int(session.issued * 1000))
    identity = f"https://login.salesforce.com/id/{org.org_id}/{user_id}"
    signature = base64.b64encode(
        hmac.new(
            org.options.client_secret.encode(),
            (identity + issued_at).encode(),
            hashlib.sha256,
        ).digest()
    ).decode()
    return json_response(
        200,
        {
            "access_token": token,
            "signature": signature,
            "scope": "api",
            "instance_url": org.options.instance_url,
            "id": identity,
            "token_type": "Bearer",
            "issued_at": issued_at,
        },
    )
