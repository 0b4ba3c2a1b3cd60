"""What the connector is doing: flows, last runs, cursors, dead letters, health.

One collector feeds ``/status``, ``connector status`` and the cursor-lag gauge, so
every view tells the same story. Everything it returns has been through
:func:`scrub_tree`: run errors may quote a token or a database URL, and none of that
may leave the process.

The *health record* is a small JSON file the daemon rewrites every heartbeat with an
expiry time. ``connector status --health`` (the Docker ``HEALTHCHECK``) reads it: a
record past its expiry means the daemon is hung or dead. It is a file rather than a
row so that it speaks for the replica in *this* container, whatever the store.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import os
import stat
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from connector.app import App
from connector.errors import ConfigError, ConnectorError, StateError
from connector.leases import list_leases
from connector.logging import MASK, scrub
from connector.metrics import CURSOR_LAG, DEAD_LETTERS, LAST_SUCCESS, REGISTRY
from connector.store.cursors import list_cursors
from connector.store.deadletters import count_dead_letters
from connector.store.runs import last_runs, last_successes

__all__ = [
    "FLOW_NAMES",
    "HealthCheck",
    "MappingVersion",
    "collect_status",
    "cursor_value",
    "health_path",
    "mapping_version_source",
    "metrics_exposition",
    "read_health",
    "readiness",
    "remove_health",
    "scrub_tree",
    "update_cursor_lag",
    "update_store_gauges",
    "write_health",
]

FLOW_NAMES = ("handoff", "outcomes")
"""The flows, in the order status output lists them."""

MappingVersion = Callable[[], str | None]
"""Returns the version of the mappings the next run would use, or None."""

_SECRET_KEYS = ("token", "password", "passwd", "secret", "authorization", "api_key")


def scrub_tree(value: Any, key: str = "") -> Any:
    """Mask secret-looking keys and registered secret values in nested data.

    Also turns datetimes into ISO strings, so the result is ready for JSON.
    """
    if any(part in key.lower() for part in _SECRET_KEYS) and value not in (None, ""):
        return MASK
    if isinstance(value, Mapping):
        return {str(k): scrub_tree(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub_tree(v, key) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, int | float | bool) or value is None:
        return value
    return scrub(str(value))


def mapping_version_source(app: App) -> MappingVersion:
    """How to learn the active mapping version, from :mod:`connector.mapping`.

    The daemon keeps a ``MappingReloader`` (it remembers the last good version
    when an edit breaks a file); a one-off ``connector status`` loads the files.
    Returns a source that answers None while the mapping module is not there.
    """
    try:
        mapping = importlib.import_module("connector.mapping")
    except ImportError:
        return lambda: None
    reloader_cls = getattr(mapping, "MappingReloader", None)
    if reloader_cls is not None:
        reloader = reloader_cls(app.mappings_dir)
        return lambda: _version(reloader.current())

    def load() -> str | None:
        return _version(mapping.load_mappings(app.mappings_dir))

    return load


def _version(mappings: object) -> str | None:
    version = getattr(mappings, "version", None)
    return None if version is None else str(version)


def _settings_of(app: App, flow: str) -> dict[str, Any]:
    settings = getattr(app.settings.flows, flow)
    return {"enabled": settings.enabled, "schedule": settings.schedule}


def collect_status(
    app: App,
    *,
    mapping_version: MappingVersion | None = None,
    daemon: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Gather the status of every flow from the store, secrets scrubbed.

    Args:
        app: the connector whose store is read.
        mapping_version: where the active mapping version comes from.
        daemon: what the running daemon adds (replica, in-flight runs...).
        now: the time cursor lag is measured against.

    Raises:
        StateError: the store could not be read.
    """
    moment = now or datetime.now(UTC)
    try:
        with app.store.read() as conn:
            runs = last_runs(conn)
            cursors = list_cursors(conn)
            dead = count_dead_letters(conn)
            leases = {row["flow"]: row for row in list_leases(conn)}
    except SQLAlchemyError as exc:
        raise StateError(
            f"cannot read the state store: {exc.__class__.__name__}",
            hint="check state.url and that the database server is running",
            context={"state": app.store.safe_url},
        ) from exc
    update_cursor_lag(cursors, moment)
    version_error: str | None = None
    try:
        version = (mapping_version or mapping_version_source(app))()
    except ConnectorError as exc:
        version, version_error = None, exc.one_line()
    flows: dict[str, Any] = {}
    for flow in FLOW_NAMES:
        lease = leases.get(flow)
        flows[flow] = {
            **_settings_of(app, flow),
            "last_run": runs.get(flow),
            "cursors": [
                {
                    "source": c["source"],
                    "value": cursor_value(c["value"]),
                    "updated_at": c["updated_at"],
                }
                for c in cursors
                if c["flow"] == flow
            ],
            "dead_letters": dead.get(flow, {"pending": 0, "parked": 0}),
            "lease": None
            if lease is None or not lease["holder"]
            else {k: lease[k] for k in ("holder", "token", "expires_at")},
        }
    result = {
        "generated_at": moment,
        "state": {"url": app.store.safe_url, "dialect": app.store.dialect},
        "mapping_version": version,
        "mapping_error": version_error,
        "flows": flows,
        "daemon": dict(daemon) if daemon is not None else None,
    }
    scrubbed: dict[str, Any] = scrub_tree(result)
    return scrubbed


