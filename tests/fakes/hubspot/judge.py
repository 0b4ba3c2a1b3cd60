"""Where the fake holds each exchange to HubSpot's generated models.

Requests: the body (contract.py) and the query parameter names (api_index.py);
a violation is recorded and, in ``strict`` mode, answered with HubSpot's 400
VALIDATION_ERROR before any state changes. Responses: the fake's own answer
(responses.py); a mismatch is recorded only, as it is the fake's bug.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import httpx

from tests.fakes.hubspot.contract import (
    ContractViolation,
    check_body,
    check_query,
    violation_body,
)
from tests.fakes.hubspot.errors import json_response
from tests.fakes.hubspot.responses import check_response

if TYPE_CHECKING:
    from tests.fakes.hubspot.app import FakeHubSpot

__all__ = ["judge_request", "judge_response"]


def judge_request(
    fake: FakeHubSpot, request: httpx.Request, body: Any
) -> httpx.Response | None:
    """The 400 to answer instead of serving the request, or None to serve it."""
    if fake.contract == "off":
        return None
    path = request.url.path
    model, problems = check_body(request.method, path, body, request.content or b"")
    problems += check_query(request.method, path, list(request.url.params.keys()))
    if not problems:
        return None
    fake.contract_violations.append(
        ContractViolation(request.method, path, model, tuple(problems))
    )
    if fake.contract == "record":
        return None
    return json_response(400, violation_body(problems, str(uuid.uuid4())))


def judge_response(
    fake: FakeHubSpot, request: httpx.Request, response: httpx.Response
) -> None:
    """Record how the fake's answer differs from HubSpot's response model."""
    path = request.url.path
    model, problems = check_response(
        request.method, path, response.status_code, response.content
    )
    if problems:
        with fake._lock:
            fake.response_violations.append(
                ContractViolation(request.method, path, model, tuple(problems))
            )
