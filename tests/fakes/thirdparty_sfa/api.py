"""The vendor contract: routes under ``/api/v1`` and their validation.

Everything a real client may touch lives here; the test-only admin surface is
in :mod:`admin` so that the two can never blur. Query parameters are checked
strictly (unknown names, out-of-range limits and offset-less timestamps are
400s) because a lenient server would hide client bugs that a real vendor
might not forgive.
"""

from __future__ import annotations

import hmac
import re
from typing import Any

from .clock import parse_instant
from .replies import BadRequestError, Reply, error_reply, json_reply, parse_json
from .store import InvalidCursorError, Store
from .vocab import DEAL_STAGES, LEAD_STATUSES, meta_payload

PREFIX = "/api/v1"
RESOURCES = ("leads", "deals")
BATCH_MAX = 50
LIMIT_DEFAULT, LIMIT_MAX = 50, 100
DIGITS = re.compile(r"[0-9]{1,6}")
LIST_PARAMS = frozenset({"updated_since", "limit", "cursor"})


def authorized(headers: Any, token: str) -> bool:
    """True when ``Authorization: Bearer <token>`` matches (constant time)."""
    value = headers.get("Authorization") or ""
    scheme, _, given = value.partition(" ")
    if scheme.lower() != "bearer" or not given:
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def _single(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise BadRequestError(400, "invalid_parameter", f"{name} given twice")
    return values[0]


def _list(store: Store, resource: str, query: dict[str, list[str]]) -> Reply:
    unknown = sorted(set(query) - LIST_PARAMS)
    if unknown:
        raise BadRequestError(400, "invalid_parameter", f"unknown parameters {unknown}")
    limit_text = _single(query, "limit")
    limit = LIMIT_DEFAULT
    if limit_text is not None:
        if not DIGITS.fullmatch(limit_text) or not 1 <= int(limit_text) <= LIMIT_MAX:
            raise BadRequestError(
                400, "invalid_parameter", f"limit must be 1..{LIMIT_MAX}"
            )
        limit = int(limit_text)
    since_text = _single(query, "updated_since")
    since = None
    if since_text is not None:
        try:
            since = parse_instant(since_text)
        except ValueError as exc:
            hint = " ('+' must be sent as %2B)" if " " in since_text else ""
            raise BadRequestError(
                400, "invalid_parameter", f"updated_since: {exc}{hint}"
            ) from exc
    try:
        rows, cursor = store.list_page(resource, since, _single(query, "cursor"), limit)
    except InvalidCursorError as exc:
        raise BadRequestError(400, "invalid_cursor", str(exc)) from exc
    return json_reply(200, {"data": rows, "next_cursor": cursor})


def _batch(store: Store, resource: str, body: bytes) -> Reply:
    payload = parse_json(body)
    records = payload.get("records") if isinstance(payload, dict) else None
    if not isinstance(records, list):
        raise BadRequestError(
            400, "invalid_request", 'body must be {"records": [ ... ]}'
        )
    if len(records) > BATCH_MAX:
        raise BadRequestError(413, "batch_too_large", f"max {BATCH_MAX} records")
    return json_reply(200, {"results": store.batch(resource, records)})


def handle_api(
    store: Store,
    token: str,
    method: str,
    path: str,
    query: dict[str, list[str]],
    headers: Any,
    body: bytes,
) -> Reply:
    """Answer one public request; auth first, then the route."""
    if not path.startswith(PREFIX + "/"):
        return error_reply(404, "not_found", f"no route {path}")
    if not authorized(headers, token):
        return error_reply(
            401,
            "unauthorized",
            "missing or invalid bearer token",
            {"WWW-Authenticate": 'Bearer realm="acmesfa"'},
        )
    parts = path[len(PREFIX) :].strip("/").split("/")
    try:
        if parts == ["meta", "lead-statuses"] or parts == ["meta", "deal-stages"]:
            if method != "GET":
                return error_reply(405, "method_not_allowed", "use GET")
            vocab = LEAD_STATUSES if parts[1] == "lead-statuses" else DEAL_STAGES
            return json_reply(200, meta_payload(vocab))
        if not parts or parts[0] not in RESOURCES or len(parts) > 2:
            return error_reply(404, "not_found", f"no route {path}")
        resource = parts[0]
        if len(parts) == 1:
            if method != "GET":
                return error_reply(405, "method_not_allowed", "use GET")
            return _list(store, resource, query)
        if parts[1] == "batch":
            if method != "POST":
                return error_reply(405, "method_not_allowed", "use POST")
            return _batch(store, resource, body)
        if method != "GET":
            return error_reply(405, "method_not_allowed", "use GET")
        row = store.get(resource, parts[1])
        if row is None:
            kind = resource[:-1]
            return error_reply(404, "not_found", f"no {kind} {parts[1]!r}")
        return json_reply(200, {"data": row})
    except BadRequestError as err:
        return err.reply()
