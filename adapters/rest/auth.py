"""Authentication of the REST adapter, as ``httpx.Auth`` flows and fixed headers.

OAuth2 runs inside httpx's auth flow, so the token request goes through the same
client (and transport) as every other request, a token is fetched before it expires,
and a 401 (revoked or expired early) triggers exactly one refresh and resend.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field

import httpx
from typing_extensions import override

from adapters.rest.settings import (
    ApiKeyAuth,
    AuthSettings,
    BasicAuth,
    BearerAuth,
    OAuth2ClientCredentials,
)
from connector.errors import AuthError, TransientAdapterError
from connector.logging import register_basic_auth, register_secret, scrub

__all__ = ["AuthParts", "OAuth2Flow", "build_auth"]


@dataclass(frozen=True, slots=True)
class AuthParts:
    """What the client needs: an auth flow and/or fixed headers and parameters."""

    auth: httpx.Auth | None = None
    headers: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)


def build_auth(
    settings: AuthSettings, *, system: str, clock: Callable[[], float] = time.monotonic
) -> AuthParts:
    """Turn the ``[<system>.auth]`` settings into client parts; register secrets."""
    if isinstance(settings, BearerAuth):
        token = settings.token.get_secret_value()
        register_secret(token)
        value = f"{settings.scheme} {token}".strip()
        return AuthParts(headers={settings.header: value})
    if isinstance(settings, BasicAuth):
        password = settings.password.get_secret_value()
        register_basic_auth(settings.username, password)
        return AuthParts(auth=httpx.BasicAuth(settings.username, password))
    if isinstance(settings, ApiKeyAuth):
        key = settings.value.get_secret_value()
        register_secret(key)
        if settings.location == "query":
            return AuthParts(params={settings.name: key})
        return AuthParts(headers={settings.name: key})
    if isinstance(settings, OAuth2ClientCredentials):
        register_secret(settings.client_secret.get_secret_value())
        return AuthParts(auth=OAuth2Flow(settings, system=system, clock=clock))
    return AuthParts()


class OAuth2Flow(httpx.Auth):
    """Client-credentials tokens, refreshed before expiry and once on a 401.

    Thread-safe: the token is read and replaced under a lock; two threads that find
    it expired at once may both fetch one, which is harmless.
    """

    requires_response_body = True

    def __init__(
        self,
        settings: OAuth2ClientCredentials,
        *,
        system: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.system = system
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0
        self.fetches = 0
        """Tokens fetched so far (tests and ``check`` read it)."""

    @override
    def auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        with self._lock:
            token = self._token if self._clock() < self._expires_at else None
        if token is None:
            token = yield from self._fetch(request)
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            token = yield from self._fetch(request)
            request.headers["Authorization"] = f"Bearer {token}"
            yield request

    def _fetch(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, str]:
        s = self.settings
        form = {"grant_type": "client_credentials"}
        if s.scope:
            form["scope"] = s.scope
        if s.audience:
            form["audience"] = s.audience
        headers = {"Accept": "application/json"}
        secret = s.client_secret.get_secret_value()
        if s.client_auth == "basic":
            pair = base64.b64encode(f"{s.client_id}:{secret}".encode()).decode()
            headers["Authorization"] = f"Basic {pair}"
        else:
            form |= {"client_id": s.client_id, "client_secret": secret}
        url = request.url.join(s.token_url)
        started = self._clock()
        response = yield httpx.Request("POST", url, data=form, headers=headers)
        token, lifetime = self._read(response)
        register_secret(token)
        with self._lock:
            self._token = token
            self._expires_at = started + max(lifetime - s.refresh_margin_seconds, 0)
            self.fetches += 1
        return token

    def _read(self, response: httpx.Response) -> tuple[str, float]:
        status = response.status_code
        where = {"system": self.system, "url": self.settings.token_url}
        body = scrub(response.text[:2000])
        if status >= 500 or status == 429:
            raise TransientAdapterError(
                f"{self.system}: token endpoint answered {status}",
                hint="the identity provider is failing; the request is retried",
                context=where,
                status=status,
                body=body,
            )
        try:
            data = response.json()
            token = str(data["access_token"])
            lifetime = float(data.get("expires_in") or 3600)
        except (ValueError, KeyError, TypeError):
            raise AuthError(
                f"{self.system}: token endpoint answered {status} without a token",
                hint="check client_id, client_secret, scope and token_url",
                context=where,
                status=status,
                body=body,
            ) from None
        return token, lifetime
