"""Infrastructure for the end-to-end acceptance suite.

The suite runs the real CLI as separate processes against HTTP fakes on
loopback.  :mod:`tests.e2e.faultproxy` (with :mod:`~tests.e2e.faultplan` and
:mod:`~tests.e2e.proxyhandler`) sits between the CLI and a fake to inject
seeded network faults; :mod:`tests.e2e.procs` starts, stops and kills the
processes.  Everything here is stdlib-only so it works in any user's clone.
"""

from __future__ import annotations
