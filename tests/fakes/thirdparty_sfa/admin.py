"""The test-only ``/__admin`` surface: ground truth, salesperson work, knobs.

None of this exists at the real vendor. It needs no token because it is the
test's back door: seed hand-entered leads, act as a salesperson, read the
true state, inspect which requests the client made, move the clock and turn
on faults.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from .clock import format_ts
from .faults import DEFAULT_SLOW, FaultPlan
from .records import RecordError
from .replies import BadRequestError, Reply, error_reply, json_reply, parse_json
from .store import Store
from .work import WorkError, run_script


class RequestLog:
    """Every non-admin request the server saw, in arrival order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[dict[str, Any]] = []
        self._seq = 0

    def add(self, entry: dict[str, Any]) -> dict[str, Any]:
        """Append an entry (filled in later by the handler) and return it."""
        with self._lock:
            self._seq += 1
            entry["seq"] = self._seq
            self._entries.append(entry)
        return entry

    def entries(self) -> list[dict[str, Any]]:
        """A copy of the log, safe to serialise while requests continue."""
        with self._lock:
            return [dict(entry) for entry in self._entries]

    def clear(self) -> int:
        """Forget all entries; returns how many there were."""
        with self._lock:
            count = len(self._entries)
            self._entries.clear()
            return count


def _object(body: bytes) -> dict[str, Any]:
    payload = parse_json(body) if body else {}
    if not isinstance(payload, dict):
        raise BadRequestError(400, "invalid_request", "body must be a JSON object")
    return payload


def _configure_faults(faults: FaultPlan, body: bytes) -> Reply:
    conf = _object(body)
    rate, seed = conf.get("rate", 0.0), conf.get("seed", faults.seed)
    kinds, slow = conf.get("kinds"), conf.get("slow_seconds", list(DEFAULT_SLOW))
    if not isinstance(rate, int | float) or isinstance(rate, bool):
        raise BadRequestError(400, "invalid_request", "rate must be a number")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise BadRequestError(400, "invalid_request", "seed must be an integer")
    if kinds is not None and not (
        isinstance(kinds, list) and all(isinstance(k, str) for k in kinds)
    ):
        raise BadRequestError(400, "invalid_request", "kinds must be a list of names")
    if not (
        isinstance(slow, list)
        and len(slow) == 2
        and all(isinstance(s, int | float) for s in slow)
    ):
        raise BadRequestError(400, "invalid_request", "slow_seconds must be [min, max]")
    try:
        faults.configure(
            rate=float(rate), seed=seed, kinds=kinds, slow_seconds=(slow[0], slow[1])
        )
    except ValueError as exc:
        raise BadRequestError(400, "invalid_request", str(exc)) from exc
    return json_reply(200, faults.describe())


def _work(store: Store, body: bytes) -> Reply:
    payload = parse_json(body)
    if isinstance(payload, dict):
        payload = payload.get("actions")
    if not isinstance(payload, list):
        raise BadRequestError(400, "invalid_request", "body must be a list of actions")
    try:
        return json_reply(200, {"results": run_script(store, payload)})
    except WorkError as err:
        error = {"code": "invalid_action", "index": err.index, "message": err.message}
        return json_reply(400, {"error": error})


def _hand_entered_lead(store: Store, body: bytes) -> Reply:
    try:
        return json_reply(201, store.create_hand_entered_lead(_object(body)))
    except RecordError as err:
        return json_reply(400, {"error": err.payload()})


def _clock_reply(store: Store) -> Reply:
    now = format_ts(store.clock.now())
    return json_reply(200, {"now": now, "frozen": store.clock.frozen})


def _set_clock(store: Store, body: bytes) -> Reply:
    conf = _object(body)
    seconds, freeze = conf.get("advance_seconds", 0), conf.get("freeze")
    if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds < 0:
        raise BadRequestError(
            400, "invalid_request", "advance_seconds must be an integer >= 0"
        )
    if freeze is not None and not isinstance(freeze, bool):
        raise BadRequestError(400, "invalid_request", "freeze must be true or false")
    with store.lock:
        if freeze is not None:
            store.clock.freeze(freeze)
        store.clock.advance(seconds)
        store.save()
    return _clock_reply(store)


def handle_admin(
    store: Store,
    faults: FaultPlan,
    log: RequestLog,
    method: str,
    path: str,
    body: bytes,
) -> Reply:
    """Answer one ``/__admin`` request."""
    routes: dict[tuple[str, str], Callable[[], Reply]] = {
        ("GET", "/__admin/state"): lambda: json_reply(200, store.dump()),
        ("POST", "/__admin/leads"): lambda: _hand_entered_lead(store, body),
        ("POST", "/__admin/work"): lambda: _work(store, body),
        ("GET", "/__admin/requests"): lambda: json_reply(200, {"data": log.entries()}),
        ("POST", "/__admin/requests/clear"): lambda: json_reply(
            200, {"cleared": log.clear()}
        ),
        ("GET", "/__admin/clock"): lambda: _clock_reply(store),
        ("POST", "/__admin/clock"): lambda: _set_clock(store, body),
        ("GET", "/__admin/faults"): lambda: json_reply(200, faults.describe()),
        ("POST", "/__admin/faults"): lambda: _configure_faults(faults, body),
    }
    route = routes.get((method, path.rstrip("/")))
    if route is None:
        return error_reply(404, "not_found", f"no admin route {method} {path}")
    try:
        return route()
    except BadRequestError as err:
        return err.reply()
