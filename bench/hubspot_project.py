"""The project folder the CLI rows of bench/hubspot_vs_tap.py run in.

HubSpot (the fake, on loopback) as the MA, wired and mapped as the end-to-end
suite's admin wires it (``tests/e2e/mappings``), and a CSV SFA of 2,000 leads,
every second one the same person as a seeded contact, so matching has work.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

__all__ = ["SQLITE_STATE", "write_config", "write_project"]

SQLITE_STATE = "sqlite:///state/connector.db"
"""The default state store: a SQLite file in the project's ``state`` folder."""

_CONFIG = """
[state]
url = "{state}"

[mappings]
dir = "mappings"

[logging]
level = "warning"

[ma]
adapter = "hubspot"
base_url = "{url}"
token = "{token}"
lookback_seconds = 0

[ma.limits]
burst_per_10s = 1000

[sfa]
adapter = "csv"

[sfa.persons.read]
path = "sfa_leads.csv"
id_column = "id"
updated_column = "updated_at"

[sfa.persons.write]
path = "out/sfa_import_leads.csv"
id_column = "id"
id_prefix = "NEW-"

[server]
enabled = false
"""

_SFA_COLUMNS = ["id", "last_name", "first_name", "company", "email", "status"]


def write_config(folder: Path, url: str, token: str, state: str = SQLITE_STATE) -> None:
    """Write ``config.toml``: the fake at ``url``, the state store at ``state``."""
    (folder / "config.toml").write_text(
        _CONFIG.format(url=url, token=token, state=state), encoding="utf-8"
    )


def write_project(folder: Path, root: Path, url: str, token: str) -> None:
    """Write config, mappings and the SFA's lead export into ``folder``."""
    mappings = folder / "mappings"
    mappings.mkdir(parents=True)
    e2e = root / "tests" / "e2e" / "mappings"
    shutil.copy(root / "mappings" / "matching.toml", mappings / "matching.toml")
    shutil.copy(root / "mappings" / "reporting.toml", mappings / "reporting.toml")
    for name in ("fields.toml", "qualification.toml"):
        shutil.copy(e2e / name, mappings / name)
    stages = (root / "mappings" / "stages.toml").read_text(encoding="utf-8")
    cut = stages.index("# --- Sales force automation")
    sfa_part = (e2e / "stages_sfa.toml").read_text(encoding="utf-8")
    (mappings / "stages.toml").write_text(stages[:cut] + sfa_part, encoding="utf-8")
    write_config(folder, url, token)
    with (folder / "sfa_leads.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([*_SFA_COLUMNS, "updated_at"])
        for n in range(2000):
            person = n * 2 if n % 2 == 0 else 100_000 + n
            writer.writerow(
                [
                    f"L-{n:05d}",
                    f"姓{person:05d}",
                    f"名{person}",
                    f"株式会社テスト{person % 37:02d}",
                    f"person{person:05d}@company{person % 37:02d}.co.jp",
                    "新規",
                    "2026-10-01T09:00:00+09:00",
                ]
            )
