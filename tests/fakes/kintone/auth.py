"""Who may call: API tokens per app, password auth, and the unconfirmed edges.

The fact sheet confirms ``X-Cybozu-API-Token`` and ``X-Cybozu-Authorization``
(base64 ``login:password``). Unconfirmed behaviours are switches of
:class:`AuthRules`, each tested under both choices: several comma-separated
tokens, password auth winning over a token, the code for a token of another
app, and new tokens working only after "Update App".
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Literal

import httpx

from .errors import KintoneError
from .schema import App

__all__ = ["AuthRules", "authorize"]


@dataclass(frozen=True)
class AuthRules:
    """Switches for the auth behaviours the fact sheet marks [U]."""

    multi_token: bool = True
    password_wins: bool = True
    wrong_app: Literal["GAIA_IA02", "GAIA_NO01"] = "GAIA_IA02"
    tokens_need_app_update: bool = True


def _unauthenticated() -> KintoneError:
    return KintoneError(401, "CB_AU01", "ログインしてください。")


def authorize(
    request: httpx.Request,
    app: App | None,
    apps: dict[int, App],
    users: dict[str, str],
    rules: AuthRules,
) -> None:
    """Raise the error kintone would give, or return when the caller may act."""
    password = request.headers.get("X-Cybozu-Authorization")
    token = request.headers.get("X-Cybozu-API-Token")
    if password is not None and (token is None or rules.password_wins):
        try:
            login, _, secret = (
                base64.b64decode(password, validate=True).decode().partition(":")
            )
        except (binascii.Error, UnicodeDecodeError):
            raise _unauthenticated() from None
        if users.get(login) != secret or not login:
            raise _unauthenticated()
        return
    if token is None:
        raise _unauthenticated()
    tokens = [t.strip() for t in token.split(",")] if rules.multi_token else [token]
    known = {t for a in apps.values() for t in a.tokens}
    if not all(t in known for t in tokens):
        raise _unauthenticated()
    if app is not None and not set(tokens) & app.tokens:
        if rules.wrong_app == "GAIA_IA02":
            raise KintoneError(
                400,
                "GAIA_IA02",
                "指定したAPIトークンでは、リクエストを実行できません。",
            )
        raise KintoneError(403, "GAIA_NO01", "このアプリへのアクセス権がありません。")
