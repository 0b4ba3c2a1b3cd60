"""The fake portal over real HTTP on loopback, for clients we cannot inject into.

Third-party clients (the Singer tap in the benchmark) build their own sessions; a
small threading HTTP server turns their requests into httpx requests for
:meth:`FakeHubSpot.handle`. It binds 127.0.0.1 only.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

import httpx

from tests.fakes.hubspot.app import FakeHubSpot

__all__ = ["FakeHubSpotServer"]


class FakeHubSpotServer:
    """Serve ``fake`` at ``http://127.0.0.1:<port>`` until closed (0: any port)."""

    def __init__(self, fake: FakeHubSpot, port: int = 0) -> None:
        self.fake = fake
        handler = _handler_for(fake)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        # A client's keep-alive connection must not hold up shutdown.
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """Base URL of the server."""
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakeHubSpotServer:
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


def _handler_for(fake: FakeHubSpot) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = httpx.Request(
                self.command,
                f"http://127.0.0.1{self.path}",
                headers=dict(self.headers.items()),
                content=body,
            )
            response = fake.handle(request)
            content = response.read()
            self.send_response(response.status_code)
            for name, value in response.headers.items():
                if name.lower() not in ("content-length", "transfer-encoding"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler
