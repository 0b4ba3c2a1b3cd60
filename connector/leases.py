"""Flow leases: each flow runs on one replica at a time, fenced by a token.

A replica takes a flow's lease before a run, renews it while the run lasts
(heartbeat) and gives it back afterwards. A lease lapses ``ttl`` after its last
renewal, so when its holder dies another replica can take the flow over.

Lapsing alone is not enough: a replica paused past its TTL (GC pause, SIGSTOP, a
frozen VM) wakes up believing it still owns the flow. So every take-over bumps the
flow's *fencing token*, and every state commit of a run first calls
:meth:`Lease.assert_held` inside its own transaction. On PostgreSQL that locks the
lease row ``FOR UPDATE``, so no take-over can slip between the check and the commit;
on SQLite a no-op write takes the database's single write lock for the same effect.

Time comes from the database server on PostgreSQL (one clock for every replica, so
host clock skew cannot shorten a lease) and from the local clock on SQLite. Tests
inject a clock. The lease row of a flow is never deleted, so tokens only grow.

SQLite is a single-process store: leases work there (one row per flow) but running
several replicas is supported on PostgreSQL only.
"""

from __future__ import annotations

import os
import re
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import Connection, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from connector.errors import LeaseLostError, StateError
from connector.store import StateStore
from connector.store.schema import leases

__all__ = [
    "Clock",
    "Lease",
    "acquire_lease",
    "cli_holder",
    "dead_cli_holder",
    "keep_alive",
    "list_leases",
]

Clock = Callable[[], datetime]
"""Returns the current time, timezone-aware; injected by tests."""

_NEVER = datetime(1970, 1, 1, tzinfo=UTC)
log = structlog.get_logger("connector.leases")


def _now(conn: Connection, clock: Clock | None) -> datetime:
    if clock is not None:
        return clock()
    if conn.dialect.name == "postgresql":
        value: datetime = conn.execute(select(func.clock_timestamp())).scalar_one()
        return value.astimezone(UTC)
    return datetime.now(UTC)


@dataclass
class Lease:
    """The right to run one flow, until ``expires_at``, proven by ``token``.

    Attributes:
        flow: the flow this lease is for.
        holder: the replica holding it.
        token: fencing token; larger than every token issued before for the flow.
        expires_at: when it lapses unless renewed.
        taken_over_from: the replica whose lease had lapsed when this one was
            taken (it died or hung mid-run), else None.
    """

    store: StateStore = field(repr=False)
    flow: str
    holder: str
    token: int
    ttl: timedelta
    expires_at: datetime
    taken_over_from: str | None = None
    clock: Clock | None = field(default=None, repr=False)

    def _lost(self, why: str, **context: Any) -> LeaseLostError:
        return LeaseLostError(
            f"replica {self.holder} lost the lease on flow {self.flow!r}: {why}",
            hint="nothing was committed; the replica now holding the flow carries on",
            context={"flow": self.flow, "token": self.token, **context},
        )

    def assert_held(self, conn: Connection) -> None:
        """Prove, inside the caller's transaction, that this lease is still ours.

        Call it in the transaction that commits a batch: the lease row stays
        locked until that transaction ends, so the check and the commit are one.

        Raises:
            LeaseLostError: another replica took the flow over, or the lease
                lapsed; the caller's transaction must roll back.
        """
        query = select(leases.c.holder, leases.c.token, leases.c.expires_at).where(
            leases.c.flow == self.flow
        )
        if conn.dialect.name == "postgresql":
            query = query.with_for_update()
        else:
            # SQLite ignores FOR UPDATE and reads outside any transaction until the
            # first write; this no-op write starts the transaction and takes the
            # write lock, so nobody can take the lease over before we commit.
            conn.execute(
                update(leases)
                .where(leases.c.flow == self.flow)
                .values(token=leases.c.token)
            )
        row = conn.execute(query).first()
        if row is None:
            raise self._lost("its lease row is gone")
        if row.holder != self.holder or row.token != self.token:
            raise self._lost(
                f"replica {row.holder or '(none)'} holds it now with token {row.token}",
                current_holder=row.holder,
                current_token=row.token,
            )
        now = _now(conn, self.clock)
        if row.expires_at <= now:
            raise self._lost(f"it lapsed at {row.expires_at.isoformat()}")

    def renew(self) -> None:
        """Extend the lease by its TTL from now (the heartbeat).

        A heartbeat that comes late (the store was slow, the process paused)
        still renews a lapsed lease that nobody took: a take-over has to lock the
        row and issue a larger token, so an unchanged holder and token prove that
        no rival ran the flow meanwhile.

        Raises:
            LeaseLostError: another replica took the flow over; stop working on it.
            StateError: the store could not be reached; the lease may still lapse.
        """
        with self.store.transaction() as conn:
            now = _now(conn, self.clock)
            expires = now + self.ttl
            result = conn.execute(
                update(leases)
                .where(
                    leases.c.flow == self.flow,
                    leases.c.holder == self.holder,
                    leases.c.token == self.token,
                )
                .values(expires_at=expires)
            )
            if result.rowcount != 1:
                raise self._lost("another replica took it over after it lapsed")
        if now >= self.expires_at:
            log.warning(
                "lease_renewed_late",
                flow=self.flow,
                late_seconds=round((now - self.expires_at).total_seconds(), 3),
            )
        self.expires_at = expires

    def release(self) -> bool:
        """Give the flow back so any replica may run it next; False if already lost.

        The row and its token stay, so the next holder's token is still larger.
        """
        with self.store.transaction() as conn:
            now = _now(conn, self.clock)
            result = conn.execute(
                update(leases)
                .where(
                    leases.c.flow == self.flow,
                    leases.c.holder == self.holder,
                    leases.c.token == self.token,
                )
                .values(holder="", expires_at=now)
            )
        return bool(result.rowcount == 1)


