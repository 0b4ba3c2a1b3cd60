"""Infrastructure for the end-to-end acceptance suite.

The suite runs the real CLI as separate processes against HTTP fakes on
loopback.  :mod:`tests.e2e.faultproxy` (with :mod:`~tests.e2e.faultplan` and
:mod:`~tests.e2e.proxyhandler`) sits between the CLI and a fake to inject
seeded network faults; :mod:`tests.e2e.procs` starts, stops and kills the
processes.  Nothing beyond the stdlib and ``typing_extensions`` (a project
dependency) is used, and nothing outside the repository is read.
"""

from __future__ import annotations
