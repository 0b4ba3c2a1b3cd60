"""Python handles for tests: run the fake in a thread or a process, drive /__admin.

Thread mode (:class:`ThirdPartySfa`) is fast and what unit tests use.
Process mode (:class:`SfaProcess`) runs the real entry point, so an
end-to-end suite can SIGTERM it and start it again on the same state file.
Both expose ``base_url``/``api_url`` and an :class:`AdminClient`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
from typing_extensions import override

from .server import SfaHttpServer, build_server

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_TOKEN = "acme-test-token"


class AdminClient:
    """Thin synchronous client for the ``/__admin`` endpoints."""

    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        self._http = httpx.Client(base_url=base_url, timeout=timeout)

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    def _call(self, method: str, path: str, payload: Any = None) -> Any:
        response = self._http.request(method, path, json=payload)
        if response.status_code >= 400:
            raise AssertionError(
                f"{method} {path} -> {response.status_code}: {response.text}"
            )
        return response.json()

    def create_lead(self, **fields: Any) -> dict[str, Any]:
        """Create a hand-entered lead (never has an external_id); returns it."""
        result: dict[str, Any] = self._call("POST", "/__admin/leads", fields)
        return result

    def work(self, *actions: dict[str, Any]) -> list[dict[str, Any]]:
        """Apply salesperson actions atomically; one summary per action."""
        result: list[dict[str, Any]] = self._call(
            "POST", "/__admin/work", list(actions)
        )["results"]
        return result

    def state(self) -> dict[str, Any]:
        """Ground truth: every lead and deal, the clock and the id counters."""
        result: dict[str, Any] = self._call("GET", "/__admin/state")
        return result

    def requests(self) -> list[dict[str, Any]]:
        """The log of public requests (method, path, query, status, ...)."""
        result: list[dict[str, Any]] = self._call("GET", "/__admin/requests")["data"]
        return result

    def clear_requests(self) -> int:
        """Empty the request log; returns how many entries were dropped."""
        return int(self._call("POST", "/__admin/requests/clear")["cleared"])

    def advance_clock(self, seconds: int) -> str:
        """Move the server clock forward; returns the new JST time."""
        return str(
            self._call("POST", "/__admin/clock", {"advance_seconds": seconds})["now"]
        )

    def freeze_clock(self, frozen: bool = True) -> str:
        """Stop the clock following wall time (writes then share one second)."""
        return str(self._call("POST", "/__admin/clock", {"freeze": frozen})["now"])

    def now(self) -> str:
        """The server clock's current JST time."""
        return str(self._call("GET", "/__admin/clock")["now"])

    def set_faults(
        self,
        rate: float,
        seed: int = 0,
        kinds: list[str] | None = None,
        slow_seconds: tuple[float, float] | None = None,
    ) -> dict[str, Any]:
        """Turn on deterministic fault injection on /api/v1 (rate 0 turns it off)."""
        conf: dict[str, Any] = {"rate": rate, "seed": seed}
        if kinds is not None:
            conf["kinds"] = kinds
        if slow_seconds is not None:
            conf["slow_seconds"] = list(slow_seconds)
        result: dict[str, Any] = self._call("POST", "/__admin/faults", conf)
        return result

    def clear_faults(self) -> None:
        """Serve every request cleanly again."""
        self._call("POST", "/__admin/faults", {"rate": 0})


class _Running:
    """Shared context-manager plumbing of both run modes."""

    base_url: str
    token: str
    _admin: AdminClient | None = None

    @property
    def api_url(self) -> str:
        """Base URL of the vendor API, ``.../api/v1``."""
        return f"{self.base_url}/api/v1"

    @property
    def admin(self) -> AdminClient:
        """An admin client bound to this server (created on first use)."""
        if self._admin is None:
            self._admin = AdminClient(self.base_url)
        return self._admin

    def api_client(self, **kwargs: Any) -> httpx.Client:
        """An httpx client for /api/v1 carrying the bearer token."""
        headers = {"Authorization": f"Bearer {self.token}"}
        return httpx.Client(base_url=self.api_url, headers=headers, **kwargs)

    def stop(self) -> int | None:
        """Stop serving; overridden by each mode."""
        raise NotImplementedError

    def _close_admin(self) -> None:
        if self._admin is not None:
            self._admin.close()
            self._admin = None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class ThirdPartySfa(_Running):
    """The fake AcmeSFA in a background thread of the test process."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        state: Path | None = None,
        seed: int | None = None,
        port: int = 0,
    ) -> None:
        self.token = token
        self._state, self._seed, self._port = state, seed, port
        self._server: SfaHttpServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> ThirdPartySfa:
        """Bind and serve; returns self so ``with ThirdPartySfa().start()`` works."""
        server = build_server(
            port=self._port, token=self.token, state=self._state, seed=self._seed
        )
        self._server = server
        self.base_url = server.base_url
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="acmesfa-fake",
            daemon=True,
        )
        self._thread.start()
        return self

    @override
    def stop(self) -> int | None:
        """Stop serving and close the socket; state is already on disk."""
        self._close_admin()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        return None

    def __enter__(self) -> ThirdPartySfa:
        return self if self._server is not None else self.start()


class SfaProcess(_Running):
    """The fake as a child process via ``python -m tests.fakes.thirdparty_sfa``."""

    def __init__(
        self,
        state: Path,
        token: str = DEFAULT_TOKEN,
        seed: int | None = None,
        python: str = sys.executable,
    ) -> None:
        self.token = token
        command = [
            python,
            "-m",
            "tests.fakes.thirdparty_sfa",
            "--port",
            "0",
            "--token",
            token,
            "--state",
            str(state),
        ]
        if seed is not None:
            command += ["--seed", str(seed)]
        self._command = command
        self._proc: subprocess.Popen[str] | None = None

    def start(self) -> SfaProcess:
        """Spawn and wait for the ``LISTENING`` line."""
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
        proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            self._command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        if not line.startswith("LISTENING "):
            proc.kill()
            proc.wait()
            raise RuntimeError(f"fake SFA did not start (got {line!r})")
        self._proc = proc
        self.base_url = line.split(" ", 1)[1]
        return self

    @override
    def stop(self) -> int | None:
        """SIGTERM the process and return its exit code."""
        self._close_admin()
        if self._proc is None:
            return None
        self._proc.send_signal(signal.SIGTERM)
        try:
            code = self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            code = self._proc.wait()
        if self._proc.stdout is not None:
            self._proc.stdout.close()
        self._proc = None
        return code

    def __enter__(self) -> SfaProcess:
        return self if self._proc is not None else self.start()
