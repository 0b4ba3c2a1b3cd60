"""HTTP answers as plain values, so routing code never touches sockets.

Routes return a :class:`Reply`; only the request handler writes bytes. That
keeps fault injection (which may swap or swallow an answer) in one place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Reply:
    """Status, body and headers of one HTTP answer."""

    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


class BadRequestError(Exception):
    """The request as a whole is refused with an error envelope."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def reply(self) -> Reply:
        """The vendor's error envelope for this failure."""
        return error_reply(self.status, self.code, self.message)


def json_reply(
    status: int, payload: Any, headers: dict[str, str] | None = None
) -> Reply:
    """A JSON answer; Japanese stays readable UTF-8 rather than ASCII escapes."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return Reply(status, body, headers=dict(headers or {}))


def error_reply(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Reply:
    """AcmeSFA's error envelope: ``{"error": {"code", "message"}}``."""
    return json_reply(status, {"error": {"code": code, "message": message}}, headers)


def parse_json(body: bytes) -> Any:
    """Decode a UTF-8 JSON request body or refuse it with ``invalid_json``."""
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequestError(400, "invalid_json", f"body is not JSON: {exc}") from exc
