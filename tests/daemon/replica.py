"""One daemon replica running the stand-in flow: ``python -m tests.daemon.replica``.

Process tests start this instead of ``connector run`` so that the flow is the
stand-in; everything else (scheduler, leases, signals, health, server) is the
production daemon. Usage: ``replica.py CONFIG TOTAL BATCH WORK_SECONDS``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from connector.app import App
from connector.daemon import Daemon
from connector.logging import configure_logging
from tests.daemon.standin import StandinFlow, slow_work


def main(argv: list[str]) -> int:
    config, total, batch, work = argv
    app = App.from_config(Path(config))
    configure_logging("info", "json", stream=sys.stderr)
    flow = StandinFlow(
        total=int(total),
        batch=int(batch),
        work=slow_work(float(work)),
        say=lambda line: print(line, flush=True),
    )
    daemon = Daemon(app, runner=flow)
    code = daemon.serve()
    app.close()
    print(f"EXIT {code}", flush=True)
    if code:
        os._exit(code)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
