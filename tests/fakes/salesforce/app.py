"""A strict in-process fake of the Salesforce REST API, as an httpx transport.

Built from the vendor's contract as the fact sheet records it, not from any
adapter: OAuth tokens that expire (401 INVALID_SESSION_ID), versions (410 for
retired ones), SOQL query/queryAll with batches and locators, single-record REST,
sObject Collections, upsert by external id, describe, the rolling 24 h API
budget with ``Sforce-Limit-Info`` and 403 REQUEST_LIMIT_EXCEEDED, URI limits
(414/431), duplicate rules, Bulk API 2.0 query jobs, and injectable faults.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, replace
from typing import Any

import httpx

from tests.fakes.hubspot.clock import FakeClock
from tests.fakes.salesforce.admin import AdminHelpers
from tests.fakes.salesforce.auth import Sessions, handle_token
from tests.fakes.salesforce.bulk import BulkJobs, handle_bulk
from tests.fakes.salesforce.call import Call, raw_segments
from tests.fakes.salesforce.collection_routes import handle_collections
from tests.fakes.salesforce.duplicates import parse_rule_header
from tests.fakes.salesforce.errors import (
    INVALID_SESSION,
    NOT_FOUND_MESSAGE,
    RequestError,
    error_response,
    json_response,
)
from tests.fakes.salesforce.faults import Fault, Faults, fault_response
from tests.fakes.salesforce.limits import (
    CONCURRENT_MESSAGE,
    TOTAL_MESSAGE,
    ApiUsage,
    LongRunning,
)
from tests.fakes.salesforce.meta_routes import limits_body, resources, versions
from tests.fakes.salesforce.options import Options
from tests.fakes.salesforce.org import Clock, Org
from tests.fakes.salesforce.query_routes import Cursors, handle_query
from tests.fakes.salesforce.sobject_routes import handle_sobjects
from tests.fakes.salesforce.writes import WriteContext

__all__ = ["MAX_REQUEST_BYTES", "FakeSalesforce", "RequestLog"]

MAX_REQUEST_BYTES = 16_384
"""URI plus headers (§1): beyond, 431; a URI alone beyond it, 414."""
_VERSION = re.compile(r"v(\d+)\.0")


@dataclass(frozen=True)
class RequestLog:
    """One request the fake received and how it was answered."""

    at: float
    method: str
    path: str
    status: int


class FakeSalesforce(AdminHelpers):
    """The fake org. Plug :meth:`transport` into an ``httpx.Client``.

    Args:
        options: every behaviour switch (see :class:`Options` and README.md);
            keyword ``overrides`` replace single fields of it.
        clock: shared with the code under test so token expiry, locator expiry
            and SystemModstamp ties need no sleeping.
    """

    def __init__(
        self,
        options: Options | None = None,
        *,
        clock: Clock | None = None,
        **overrides: Any,
    ) -> None:
        self.options = replace(options or Options(), **overrides)
        self.clock: Clock = clock or FakeClock()
        self.org = Org(self.options, self.clock)
        self.sessions = Sessions()
        self.cursors = Cursors()
        self.bulk = BulkJobs()
        self.usage = ApiUsage(self.options.daily_api_limit)
        self.long_running = LongRunning(
            self.options.long_running_limit, self.options.long_running_seconds
        )
        self.faults = Faults()
        self.log: list[RequestLog] = []
        self._oldest = int(float(self.options.oldest_version))
        self._latest = int(float(self.options.latest_version))
        # Requests may come from several threads (the loopback server): state
        # changes are serialised, simulated latency is not.
        self._lock = threading.RLock()

    # -- transport ---------------------------------------------------------------

    def transport(self) -> httpx.MockTransport:
        """An httpx transport answering every request from this fake."""
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request as Salesforce would (or raise a dropped connection)."""
        status = 0
        try:
            response = self._handle(request)
            status = response.status_code
            return response
        finally:
            with self._lock:
                self.log.append(
                    RequestLog(
                        self.clock.time(), request.method, request.url.path, status
                    )
                )

    def _handle(self, request: httpx.Request) -> httpx.Response:
        too_big = _size_refusal(request)
        if too_big is not None:
            return too_big
        with self._lock:
            fault = self.faults.take(request)
        if fault is not None:
            if fault.kind == "drop":
                raise httpx.RemoteProtocolError(
                    "Server disconnected without sending a response.", request=request
                )
            if fault.kind in ("error", "concurrency"):
                return fault_response(fault)
            if fault.kind == "latency":
                self.clock.advance(fault.seconds)
        segments = raw_segments(request)
        if segments[:3] == ["services", "oauth2", "token"] and len(segments) == 3:
            with self._lock:
                return handle_token(self.org, self.sessions, request)
        if segments[:2] != ["services", "data"]:
            return error_response(404, "NOT_FOUND", NOT_FOUND_MESSAGE)
        if len(segments) == 2:
            if request.method != "GET":
                return error_response(405, "METHOD_NOT_ALLOWED", "Allowed are GET,HEAD")
            return json_response(200, versions(self._oldest, self._latest))
        response = self._api(request, segments[2], segments[3:])
        if fault is not None and fault.kind == "drop_after":
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        return response

    def _api(
        self, request: httpx.Request, version_text: str, rest: list[str]
    ) -> httpx.Response:
        match = _VERSION.fullmatch(version_text)
        if match is None or int(match.group(1)) > self._latest:
            return error_response(404, "NOT_FOUND", NOT_FOUND_MESSAGE)
        major = int(match.group(1))
        if major < self._oldest:
            return error_response(
                410,
                "GONE",
                f"API version {major}.0 has been retired and is no longer available.",
            )
        with self._lock:
            now = self.clock.time()
            user_id = self.sessions.user(_bearer(request), now)
            if user_id is None:
                return json_response(401, INVALID_SESSION)
            if self.long_running.full(now):
                return self._limited(CONCURRENT_MESSAGE, now)
            if not self.usage.try_acquire(now):
                return self._limited(TOTAL_MESSAGE, now)
            ticket = self.long_running.start(now)
        try:
            if self.options.latency:
                self.clock.advance(self.options.latency)
            with self._lock:
                call = Call(
                    request, f"{major}.0", rest, _context(request, user_id, major)
                )
                try:
                    response = self._route(call)
                except RequestError as exc:
                    response = exc.response()
                response.headers["Sforce-Limit-Info"] = self.usage.header(
                    self.clock.time()
                )
                return response
        finally:
            with self._lock:
                self.long_running.finish(ticket)

    def _limited(self, message: str, now: float) -> httpx.Response:
        response = error_response(403, "REQUEST_LIMIT_EXCEEDED", message)
        response.headers["Sforce-Limit-Info"] = self.usage.header(now)
        return response

    def _route(self, call: Call) -> httpx.Response:
        head = call.segments[:1]
        if not call.segments:
            return json_response(200, resources(call.version))
        if head == ["limits"] and len(call.segments) == 1:
            jobs = len(self.bulk.by_id)
            return json_response(
                200,
                limits_body(
                    api_max=self.usage.limit,
                    api_used=self.usage.used(self.clock.time()),
                    bulk_jobs_max=10_000,
                    bulk_jobs_used=jobs,
                ),
            )
        if head in (["query"], ["queryAll"]):
            if head == ["queryAll"] and not call.version_at_least(29.0):
                return error_response(404, "NOT_FOUND", NOT_FOUND_MESSAGE)
            return handle_query(self.org, self.cursors, call)
        if head == ["sobjects"]:
            return handle_sobjects(self.org, call)
        if call.segments[:2] == ["composite", "sobjects"]:
            return handle_collections(self.org, call)
        if call.segments[:2] == ["jobs", "query"] and call.version_at_least(47.0):
            return handle_bulk(self.org, self.bulk, call)
        return error_response(404, "NOT_FOUND", NOT_FOUND_MESSAGE)

    def inject(
        self,
        kind: str,
        *,
        status: int = 503,
        seconds: float = 0.0,
        times: int = 1,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        """Make the next ``times`` matching requests fail (see faults.py)."""
        with self._lock:
            self.faults.add(
                Fault(kind, status, seconds, times, method, path)  # type: ignore[arg-type]
            )


def _bearer(request: httpx.Request) -> str | None:
    header: str = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() in ("bearer", "oauth") and token:
        return token.strip()
    return None


def _context(request: httpx.Request, user_id: str, major: int) -> WriteContext:
    flags = (
        parse_rule_header(request.headers.get("sforce-duplicate-rule-header"))
        if major >= 52
        else {}
    )
    return WriteContext(
        user_id,
        allow_save=flags.get("allowSave", False),
        include_details=flags.get("includeRecordDetails", False),
        version=f"{major}.0",
    )


def _size_refusal(request: httpx.Request) -> httpx.Response | None:
    uri = len(request.url.raw_path)
    headers = sum(len(k) + len(v) + 4 for k, v in request.headers.raw)
    if uri > MAX_REQUEST_BYTES:
        return httpx.Response(414, text="URI Too Long")
    if uri + headers > MAX_REQUEST_BYTES:
        return httpx.Response(431, text="Request Header Fields Too Large")
    return None
