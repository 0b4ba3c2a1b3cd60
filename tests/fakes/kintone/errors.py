"""The error envelope ``{"code", "id", "message", "errors"?}`` and its status.

Codes the fact sheet names are used as named; where it names none (limit, offset,
cursor and batch caps) the fake answers with the documented validation code
``CB_VA01`` and an ``errors`` entry on the offending parameter.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import httpx

__all__ = ["KintoneError", "error_response", "json_response", "validation"]

_IDS = itertools.count(1_000_000_001)

VALIDATION_MESSAGE = "入力内容が正しくありません。"
CURSOR_GONE_MESSAGE = "指定したカーソルは存在しないか、既に有効期限が切れています。"


class KintoneError(Exception):
    """Raised inside the fake; becomes one error response."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        errors: dict[str, dict[str, list[str]]] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors


def validation(path: str, *messages: str) -> KintoneError:
    """A ``400 CB_VA01`` naming one request path (e.g. ``records[0].名前.value``)."""
    return KintoneError(
        400, "CB_VA01", VALIDATION_MESSAGE, {path: {"messages": list(messages)}}
    )


def json_response(
    status: int, body: Any, headers: dict[str, str] | None = None
) -> httpx.Response:
    """UTF-8 JSON, Japanese text unescaped, as kintone sends it."""
    content = json.dumps(body, ensure_ascii=False).encode()
    return httpx.Response(
        status,
        content=content,
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )


def error_response(exc: KintoneError) -> httpx.Response:
    """The envelope, with a fresh opaque error ``id`` per answer."""
    body: dict[str, Any] = {
        "code": exc.code,
        "id": f"{next(_IDS)}-{next(_IDS) % 997}",
        "message": exc.message,
    }
    if exc.errors is not None:
        body["errors"] = exc.errors
    return json_response(exc.status, body)
