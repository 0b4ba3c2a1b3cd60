"""Any fake over real HTTP on loopback, for clients we cannot inject into.

Third-party clients (the Singer tap in the benchmark) and the CLI run as a
process build their own sessions; a small threading HTTP server turns each of
their requests into an ``httpx.Request`` for a fake's ``handle``. It binds
127.0.0.1 only. A fake that raises ``httpx.TransportError`` (a dropped-connection
fault) gets the socket closed without an answer, as a reset connection would.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self

import httpx
from typing_extensions import override

__all__ = ["Handle", "LoopbackServer"]

Handle = Callable[[httpx.Request], httpx.Response]
"""A fake's request handler."""


class LoopbackServer:
    """Serve ``handle`` at ``http://127.0.0.1:<port>`` until closed (0: any port)."""

    def __init__(self, handle: Handle, port: int = 0) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(handle))
        # A client's keep-alive connection must not hold up shutdown.
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        """Base URL of the server."""
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


def _handler_for(handle: Handle) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body leave in two writes; with Nagle on, the body waits
        # for the client's delayed ACK (40 ms on Linux) on every kept-alive
        # request, a stall no real API has.
        disable_nagle_algorithm = True

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = httpx.Request(
                self.command,
                f"http://127.0.0.1{self.path}",
                headers=list(self.headers.items()),
                content=body,
            )
            try:
                response = handle(request)
            except httpx.TransportError:
                self.close_connection = True
                return
            content = response.read()
            self.send_response(response.status_code)
            for name, value in response.headers.multi_items():
                if name.lower() not in ("content-length", "transfer-encoding"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

        @override
        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler
