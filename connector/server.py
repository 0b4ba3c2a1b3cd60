"""The daemon's HTTP server: ``/healthz``, ``/readyz``, ``/metrics``, ``/status``.

The standard library's ``ThreadingHTTPServer`` in a background thread is plenty
for four read-only endpoints polled by a probe and a Prometheus scraper, and adds
no dependency. It binds 127.0.0.1 unless the config says otherwise, because
``/status`` shows cursors and record counts that are nobody else's business.

The server knows nothing about flows: it calls the :class:`Probes` it is given.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import structlog
from typing_extensions import override

from connector.errors import ConnectorError

__all__ = ["Check", "Probes", "StatusServer"]

Check = Callable[[], tuple[bool, dict[str, Any]]]
"""A probe: (passing, details shown in the JSON body)."""

log = structlog.get_logger("connector.server")


@dataclass(frozen=True)
class Probes:
    """What each endpoint asks.

    Attributes:
        health: is the process alive and its scheduler running (``/healthz``).
        ready: can it do useful work: store reachable, no failed flow (``/readyz``).
        status: the status document (``/status``), already scrubbed.
        metrics: the Prometheus exposition and its content type (``/metrics``).
    """

    health: Check
    ready: Check
    status: Callable[[], dict[str, Any]]
    metrics: Callable[[], tuple[bytes, str]]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "connector"
    sys_version = ""

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0].rstrip("/") or "/"
        probes = self.server.probes
        try:
            if path == "/healthz":
                self._check(probes.health)
            elif path == "/readyz":
                self._check(probes.ready)
            elif path == "/status":
                self._json(200, probes.status())
            elif path == "/metrics":
                body, content_type = probes.metrics()
                self._send(200, body, content_type)
            else:
                self._json(
                    404,
                    {
                        "error": f"no such endpoint: {path}",
                        "endpoints": ["/healthz", "/readyz", "/metrics", "/status"],
                    },
                )
        except ConnectorError as exc:
            # A store outage must answer 503, not drop the connection: probes and
            # scrapers then report "down" instead of "timeout".
            self._json(503, {"error": exc.one_line()})

    def _check(self, check: Check) -> None:
        passing, details = check()
        self._json(200 if passing else 503, {"ok": passing, **details})

    def _json(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False, default=str).encode()
        self._send(status, data, "application/json; charset=utf-8")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    @override
    def log_message(self, format: str, *args: Any) -> None:
        # The default writes unstructured lines to stderr; probes every few
        # seconds belong at debug level in the structured log.
        log.debug("http_request", client=self.client_address[0], line=format % args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], probes: Probes) -> None:
        self.probes = probes
        super().__init__(address, _Handler)


class StatusServer:
    """Serves the probes on ``host:port`` from a background thread.

    Port 0 picks a free port (tests); :attr:`port` tells which.
    """

    def __init__(self, host: str, port: int, probes: Probes) -> None:
        self._server = _Server((host, port), probes)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.2},
            name="status-server",
            daemon=True,
        )

    @property
    def host(self) -> str:
        """The address actually bound."""
        return str(self._server.server_address[0])

    @property
    def port(self) -> int:
        """The port actually bound."""
        return int(self._server.server_address[1])

    def start(self) -> None:
        """Start answering requests."""
        self._thread.start()
        log.info("status_server_started", host=self.host, port=self.port)

    def stop(self) -> None:
        """Stop answering and close the socket."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()
