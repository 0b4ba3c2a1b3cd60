"""A strict in-process fake of the HubSpot API, plugged in as an httpx transport.

It enforces what the real API enforces and nothing more lenient: bearer auth, the
10-second and daily buckets with ``X-HubSpot-RateLimit-*`` headers and the real 429
bodies, search at 5 requests per second with no rate-limit headers, batch and page
caps, the search-index delay, archived and merged records, 409 on a duplicate email
and lifecycle stage forward-only. Both path families (``/crm/v3``+``/crm/v4`` and
date-based ``/crm/objects/2026-03``) are served.
"""

from __future__ import annotations

import json
import math
import re
import threading
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from tests.fakes.hubspot.clock import FakeClock
from tests.fakes.hubspot.contract import ContractViolation
from tests.fakes.hubspot.crm_routes import handle_objects
from tests.fakes.hubspot.errors import error, json_response, rate_limited
from tests.fakes.hubspot.helpers import SetupHelpers
from tests.fakes.hubspot.judge import judge_request, judge_response
from tests.fakes.hubspot.limits import DailyBudget, RollingWindow
from tests.fakes.hubspot.meta_routes import (
    handle_associations,
    handle_events,
    handle_participations,
    handle_pipelines,
    handle_properties,
    handle_usage,
)
from tests.fakes.hubspot.objects import CrmStore, LifecyclePolicy
from tests.fakes.hubspot.search import SearchLimits, run_search

__all__ = ["ContractMode", "FakeHubSpot", "MultiStatus", "RequestLog", "TraceEcho"]

ContractMode = Literal["strict", "record", "off"]
"""Request bodies vs hubspot-api-client's models: refuse (400), only record, skip."""
TraceEcho = Literal["echo", "omit"]
"""Whether batch write results carry the input's ``objectWriteTraceId`` back."""
MultiStatus = Literal["create", "all"]
"""Which batch writes ``objectWriteTraceId`` turns into multi-status (207)."""

_VERSION = r"(?:\d{4}-\d{2})"
_TYPES = {
    "contacts": "contacts",
    "0-1": "contacts",
    "deals": "deals",
    "0-3": "deals",
    "companies": "companies",
    "0-2": "companies",
}
ROUTES: list[tuple[str, re.Pattern[str]]] = [
    (
        "objects",
        re.compile(
            rf"^/crm/(?:v3/objects|objects/{_VERSION})/(?P<type>[\w-]+)(?P<rest>(?:/[^/]+)*)$"
        ),
    ),
    (
        "properties",
        re.compile(
            rf"^/crm/(?:v3/properties|properties/{_VERSION})/(?P<type>\w+)(?P<rest>(?:/[^/]+)*)$"
        ),
    ),
    (
        "pipelines",
        re.compile(
            rf"^/crm/(?:v3/pipelines|pipelines/{_VERSION})/(?P<type>\w+)(?P<rest>(?:/[^/]+)*)$"
        ),
    ),
    (
        "associations",
        re.compile(
            rf"^/crm/(?:v4/associations|associations/{_VERSION})/(?P<from>\w+)/(?P<to>\w+)"
            r"/batch/(?P<action>[\w/]+)$"
        ),
    ),
    ("events", re.compile(r"^/events/v3/events$")),
    (
        "participations",
        re.compile(
            r"^/marketing/v3/marketing-events/participations/contacts/(?P<id>[^/]+)/breakdown$"
        ),
    ),
    ("usage", re.compile(r"^/account-info/v3/api-usage/daily/private-apps$")),
    # Custom object schemas: this portal defines none (generic clients list them).
    ("schemas", re.compile(rf"^/crm/(?:v3/schemas|schemas/{_VERSION})$")),
]


@dataclass(frozen=True)
class RequestLog:
    """One request the fake received: when, what, and how it was answered."""

    at: float
    method: str
    path: str
    status: int
    search: bool


