"""The HTTP layer: a threaded stdlib server bound to loopback only.

The handler reads the request, lets the fault plan decide its fate, asks the
routing code for a :class:`~.replies.Reply` and writes it (or, for a dropped
connection, deliberately writes nothing). Faults apply to ``/api/v1`` only;
the admin back door stays reliable so tests can always inspect the truth.
"""

from __future__ import annotations

import re
import sys
import time
import traceback
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from typing_extensions import override

from .admin import RequestLog, handle_admin
from .api import PREFIX, handle_api
from .faults import Fault, FaultPlan
from .replies import Reply, error_reply
from .store import Store

MAX_BODY = 5 * 1024 * 1024
LENGTH = re.compile(r"[0-9]{1,15}")
GATEWAY_PAGE = "<html><body><h1>{status} {reason}</h1></body></html>"


class SfaHttpServer(ThreadingHTTPServer):
    """ThreadingHTTPServer carrying the fake's state for its handlers."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, token: str, store: Store, faults: FaultPlan) -> None:
        super().__init__(("127.0.0.1", port), SfaHandler)
        self.token = token
        self.store = store
        self.faults = faults
        self.log = RequestLog()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` with the port actually bound."""
        return f"http://127.0.0.1:{self.server_address[1]}"


def fault_reply(fault: Fault) -> Reply:
    """The answer a failing gateway or rate limiter gives instead of the API."""
    if fault.kind == "429":
        return error_reply(
            429, "rate_limited", "too many requests", {"Retry-After": "1"}
        )
    if fault.kind == "503":
        return error_reply(503, "service_unavailable", "try again later")
    status = int(fault.kind)
    reason = "Bad Gateway" if status == 502 else "Gateway Timeout"
    page = GATEWAY_PAGE.format(status=status, reason=reason)
    return Reply(status, page.encode(), content_type="text/html")


class SfaHandler(BaseHTTPRequestHandler):
    """One connection; HTTP/1.1 keep-alive like a real API front end."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; without TCP_NODELAY every
    # answer would wait ~40 ms for the client's delayed ACK.
    disable_nagle_algorithm = True
    server: SfaHttpServer

    @override
    def version_string(self) -> str:
        """The ``Server`` header, as the vendor's front end announces itself."""
        return "AcmeSFA/1.0"

    @override
    def log_message(self, format: str, *args: Any) -> None:
        """Silence per-request stderr lines; ``/__admin/requests`` has them."""

    def do_GET(self) -> None:
        """Dispatch GET."""
        self._handle("GET")

    def do_POST(self) -> None:
        """Dispatch POST."""
        self._handle("POST")

    def do_PUT(self) -> None:
        """Dispatch PUT (always refused, but logged and answered in JSON)."""
        self._handle("PUT")

    def do_PATCH(self) -> None:
        """Dispatch PATCH (always refused, but logged and answered in JSON)."""
        self._handle("PATCH")

    def do_DELETE(self) -> None:
        """Dispatch DELETE (always refused, but logged and answered in JSON)."""
        self._handle("DELETE")

    def _read_body(self) -> bytes | Reply:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            self.close_connection = True
            return error_reply(411, "length_required", "send Content-Length")
        length_text = (self.headers.get("Content-Length") or "0").strip()
        if not LENGTH.fullmatch(length_text):
            self.close_connection = True
            return error_reply(400, "invalid_request", "bad Content-Length")
        length = int(length_text)
        if length > MAX_BODY:
            self.close_connection = True
            return error_reply(413, "payload_too_large", f"max {MAX_BODY} bytes")
        return self.rfile.read(length)

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)

    def _drop(self) -> None:
        """Close without a byte of answer, as a crashed proxy would."""
        self.close_connection = True

    def _guarded(self, route: Callable[[], Reply]) -> Reply:
        """Turn a bug in the fake into a visible 500, never a silent drop."""
        try:
            return route()
        except Exception:  # noqa: BLE001 - any bug must reach the test as a 500
            traceback.print_exc(file=sys.stderr)
            return error_reply(500, "internal_error", "fake AcmeSFA bug; see stderr")

    def _handle(self, method: str) -> None:
        url = urlsplit(self.path)
        path = url.path
        query = parse_qs(url.query, keep_blank_values=True)
        body = self._read_body()
        srv = self.server
        if path.startswith("/__admin"):
            if isinstance(body, Reply):
                self._send(body)
                return
            self._send(
                self._guarded(
                    lambda: handle_admin(
                        srv.store, srv.faults, srv.log, method, path, body
                    )
                )
            )
            return
        entry = srv.log.add(
            {
                "method": method,
                "path": path,
                "query": {name: values[-1] for name, values in query.items()},
                "status": None,
                "body_size": 0 if isinstance(body, Reply) else len(body),
                "fault": None,
                "delivered": False,
            }
        )
        fault = srv.faults.draw() if path.startswith(PREFIX) else None
        entry["fault"] = fault.kind if fault else None
        if fault is not None and fault.kind == "drop_before_write":
            self._drop()
            return
        if fault is not None and fault.kind.isdigit():
            reply = fault_reply(fault)
        elif isinstance(body, Reply):
            reply = body
        else:
            if fault is not None and fault.kind == "slow":
                time.sleep(fault.delay)
            reply = self._guarded(
                lambda: handle_api(
                    srv.store, srv.token, method, path, query, self.headers, body
                )
            )
        entry["status"] = reply.status
        if fault is not None and fault.kind == "drop_after_write":
            self._drop()
            return
        self._send(reply)
        entry["delivered"] = True


def build_server(
    *, port: int, token: str, state: Path | None, seed: int | None = None
) -> SfaHttpServer:
    """Bind the fake (port 0 picks a free one); faults start off, seeded."""
    faults = FaultPlan()
    faults.configure(rate=0.0, seed=seed or 0)
    return SfaHttpServer(port, token, Store(state), faults)
