"""Backfill UX: budget stop with a forecast and resume, progress output, dry runs.

The budget tests drive the handoff flow against the HubSpot and REST SFA fakes on
a fake clock; the dry-run and progress tests use the bundled example data through
the real CLI entry point.
"""

from __future__ import annotations

import io
import re
import shutil
import sqlite3
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rich.console import Console
from structlog.testing import capture_logs

from adapters.protocol import Record
from connector.cli import main
from connector.cli.progress_view import LogProgress, RichProgress
from connector.flows.progress import Progress
from tests.flows.harness import Wired, WiredApp, make_project, sfa_leads

ROOT = Path(__file__).resolve().parents[2]
CONTACTS = 60
SPACING = 60  # seconds between the seeded contacts' update times
BUDGET = """
[budgets.sfa]
requests = 10
window = "1d"
reserve = 0.2
backfill_reserve = 0.3
"""


class WallClock:
    """The budget's wall clock, moved by the test (a new day = a new window)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _seed(wired: Wired) -> tuple[datetime, list[str]]:
    """Qualified contacts updated one minute apart; return the first time, emails."""
    start_ms = int(wired.clock.time() * 1000) - CONTACTS * SPACING * 1000
    emails = []
    for n in range(CONTACTS):
        email = f"lead{n:03d}@firm{n % 7}.co.jp"
        emails.append(email)
        wired.hubspot.seed(
            "contacts",
            {
                "email": email,
                "firstname": f"名{n}",
                "lastname": f"姓{n:03d}",
                "company": f"株式会社テスト{n % 7}",
                "lifecyclestage": "marketingqualifiedlead",
            },
            at_ms=start_ms + n * SPACING * 1000,
        )
    return datetime.fromtimestamp(start_ms / 1000, UTC), emails


@pytest.fixture
def budgeted(tmp_path: Path) -> tuple[WiredApp, Wired, datetime, list[str]]:
    """A HubSpot -> REST SFA project whose SFA budget allows 10 requests a day."""
    wired = Wired.build()
    config = make_project(tmp_path, batch_size=10, upsert=False)
    text = config.read_text(encoding="utf-8").replace(
        "lookback_seconds = 0", "lookback_seconds = 0\nlist_page_size = 10"
    )
    config.write_text(text + BUDGET, encoding="utf-8")
    app = WiredApp.open(config, wired)
    app.setup_hubspot()
    first, emails = _seed(wired)
    return app, wired, first, emails


def test_backfill_stops_on_budget_with_forecast_and_resumes_to_the_target(
    budgeted: tuple[WiredApp, Wired, datetime, list[str]],
) -> None:
    """A budget-stopped backfill forecasts what is left, then finishes next window."""
    app, wired, first, emails = budgeted
    day = WallClock(datetime(2026, 5, 1, 12, tzinfo=UTC))
    window = {"since": first, "until": first + timedelta(seconds=CONTACTS * SPACING)}
    try:
        stopped = app.run("handoff", mode="backfill", clock=day, **window)
        assert stopped.status == "stopped"
        assert stopped.exit_code == 0
        # Backfills stop at 10 * (1 - 0.2 - 0.3) = 5 SFA requests.
        assert stopped.counts["requests:sfa"] == 5
        assert len(wired.sfa.api_calls()) == 5
        done = stopped.counts["created"]
        assert 0 < done < CONTACTS
        message = stopped.message or ""
        assert "sfa API budget for backfill runs is used up" in message
        per_request = done / 5
        assert f"({per_request:.1f} records per request)" in message
        left = int(re.search(r"about ([\d,]+) records left", message)[1])  # type: ignore[index]
        assert abs(left - (CONTACTS - done)) <= 0.15 * CONTACTS
        runs = int(re.search(r"about (\d+) more run", message)[1])  # type: ignore[index]
        assert runs == -(-left // int(per_request * 5))
        assert "one per 1d window" in message

        day.now += timedelta(days=1)
        finished = app.run("handoff", mode="backfill", clock=day, **window)
    finally:
        app.close()
    assert finished.status == "ok", finished.message
    leads = Counter(str(lead["email"]) for lead in sfa_leads(wired.sfa))
    assert leads == Counter(emails)
    assert finished.counts["created"] == CONTACTS - done


def test_regular_flows_may_use_budget_a_backfill_must_leave(
    budgeted: tuple[WiredApp, Wired, datetime, list[str]],
) -> None:
    """In a window a backfill used up, sync runs go on and backfills stop at once."""
    app, wired, first, _ = budgeted
    day = WallClock(datetime(2026, 5, 1, 12, tzinfo=UTC))
    try:
        app.run("handoff", mode="backfill", clock=day, since=first)
        calls = len(wired.sfa.api_calls())
        again = app.run("handoff", mode="backfill", clock=day, since=first)
        assert again.status == "stopped"
        assert len(wired.sfa.api_calls()) == calls
        assert "no records were processed" in (again.message or "")
        regular = app.run("outcomes", clock=day)
    finally:
        app.close()
    assert regular.status == "ok", regular.message
    assert regular.counts["requests:sfa"] == 2  # leads and deals, one page each
    with sqlite3.connect(app.base_dir / "state" / "connector.db") as db:
        [(used,)] = db.execute("select used from request_budgets").fetchall()
    assert used == 5 + 2


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the example config, data and mappings in a scratch folder."""
    shutil.copy(ROOT / "config.example.toml", tmp_path / "config.toml")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copytree(ROOT / "mappings", tmp_path / "mappings")
    return tmp_path


