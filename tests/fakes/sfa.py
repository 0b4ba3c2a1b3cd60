"""A stateful in-process fake of a typical REST SFA, plugged in as a MockTransport.

It keeps leads ("persons") and deals in memory and behaves like the APIs the REST
adapter must cope with: one of six pagination styles, one of six auth kinds, OAuth
tokens that expire by the fake clock or on demand, 429 bursts with Retry-After,
injected 5xx, Salesforce's 403 daily-limit body, required-field validation, and a
batch endpoint that reports per-record errors (or refuses the whole batch).
"""

from __future__ import annotations

import base64
import json
import re
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import unquote

import httpx

__all__ = ["STAGES", "FakeClock", "FakeSfa"]

STAGES = ["新規", "アポ獲得", "提案", "受注", "失注"]
"""The fake's deal stage vocabulary (served at /stages)."""

Pagination = Literal["none", "cursor", "next_url", "page", "offset", "link_header"]
AuthKind = Literal[
    "none", "bearer", "basic", "api_key_header", "api_key_query", "oauth2"
]

TOKEN = "static-token-1234"
API_KEY = "key-abcdef-9876"
USER, PASSWORD = "sync-user", "pa55-word-xyz"
CLIENT_ID, CLIENT_SECRET = "client-1", "client-secret-42"
_REQUIRED = {"persons": ("email", "last_name"), "deals": ("name", "stage")}


