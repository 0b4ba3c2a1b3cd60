"""Real replica processes for daemon tests, followed through their output lines.

Tests wait on output lines (a queue with a deadline), never on sleeps.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
Line = tuple[str, str, str]
"""(replica name, "out" or "err", text)."""


class Replicas:
    """Starts replica processes and collects every line they print."""

    def __init__(self, config: Path, folder: Path) -> None:
        self.config = config
        self.folder = folder
        self.procs: dict[str, subprocess.Popen[str]] = {}
        self.lines: queue.Queue[Line] = queue.Queue()
        self.seen: list[Line] = []
        self.pumps: dict[str, list[threading.Thread]] = {}

    def start(self, name: str, *, total: int, batch: int, work: float) -> None:
        """Start replica ``name`` running the stand-in flow."""
        env = {
            **os.environ,
            "CONNECTOR_DAEMON__REPLICA_ID": name,
            "CONNECTOR_DAEMON__HEALTH_FILE": str(self.folder / f"health-{name}.json"),
        }
        proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [
                sys.executable,
                "-m",
                "tests.daemon.replica",
                str(self.config),
                str(total),
                str(batch),
                str(work),
            ],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.procs[name] = proc
        self.pumps[name] = []
        for stream, pipe in (("out", proc.stdout), ("err", proc.stderr)):
            pump = threading.Thread(
                target=self._pump, args=(name, stream, pipe), daemon=True
            )
            pump.start()
            self.pumps[name].append(pump)

    def _pump(self, name: str, stream: str, pipe: object) -> None:
        for text in pipe:  # type: ignore[attr-defined]
            self.lines.put((name, stream, text.rstrip("\n")))

    def wait_for(self, matches: Callable[[Line], bool], *, timeout: float = 30) -> Line:
        """Return the first new line that ``matches``; fail with the log if none."""
        try:
            while True:
                line = self.lines.get(timeout=timeout)
                self.seen.append(line)
                if matches(line):
                    return line
        except queue.Empty:
            log = "\n".join(f"{n} {s}: {t}" for n, s, t in self.seen[-60:])
            raise AssertionError(
                f"no matching line within {timeout}s:\n{log}"
            ) from None

    def out(self, prefix: str, name: str | None = None, **kw: float) -> Line:
        """Wait for a stdout line starting with ``prefix`` (from ``name`` if given)."""
        return self.wait_for(
            lambda ln: (
                ln[1] == "out"
                and ln[2].startswith(prefix)
                and (name is None or ln[0] == name)
            ),
            **kw,
        )

    def send(self, name: str, signum: signal.Signals) -> None:
        """Send a signal to one replica."""
        self.procs[name].send_signal(signum)

    def exit_code(self, name: str, timeout: float = 20) -> int:
        """Wait for a replica to end and for its output to be read; its exit code."""
        code = self.procs[name].wait(timeout)
        for pump in self.pumps[name]:
            pump.join(timeout)
        while not self.lines.empty():
            self.seen.append(self.lines.get_nowait())
        return code

    def close(self) -> None:
        """Kill whatever is still running."""
        for name, proc in self.procs.items():
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
            for pump in self.pumps[name]:
                pump.join(10)
            for pipe in (proc.stdout, proc.stderr):
                if pipe is not None:
                    pipe.close()
