"""HubSpot error bodies, as the real API sends them.

Shapes and texts follow HubSpot's documented and observed responses: a
``status: error`` body with ``message``, ``correlationId`` and ``category``, and
429s with ``errorType: RATE_LIMIT`` and a ``policyName``.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx

__all__ = [
    "BATCH_LIMIT_MESSAGE",
    "HISTORY_BATCH_LIMIT_MESSAGE",
    "error",
    "invalid_properties",
    "json_response",
    "rate_limited",
]

BATCH_LIMIT_MESSAGE = (
    "The maximum number of inputs supported in a batch is 100. "
    "Please reduce the number of items and try again"
)
HISTORY_BATCH_LIMIT_MESSAGE = (
    "The maximum number of inputs supported in a batch request for property "
    "histories is 50"
)

_JSON = "application/json;charset=utf-8"


def json_response(
    status: int, body: Any, headers: dict[str, str] | None = None
) -> httpx.Response:
    """A JSON response with HubSpot's content type."""
    return httpx.Response(
        status,
        content=json.dumps(body, separators=(",", ":")).encode(),
        headers={"content-type": _JSON, **(headers or {})},
    )


def error(status: int, category: str, message: str, **extra: Any) -> httpx.Response:
    """A standard HubSpot error response."""
    body = {
        "status": "error",
        "message": message,
        "correlationId": str(uuid.uuid4()),
        "category": category,
        **extra,
    }
    return json_response(status, body)


def invalid_properties(problems: list[dict[str, Any]]) -> dict[str, Any]:
    """Body of a 400 for bad property values (INVALID_OPTION, INVALID_DATE...)."""
    return {
        "status": "error",
        # Compact JSON inside the message, as in the live body the fact sheet
        # quotes (section 11): clients that parse it must meet the real spacing.
        "message": "Property values were not valid: "
        + json.dumps(problems, separators=(",", ":")),
        "correlationId": str(uuid.uuid4()),
        "category": "VALIDATION_ERROR",
    }


def rate_limited(policy: str, headers: dict[str, str]) -> httpx.Response:
    """A 429 for the DAILY, TEN_SECONDLY_ROLLING or search SECONDLY policy."""
    messages = {
        "DAILY": "You have reached your daily limit.",
        "TEN_SECONDLY_ROLLING": "You have reached your ten_secondly_rolling limit.",
        "SECONDLY": "You have reached your secondly limit.",
    }
    body = {
        "status": "error",
        "message": messages[policy],
        "errorType": "RATE_LIMIT",
        "correlationId": str(uuid.uuid4()),
        "policyName": policy,
        "requestId": str(uuid.uuid4()),
    }
    return json_response(429, body, headers)