def cursor_value(raw: Any) -> Any:
    """A stored cursor as data: adapters store JSON text, shown here parsed.

    ``status --json`` and ``/status`` then carry ``{"updated": ...}`` as an object a
    script can read, not as a string holding JSON. Text that is not JSON (an
    opaque token, a bare number) stays a string.
    """
    if not isinstance(raw, str) or not raw.lstrip().startswith(("{", "[")):
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def readiness(app: App, flows: list[str]) -> tuple[bool, dict[str, Any]]:
    """Whether the daemon can do useful work: store reachable, no flow failing.

    A flow whose last run failed makes the replica unready until a later run of
    it succeeds (partial runs count as working: their records are dead letters).
    """
    if not app.store.ping():
        return False, {"reason": "state store unreachable"}
    with app.store.read() as conn:
        latest = last_runs(conn)
    failed = sorted(f for f in flows if latest.get(f, {}).get("status") == "failed")
    if failed:
        return False, {"reason": "last run failed", "flows": failed}
    return True, {"flows": flows}


def metrics_exposition(app: App) -> tuple[bytes, str]:
    """The Prometheus text of the connector's registry, cursor lag refreshed.

    The lag is read from the store on each scrape (when it answers), so it grows
    while a flow is stuck instead of freezing at the last commit.
    """
    if app.store.ping():
        with app.store.read() as conn:
            update_store_gauges(conn, datetime.now(UTC))
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def update_store_gauges(conn: Connection, now: datetime) -> None:
    """Refresh the gauges that are facts of the shared store, not of this process.

    Cursor lag, the dead-letter backlog and each flow's last success are read
    from the store on every scrape, so every replica reports the same values and
    they survive restarts.
    """
    update_cursor_lag(list_cursors(conn), now)
    DEAD_LETTERS.clear()
    backlog = count_dead_letters(conn)
    for flow in FLOW_NAMES:
        counts = backlog.get(flow, {})
        for status in ("pending", "parked"):
            DEAD_LETTERS.labels(flow, status).set(counts.get(status, 0))
    LAST_SUCCESS.clear()
    for flow, ended in last_successes(conn).items():
        LAST_SUCCESS.labels(flow).set(ended.timestamp())


