"""Salesforce error bodies and the two ways a request can fail in the fake.

REST errors are JSON arrays of ``{"message", "errorCode"[, "fields"]}`` (fact
sheet §5); errors of one record inside sObject Collections carry ``statusCode``
instead (§6). :class:`RequestError` fails the whole request; :class:`RecordError`
fails one record, and becomes the 400 of a single-record call or one failed
result of a collection.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

__all__ = [
    "INVALID_SESSION",
    "JSON_TYPE",
    "NOT_FOUND_MESSAGE",
    "RecordError",
    "RequestError",
    "converted_lead",
    "error_response",
    "json_response",
]

JSON_TYPE = "application/json;charset=UTF-8"
NOT_FOUND_MESSAGE = "The requested resource does not exist"
INVALID_SESSION: list[dict[str, str]] = [
    {"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}
]
"""The exact 401 body of the sheet (§2)."""


def json_response(
    status: int, body: Any, headers: dict[str, str] | None = None
) -> httpx.Response:
    """A JSON answer with Salesforce's content type."""
    return httpx.Response(
        status,
        content=json.dumps(body, ensure_ascii=False).encode(),
        headers={"content-type": JSON_TYPE, **(headers or {})},
    )


def error_response(
    status: int, code: str, message: str, fields: list[str] | None = None
) -> httpx.Response:
    """One REST error as a one-element array (``fields`` only when given)."""
    item: dict[str, Any] = {"message": message, "errorCode": code}
    if fields is not None:
        item["fields"] = fields
    return json_response(status, [item])


class RequestError(Exception):
    """The whole request fails with ``status`` and this error array."""

    def __init__(self, status: int, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors[0]["message"] if errors else str(status))
        self.status = status
        self.errors = errors

    @classmethod
    def one(
        cls, status: int, code: str, message: str, fields: list[str] | None = None
    ) -> RequestError:
        """A request error with a single entry."""
        item: dict[str, Any] = {"message": message, "errorCode": code}
        if fields is not None:
            item["fields"] = fields
        return cls(status, [item])

    def response(self) -> httpx.Response:
        """The answer for this failure."""
        return json_response(self.status, self.errors)


class RecordError(Exception):
    """One record's write failed; ``errors`` holds (code, message, fields, extra)."""

    def __init__(
        self,
        code: str,
        message: str,
        fields: list[str] | None = None,
        *,
        extra: dict[str, Any] | None = None,
        status: int = 400,
    ) -> None:
        super().__init__(message)
        self.items: list[dict[str, Any]] = [
            {"code": code, "message": message, "fields": fields or [], **(extra or {})}
        ]
        self.status = status

    def merge(self, other: RecordError) -> None:
        """Report ``other``'s errors with these (system validation lists all)."""
        self.items.extend(other.items)

    @property
    def code(self) -> str:
        """The first error's code."""
        return str(self.items[0]["code"])

    def rest_body(self) -> list[dict[str, Any]]:
        """As a single-record REST error array (``errorCode``)."""
        return [_entry(item, "errorCode") for item in self.items]

    def collection_errors(self) -> list[dict[str, Any]]:
        """As the ``errors`` of one collection result (``statusCode``)."""
        return [_entry(item, "statusCode") for item in self.items]


def _entry(item: dict[str, Any], key: str) -> dict[str, Any]:
    out: dict[str, Any] = {"message": item["message"], key: item["code"]}
    if key == "statusCode":
        out = {key: item["code"], "message": item["message"]}
    out["fields"] = list(item["fields"])
    out.update(
        {k: v for k, v in item.items() if k not in ("code", "message", "fields")}
    )
    return out


def converted_lead() -> RecordError:
    """A write to (or a campaign membership of) a converted lead (§8)."""
    return RecordError(
        "CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead"
    )