class FakeClock:
    """Time that moves only when slept on or advanced (epoch seconds)."""

    def __init__(self, start: float = 1_777_593_600.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(seconds, 0.0)

    def advance(self, seconds: float) -> None:
        self.now += seconds


def _json(
    status: int, body: Any, headers: dict[str, str] | None = None
) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


class FakeSfa:
    """The fake SFA; pass ``httpx.MockTransport(fake.handler)`` to the adapter."""

    def __init__(
        self,
        *,
        pagination: Pagination = "cursor",
        auth: AuthKind = "bearer",
        since_format: Literal["iso8601", "epoch_s", "epoch_ms"] = "iso8601",
        since_inclusive: bool = True,
        updated_format: Literal["iso8601", "epoch_ms"] = "iso8601",
        max_page_size: int = 50,
        batch_max: int = 10,
        batch_all_or_nothing: bool = False,
        wrap_values: bool = False,
        token_ttl: float = 3600.0,
        clock: FakeClock | None = None,
    ) -> None:
        self.pagination = pagination
        self.auth = auth
        self.since_format = since_format
        self.since_inclusive = since_inclusive
        self.updated_format = updated_format
        self.max_page_size = max_page_size
        self.batch_max = batch_max
        self.batch_all_or_nothing = batch_all_or_nothing
        self.wrap_values = wrap_values
        self.token_ttl = token_ttl
        self.clock = clock or FakeClock()
        self.tables: dict[str, dict[str, dict[str, Any]]] = {"persons": {}, "deals": {}}
        self.requests: list[httpx.Request] = []
        self.tokens: dict[str, float] = {}
        self.tokens_issued = 0
        self.daily_limit_exhausted = False
        self._faults: deque[httpx.Response] = deque()
        self._next_id = 1
        self._routes: list[
            tuple[str, re.Pattern[str], Callable[..., httpx.Response]]
        ] = [
            ("POST", re.compile(r"/oauth/token"), self._token),
            ("GET", re.compile(r"/api/v1/me"), lambda _r: _json(200, {"user": USER})),
            ("GET", re.compile(r"/api/v1/stages"), self._stages),
            ("POST", re.compile(r"/api/v1/(persons|deals)/batch"), self._batch),
            (
                "PUT",
                re.compile(r"/api/v1/(persons|deals)/by/([^/]+)/([^/]+)"),
                self._upsert,
            ),
            ("PATCH", re.compile(r"/api/v1/(persons|deals)/([^/]+)"), self._update),
            ("GET", re.compile(r"/api/v1/(persons|deals)"), self._list),
            ("POST", re.compile(r"/api/v1/(persons|deals)"), self._create),
        ]

    # --- test controls ---------------------------------------------------------------

    def add(self, entity: str, updated: float | None = None, **fields: Any) -> str:
        """Store a record directly (as if a salesperson typed it); return its id."""
        record_id = str(fields.pop("id", None) or self._new_id(entity))
        stamp = self.clock.now if updated is None else updated
        self.tables[entity][record_id] = {"id": record_id, **fields, "updated": stamp}
        return record_id

    def inject(
        self,
        status: int,
        times: int = 1,
        *,
        headers: dict[str, str] | None = None,
        body: Any = None,
    ) -> None:
        """The next ``times`` API calls (not token calls) answer ``status``."""
        for _ in range(times):
            self._faults.append(
                _json(status, body or {"error": f"injected {status}"}, headers)
            )

    def expire_tokens(self) -> None:
        """Revoke every OAuth token now (what an expiry mid-run looks like)."""
        self.tokens.clear()

    def api_calls(
        self, method: str | None = None, path: str | None = None
    ) -> list[httpx.Request]:
        """Requests received other than token requests, optionally filtered."""
        return [
            r
            for r in self.requests
            if r.url.path != "/oauth/token"
            and (method is None or r.method == method)
            and (path is None or r.url.path == path)
        ]

    # --- transport -------------------------------------------------------------------

    def handler(self, request: httpx.Request) -> httpx.Response:
        """The MockTransport handler: route, authenticate, apply faults."""
        self.requests.append(request)
        path = request.url.path
        if path != "/oauth/token":
            refused = self._authenticate(request)
            if refused is not None:
                return refused
            if self.daily_limit_exhausted:
                return _json(
                    403,
                    [
                        {
                            "errorCode": "REQUEST_LIMIT_EXCEEDED",
                            "message": "TotalRequests Limit exceeded.",
                        }
                    ],
                )
            if self._faults:
                return self._faults.popleft()
        for method, pattern, route in self._routes:
            match = pattern.fullmatch(path)
            if match and request.method == method:
                return route(request, *[unquote(g) for g in match.groups()])
        known = [f"{m} {p.pattern}" for m, p, _ in self._routes]
        return _json(
            404, {"error": f"no route {request.method} {path}", "routes": known}
        )

    def _authenticate(self, request: httpx.Request) -> httpx.Response | None:
        header = request.headers.get("Authorization", "")
        checks: dict[str, Callable[[], bool]] = {
            "none": lambda: True,
            "bearer": lambda: header == f"Bearer {TOKEN}",
            "basic": lambda: (
                header
                == "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
            ),
            "api_key_header": lambda: request.headers.get("X-API-Key") == API_KEY,
            "api_key_query": lambda: request.url.params.get("api_token") == API_KEY,
            "oauth2": lambda: (
                self.tokens.get(header.removeprefix("Bearer "), 0) > self.clock.now
            ),
        }
        if checks[self.auth]():
            return None
        return _json(
            401, {"error": "invalid_token", "error_description": "expired or wrong"}
        )

    # --- routes ----------------------------------------------------------------------

    def _token(self, request: httpx.Request) -> httpx.Response:
        form = dict(httpx.QueryParams(request.content.decode()))
        basic = request.headers.get("Authorization", "")
        if basic.startswith("Basic "):
            form["client_id"], _, form["client_secret"] = (
                base64.b64decode(basic[6:]).decode().partition(":")
            )
        if form.get("grant_type") != "client_credentials":
            return _json(400, {"error": "unsupported_grant_type"})
        if (form.get("client_id"), form.get("client_secret")) != (
            CLIENT_ID,
            CLIENT_SECRET,
        ):
            return _json(401, {"error": "invalid_client"})
        self.tokens_issued += 1
        token = f"tok-{self.tokens_issued:04d}-{'x' * 8}"
        self.tokens[token] = self.clock.now + self.token_ttl
        return _json(
            200,
            {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": int(self.token_ttl),
            },
        )

    def _stages(self, _request: httpx.Request) -> httpx.Response:
        return _json(
            200, {"stages": [{"name": s, "order": i} for i, s in enumerate(STAGES)]}
        )

    def _list(self, request: httpx.Request, entity: str) -> httpx.Response:
        params = request.url.params
        rows = list(self.tables[entity].values())
        since_text = params.get("updated_since")
        if since_text is not None:
            since = self._parse_since(since_text)
            rows = [
                r
                for r in rows
                if (
                    r["updated"] >= since
                    if self.since_inclusive
                    else r["updated"] > since
                )
            ]
        if params.get("sort") == "updated_at":
            rows.sort(key=lambda r: (r["updated"], r["id"]))
        else:  # unsorted: newest first, the worst order for a naive cursor
            rows.sort(key=lambda r: (r["updated"], r["id"]), reverse=True)
        limit = min(int(params.get("limit", self.max_page_size)), self.max_page_size)
        if self.pagination == "none":
            start, limit = 0, len(rows)
        elif self.pagination == "cursor":
            cursor = params.get("cursor")
            start = int(base64.b64decode(cursor).decode()) if cursor else 0
        elif self.pagination == "page":
            start = (int(params.get("page", 1)) - 1) * limit
        else:
            start = int(params.get("offset", 0))
        chunk = rows[start : start + limit]
        more = start + limit < len(rows)
        body: dict[str, Any] = {
            "data": {"items": [self._out(r) for r in chunk]},
            "meta": {"has_more": more},
        }
        headers: dict[str, str] = {}
        if more and self.pagination == "cursor":
            body["meta"]["next_cursor"] = base64.b64encode(
                str(start + limit).encode()
            ).decode()
        next_url = request.url.copy_merge_params({"offset": start + limit})
        if more and self.pagination == "next_url":
            body["links"] = {"next": f"{next_url.path}?{next_url.query.decode()}"}
        if more and self.pagination == "link_header":
            headers["Link"] = f'<{next_url}>; rel="next", <{request.url}>; rel="self"'
        return _json(200, body, headers)

    def _parse_since(self, text: str) -> float:
        if self.since_format == "iso8601":
            return datetime.fromisoformat(text).timestamp()
        value = float(text)
        return value / 1000 if self.since_format == "epoch_ms" else value

    def _out(self, row: dict[str, Any]) -> dict[str, Any]:
        stamp = row["updated"]
        updated: Any = (
            datetime.fromtimestamp(stamp, UTC).isoformat(timespec="milliseconds")
            if self.updated_format == "iso8601"
            else round(stamp * 1000)
        )
        fields = {k: v for k, v in row.items() if k != "updated"} | {
            "updated_at": updated
        }
        if self.wrap_values:
            return {k: {"type": "TEXT", "value": v} for k, v in fields.items()}
        return fields

    def _fields(self, request: httpx.Request) -> Any:
        return json.loads(request.content or b"{}")

    def _unwrap(self, fields: dict[str, Any]) -> dict[str, Any]:
        if not self.wrap_values:
            return fields
        return {
            k: v["value"] if isinstance(v, dict) and "value" in v else v
            for k, v in fields.items()
        }

    def _problems(
        self, entity: str, fields: dict[str, Any], *, partial: bool
    ) -> list[dict[str, str]]:
        problems = []
        for name in _REQUIRED[entity]:
            if not partial and not fields.get(name):
                problems.append({"field": name, "code": "REQUIRED_FIELD_MISSING"})
        email = fields.get("email")
        if email is not None and "@" not in str(email):
            problems.append({"field": "email", "code": "INVALID_EMAIL_ADDRESS"})
        stage = fields.get("stage")
        if stage is not None and stage not in STAGES:
            problems.append({"field": "stage", "code": "INVALID_PICKLIST_VALUE"})
        return problems

    def _write(
        self, entity: str, fields: dict[str, Any], record_id: str | None
    ) -> tuple[int, dict[str, Any]]:
        fields = self._unwrap(fields)
        problems = self._problems(entity, fields, partial=record_id is not None)
        if problems:
            return 400, {"success": False, "errors": problems}
        if record_id is not None and record_id not in self.tables[entity]:
            return 404, {
                "success": False,
                "errors": [{"code": "NOT_FOUND", "id": record_id}],
            }
        created = record_id is None
        record_id = record_id or self._new_id(entity)
        row = self.tables[entity].get(record_id, {"id": record_id})
        row |= {k: v for k, v in fields.items() if k != "id"}
        row["updated"] = self.clock.now
        self.tables[entity][record_id] = row
        return (201 if created else 200), {
            "id": record_id,
            "success": True,
            "errors": [],
            "created": created,
        }

    def _create(self, request: httpx.Request, entity: str) -> httpx.Response:
        return _json(*self._write(entity, self._body_record(request), None))

    def _update(
        self, request: httpx.Request, entity: str, record_id: str
    ) -> httpx.Response:
        return _json(*self._write(entity, self._body_record(request), record_id))

    def _body_record(self, request: httpx.Request) -> dict[str, Any]:
        body = self._fields(request)
        record = body.get("record", body) if isinstance(body, dict) else body
        return dict(record)

    def _upsert(
        self, request: httpx.Request, entity: str, field: str, value: str
    ) -> httpx.Response:
        existing = next(
            (
                r["id"]
                for r in self.tables[entity].values()
                if str(r.get(field)) == value
            ),
            None,
        )
        fields = {field: value, **self._body_record(request)}
        return _json(*self._write(entity, fields, existing))

    def _batch(self, request: httpx.Request, entity: str) -> httpx.Response:
        records = self._fields(request).get("records", [])
        if len(records) > self.batch_max:
            return _json(413, {"error": f"at most {self.batch_max} records per batch"})
        if self.batch_all_or_nothing:
            bad = [
                i
                for i, r in enumerate(records)
                if self._problems(entity, self._unwrap(r), partial="id" in r)
            ]
            if bad:
                return _json(400, {"error": "batch refused", "bad_indexes": bad})
        results = []
        for record in records:
            status, result = self._write(entity, record, record.get("id"))
            results.append(result | {"status": status})
        return _json(200, {"results": results})

    def _new_id(self, entity: str) -> str:
        prefix = "L" if entity == "persons" else "D"
        while True:
            candidate = f"{prefix}{self._next_id:05d}"
            self._next_id += 1
            if candidate not in self.tables[entity]:
                return candidate