class FakeHubSpot(SetupHelpers):
    """The fake portal. Use :meth:`transport` as the adapter's httpx transport.

    Args:
        token: the only bearer token accepted.
        clock: shared with the adapter so windows and index delay need no sleeping.
        burst_limit: requests per rolling 10 s (100 / 190 / 250 by tier).
        daily_limit: requests per day.
        search_per_second: search requests per rolling second.
        index_delay: seconds before a write shows up in search.
        latency: simulated seconds each request takes (advances the clock).
        retry_after: send ``Retry-After`` on burst 429s (HubSpot often does not).
        lifecycle_policy: a backward ``lifecyclestage`` write (customer -> lead
            without clearing to "" first). ``ignore`` (default): 200 and the value
            is kept, as HubSpot staff described for the v1 API; ``error``: 400
            VALIDATION_ERROR; ``apply``: written. v3 behaviour is UNCONFIRMED.
        trace_echo: ``echo`` (default) puts each input's ``objectWriteTraceId``
            on its batch result, ``omit`` leaves it out. The response model has
            the field, whether HubSpot fills it is UNCONFIRMED.
        multi_status: ``all`` (default): every batch write whose inputs all carry
            an ``objectWriteTraceId`` answers 207 with per-input errors (seen by
            third parties for update too); ``create``: only batch create does,
            as HubSpot's docs describe; other batches fail whole with 400.
        contract: ``strict`` (default) answers 400 VALIDATION_ERROR to a body
            that breaks hubspot-api-client's model for the route; ``record`` only
            notes it in :attr:`contract_violations`; ``off`` skips the check.
        check_responses: walk every answer of the fake against the package's
            response model too, listing mismatches (the fake's own bugs) in
            :attr:`response_violations`; the answer itself is never changed.
        unavailable: endpoint families answering 403 (``events``,
            ``participations``), as for a portal without the scope or tier.
        list_max: largest ``limit`` the list endpoint accepts.
    """

    def __init__(
        self,
        *,
        token: str = "pat-na1-00000000-0000-0000-0000-000000000000",  # noqa: S107 - fake
        clock: FakeClock | None = None,
        burst_limit: int = 100,
        daily_limit: int = 250_000,
        search_per_second: int = 5,
        index_delay: float = 0.0,
        latency: float = 0.0,
        retry_after: bool = False,
        lifecycle_policy: LifecyclePolicy = "ignore",
        unavailable: frozenset[str] = frozenset(),
        search_limits: SearchLimits | None = None,
        list_max: int = 100,
        trace_echo: TraceEcho = "echo",
        multi_status: MultiStatus = "all",
        contract: ContractMode = "strict",
        check_responses: bool = True,
    ) -> None:
        self.token = token
        self.clock = clock or FakeClock()
        self.burst = RollingWindow(burst_limit, 10.0)
        self.search_window = RollingWindow(search_per_second, 1.0)
        self.daily = DailyBudget(daily_limit)
        self.latency = latency
        self.retry_after = retry_after
        self.unavailable = unavailable
        self.search_limits = search_limits or SearchLimits()
        self.list_max = list_max
        self.trace_echo = trace_echo
        self.multi_status = multi_status
        self.contract = contract
        self.contract_violations: list[ContractViolation] = []
        """Every request body that broke its model; tests assert it stays empty."""
        self.check_responses = check_responses
        self.response_violations: list[ContractViolation] = []
        """Every answer of the fake that broke HubSpot's response model."""
        self.store = CrmStore(
            lambda: int(self.clock.time() * 1000),
            self.clock.time,
            index_delay=index_delay,
            lifecycle_policy=lifecycle_policy,
        )
        self.events: list[dict[str, Any]] = []
        self.participations: list[dict[str, Any]] = []
        self.log: list[RequestLog] = []
        # Requests may arrive from several threads (an adapter pushing with more
        # than one request in flight): state changes are serialised, latency is not.
        self._lock = threading.RLock()
        self.max_in_flight_seen = 0
        self._in_flight = 0

    # -- transport ---------------------------------------------------------------

    def transport(self) -> httpx.MockTransport:
        """An httpx transport answering every request from this fake."""
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request, as HubSpot would (``/__admin`` is the test's side)."""
        if request.url.path.startswith("/__admin"):
            from tests.fakes.hubspot.admin import handle_admin

            with self._lock:
                return handle_admin(self, request)
        with self._lock:
            self._in_flight += 1
            self.max_in_flight_seen = max(self.max_in_flight_seen, self._in_flight)
        try:
            arrived, response = self._handle(request)
        finally:
            with self._lock:
                self._in_flight -= 1
        search = request.url.path.endswith("/search")
        if self.check_responses:
            judge_response(self, request, response)
        with self._lock:
            self.log.append(
                RequestLog(
                    arrived,
                    request.method,
                    request.url.path,
                    response.status_code,
                    search,
                )
            )
        return response

    def _handle(self, request: httpx.Request) -> tuple[float, httpx.Response]:
        # The arrival time is read under the lock that admits the request, so
        # concurrent arrivals enter the rolling windows in time order.
        with self._lock:
            now = self.clock.time()
            refused = self._admit(request, now)
        if refused is not None:
            return now, refused
        self.clock.advance(self.latency)
        search = request.method == "POST" and request.url.path.endswith("/search")
        with self._lock:
            response = self._route(request, search)
            if not search:
                # Search responses carry no rate-limit headers at all.
                response.headers.update(self._headers(now))
        return now, response

    def _admit(self, request: httpx.Request, now: float) -> httpx.Response | None:
        """Auth and every bucket, or the error HubSpot would answer."""
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return error(
                401,
                "INVALID_AUTHENTICATION",
                "Authentication credentials not found. This API supports "
                "OAuth 2.0 authentication and you can find more details at "
                "https://developers.hubspot.com/docs/methods/auth/oauth-overview",
            )
        search = request.method == "POST" and request.url.path.endswith("/search")
        if search:
            if not self.search_window.try_acquire(now):
                return rate_limited("SECONDLY", {})
        elif not self.burst.try_acquire(now):
            headers = self._headers(now)
            if self.retry_after:
                headers["Retry-After"] = str(math.ceil(self.burst.frees_in(now)))
            return rate_limited("TEN_SECONDLY_ROLLING", headers)
        if not self.daily.try_acquire(now):
            return rate_limited("DAILY", {} if search else self._headers(now))
        return None

    def _headers(self, now: float) -> dict[str, str]:
        return {
            "X-HubSpot-RateLimit-Daily": str(self.daily.limit),
            "X-HubSpot-RateLimit-Daily-Remaining": str(self.daily.remaining(now)),
            "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
            "X-HubSpot-RateLimit-Max": str(self.burst.limit),
            "X-HubSpot-RateLimit-Remaining": str(self.burst.remaining(now)),
        }

    def _route(self, request: httpx.Request, search: bool) -> httpx.Response:
        body: Any = None
        if request.content:
            try:
                body = json.loads(request.content)
            except ValueError:
                return error(400, "VALIDATION_ERROR", "Invalid input JSON on line 1")
        path = request.url.path
        refused = judge_request(self, request, body)
        if refused is not None:
            return refused
        for name, pattern in ROUTES:
            match = pattern.match(path)
            if match is None:
                continue
            if name in self.unavailable:
                return error(
                    403,
                    "MISSING_SCOPES",
                    "This app hasn't been granted all required scopes to make "
                    "this call.",
                )
            groups = match.groupdict()
            if name in ("objects", "properties", "pipelines"):
                type_ = _TYPES.get(groups["type"])
                if type_ is None:
                    return error(
                        400,
                        "VALIDATION_ERROR",
                        f"Unable to infer object type from: {groups['type']}",
                    )
                if name == "objects" and search:
                    try:
                        return _json(
                            200,
                            run_search(
                                self.store, type_, body or {}, self.search_limits
                            ),
                        )
                    except Exception as exc:
                        from tests.fakes.hubspot.crm_routes import rejected_response
                        from tests.fakes.hubspot.objects import WriteRejected

                        if isinstance(exc, WriteRejected):
                            return rejected_response(exc)
                        raise
                if name == "objects":
                    return handle_objects(
                        self, request, type_, groups["rest"], body or {}
                    )
                if name == "properties":
                    return handle_properties(
                        self, request, type_, groups["rest"], body or {}
                    )
                return handle_pipelines(self, request, type_, groups["rest"])
            if name == "associations":
                return handle_associations(
                    self,
                    _TYPES.get(groups["from"], "x"),
                    _TYPES.get(groups["to"], "x"),
                    groups["action"],
                    body or {},
                )
            if name == "events":
                return handle_events(self, request)
            if name == "participations":
                return handle_participations(self, groups["id"])
            if name == "schemas":
                return _json(200, {"results": []})
            return handle_usage(self)
        return self.not_found(request)

    def not_found(self, request: httpx.Request) -> httpx.Response:
        """A 404 that lists what the fake knows, so a wrong path is obvious."""
        known = ", ".join(p.pattern for _, p in ROUTES)
        return error(
            404,
            "OBJECT_NOT_FOUND",
            f"fake HubSpot has no route for {request.method} "
            f"{request.url.path}; known routes: {known}",
        )


def _json(status: int, body: Any) -> httpx.Response:

    return json_response(status, body)
