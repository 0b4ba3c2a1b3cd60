"""The daemon's HTTP server: ``/healthz``, ``/readyz``, ``/metrics``, ``/status``.

The standard library's ``ThreadingHTTPServer`` in a background thread is plenty
for four read-only endpoints polled by a probe and a Prometheus scraper, and adds
no dependency. It binds 127.0.0.1 unless the config says otherwise, because
``/status`` shows cursors and record counts that are nobody else's business.

The server knows nothing about flows: it calls the :class:`Probes` it is given.

It must survive its clients: every connection has a socket timeout (a client that
sends half a request and waits used to hold a thread forever), requests are
served by a fixed pool with a bounded backlog (excess connections are closed at
once instead of spawning threads), a client hanging up mid-answer is logged in
one line rather than a traceback, and ``/status`` is given out without absolute
paths or long error texts (see :func:`public_status`).
"""

from __future__ import annotations

import functools
import json
import re
import socket
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import structlog
from typing_extensions import override

from connector.errors import ConfigError, ConnectorError

__all__ = [
    "MAX_PENDING",
    "REQUEST_TIMEOUT_SECONDS",
    "WORKERS",
    "Check",
    "Probes",
    "StatusServer",
    "public_status",
]

REQUEST_TIMEOUT_SECONDS = 5.0
"""A client must send its request, and take the answer, within this time."""

WORKERS = 8
"""Requests answered at once: probes and scrapers need one or two."""

MAX_PENDING = 16
"""Connections accepted but not yet answered; beyond this new ones are closed."""

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
    timeout = REQUEST_TIMEOUT_SECONDS

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0].rstrip("/") or "/"
        probes = self.server.probes
        try:
            if path == "/healthz":
                self._check(probes.health)
            elif path == "/readyz":
                self._check(probes.ready)
            elif path == "/status":
                self._json(200, public_status(probes.status()))
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


class _Server(HTTPServer):
    """An HTTP server whose requests run on a fixed pool with a bounded backlog."""

    def __init__(self, address: tuple[str, int], probes: Probes) -> None:
        self.probes = probes
        self._pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="status-http")
        self._slots = threading.BoundedSemaphore(MAX_PENDING)
        super().__init__(address, _Handler)

    @override
    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            log.warning("http_backlog_full", client=client_address[0])
            self.shutdown_request(request)
            return
        try:
            self._pool.submit(self._serve_one, request, client_address)
        except RuntimeError:  # the pool is shutting down
            self._slots.release()
            self.shutdown_request(request)

    def _serve_one(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:  # noqa: BLE001 - one client must not end the server
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            self._slots.release()

    @override
    def handle_error(self, request: Any, client_address: Any) -> None:
        # The default prints a traceback to stderr, which lands in the JSON log
        # as many lines; a client that hung up or stalled is not our error.
        import sys

        exc = sys.exc_info()[1]
        quiet = isinstance(exc, ConnectionError | TimeoutError | socket.timeout)
        (log.debug if quiet else log.warning)(
            "http_client_error" if quiet else "http_handler_failed",
            client=client_address[0] if client_address else None,
            error=exc.__class__.__name__ if exc else None,
        )

    @override
    def server_close(self) -> None:
        super().server_close()
        self._pool.shutdown(wait=False, cancel_futures=True)


_ABSOLUTE_PATH = re.compile(r"(?<![\w.~])/([^\s/'\"]+)/(?:[^\s/'\"]+/)*([^\s/'\"]+)")
_SHORT_KEYS = frozenset({"last_error", "error", "mapping_error", "message"})
_MAX_ERROR_CHARS = 200


@functools.cache
def _filesystem_roots() -> frozenset[str]:
    try:
        return frozenset(p.name for p in Path("/").iterdir())
    except OSError:
        return frozenset()


def _shorten(match: re.Match[str]) -> str:
    # Only paths under a real top-level folder: "/crm/v3" in an error is a URL.
    if match.group(1) not in _filesystem_roots():
        return match.group(0)
    return "…/" + match.group(2)


def public_status(document: Any, key: str = "") -> Any:
    """The status document as the HTTP endpoint gives it out.

    Absolute paths become ``…/<last part>`` (where the state database or a
    mapping folder sits says much about a host and nothing a dashboard needs),
    and error texts are cut to their first line and 200 characters: the whole
    text, which may quote record values, is in the log and ``connector status``.
    """
    if isinstance(document, dict):
        return {k: public_status(v, str(k)) for k, v in document.items()}
    if isinstance(document, list | tuple):
        return [public_status(v, key) for v in document]
    if not isinstance(document, str):
        return document
    text = _ABSOLUTE_PATH.sub(_shorten, document)
    if key in _SHORT_KEYS:
        first = text.splitlines()[0] if text else text
        text = first[:_MAX_ERROR_CHARS] + ("…" if len(first) > _MAX_ERROR_CHARS else "")
    return text


class StatusServer:
    """Serves the probes on ``host:port`` from a background thread.

    Port 0 picks a free port (tests); :attr:`port` tells which.
    """

    def __init__(self, host: str, port: int, probes: Probes) -> None:
        """Bind ``host:port`` now, so a port in use is known before any flow runs.

        Raises:
            ConfigError: the address cannot be bound (in use, not local, no
                permission), naming it and the config keys to change.
        """
        try:
            self._server = _Server((host, port), probes)
        except OSError as exc:
            raise ConfigError(
                f"cannot serve the status endpoints on {host}:{port}: "
                f"{exc.strerror or exc}",
                hint="stop the process using that port, or set [server] port "
                "(or enabled = false) in the config",
                context={"section": "server", "key": "port"},
            ) from None
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