def update_cursor_lag(cursors: list[dict[str, Any]], now: datetime) -> None:
    """Set the cursor-lag gauge: how long ago each scheduled cursor last moved.

    Backfill cursors (their own ``backfill ...`` namespace) are left out: a
    finished backfill never moves again, so its lag would grow for ever and an
    alert on the gauge would never clear. The gauge is rebuilt from the store on
    every call, so a cursor that is gone leaves no stale series behind.
    """
    CURSOR_LAG.clear()
    for cursor in cursors:
        updated = cursor["updated_at"]
        if str(cursor["source"]).startswith("backfill "):
            continue
        if isinstance(updated, datetime):
            CURSOR_LAG.labels(cursor["flow"], cursor["source"]).set(
                max(0.0, (now - updated).total_seconds())
            )


def health_path(app: App) -> Path:
    """Where this instance's health record lives.

    ``daemon.health_file`` when set; otherwise a file named after the config
    file, so ``connector run`` and ``connector status`` in the same container find
    the same record even on a read-only config volume. It lives in a folder of
    the temp directory only this user can enter: a file with a predictable name
    in a shared ``/tmp`` could be planted or swapped for a link by anyone.
    """
    configured = app.settings.daemon.health_file
    if configured is not None:
        return configured if configured.is_absolute() else app.base_dir / configured
    digest = hashlib.sha256(str(app.config_path.resolve()).encode()).hexdigest()[:12]
    return _private_temp_dir() / f"health-{digest}.json"


def _private_temp_dir() -> Path:
    """``<tmp>/connector-<uid>``, made 0700 and refused if someone else owns it."""
    uid = os.getuid() if hasattr(os, "getuid") else None
    folder = Path(tempfile.gettempdir()) / f"connector-{uid or 0}"
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    info = folder.lstat()
    theirs = uid is not None and info.st_uid != uid
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode) or theirs:
        raise ConfigError(
            f"{folder} is not a folder of this user's: the health record is not "
            "kept there",
            hint="set [daemon] health_file to a path in a folder only the "
            "connector's user can write",
            context={"path": str(folder)},
        )
    if info.st_mode & 0o077:
        folder.chmod(0o700)
    return folder


def write_health(
    path: Path, record: Mapping[str, Any], *, ttl: timedelta, now: datetime
) -> None:
    """Atomically replace the health record, valid until ``now + ttl``."""
    body = {
        **scrub_tree(record),
        "written_at": now.isoformat(),
        "expires_at": (now + ttl).isoformat(),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.write_text(json.dumps(body, sort_keys=True), encoding="utf-8")
    partial.replace(path)


def remove_health(path: Path) -> None:
    """Delete the health record on a clean shutdown ("stopped", not "stale")."""
    path.unlink(missing_ok=True)


@dataclass(frozen=True)
class HealthCheck:
    """What the health record says.

    Attributes:
        state: ``fresh`` (daemon alive), ``stale`` (record expired: hung or
            killed), ``missing`` (no daemon ran here or it stopped cleanly) or
            ``unreadable``.
        detail: one sentence for the operator.
        record: the record's content, when readable.
    """

    state: str
    detail: str
    record: dict[str, Any] | None = None

    @property
    def healthy(self) -> bool:
        """True only when a live daemon wrote the record in time."""
        return self.state == "fresh"


def read_health(path: Path, *, now: datetime | None = None) -> HealthCheck:
    """Read the health record and judge whether it is still fresh."""
    moment = now or datetime.now(UTC)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        expires = datetime.fromisoformat(record["expires_at"])
    except FileNotFoundError:
        return HealthCheck("missing", f"no daemon is running here (no {path})")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return HealthCheck("unreadable", f"cannot read health record {path}: {exc}")
    if expires <= moment:
        late = (moment - expires).total_seconds()
        return HealthCheck(
            "stale",
            f"the daemon's health record expired {late:.0f}s ago: it is hung or "
            f"was killed (replica {record.get('replica')}, pid {record.get('pid')})",
            record,
        )
    return HealthCheck(
        "fresh",
        f"daemon alive (replica {record.get('replica')}, pid {record.get('pid')})",
        record,
    )
