"""Helpers to run servers and the CLI as real processes in acceptance tests.

Why: the end-to-end suite must exercise what a user runs (separate processes,
real signals, real crashes), yet stay debuggable and never leak processes.  So
servers announce readiness with a ``LISTENING <url>`` line on stdout instead of
tests sleeping and hoping; their output is drained by threads (a full pipe
would otherwise freeze a chatty server) and shown when start-up fails; each
child gets its own session so a SIGKILL takes its children down with it, the
way a power cut or OOM kill would.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

READY_PREFIX = "LISTENING "


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (racy by nature; prefer port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def child_env(env: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """The current environment with ``env`` layered on; ``None`` removes a name.

    Unbuffered Python output is the default so readiness lines and crash logs
    arrive when they are written, not when a buffer fills.
    """
    merged = dict(os.environ)
    merged.setdefault("PYTHONUNBUFFERED", "1")
    for name, value in (env or {}).items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    return merged


class _Drain:
    """Reads one pipe to its end on a thread, keeping lines for later display."""

    def __init__(self, stream: Iterator[str]) -> None:
        self.lines: list[str] = []
        self.changed = threading.Condition()
        self.done = False
        self._stream = stream
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            for line in self._stream:
                with self.changed:
                    self.lines.append(line)
                    self.changed.notify_all()
        finally:
            with self.changed:
                self.done = True
                self.changed.notify_all()

    def text(self) -> str:
        with self.changed:
            return "".join(self.lines)

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)


_drains: dict[int, tuple[_Drain, _Drain]] = {}


def output(proc: subprocess.Popen[str]) -> tuple[str, str]:
    """Stdout and stderr a server started by :func:`start_server` wrote so far."""
    out, err = _drains[proc.pid]
    return out.text(), err.text()


def start_server(
    argv: Sequence[str],
    env: Mapping[str, str | None] | None = None,
    *,
    timeout: float = 10.0,
    cwd: str | Path | None = None,
) -> tuple[subprocess.Popen[str], str]:
    """Start ``argv`` and wait for its ``LISTENING <url>`` line; returns both.

    Raises ``RuntimeError`` carrying the child's stderr if it exits or stays
    silent for ``timeout`` seconds; the child is stopped first, so a failed
    start never leaves a process behind.
    """
    proc = subprocess.Popen(  # noqa: S603 - argv comes from the test itself
        list(argv),
        env=child_env(env),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        start_new_session=True,
    )
    assert proc.stdout is not None
    assert proc.stderr is not None
    out, err = _Drain(proc.stdout), _Drain(proc.stderr)
    _drains[proc.pid] = (out, err)
    deadline = time.monotonic() + timeout
    with out.changed:
        while True:
            url = next(
                (
                    line[len(READY_PREFIX) :].strip()
                    for line in out.lines
                    if line.startswith(READY_PREFIX)
                ),
                None,
            )
            remaining = deadline - time.monotonic()
            if url or out.done or remaining <= 0:
                break
            out.changed.wait(min(remaining, 0.1))
    if url:
        return proc, url
    exited_early = out.done  # read before stop(), which ends the stream too
    stop(proc)
    if exited_early:
        why = f"exited with code {proc.returncode} before printing {READY_PREFIX}"
    else:
        why = f"printed no {READY_PREFIX.strip()} line within {timeout:g}s"
    stdout, stderr = output(proc)
    _drains.pop(proc.pid, None)
    raise RuntimeError(
        f"server {list(argv)!r} {why}\n--- stdout ---\n{stdout}--- stderr ---\n{stderr}"
    )


def _signal_group(proc: subprocess.Popen[str], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


def stop(proc: subprocess.Popen[str], timeout: float = 5.0) -> int:
    """SIGTERM, then SIGKILL to the whole group after ``timeout``; the returncode.

    Safe to call twice and on processes that already exited.
    """
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)
            proc.wait()
    # Children left in the group (a server's workers) must not outlive the test.
    _signal_group(proc, signal.SIGKILL)
    drains = _drains.get(proc.pid)
    if drains is not None:
        for drain in drains:
            drain.join(timeout)
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()
    return proc.returncode


@contextlib.contextmanager
def serving(
    argv: Sequence[str],
    env: Mapping[str, str | None] | None = None,
    *,
    timeout: float = 10.0,
    cwd: str | Path | None = None,
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``start_server`` as a context manager that always calls :func:`stop`."""
    proc, url = start_server(argv, env, timeout=timeout, cwd=cwd)
    try:
        yield proc, url
    finally:
        stop(proc)
        _drains.pop(proc.pid, None)


def run_cli(
    argv: Sequence[str],
    env: Mapping[str, str | None] | None = None,
    timeout: float = 60.0,
    *,
    cwd: str | Path | None = None,
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run to completion and capture text output; raises ``TimeoutExpired``.

    On timeout ``subprocess.run`` has already killed the child, so a hung CLI
    fails the test instead of hanging the suite.
    """
    return subprocess.run(  # noqa: S603 - argv comes from the test itself
        list(argv),
        env=child_env(env),
        cwd=cwd,
        input=input,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=timeout,
        check=False,
    )


def run_cli_killed_at(
    argv: Sequence[str],
    env: Mapping[str, str | None] | None = None,
    seconds: float = 1.0,
    *,
    cwd: str | Path | None = None,
    log: Path | None = None,
) -> int:
    """Run ``argv`` and SIGKILL its process group after ``seconds``.

    Returns the returncode: ``-signal.SIGKILL`` if the kill landed, else the
    code the process exited with early.  Output is discarded unless ``log``
    names a file to append both streams to (handy when a crash test fails).
    """
    with contextlib.ExitStack() as stack:
        sink = (
            stack.enter_context(log.open("ab"))
            if log is not None
            else subprocess.DEVNULL
        )
        proc = subprocess.Popen(  # noqa: S603 - argv comes from the test itself
            list(argv),
            env=child_env(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=sink,
            start_new_session=True,
        )
        try:
            return proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            return proc.wait()
