"""A seeded fault-injecting HTTP/1.1 reverse proxy for end-to-end tests.

Why: unit tests with respx prove that the retry code handles the errors we
thought of; the acceptance suite runs the real CLI in its own process against
fakes on loopback, and this proxy sits in between to make the network behave
like a real one: gateway errors, HubSpot-style 429 bursts, stalls, and
connections that vanish before or after the upstream applied the request.  The
last one is the case that matters most for a sync daemon: the write happened
but the client never learnt so, and a retry must not duplicate it.

All randomness comes from :class:`tests.e2e.faultplan.FaultPlan`, so a seed
reproduces a failing run.  Only the stdlib (and ``typing_extensions``, a
project dependency) is used so the proxy starts fast as
``python -m tests.e2e.faultproxy --upstream URL --port 0 --rate 0.2 --seed 1``,
which prints ``LISTENING http://127.0.0.1:PORT`` once it accepts connections.

Paths under ``/__proxy/`` are answered by the proxy itself and never
forwarded: ``GET /__proxy/stats`` returns the counters as JSON, and
``POST /__proxy/pause`` / ``POST /__proxy/resume`` switch injection off and on.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from http.client import HTTPConnection, HTTPSConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType, TracebackType
from typing import Any, cast
from urllib.parse import SplitResult, urlsplit

from typing_extensions import override

from tests.e2e.faultplan import (
    DROP_AFTER,
    DROP_BEFORE,
    HTTP_5XX,
    KINDS,
    RATE_LIMIT_BURST,
    SLOW,
    SLOW_RANGE,
    Decision,
    FaultPlan,
)

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


class _ProxyServer(ThreadingHTTPServer):
    """One thread per connection, daemonic so a stall never outlives the test."""

    daemon_threads = True
    request_queue_size = 64
    proxy: FaultProxy


class _Handler(BaseHTTPRequestHandler):
    """Reads the whole request, asks the plan, then injects or forwards."""

    protocol_version = "HTTP/1.1"

    @override
    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the CLI under test owns stderr in the acceptance runs."""

    def _handle(self) -> None:
        self.close_connection = True
        proxy = cast(_ProxyServer, self.server).proxy
        body = self._read_body()
        if body is None:
            return
        path = urlsplit(self.path).path
        if path.startswith(CONTROL_PREFIX):
            self._control(proxy, path)
            return
        decision = proxy._decide(self.command, path)
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
        except OSError as exc:
            proxy._count("upstream_errors")
            text = f"fault proxy: upstream unreachable: {exc}\n".encode()
            self._send(502, "Bad Gateway", [("Content-Type", "text/plain")], text)
            return
        proxy._count("forwarded")
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


class FaultProxy:
    """The proxy as a Python object; use it as a context manager.

    ``with FaultProxy("http://127.0.0.1:8080", rate=0.3, seed=7) as proxy:``
    serves on ``proxy.url`` from a background thread until the block ends.
    ``kinds`` restricts injection to a subset of :data:`KINDS`; ``exclude`` is
    a regex searched in each request path, and matches are never faulted.
    """

    def __init__(
        self,
        upstream: str,
        *,
        rate: float = 0.2,
        seed: int = 0,
        kinds: Iterable[str] | None = None,
        exclude: str | None = None,
        retry_after: int | None = None,
        hubspot_429: bool = False,
        slow_range: tuple[float, float] = SLOW_RANGE,
        upstream_timeout: float = 30.0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.upstream: SplitResult = urlsplit(upstream)
        if self.upstream.scheme not in ("http", "https") or not self.upstream.netloc:
            raise ValueError(f"upstream must be an http(s) base URL, got {upstream!r}")
        self.plan = FaultPlan(
            rate=rate, seed=seed, kinds=kinds, exclude=exclude, slow_range=slow_range
        )
        self.retry_after = retry_after
        self.hubspot_429 = hubspot_429
        self.upstream_timeout = upstream_timeout
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._server = _ProxyServer((host, port), _Handler)
        self._server.proxy = self
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL clients should use instead of the upstream's."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FaultProxy:
        """Serve from a daemon thread; returns ``self`` for chaining."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="fault-proxy",
                daemon=True,
            )
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve on the calling thread (the process entry point does this)."""
        self._server.serve_forever()

    def close(self) -> None:
        """Stop accepting and release the port; in-flight requests are abandoned."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def pause(self) -> None:
        """Forward everything untouched until :meth:`resume`; draws nothing."""
        with self._lock:
            self.plan.paused = True

    def resume(self) -> None:
        """Inject faults again, continuing the seeded sequence where it stopped."""
        with self._lock:
            self.plan.paused = False

    def decisions(self) -> list[Decision]:
        """The seeded decisions taken so far, oldest first (for replay checks)."""
        with self._lock:
            return list(self.plan.log)

    def stats(self) -> dict[str, Any]:
        """Counters: requests seen, forwarded to upstream, and faults per kind.

        ``forwarded`` counts requests that reached the upstream and got an
        answer from it, including ``slow`` and ``drop_after`` ones;
        ``rate_limit_burst`` counts 429 answers, ``rate_limit_bursts`` bursts.
        """
        with self._lock:
            counts = self._counts.copy()
            paused = self.plan.paused
        faults = {kind: counts[kind] for kind in KINDS}
        return {
            "requests": counts["requests"],
            "forwarded": counts["forwarded"],
            "excluded": counts["excluded"],
            "while_paused": counts["while_paused"],
            "upstream_errors": counts["upstream_errors"],
            "rate_limit_bursts": counts["rate_limit_bursts"],
            "faults": faults,
            "faults_total": sum(faults.values()),
            "paused": paused,
        }

    def _decide(self, method: str, path: str) -> Decision:
        with self._lock:
            paused = self.plan.paused
            decision = self.plan.decide(method, path)
            self._counts["requests"] += 1
            if decision.seq < 0:
                self._counts["while_paused" if paused else "excluded"] += 1
            elif decision.kind is not None:
                self._counts[decision.kind] += 1
                if decision.burst_position == 1:
                    self._counts["rate_limit_bursts"] += 1
            return decision

    def _count(self, name: str) -> None:
        with self._lock:
            self._counts[name] += 1


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.e2e.faultproxy", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--upstream", required=True, help="upstream base URL")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--rate", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--kinds", default=",".join(KINDS), help="comma-separated subset of kinds"
    )
    parser.add_argument("--exclude", default=None, help="regex of unfaulted paths")
    parser.add_argument("--retry-after", type=int, default=None)
    parser.add_argument("--hubspot-429", action="store_true")
    parser.add_argument("--slow-min", type=float, default=SLOW_RANGE[0])
    parser.add_argument("--slow-max", type=float, default=SLOW_RANGE[1])
    return parser.parse_args(argv)


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the proxy until SIGTERM or Ctrl-C; final stats go to stderr."""
    args = _parse_args(argv)
    proxy = FaultProxy(
        args.upstream,
        rate=args.rate,
        seed=args.seed,
        kinds=[kind.strip() for kind in args.kinds.split(",") if kind.strip()],
        exclude=args.exclude,
        retry_after=args.retry_after,
        hubspot_429=args.hubspot_429,
        slow_range=(args.slow_min, args.slow_max),
        host=args.host,
        port=args.port,
    )
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    print(f"LISTENING {proxy.url}", flush=True)
    try:
        proxy.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        proxy.close()
        print(json.dumps(proxy.stats()), file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