def _run(project: Path, *args: str) -> int:
    return main(["--config", str(project / "config.toml"), *args])


def _state_files(project: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (project / "state").iterdir()}


def test_dry_run_shows_field_diffs_and_leaves_the_state_untouched(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After a real backfill, a dry run shows current -> new values, writes nothing."""
    assert _run(project, "backfill", "handoff", "--since", "2000-01-01") == 0
    out_before = (project / "out" / "sfa_import_leads.csv").read_bytes()
    path = project / "examples" / "ma_contacts.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    header = lines[0].rstrip("\r\n").split(",")
    handed = (project / "out" / "sfa_import_leads.csv").read_text(encoding="utf-8-sig")
    for index, line in enumerate(lines[1:], 1):
        row = dict(zip(header, line.rstrip("\r\n").split(","), strict=True))
        if row["email"] in handed:
            old_score = row["hubspotscore"]
            row["hubspotscore"] = "99" if old_score != "99" else "98"
            row["lastmodifieddate"] = "2030-01-01T00:00:00.000+09:00"
            lines[index] = ",".join(row.values()) + "\r\n"
            break
    path.write_text("".join(lines), encoding="utf-8-sig")
    capsys.readouterr()
    state = _state_files(project)

    assert _run(project, "sync", "handoff", "--dry-run") == 0
    shown = capsys.readouterr().out
    assert _state_files(project) == state
    assert (project / "out" / "sfa_import_leads.csv").read_bytes() == out_before
    assert "would create 0 | would update 1" in shown
    assert f"would update ma:{row['hs_object_id']} (sfa persons " in shown
    assert f"スコア: {old_score} -> {row['hubspotscore']}" in shown


def test_backfill_dry_run_on_a_fresh_store_predicts_the_real_run(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A dry backfill on a fresh store predicts the real run's creates and updates."""
    args = ("backfill", "handoff", "--since", "2000-01-01")
    assert _run(project, *args, "--dry-run") == 0
    shown = capsys.readouterr().out
    assert not (project / "out").exists()
    assert not any((project / "state").glob("*.db-wal"))
    creates = int(re.search(r"would create (\d+)", shown)[1])  # type: ignore[index]
    updates = int(re.search(r"would update (\d+)", shown)[1])  # type: ignore[index]
    assert "(blank) -> " in shown
    assert _run(project, *args) == 0
    written = (project / "out" / "sfa_import_leads.csv").read_text("utf-8-sig")
    ids = [line.split(",", 1)[0] for line in written.splitlines()[1:]]
    # The example SFA export's leads (L-...) are updated, new ones get NEW- ids.
    assert updates == sum(i.startswith("L-") for i in ids) > 0
    assert creates == sum(i.startswith("NEW-") for i in ids) > 0


def test_backfill_logs_progress_lines_when_not_a_terminal(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without a terminal the backfill writes run_progress log lines, not a bar."""
    assert _run(project, "backfill", "handoff", "--since", "2000-01-01") == 0
    capsys.readouterr()
    assert _run(project, "backfill", "outcomes", "--since", "2000-01-01") == 0
    captured = capsys.readouterr()
    progress = [line for line in captured.err.splitlines() if "run_progress" in line]
    assert progress
    assert '"finished": true' in progress[-1]
    assert '"records": 120' in progress[-1]  # 40 leads + 80 deals in the examples
    assert "━" not in captured.err
    assert "created 0 | updated " in captured.out


def _records(start: datetime, count: int, offset: int) -> list[Record]:
    return [
        Record(
            system="ma",
            entity="persons",
            id=str(offset + n),
            fields={},
            updated_at=start + timedelta(hours=offset + n),
        )
        for n in range(count)
    ]


def test_log_progress_is_periodic_and_reports_rate_share_and_eta() -> None:
    """Log lines come at most every 10 s (plus the end) with rate, share and ETA."""
    now = [0.0]
    since = datetime(2026, 1, 1, tzinfo=UTC)
    tracker = Progress("handoff", since, since + timedelta(hours=100), lambda: now[0])
    tracker.listeners.append(LogProgress(10.0, clock=lambda: now[0]))
    with capture_logs() as logs:
        for page in range(5):
            now[0] += 4.0
            tracker.page("ma.persons", _records(since, 10, page * 10))
        tracker.finish()
    lines = [e for e in logs if e["event"] == "run_progress"]
    # Pages end at 4, 8, 12, 16 and 20 s: logged at 4 and 16 s, then at the end.
    assert [e["records"] for e in lines] == [10, 40, 50]
    middle = lines[1]
    assert middle["rate_per_s"] == 2.5  # 40 records in 16 s
    assert middle["percent"] == 39.0  # the last record read was updated at hour 39
    assert middle["eta"] == "25s"  # 61 % left at 39 % per 16 s
    assert lines[-1]["finished"] is True


def test_terminal_progress_bar_shows_records_rate_and_eta() -> None:
    """On a terminal the bar shows the source, share, records, rate and ETA."""
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=120)
    now = [0.0]
    since = datetime(2026, 1, 1, tzinfo=UTC)
    tracker = Progress("handoff", since, since + timedelta(hours=100), lambda: now[0])
    view = RichProgress(console)
    tracker.listeners.append(view)
    with view.bar:
        for page in range(2):
            now[0] += 5.0
            tracker.page("ma.persons", _records(since, 25, page * 25))
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", buffer.getvalue())
    assert "handoff ma.persons" in text
    assert "49%" in text
    assert "50 records" in text
    assert "5.0/s" in text
    assert "ETA 10s" in text
