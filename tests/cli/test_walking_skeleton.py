"""End to end on the bundled example data, through the real CLI entry point.

Expected results are computed here from the example files with the rules written
out by hand (qualification, stage vocabulary), not by the code under test.
"""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest

from connector.cli import main

ROOT = Path(__file__).resolve().parents[2]
FREE_MAIL = {"gmail.com", "yahoo.co.jp", "outlook.com", "hotmail.com", "icloud.com"}
MA_RANK = {"marketingqualifiedlead": 2, "salesqualifiedlead": 3}
DEAL = {
    "アポ取得": (3, "open", None),
    "初回商談": (4, "open", None),
    "提案・見積": (4, "open", None),
    "クロージング": (5, "open", None),
    "受注": (6, "won", "customer"),
    "失注": (None, "lost", "lead"),
    "対象外": (None, "rejected", "lead"),
}


def _read(path: Path, encoding: str) -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle))


def _qualified(ma_rows: list[dict[str, str]]) -> set[str]:
    """Emails that pass mappings/qualification.toml, evaluated by hand."""
    emails = set()
    for row in ma_rows:
        signal = (
            int(row["pricing_page_views"]) >= 1
            or row["webinar_attended"] == "true"
            or int(row["whitepaper_downloads"]) >= 1
        )
        if (
            row["lifecyclestage"] in MA_RANK
            and float(row["hubspotscore"]) >= 50
            and row["email"]
            and row["lastname"]
            and row["company"]
            and signal
            and row["email"].split("@")[1] not in FREE_MAIL
        ):
            emails.add(row["email"].lower())
    return emails


def _run(project: Path, *args: str) -> int:
    return main(["--config", str(project / "config.toml"), *args])


def test_backfill_creates_state_and_import_files(project: Path) -> None:
    """Both flows leave a state DB and import files matching the example data."""
    assert _run(project, "backfill", "handoff", "--since", "2000-01-01") == 0
    assert _run(project, "backfill", "outcomes", "--since", "2000-01-01") == 0
    assert (project / "state" / "connector.db").exists()

    ma_rows = _read(project / "examples" / "ma_contacts.csv", "utf-8-sig")
    sfa_leads = _read(project / "examples" / "sfa_leads.csv", "cp932")
    existing = {r["メールアドレス"].lower(): r["リードID"] for r in sfa_leads}
    qualified = _qualified(ma_rows)

    out = _read(project / "out" / "sfa_import_leads.csv", "utf-8-sig")
    updates = [r for r in out if r["リードID"].startswith("L-")]
    creates = [r for r in out if r["リードID"].startswith("NEW-")]
    assert len(updates) + len(creates) == len(out)
    # Existing SFA leads are updated, never created again.
    assert {r["リードID"] for r in updates} == {
        existing[e] for e in qualified if e in existing
    }
    created_emails = [r["メールアドレス"].lower() for r in creates]
    assert len(created_emails) == len(set(created_emails))
    assert set(created_emails) == {e for e in qualified if e not in existing}
    assert all(r["マーケティング情報"].startswith("スコア ") for r in out)

    ma_ids: dict[str, str] = {}
    ma_stage: dict[str, str] = {}
    for r in ma_rows:  # originals come first; later copies are the duplicates
        ma_ids.setdefault(r["email"].lower(), r["hs_object_id"])
        ma_stage.setdefault(r["email"].lower(), r["lifecyclestage"])
    outcomes = {
        r["hs_object_id"]: r
        for r in _read(project / "out" / "ma_import_outcomes.csv", "utf-8-sig")
    }
    deals = _read(project / "examples" / "sfa_deals.csv", "cp932")
    deal_count: dict[str, int] = {}
    for deal in deals:
        email = deal["メールアドレス"].lower()
        deal_count[email] = deal_count.get(email, 0) + 1
    checked = 0
    for deal in deals:
        email = deal["メールアドレス"].lower()
        rank, outcome, lifecycle = DEAL[deal["フェーズ"]]
        if email in existing or deal_count[email] > 1:
            continue  # several sources of truth for one person: not hand-checkable
        if rank is not None and rank < MA_RANK.get(ma_stage[email], 0):
            continue  # a backward move, blocked by design
        row = outcomes[ma_ids[email]]
        assert row["outcome"] == outcome, deal
        if lifecycle:
            assert row["lifecyclestage"] == lifecycle, deal
        if outcome == "won":
            assert row["amount_won"] == deal["金額"].replace(",", "")
        if outcome == "lost":
            assert row["loss_reason"] == deal["失注理由"]
            assert row["canonical_stage"] == "nurturing"
        if outcome == "rejected":
            assert row["rejected_reason"] == deal["対象外理由"]
        checked += 1
    assert checked >= 40

    with sqlite3.connect(project / "state" / "connector.db") as db:
        runs = db.execute(
            "select flow, status from runs order by started_at"
        ).fetchall()
        events = db.execute("select count(*) from stage_events").fetchone()[0]
    assert runs == [("handoff", "ok"), ("outcomes", "ok")]
    assert events > len(qualified)


def test_second_run_changes_nothing(project: Path) -> None:
    """Replaying the same window writes nothing: the import files stay identical."""
    for flow in ("handoff", "outcomes"):
        assert _run(project, "backfill", flow, "--since", "2000-01-01") == 0
    before = {
        p.name: p.read_bytes() for p in (project / "out").iterdir() if p.is_file()
    }
    for flow in ("handoff", "outcomes"):
        assert _run(project, "backfill", flow, "--since", "2001-01-01") == 0
    after = {p.name: p.read_bytes() for p in (project / "out").iterdir() if p.is_file()}
    assert after == before


def test_broken_rows_are_dead_lettered_and_the_rest_syncs(project: Path) -> None:
    """A malformed row and an unmapped stage go to dead letters; exit code is 1."""
    path = project / "examples" / "ma_contacts.csv"
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write("99990,only,three\r\n")
        handle.write(
            "99991,花子,新井,hanako@sakuratech.co.jp,03-1111-2222,株式会社サクラテック,"
            "vip,90,OFFLINE,展示会,3,1,true,2,2026-10-30T10:00:00.000+09:00\r\n"
        )
    lines = path.read_text(encoding="utf-8-sig").count("\n")
    assert _run(project, "backfill", "handoff", "--since", "2000-01-01") == 1
    with sqlite3.connect(project / "state" / "connector.db") as db:
        letters = db.execute(
            "select reason, error from dead_letters order by id"
        ).fetchall()
    reasons = dict(letters)
    assert set(reasons) == {"malformed_row", "unmapped_stage"}
    assert f"ma_contacts.csv:{lines - 1}" in reasons["malformed_row"]
    assert "'vip'" in reasons["unmapped_stage"]
    assert "lifecyclestage" in reasons["unmapped_stage"]
    out = _read(project / "out" / "sfa_import_leads.csv", "utf-8-sig")
    qualified = _qualified(_read(path, "utf-8-sig")[:-2])
    assert len(out) == len(qualified)


def test_missing_config_and_unreadable_csv_are_one_line_errors(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing config file and a missing CSV each exit 2 with one named line."""
    assert main(["--config", str(project / "nope.toml"), "sync", "handoff"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "nope.toml" in err[0]
    (project / "examples" / "ma_contacts.csv").unlink()
    assert _run(project, "sync", "handoff") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert any("ma_contacts.csv" in line for line in err)
