"""Reading pages ahead: the next request is in flight while the flow maps this page.

:func:`read_ahead` runs page producers in threads and hands their pages out in
order. Each producer may fetch at most ``depth`` pages the caller has not taken
yet, so memory stays bounded and no request is sent that the rate limiters did
not admit (every request still goes through :class:`HubSpotClient`, which is
thread-safe). Several producers run at once (the time slices of one catch-up),
yet their pages come out in producer order, so a cursor is only ever handed
out after everything before it.

A producer that must not run ahead at some point (a search that should see
the flow's write-backs of the page before it) yields the ``barrier`` object:
it then waits until the caller asks for the item after the last one it took,
that is, until the caller is done with that item.

Shutting down is part of the contract: when the caller stops early (a stop
asked by SIGTERM, an error in the flow, a ``break``), closing the iterator
stops every producer before its next request and waits for the requests in
flight; a producer's error is raised to the caller after the pages it fetched
before the error.
"""

from __future__ import annotations

import contextvars
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Generic, TypeVar

__all__ = ["read_ahead", "without"]

T = TypeVar("T")

_POLL = 0.05
"""Seconds between checks of the stop flag while a producer waits for room."""


class _Producer(Generic[T]):
    """One producer thread and the pages it fetched that nobody took yet."""

    def __init__(
        self,
        produce: Callable[[], Iterator[T]],
        *,
        depth: int,
        stop: threading.Event,
        name: str,
        barrier: object | None,
    ) -> None:
        self._produce = produce
        self._stop = stop
        self._barrier = barrier
        self._go = threading.Event()
        self._room = threading.Semaphore(depth)
        self._queue: queue.SimpleQueue[tuple[str, object]] = queue.SimpleQueue()
        # The thread logs with the caller's bound context (run id, flow).
        context = contextvars.copy_context()
        self._thread = threading.Thread(
            target=context.run, args=(self._run,), name=name, daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def _wait_for_room(self) -> bool:
        while not self._stop.is_set():
            if self._room.acquire(timeout=_POLL):
                return True
        return False

    def _wait_for_caller(self) -> bool:
        self._go.clear()
        self._queue.put(("barrier", None))
        while not self._stop.is_set():
            if self._go.wait(timeout=_POLL):
                return True
        return False

    def _run(self) -> None:
        try:
            if not self._wait_for_room():
                return
            items = self._produce()
            try:
                for item in items:
                    if item is self._barrier:
                        # The slot taken for this item stays for the next one.
                        if not self._wait_for_caller():
                            return
                        continue
                    self._queue.put(("item", item))
                    if not self._wait_for_room():
                        return
            finally:
                close = getattr(items, "close", None)
                if close is not None:
                    close()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, re-raised
            self._queue.put(("error", exc))
            return
        self._queue.put(("done", None))

    def items(self) -> Iterator[T]:
        while True:
            kind, value = self._queue.get()
            if isinstance(value, BaseException):
                raise value
            if kind == "done":
                return
            if kind == "barrier":
                self._go.set()  # the caller is done with what it took
                continue
            self._room.release()
            yield value  # type: ignore[misc]  # an "item" entry holds a T


def read_ahead(
    producers: Sequence[Callable[[], Iterator[T]]],
    *,
    depth: int = 1,
    join_timeout: float = 60.0,
    barrier: object | None = None,
) -> Iterator[T]:
    """Every producer's items, producer by producer, each read ``depth`` ahead.

    All producers start at once. Closing the returned iterator stops them and
    waits up to ``join_timeout`` seconds for each one's request in flight.
    ``barrier`` items are not handed out: they hold their producer until the
    caller is done with the item before them.

    Raises:
        BaseException: whatever a producer raised, after the items before it.
    """
    if depth < 1:
        raise ValueError("read_ahead needs depth >= 1")
    stop = threading.Event()
    running = [
        _Producer(
            produce,
            depth=depth,
            stop=stop,
            name=f"hubspot-read-ahead-{n}",
            barrier=barrier,
        )
        for n, produce in enumerate(producers)
    ]
    for producer in running:
        producer.start()
    try:
        for producer in running:
            yield from producer.items()
    finally:
        stop.set()
        for producer in running:
            producer.join(join_timeout)


def without(items: Iterator[T], barrier: object) -> Iterator[T]:
    """``items`` less the barriers, read only when asked (no thread at all)."""
    try:
        for item in items:
            if item is not barrier:
                yield item
    finally:
        close = getattr(items, "close", None)
        if close is not None:
            close()
