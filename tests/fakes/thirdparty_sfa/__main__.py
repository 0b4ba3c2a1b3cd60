"""Command line: ``python -m tests.fakes.thirdparty_sfa --token T --state PATH``.

Also ``--port N`` (0, the default, picks a free port) and ``--seed N``.
Prints exactly one ``LISTENING http://127.0.0.1:PORT`` line so a parent
process can learn the port it picked, then serves until SIGTERM or Ctrl-C.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from .server import build_server


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, serve, and exit 0 on SIGTERM/SIGINT."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.fakes.thirdparty_sfa",
        description="Fake AcmeSFA REST API on 127.0.0.1 (test oracle).",
    )
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", required=True, help="the accepted bearer token")
    parser.add_argument("--state", type=Path, required=True, help="JSON state file")
    parser.add_argument("--seed", type=int, default=None, help="fault RNG seed")
    args = parser.parse_args(argv)

    server = build_server(
        port=args.port, token=args.token, state=args.state, seed=args.seed
    )
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
    )
    thread.start()
    sys.stdout.write(f"LISTENING {server.base_url}\n")
    sys.stdout.flush()
    while not stop.wait(0.1):
        pass
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
