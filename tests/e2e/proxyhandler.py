"""The request handler behind :mod:`tests.e2e.faultproxy`: inject, or forward.

Why a module of its own: the HTTP details (reading chunked bodies, dropping
hop-by-hop headers, fixing Host, relaying with a truthful Content-Length,
shaping the injected answers) are the part of the proxy that has to be right
byte by byte, and they read best apart from the configuration and counters.
Each connection carries one request and is then closed, which keeps the drop
faults honest: a client never reuses a connection the proxy means to cut.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable
from http.client import HTTPConnection, HTTPException, HTTPSConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from typing_extensions import override

from tests.e2e.faultplan import (
    DROP_AFTER,
    DROP_BEFORE,
    HTTP_5XX,
    RATE_LIMIT_BURST,
    SLOW,
    Decision,
)

if TYPE_CHECKING:
    from tests.e2e.faultproxy import FaultProxy

CONTROL_PREFIX = "/__proxy/"

#: Headers that describe one hop, not the message (RFC 9110, section 7.6.1).
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)

_REASONS = {502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


class ProxyServer(ThreadingHTTPServer):
    """One thread per connection, daemonic so a stall never outlives the test."""

    daemon_threads = True
    request_queue_size = 64
    proxy: FaultProxy

    @override
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client killed mid-request (the kill -9 scenarios) is no error here."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class ProxyHandler(BaseHTTPRequestHandler):
    """Reads the whole request, asks the plan, then injects or forwards."""

    protocol_version = "HTTP/1.1"
    # Two writes per answer (headers, body): without this each kept-alive
    # request waits for the client's delayed ACK (40 ms on Linux).
    disable_nagle_algorithm = True

    @override
    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the CLI under test owns stderr in the acceptance runs."""

    def _handle(self) -> None:
        self.close_connection = True
        proxy = cast(ProxyServer, self.server).proxy
        body = self._read_body()
        if body is None:
            return
        path = urlsplit(self.path).path
        if path.startswith(CONTROL_PREFIX):
            self._control(proxy, path)
            return
        decision = proxy.decide(self.command, path)
        if decision.kind == HTTP_5XX:
            self._send_gateway_error(decision)
            return
        if decision.kind == RATE_LIMIT_BURST:
            self._send_rate_limited(proxy, decision)
            return
        if decision.kind == DROP_BEFORE:
            return  # closing without a byte written is the whole fault
        if decision.kind == SLOW:
            time.sleep(decision.delay)
        try:
            status, reason, headers, payload = self._forward(proxy, body)
        except (OSError, HTTPException) as exc:
            # Refused, timed out or garbled: a real gateway answers 502 too.
            proxy.count("upstream_errors")
            text = f"fault proxy: upstream unreachable: {exc}\n".encode()
            self._send(502, "Bad Gateway", [("Content-Type", "text/plain")], text)
            return
        proxy.count("forwarded")
        if decision.kind == DROP_AFTER:
            return  # upstream applied the request; the client never hears of it
        self._relay(status, reason, headers, payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle
    do_HEAD = do_OPTIONS = _handle

    def _read_body(self) -> bytes | None:
        """The request body, de-chunked; ``None`` after answering 400."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        if not length.strip().isdigit():
            self.send_error(400, "bad Content-Length")
            return None
        return self.rfile.read(int(length))

    def _read_chunked(self) -> bytes:
        parts: list[bytes] = []
        while True:
            size_line = self.rfile.readline(65537)
            size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass  # trailers carry nothing the upstream needs
                return b"".join(parts)
            parts.append(self.rfile.read(size))
            self.rfile.readline(65537)

    def _forward(
        self, proxy: FaultProxy, body: bytes
    ) -> tuple[int, str, list[tuple[str, str]], bytes]:
        upstream = proxy.upstream
        connection_class = (
            HTTPSConnection if upstream.scheme == "https" else HTTPConnection
        )
        conn = connection_class(
            upstream.hostname or "127.0.0.1",
            upstream.port,
            timeout=proxy.upstream_timeout,
        )
        try:
            target = upstream.path.rstrip("/") + self.path
            conn.putrequest(
                self.command, target, skip_host=True, skip_accept_encoding=True
            )
            conn.putheader("Host", upstream.netloc.rpartition("@")[2])
            for name, value in _end_to_end(self.headers.items()):
                if name.lower() not in ("host", "content-length"):
                    conn.putheader(name, value)
            if body or self.command in ("POST", "PUT", "PATCH"):
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body or None)
            response = conn.getresponse()
            payload = response.read()
            return response.status, response.reason, response.getheaders(), payload
        finally:
            conn.close()

    def _relay(
        self, status: int, reason: str, headers: list[tuple[str, str]], payload: bytes
    ) -> None:
        kept = [
            (n, v) for n, v in _end_to_end(headers) if n.lower() != "content-length"
        ]
        if self.command == "HEAD" or status == 304:
            # No body travels, so the upstream's length is the truthful one.
            kept += [(n, v) for n, v in headers if n.lower() == "content-length"]
        elif status >= 200 and status != 204:
            kept.append(("Content-Length", str(len(payload))))
        self._send(status, reason, kept, payload, with_length=False)

    def _send(
        self,
        status: int,
        reason: str,
        headers: Iterable[tuple[str, str]],
        payload: bytes,
        *,
        with_length: bool = True,
    ) -> None:
        self.send_response_only(status, reason)
        for name, value in headers:
            self.send_header(name, value)
        if with_length:
            self.send_header("Content-Length", str(len(payload)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _send_gateway_error(self, decision: Decision) -> None:
        status = decision.status or 502
        reason = _REASONS.get(status, "Bad Gateway")
        if decision.body_format == "json":
            content_type = "application/json"
            payload = json.dumps({"status": "error", "message": reason}).encode()
        else:
            content_type = "text/html"
            payload = (
                f"<html><head><title>{status} {reason}</title></head>"
                f"<body><h1>{status} {reason}</h1></body></html>\n"
            ).encode()
        headers = [("Content-Type", content_type), ("X-Fault-Injected", HTTP_5XX)]
        self._send(status, reason, headers, payload)

    def _send_rate_limited(self, proxy: FaultProxy, decision: Decision) -> None:
        headers = [("X-Fault-Injected", RATE_LIMIT_BURST)]
        if proxy.retry_after is not None:
            headers.append(("Retry-After", str(proxy.retry_after)))
        if proxy.hubspot_429:
            # Shape of HubSpot's answer when the ten-second window is spent.
            document = {
                "status": "error",
                "message": "You have reached your ten_secondly_rolling limit.",
                "errorType": "RATE_LIMIT",
                "correlationId": decision.correlation_id,
                "policyName": "TEN_SECONDLY_ROLLING",
            }
            payload = json.dumps(document).encode()
            headers += [
                ("Content-Type", "application/json;charset=utf-8"),
                ("X-HubSpot-RateLimit-Interval-Milliseconds", "10000"),
                ("X-HubSpot-RateLimit-Remaining", "0"),
            ]
        else:
            payload = b"Too Many Requests\n"
            headers.append(("Content-Type", "text/plain"))
        self._send(429, "Too Many Requests", headers, payload)

    def _control(self, proxy: FaultProxy, path: str) -> None:
        action = path[len(CONTROL_PREFIX) :]
        if action == "pause" and self.command == "POST":
            proxy.pause()
        elif action == "resume" and self.command == "POST":
            proxy.resume()
        elif action != "stats" or self.command != "GET":
            self._send(404, "Not Found", [("Content-Type", "text/plain")], b"no\n")
            return
        payload = json.dumps(proxy.stats()).encode()
        self._send(200, "OK", [("Content-Type", "application/json")], payload)


def _end_to_end(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Drop hop-by-hop headers, including any the Connection header names."""
    pairs = list(headers)
    named = {
        token.strip().lower()
        for name, value in pairs
        if name.lower() == "connection"
        for token in value.split(",")
    }
    return [(n, v) for n, v in pairs if n.lower() not in HOP_BY_HOP | named]
