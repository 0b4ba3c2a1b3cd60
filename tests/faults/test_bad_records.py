"""Bad records mixed into a source are dead-lettered; everything else syncs.

Each bad record gets a reason a person can read; the import file equals that of a
clean run over the same source without them.
"""

from __future__ import annotations

import csv
import shutil
import sqlite3
from pathlib import Path

import pytest

from connector.cli import main

ROOT = Path(__file__).resolve().parents[2]
GOOD = (
    "hs_object_id,firstname,lastname,email,phone,company,lifecyclestage,hubspotscore,"
    "hs_analytics_source,campaign,pricing_page_views,whitepaper_downloads,"
    "webinar_attended,email_clicks,lastmodifieddate"
)


def _row(object_id: int, **overrides: str) -> str:
    values = {
        "hs_object_id": str(object_id),
        "firstname": "花子",
        "lastname": "新井",
        "email": f"arai{object_id}@sakuratech.co.jp",
        "phone": "03-1111-2222",
        "company": "株式会社サクラテック",
        "lifecyclestage": "marketingqualifiedlead",
        "hubspotscore": "90",
        "hs_analytics_source": "OFFLINE",
        "campaign": "展示会",
        "pricing_page_views": "3",
        "whitepaper_downloads": "1",
        "webinar_attended": "true",
        "email_clicks": "2",
        "lastmodifieddate": "2026-10-30T10:00:00.000+09:00",
    } | overrides
    cells = (values[name] for name in GOOD.split(","))
    return ",".join(f'"{c}"' if "," in c or '"' in c else c for c in cells)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The example project, with five extra good leads to prove the rest syncs."""
    shutil.copy(ROOT / "config.example.toml", tmp_path / "config.toml")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copytree(ROOT / "mappings", tmp_path / "mappings")
    with (tmp_path / "examples" / "ma_contacts.csv").open("a", encoding="utf-8") as f:
        for n in range(5):
            f.write(_row(99900 + n) + "\r\n")
    return tmp_path


def _import_rows(project: Path) -> dict[str, dict[str, str]]:
    path = project / "out" / "sfa_import_leads.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {row["メールアドレス"]: row for row in csv.DictReader(handle)}


def _backfill(project: Path) -> int:
    return main(
        [
            "--config",
            str(project / "config.toml"),
            "backfill",
            "handoff",
            "--since",
            "2000-01-01",
        ]
    )


def test_each_bad_record_is_dead_lettered_with_a_reason(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Invalid email, unmapped stage, 10 MB field, control and non-UTF-8 bytes."""
    clean = tmp_path_factory.mktemp("clean")
    shutil.copytree(project, clean, dirs_exist_ok=True)
    assert _backfill(clean) == 0
    expected = _import_rows(clean)

    bad = {
        "99990": _row(99990, email="arai.at.sakuratech.co.jp"),
        "99991": _row(99991, lifecyclestage="vip"),
        "99992": _row(99992, company="株" * 3_500_000),
        "99993": _row(99993, lastname="新井\x07\x1b[31m"),
    }
    path = project / "examples" / "ma_contacts.csv"
    with path.open("ab") as handle:
        for line in bad.values():
            handle.write(line.encode("utf-8") + b"\r\n")
        # 花 (e8 8a b1) replaced by bytes no UTF-8 text contains.
        broken = _row(99994).encode("utf-8").replace(b"\xe8\x8a\xb1", b"\xff\xfe")
        handle.write(broken + b"\r\n")

    assert _backfill(project) == 1

    with sqlite3.connect(project / "state" / "connector.db") as db:
        letters = db.execute(
            "select record_key, reason, error, payload from dead_letters"
        ).fetchall()
    by_key = {key: (reason, error, payload) for key, reason, error, payload in letters}
    assert len(letters) == 5, [(k, r, e[:200]) for k, r, e, _ in letters]
    reason, error, _ = by_key["ma:99990"]
    assert "arai.at.sakuratech.co.jp" in error
    assert "email" in error
    reason, error, _ = by_key["ma:99991"]
    assert reason == "unmapped_stage"
    assert "'vip'" in error
    reason, error, _ = by_key["ma:99992"]
    assert "bytes" in error
    assert len(error) < 1000
    reason, error, _ = by_key["ma:99993"]
    assert "control characters" in error
    utf8 = [k for k in by_key if k not in {f"ma:{n}" for n in bad}]
    assert len(utf8) == 1
    reason, error, _ = by_key[utf8[0]]
    assert "ma_contacts.csv" in error
    assert "undecodable bytes" in error
    assert "firstname" in error

    assert _import_rows(project) == expected
