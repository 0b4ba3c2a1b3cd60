"""Run the whole bad-input corpus and print its table: ``python -m tests.badinput``.

Optional arguments are substrings of case names, to run only those cases.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from tests.badinput.corpus import Outcome, baseline, judge, table
from tests.badinput.test_corpus import CASES


def run(selected: list[str]) -> int:
    """Judge every (selected) case; print the table; 1 if any is not clean."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="badinput-") as scratch:
        root = Path(scratch)
        (root / "clean").mkdir()
        clean = baseline(root / "clean")
        outcomes: dict[str, Outcome] = {}
        for index, case in enumerate(CASES):
            if selected and not any(s in case.name for s in selected):
                continue
            folder = root / f"case-{index}"
            folder.mkdir()
            outcomes[case.name] = judge(case, clean, folder)
    print(table(outcomes))
    print(f"time: {time.monotonic() - started:.0f} s")
    return 0 if all(o.verdict == "clean" for o in outcomes.values()) else 1


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
