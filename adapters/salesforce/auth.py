"""Getting and renewing Salesforce access tokens (fact sheet §2).

Both server-to-server grants post a form to ``{login_url}/services/oauth2/token``
and get ``access_token`` and ``instance_url`` back: no ``expires_in`` and no
refresh token. So a token is kept until the API says 401 ``INVALID_SESSION_ID``
and then the grant runs again (:meth:`TokenSource.refresh`); every API call goes
to the ``instance_url`` of the latest answer.

The JWT bearer grant signs its assertion with RS256 through ``cryptography`` (a
dependency; it is imported on first use, so an environment without it fails
with a :class:`ConfigError` saying what to install). Tests may inject their own
``signer``.
"""

from __future__ import annotations

import base64
import importlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.salesforce.settings import ClientCredentials, JwtBearer, SalesforceAuth
from connector.errors import AuthError, ConfigError
from connector.http import HttpClient
from connector.logging import register_secret, scrub

__all__ = [
    "JWT_GRANT",
    "Session",
    "Signer",
    "TokenSource",
    "jwt_assertion",
    "rs256_signer",
]

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"

Signer = Callable[[bytes], bytes]
"""Signs the ``header.claims`` bytes of a JWT (RS256), returning the signature."""


@dataclass(frozen=True, slots=True)
class Session:
    """One token answer: the bearer token and the org's API host."""

    access_token: str
    instance_url: str


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt_assertion(
    settings: JwtBearer, *, audience: str, now: float, signer: Signer
) -> str:
    """The signed assertion of the JWT bearer grant: ``iss sub aud exp``, RS256."""
    header = _b64url(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    claims = {
        "iss": settings.client_id,
        "sub": settings.username,
        "aud": audience,
        "exp": int(now) + settings.lifetime_seconds,
    }
    body = _b64url(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = f"{header}.{body}".encode()
    return f"{header}.{body}.{_b64url(signer(signing_input))}"


def rs256_signer(pem: bytes) -> Signer:
    """An RS256 signer for a PEM private key, built with ``cryptography``.

    Raises:
        ConfigError: ``cryptography`` is not installed, or the key cannot be read.
    """
    try:
        serialization = importlib.import_module(
            "cryptography.hazmat.primitives.serialization"
        )
        hashes = importlib.import_module("cryptography.hazmat.primitives.hashes")
        padding = importlib.import_module(
            "cryptography.hazmat.primitives.asymmetric.padding"
        )
    except ImportError:
        raise ConfigError(
            "the Salesforce JWT bearer flow needs the `cryptography` package to "
            "sign its assertion, and it is not installed",
            hint="install it into the connector's environment (pip install "
            'cryptography), or use [sfa.auth] type = "client_credentials"',
            context={"key": "sfa.auth.type", "value": "jwt_bearer"},
        ) from None
    try:
        key: Any = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise ConfigError(
            f"the JWT private key cannot be read: {exc}",
            hint="give an unencrypted PEM private key (BEGIN PRIVATE KEY)",
            context={"key": "sfa.auth.private_key"},
        ) from None

    def sign(data: bytes) -> bytes:
        signature: bytes = key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        return signature

    return sign


class TokenSource:
    """Runs the configured grant and keeps the latest session.

    Thread-safe: a refresh replaces the session under a lock, and a caller whose
    stale token was already replaced by another thread gets the new one without
    a second login.

    Args:
        system: the config name (``sfa``), for errors.
        auth: the grant settings.
        login: an HTTP client for the login host (its status table makes every
            4xx an :class:`AuthError`).
        login_url: ``https://login.salesforce.com``, the sandbox or My Domain host.
        base_dir: the folder a relative ``private_key_file`` is read from.
        clock: epoch seconds (the JWT ``exp``).
        signer: signs JWT assertions (default: :func:`rs256_signer` of the key).
    """

    def __init__(
        self,
        system: str,
        auth: SalesforceAuth,
        *,
        login: HttpClient,
        login_url: str,
        base_dir: Path | None = None,
        clock: Callable[[], float] = time.time,
        signer: Signer | None = None,
    ) -> None:
        self.system = system
        self.auth = auth
        self.login_url = login_url
        self._login = login
        self._base_dir = base_dir
        self._clock = clock
        self._signer = signer
        self._lock = threading.Lock()
        self._session: Session | None = None
        self.fetches = 0
        """Token grants run so far (tests and benchmarks read it)."""
        if isinstance(auth, ClientCredentials):
            register_secret(auth.client_secret.get_secret_value())

    def session(self) -> Session:
        """The current session, logging in first if there is none.

        Raises:
            AuthError: Salesforce refused the grant.
            ConfigError: the JWT key cannot be read or signed.
        """
        with self._lock:
            if self._session is None:
                self._session = self._grant()
            return self._session

    def refresh(self, stale: Session) -> Session:
        """A new session after ``stale`` was refused (401); one login per refusal.

        Raises:
            AuthError: Salesforce refused the grant.
        """
        with self._lock:
            if self._session is None or self._session == stale:
                self._session = self._grant()
            return self._session

    def forget(self) -> None:
        """Drop the session, so the next call logs in again."""
        with self._lock:
            self._session = None

    # -- grants ------------------------------------------------------------------

    def _form(self) -> tuple[dict[str, str], dict[str, str]]:
        auth = self.auth
        if isinstance(auth, ClientCredentials):
            form = {"grant_type": "client_credentials"}
            secret = auth.client_secret.get_secret_value()
            if auth.client_auth == "basic":
                pair = base64.b64encode(f"{auth.client_id}:{secret}".encode())
                return form, {"Authorization": f"Basic {pair.decode()}"}
            return form | {"client_id": auth.client_id, "client_secret": secret}, {}
        audience = auth.audience or (
            "https://test.salesforce.com"
            if "test.salesforce.com" in self.login_url
            else "https://login.salesforce.com"
        )
        assertion = jwt_assertion(
            auth, audience=audience, now=self._clock(), signer=self._jwt_signer(auth)
        )
        return {"grant_type": JWT_GRANT, "assertion": assertion}, {}

    def _jwt_signer(self, auth: JwtBearer) -> Signer:
        if self._signer is not None:
            return self._signer
        if auth.private_key is not None:
            pem = auth.private_key.get_secret_value().encode()
        else:
            # The settings validate that exactly one of the two is set.
            path = auth.private_key_file or Path()
            if not path.is_absolute() and self._base_dir is not None:
                path = self._base_dir / path
            try:
                pem = path.read_bytes()
            except OSError as exc:
                raise ConfigError(
                    f"cannot read the JWT private key file {path}: {exc.strerror}",
                    hint="mount the key file (e.g. under /run/secrets) and point "
                    "[sfa.auth] private_key_file at it",
                    context={"key": "sfa.auth.private_key_file", "value": str(path)},
                ) from None
        register_secret(pem.decode(errors="replace").strip())
        self._signer = rs256_signer(pem)
        return self._signer

    def _grant(self) -> Session:
        form, headers = self._form()
        url = f"{self.login_url}/services/oauth2/token"
        try:
            response = self._login.request(
                "POST",
                url,
                data=form,
                headers={"Accept": "application/json", **headers},
            )
        except AuthError as exc:
            raise AuthError(
                f"Salesforce refused the {self.auth.type} login: "
                f"{_oauth_problem(exc.body)}",
                hint=_AUTH_HINT[self.auth.type],
                context={"system": self.system, "url": url},
                status=exc.status,
                body=exc.body,
            ) from None
        try:
            data = response.json()
            session = Session(str(data["access_token"]), str(data["instance_url"]))
        except (ValueError, KeyError, TypeError):
            raise AuthError(
                "Salesforce's token endpoint answered without access_token and "
                "instance_url",
                hint="check login_url: it must be the login, test or My Domain host",
                context={"system": self.system, "url": url},
                status=response.status_code,
                body=scrub(response.text[:500]),
            ) from None
        register_secret(session.access_token)
        self.fetches += 1
        return session


_AUTH_HINT = {
    "client_credentials": "check [sfa.auth] client_id and client_secret (the "
    "consumer key and secret), that the app has the client credentials flow "
    "enabled with a run-as user, and that login_url is the org's My Domain",
    "jwt_bearer": "check [sfa.auth] client_id, username and the key: the app "
    "needs the certificate uploaded and the user pre-approved (admin-approved "
    "users, a profile or permission set)",
}


def _oauth_problem(body: str | None) -> str:
    """``error: error_description`` of an RFC 6749 error body, else its start."""
    try:
        data = json.loads(body or "")
    except ValueError:
        return (body or "no answer")[:200]
    if isinstance(data, dict) and data.get("error"):
        description = data.get("error_description")
        return f"{data['error']}: {description}" if description else str(data["error"])
    return (body or "")[:200]
