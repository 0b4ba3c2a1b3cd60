"""kill -9 in the middle of a backfill, then resume: the result equals a clean run.

Real processes (``python -m connector``) run a handoff backfill of a few thousand
generated CSV leads in small batches. Each is SIGKILLed at a seeded random moment;
after at least five kills a final run completes the backfill. The SFA import file,
the MA write-back file and the dead letters must then equal those of one
uninterrupted run: nothing lost, nothing twice.
"""

from __future__ import annotations

import csv
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
COLUMNS = [
    "hs_object_id",
    "firstname",
    "lastname",
    "email",
    "phone",
    "company",
    "lifecyclestage",
    "hubspotscore",
    "hs_analytics_source",
    "campaign",
    "pricing_page_views",
    "whitepaper_downloads",
    "webinar_attended",
    "email_clicks",
    "lastmodifieddate",
]
ROWS = 3000
KILLS = 5


def _generate(folder: Path, rows: int, seed: int) -> None:
    """A project of ``rows`` MA leads: most qualified, a few with unmapped stages."""
    shutil.copy(REPO / "config.example.toml", folder / "config.toml")
    shutil.copytree(REPO / "mappings", folder / "mappings")
    (folder / "examples").mkdir()
    shutil.copy(REPO / "examples" / "sfa_leads.csv", folder / "examples")
    config = folder / "config.toml"
    text = config.read_text(encoding="utf-8")
    # A fixed replica id: the rerun after a kill -9 is the same holder, so it
    # takes the dead run's lease at once instead of waiting out its TTL.
    text = text.replace("batch_size = 100", "batch_size = 40").replace(
        '# replica_id = ""', 'replica_id = "kill-test"'
    )
    config.write_text(text, encoding="utf-8")
    rng = random.Random(seed)
    stages = ["marketingqualifiedlead", "salesqualifiedlead", "lead"]
    with (folder / "examples" / "ma_contacts.csv").open(
        "w", encoding="utf-8-sig", newline=""
    ) as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n in range(rows):
            stage = "vip" if n % 997 == 5 else rng.choice(stages)
            minute = n // 7
            writer.writerow(
                [
                    str(200000 + n),
                    f"名{n}",
                    f"姓{n:05d}",
                    f"user{n:05d}@firm{n % 53:02d}.co.jp",
                    f"03-{1000 + n % 9000:04d}-{n % 10000:04d}",
                    f"株式会社ファーム{n % 53:02d}",
                    stage,
                    str(rng.randint(40, 99)),
                    "ORGANIC_SEARCH",
                    "",
                    str(rng.randint(0, 3)),
                    str(rng.randint(0, 1)),
                    rng.choice(["true", "false"]),
                    "0",
                    f"2026-10-{1 + minute // 1440:02d}T{minute // 60 % 24:02d}:"
                    f"{minute % 60:02d}:00.000+09:00",
                ]
            )


def _command(folder: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "connector",
        "--config",
        str(folder / "config.toml"),
        "backfill",
        "handoff",
        "--since",
        "2000-01-01",
    ]


def _start(folder: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module
        _command(folder),
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _outcome(
    folder: Path,
) -> tuple[list[list[str]], list[list[str]], list[tuple[Any, ...]]]:
    """SFA import rows, MA write-back rows (without the time) and dead letters."""

    def rows(name: str, drop: str | None = None) -> list[list[str]]:
        with (folder / "out" / name).open(encoding="utf-8-sig", newline="") as f:
            table = list(csv.reader(f))
        header, body = table[0], table[1:]
        keep = [i for i, column in enumerate(header) if column != drop]
        return sorted([[row[i] for i in keep] for row in body])

    with sqlite3.connect(folder / "state" / "connector.db") as db:
        letters = sorted(
            db.execute(
                "select record_key, kind, reason, error, status from dead_letters"
            ).fetchall()
        )
    return (
        rows("sfa_import_leads.csv"),
        rows("ma_import_outcomes.csv", drop="handoff_time"),
        letters,
    )


@pytest.mark.slow
def test_kill_9_at_random_points_then_resume_matches_a_clean_run(
    tmp_path: Path,
) -> None:
    """Five SIGKILLs mid-backfill, then a resume: same files, no duplicate leads."""
    clean, killed = tmp_path / "clean", tmp_path / "killed"
    for folder in (clean, killed):
        folder.mkdir()
        _generate(folder, ROWS, seed=7)

    started = time.monotonic()
    clean_run = subprocess.run(_command(clean), cwd=clean, check=False)  # noqa: S603
    assert clean_run.returncode == 1
    duration = time.monotonic() - started
    started = time.monotonic()
    # Start-up as a backfill pays it (the store and the flows imported, the
    # state opened), not `--help`, which imports almost nothing.
    status = [sys.executable, "-m", "connector", "--config", str(clean / "config.toml")]
    subprocess.run(  # noqa: S603
        [*status, "status"], cwd=clean, check=True, stdout=subprocess.DEVNULL
    )
    startup = time.monotonic() - started
    work = max(duration - startup, 1.0)
    expected = _outcome(clean)
    assert len(expected[0]) > ROWS // 3
    assert {letter[2] for letter in expected[2]} == {"unmapped_stage"}

    rng = random.Random(20261122)
    kills, progress = 0, []
    while kills < KILLS:
        proc = _start(killed)
        # Waiting on the process (not sleeping): it ends the wait early if the run
        # finishes first, and that attempt then does not count as a kill. Each
        # kill lands a seeded 3-18 % of a whole run's work into a resumed run.
        try:
            proc.wait(timeout=startup + rng.uniform(0.03, 0.18) * work)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills += 1
            lines = killed / "out" / "sfa_import_leads.csv"
            progress.append(lines.stat().st_size if lines.exists() else 0)
        else:
            break
    final = subprocess.run(_command(killed), cwd=killed, check=False)  # noqa: S603
    assert final.returncode in (0, 1)  # 1 only if it met a bad row itself

    assert kills == KILLS
    assert progress == sorted(progress)
    assert progress[-1] > 0, "no kill landed after the first committed batch"
    leads, writebacks, letters = _outcome(killed)
    emails = [row[4] for row in leads]
    assert len(emails) == len(set(emails))
    assert (leads, writebacks, letters) == expected
