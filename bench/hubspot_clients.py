"""One pull client of bench/hubspot_vs_tap.py, run as its own process.

``python bench/hubspot_clients.py CODE KIND URL TOKEN [SINCE_MS]`` imports the
adapter from the code tree ``CODE`` (the working tree, or an older commit
exported by the benchmark), pulls every contact once and prints one JSON line:
records, the seconds and CPU seconds of the pull alone (from just before the
first request to the last page), and the seconds the process spent starting
(interpreter and imports) before that. Kinds:

- ``backfill``: ``pull(full=True)``, the list endpoint from the start.
- ``catch-up``: an incremental pull from a cursor just before the contacts were
  made: every contact is a change to catch up on (by list where the code can).
- ``search``: the same catch-up by search only (``catch_up_by_list_above``
  off where the code has it), at HubSpot's 5 searches a second.

Every kind asks for the same properties the tap is given (``PROPERTIES`` plus
the id, last-modified and merge properties the adapter always adds).
"""

from __future__ import annotations

import json
import sys
import time

STARTED = time.perf_counter()

PROPERTIES = ("email", "firstname", "lastname")
"""Properties both clients select (the adapter adds hs_object_id,
lastmodifieddate and hs_merged_object_ids, and so does the tap's catalog)."""


def main(argv: list[str]) -> None:
    """Pull once and print the measurement."""
    code, kind, url, token = argv[:4]
    since_ms = int(argv[4]) if len(argv) > 4 else 0
    sys.path.insert(0, code)
    import logging

    import structlog

    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING)
    )
    from adapters.hubspot import HubSpotAdapter, HubSpotSettings

    options: dict[str, object] = {
        "token": token,
        "base_url": url,
        "lookback_seconds": 0,
        "limits": {"burst_per_10s": 1000},
        "properties": {"persons": list(PROPERTIES)},
    }
    known = HubSpotSettings.model_fields
    if kind == "search" and "catch_up_by_list_above" in known:
        options["catch_up_by_list_above"] = None
    adapter = HubSpotAdapter("ma", HubSpotSettings.model_validate(options))
    cursor = None
    if kind != "backfill":
        cursor = json.dumps({"v": 1, "ts": since_ms, "seen": []})
    ready = time.perf_counter()
    cpu = time.process_time()
    records = sum(
        len(page.records)
        for page in adapter.pull("persons", cursor, full=kind == "backfill")
    )
    result = {
        "records": records,
        "seconds": time.perf_counter() - ready,
        "cpu": time.process_time() - cpu,
        "startup": ready - STARTED,
    }
    adapter.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