def acquire_lease(
    store: StateStore,
    flow: str,
    holder: str,
    *,
    ttl: timedelta,
    clock: Clock | None = None,
    is_dead: Callable[[str], bool] | None = None,
) -> Lease | None:
    """Take the lease of ``flow`` for ``holder`` if nobody else holds it.

    A lapsed lease is taken over (its ``taken_over_from`` names the previous
    holder), and so is a live one whose holder ``is_dead`` says is gone (a
    command on this host that was killed: no need to wait out its TTL). Every
    successful call issues a new, larger fencing token, even when
    ``holder`` already had the lease.

    Returns:
        The lease, or None while another replica holds a live lease on the flow.

    Raises:
        StateError: the store could not be reached.
    """
    with store.transaction() as conn:
        # Make sure the row exists, so that the lock below always has a row to lock
        # and two first-time replicas cannot both insert one.
        _ensure_row(conn, flow)
        current = conn.execute(
            select(leases.c.holder, leases.c.token, leases.c.expires_at)
            .where(leases.c.flow == flow)
            .with_for_update()
        ).one()
        now = _now(conn, clock)
        if (
            current.holder not in ("", holder)
            and current.expires_at > now
            and not (is_dead is not None and is_dead(current.holder))
        ):
            return None
        token = int(current.token) + 1
        expires = now + ttl
        conn.execute(
            update(leases)
            .where(leases.c.flow == flow)
            .values(holder=holder, token=token, expires_at=expires)
        )
    previous = current.holder if current.holder not in ("", holder) else None
    if previous is not None:
        log.warning(
            "lease_taken_over",
            flow=flow,
            holder=holder,
            previous_holder=previous,
            token=token,
        )
    return Lease(
        store=store,
        flow=flow,
        holder=holder,
        token=token,
        ttl=ttl,
        expires_at=expires,
        taken_over_from=previous,
        clock=clock,
    )


def cli_holder() -> str:
    """The lease holder name of a command run on this host (see ``dead_cli_holder``)."""
    return f"{socket.gethostname()}-{os.getpid()}-cli"


def dead_cli_holder(holder: str) -> bool:
    """Whether ``holder`` is a command on this host whose process no longer runs.

    Only ``-cli`` holders are judged: daemons may share a hostname across
    containers, where a process id means nothing.
    """
    match = re.fullmatch(rf"{re.escape(socket.gethostname())}-(\d+)-cli", holder)
    if match is None:
        return False
    try:
        os.kill(int(match.group(1)), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _ensure_row(conn: Connection, flow: str) -> None:
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(
        insert(leases)
        .values(flow=flow, holder="", token=0, expires_at=_NEVER)
        .on_conflict_do_nothing(index_elements=["flow"])
    )


def list_leases(conn: Connection) -> list[dict[str, Any]]:
    """Every flow's lease row (holder, token, expiry), for status output."""
    rows = conn.execute(select(leases).order_by(leases.c.flow))
    return [dict(row._mapping) for row in rows]


@contextmanager
def keep_alive(
    lease: Lease,
    *,
    every: float,
    on_lost: Callable[[LeaseLostError], None],
) -> Iterator[threading.Event]:
    """Renew ``lease`` every ``every`` seconds in a thread while the block runs.

    Yields an event that is set once the lease is lost; ``on_lost`` is called
    then too (the daemon uses it to ask the run to stop). A store that cannot be
    reached is logged and retried: the lease may lapse meanwhile, and then the
    next commit's :meth:`Lease.assert_held` refuses it.
    """
    done = threading.Event()
    lost = threading.Event()

    def beat() -> None:
        while not done.wait(every):
            try:
                lease.renew()
            except LeaseLostError as exc:
                lost.set()
                log.warning("lease_lost", flow=lease.flow, error=exc.one_line())
                on_lost(exc)
                return
            except StateError as exc:
                log.warning("lease_renew_failed", flow=lease.flow, error=exc.one_line())

    thread = threading.Thread(target=beat, name=f"lease-{lease.flow}", daemon=True)
    thread.start()
    try:
        yield lost
    finally:
        done.set()
        thread.join()
