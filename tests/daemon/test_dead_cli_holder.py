"""A command killed on this host does not keep its flow locked for a whole TTL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import timedelta

from connector.leases import acquire_lease, dead_cli_holder
from connector.store import StateStore


def _finished_pid() -> int:
    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(proc.stdout)


def test_only_dead_cli_holders_on_this_host_are_dead() -> None:
    """A gone process on this host is dead; live ones, daemons, other hosts are not."""
    host = socket.gethostname()
    assert dead_cli_holder(f"{host}-{_finished_pid()}-cli")
    assert not dead_cli_holder(f"{host}-{os.getpid()}-cli")
    assert not dead_cli_holder(f"{host}-{_finished_pid()}")  # a daemon replica
    assert not dead_cli_holder(f"other-host-{_finished_pid()}-cli")


def test_lease_of_a_killed_command_is_taken_at_once(store: StateStore) -> None:
    """A live lease held by a dead command is taken over with a larger token."""
    dead = f"{socket.gethostname()}-{_finished_pid()}-cli"
    ttl = timedelta(minutes=5)
    first = acquire_lease(store, "handoff", dead, ttl=ttl)
    assert first is not None
    assert acquire_lease(store, "handoff", "someone-else", ttl=ttl) is None
    second = acquire_lease(
        store, "handoff", "someone-else", ttl=ttl, is_dead=dead_cli_holder
    )
    assert second is not None
    assert second.token > first.token
    assert second.taken_over_from == dead
