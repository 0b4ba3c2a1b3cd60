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
from collections import Counter
from collections.abc import Iterable, Sequence
from types import FrameType, TracebackType
from typing import Any
from urllib.parse import SplitResult, urlsplit

from tests.e2e.faultplan import KINDS, SLOW_RANGE, Decision, FaultPlan
from tests.e2e.proxyhandler import ProxyHandler, ProxyServer


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
        self._server = ProxyServer((host, port), ProxyHandler)
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

    def decide(self, method: str, path: str) -> Decision:
        """Take (and count) the next decision; the handler calls this per request."""
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

    def count(self, name: str) -> None:
        """Add one to a counter such as ``forwarded`` or ``upstream_errors``."""
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
