"""A strict in-process kintone domain, plugged in as an httpx transport.

Routes ``/k/v1/…`` and ``/k/guest/{space}/v1/…``: ``records.json`` (GET, POST,
PUT), ``records/cursor.json`` (POST, GET, DELETE). Long URLs may come as POST
with ``X-HTTP-Method-Override: GET`` and a JSON body. Every answer is logged with
the number of records it served, so tests can count what a client read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import parse_qsl

import httpx

from .auth import AuthRules, authorize
from .cursors import Cursor, Cursors, FreedCursor
from .errors import KintoneError, error_response, json_response, validation
from .query import Query, parse_query
from .schema import App
from .store import AppStore, Record

__all__ = ["FakeKintone", "Served"]

START = 1_798_761_600.0
"""2027-01-01T00:00:00Z."""
MAX_URL = 8 * 1024
_ROUTE = re.compile(r"^/k/(?:guest/\d+/)?v1/(records|records/cursor)\.json$")
Precision = Literal["second", "minute"]


@dataclass
class Served:
    """One logged answer: what was asked and how many records went out."""

    method: str
    resource: str
    status: int
    params: dict[str, Any]
    records: int = 0


@dataclass
class FakeKintone:
    """One kintone domain. Switches cover the fact sheet's unconfirmed points."""

    apps: dict[int, App] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)
    auth: AuthRules = field(default_factory=AuthRules)
    precision: Precision = "second"
    default_desc: bool = True
    post_cap: int = 100
    put_cap: int = 100
    freed_cursor: FreedCursor = "GAIA_CN01"
    cursor_ttl: float | None = 600.0
    now: float = START

    def __post_init__(self) -> None:
        self.stores = {app_id: AppStore(app) for app_id, app in self.apps.items()}
        self.cursors = Cursors(ttl=self.cursor_ttl)
        self.pending_tokens: dict[int, set[str]] = {}
        self.log: list[Served] = []

    # --- setup and inspection (no such back door exists at kintone) ---

    def add_app(self, app: App) -> App:
        """Register an app; its tokens are live at once."""
        self.apps[app.id] = app
        self.stores[app.id] = AppStore(app)
        return app

    def add_token(self, app_id: int, token: str) -> None:
        """A token made in the app settings; may need "Update App" first."""
        if self.auth.tokens_need_app_update:
            self.pending_tokens.setdefault(app_id, set()).add(token)
        else:
            self.apps[app_id].tokens.add(token)

    def update_app(self, app_id: int) -> None:
        """Apply "Update App": pending settings (tokens) take effect."""
        self.apps[app_id].tokens |= self.pending_tokens.pop(app_id, set())

    def advance(self, seconds: float) -> None:
        """Let time pass."""
        self.now += seconds

    def stamp(self) -> datetime:
        """Now, at the update-time field's precision."""
        moment = datetime.fromtimestamp(self.now, UTC).replace(microsecond=0)
        return moment.replace(second=0) if self.precision == "minute" else moment

    def seed(self, app_id: int, *rows: dict[str, Any]) -> list[Record]:
        """Insert plain ``{code: value}`` rows at the current time, unchecked."""
        return [self.stores[app_id].insert(row, self.stamp()) for row in rows]

    def touch(self, app_id: int, record_id: int, **changes: Any) -> Record:
        """A user's edit in the browser: new values, revision + 1, new update time."""
        record = self.stores[app_id].records[record_id]
        record.values.update(changes)
        record.revision += 1
        record.updated = self.stamp()
        return record

    def served(self, resource: str = "records") -> int:
        """Records handed out on ``resource`` reads so far."""
        return sum(s.records for s in self.log if s.resource == resource)

    # --- the API ---

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request as kintone would."""
        route = _ROUTE.match(request.url.path)
        method = request.method
        params: dict[str, Any] = {}
        resource = route.group(1) if route else request.url.path
        try:
            _check_route(route is not None, method, request)
            override = request.headers.get("X-HTTP-Method-Override")
            if method == "POST" and override:
                method = override.upper()
            params = self._params(request, from_body=request.method != "GET")
            app = self._app(params.get("app"))
            self.cursors.expire(self.now)
            if resource == "records/cursor" and method in ("GET", "DELETE"):
                app = None
            authorize(request, app, self.apps, self.users, self.auth)
            status, body, count = self._route(resource, method, params, app)
        except KintoneError as exc:
            self.log.append(Served(method, resource, exc.status, params))
            return error_response(exc)
        self.log.append(Served(method, resource, status, params, count))
        return json_response(status, body)

    def _params(self, request: httpx.Request, *, from_body: bool) -> dict[str, Any]:
        """Query-string parameters, overlaid by a JSON body on other methods."""
        body: Any = {}
        if from_body and request.content:
            try:
                body = json.loads(request.content)
            except (ValueError, UnicodeDecodeError):
                raise KintoneError(400, "CB_IJ01", "不正なJSON文字列です。") from None
            if not isinstance(body, dict):
                raise KintoneError(400, "CB_IJ01", "不正なJSON文字列です。")
        params: dict[str, Any] = {}
        fields: list[str] = []
        for key, value in parse_qsl(request.url.query.decode(), keep_blank_values=True):
            if key == "fields" or re.fullmatch(r"fields\[\d*\]", key):
                fields.append(value)
            else:
                params[key] = value
        if fields:
            params["fields"] = fields
        return {**params, **body}

    def _app(self, raw: Any) -> App | None:
        if raw is None:
            return None
        if not str(raw).isdigit():
            raise validation("app", "数字でなければなりません。")
        app = self.apps.get(int(raw))
        if app is None:
            raise KintoneError(
                404, "GAIA_AP01", f"指定したアプリ（id: {raw}）が見つかりません。"
            )
        return app

    def _route(
        self, resource: str, method: str, params: dict[str, Any], app: App | None
    ) -> tuple[int, Any, int]:
        if resource == "records/cursor":
            return self._cursor(method, params, app)
        if app is None:
            raise validation("app", REQUIRED_PARAM)
        store = self.stores[app.id]
        if method == "GET":
            return self._read(store, params)
        records = params.get("records")
        if method == "POST":
            added = store.add(
                records if isinstance(records, list) else [],
                self.stamp(),
                self.post_cap,
            )
            return (
                200,
                {
                    "ids": [str(r.id) for r in added],
                    "revisions": [str(r.revision) for r in added],
                },
                0,
            )
        if method == "PUT":
            upsert = params.get("upsert") in (True, "true")
            done = store.put(
                records if isinstance(records, list) else [],
                upsert,
                self.stamp(),
                self.put_cap,
            )
            rows = []
            for record, operation in done:
                row = {"id": str(record.id), "revision": str(record.revision)}
                if upsert:
                    row["operation"] = operation
                rows.append(row)
            return 200, {"records": rows}, 0
        raise KintoneError(405, "CB_NO02", "許可されていないメソッドです。")

    def _query(self, store: AppStore, params: dict[str, Any]) -> Query:
        text = str(params.get("query") or "")
        return parse_query(text, store.field)

    def _fields(self, store: AppStore, params: dict[str, Any]) -> list[str] | None:
        fields = params.get("fields")
        if fields is None:
            return None
        if not isinstance(fields, list):
            raise validation("fields", "配列で指定してください。")
        for code in fields:
            store.field(str(code))
        return [str(c) for c in fields]

    def _matching(
        self, store: AppStore, query: Query, rows: dict[int, Record]
    ) -> list[Record]:
        hits = [r for r in rows.values() if query.matches(r, store.field, store.get)]
        return query.sort(hits, store.field, store.get, self.default_desc)

    def _read(self, store: AppStore, params: dict[str, Any]) -> tuple[int, Any, int]:
        query = self._query(store, params)
        fields = self._fields(store, params)
        limit = 100 if query.limit is None else query.limit
        offset = query.offset or 0
        if limit > 500:
            raise validation("query", "limitには500以下の値を指定してください。")
        if offset > 10_000:
            raise validation("query", "offsetには10,000以下の値を指定してください。")
        hits = self._matching(store, query, store.records)
        page = hits[offset : offset + limit]
        total = (
            str(len(hits)) if str(params.get("totalCount")).lower() == "true" else None
        )
        body = {
            "records": [self._shape(store, r, fields) for r in page],
            "totalCount": total,
        }
        return 200, body, len(page)

    def _cursor(
        self, method: str, params: dict[str, Any], app: App | None
    ) -> tuple[int, Any, int]:
        if method == "POST":
            if app is None:
                raise validation("app", REQUIRED_PARAM)
            store = self.stores[app.id]
            query = self._query(store, params)
            if query.limit is not None or query.offset is not None:
                raise validation(
                    "query", "カーソルのクエリにlimitとoffsetは指定できません。"
                )
            size = params.get("size", 100)
            if not str(size).isdigit() or not 1 <= int(size) <= 500:
                raise validation("size", "1から500までの値を指定してください。")
            fields = self._fields(store, params)
            hits = self._matching(store, query, store.snapshot())
            key = self.cursors.open(Cursor(app.id, hits, fields, int(size), self.now))
            return 200, {"id": key, "totalCount": str(len(hits))}, 0
        key = str(params.get("id") or "")
        if method == "GET":
            cursor, page, more = self.cursors.take(key, self.now)
            store = self.stores[cursor.app]
            records = [self._shape(store, r, cursor.fields) for r in page]
            return 200, {"records": records, "next": more}, len(page)
        if method == "DELETE":
            self.cursors.close(key, self.freed_cursor)
            return 200, {}, 0
        raise KintoneError(405, "CB_NO02", "許可されていないメソッドです。")

    def _shape(
        self, store: AppStore, record: Record, fields: list[str] | None
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for code, kind in store.app.form().items():
            if fields is not None and code not in fields:
                continue
            raw = store.get(record, code)
            if isinstance(raw, datetime):
                value: Any = raw.strftime("%Y-%m-%dT%H:%M:%SZ")
            elif raw is None:
                value = ""
            else:
                value = str(raw)
            out[code] = {"type": kind.type, "value": value}
        return out


REQUIRED_PARAM = "必須です。"


def _check_route(known: bool, method: str, request: httpx.Request) -> None:
    if not known:
        raise KintoneError(404, "CB_NO02", "APIが見つかりません。")
    if method == "GET" and len(str(request.url)) > MAX_URL:
        raise KintoneError(414, "CB_VA01", "URLが長すぎます。POSTで送ってください。")
