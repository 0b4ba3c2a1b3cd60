"""The fake HubSpot as its own process, for end-to-end tests of the real daemon.

Usage::

    python -m tests.fakes.hubspot --port 0 --token T [--state PATH]
        [--trace-echo echo|omit] [--search-lag-seconds 2] [--retry-after]
        [--lifecycle ignore|error|apply] [--multi-status all|create]
        [--contract strict|record|off] [--burst-limit 100] [--daily-limit 250000]
        [--no-check-responses]

It prints ``LISTENING http://127.0.0.1:PORT`` once it accepts connections (with
``--port 0`` the system picks the port), runs on the wall clock with HubSpot's
real rate limits, and stops on SIGTERM or SIGINT, saving its state to
``--state`` (and loading it at start if the file exists). ``/__admin`` on the
same port is the test's side door (see admin.py).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from tests.fakes.hubspot.app import FakeHubSpot
from tests.fakes.hubspot.clock import RealClock
from tests.fakes.hubspot.server import FakeHubSpotServer
from tests.fakes.hubspot.state import load_state, save_state


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fakes.hubspot", description=__doc__.split("\n")[0]
    )
    add = parser.add_argument
    add("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0: any free)")
    add("--token", required=True, help="the only bearer token accepted")
    add("--state", type=Path, help="JSON file: loaded at start, saved on SIGTERM")
    add("--trace-echo", choices=("echo", "omit"), default="echo")
    add("--search-lag-seconds", type=float, default=0.0, help="index delay")
    add("--retry-after", action="store_true", help="Retry-After on burst 429s")
    add("--lifecycle", choices=("ignore", "error", "apply"), default="ignore")
    add("--multi-status", choices=("all", "create"), default="all")
    add("--contract", choices=("strict", "record", "off"), default="strict")
    add("--burst-limit", type=int, default=100, help="requests per rolling 10 s")
    add("--daily-limit", type=int, default=250_000)
    add("--search-per-second", type=int, default=5)
    add(
        "--no-check-responses",
        action="store_true",
        help="skip checking the fake's own answers against HubSpot's response "
        "models (benchmarks: requests are still judged)",
    )
    return parser


def build(args: argparse.Namespace) -> FakeHubSpot:
    """The fake configured from command-line options, on the wall clock."""
    fake = FakeHubSpot(
        token=args.token,
        clock=RealClock(),
        burst_limit=args.burst_limit,
        daily_limit=args.daily_limit,
        search_per_second=args.search_per_second,
        index_delay=args.search_lag_seconds,
        retry_after=args.retry_after,
        lifecycle_policy=args.lifecycle,
        trace_echo=args.trace_echo,
        multi_status=args.multi_status,
        contract=args.contract,
        check_responses=not args.no_check_responses,
    )
    if args.state is not None and args.state.exists():
        load_state(fake, args.state)
    return fake


def main(argv: list[str] | None = None) -> int:
    """Serve until SIGTERM/SIGINT, then save state if asked; exit status 0."""
    args = _parser().parse_args(argv)
    fake = build(args)
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    with FakeHubSpotServer(fake, port=args.port) as server:
        print(f"LISTENING {server.url}", flush=True)
        while not stop.wait(0.2):
            pass
    if args.state is not None:
        with fake._lock:
            save_state(fake, args.state)
    print("STOPPED", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
