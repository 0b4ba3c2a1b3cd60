"""Every CSV the product writes escapes formulas, and files are written safely."""

from __future__ import annotations

import csv
import io
import os
import time
from pathlib import Path

import pytest
from sqlalchemy import text, update

from connector.cli import main
from connector.cli.dedupe_cmd import write_clusters
from connector.csvout import STALE_TEMP_SECONDS, formula_safe_writer, write_csv_file
from connector.matching.batch import Cluster
from connector.records import Person, SourceRef
from connector.store import StateStore
from connector.store.schema import persons
from tests.reports.fixture import load_fixture

EVIL = '=HYPERLINK("http://evil.example","click")'


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_writer_escapes_text_but_not_numbers() -> None:
    """Formula-like text gets a leading apostrophe; numbers and None stay plain."""
    out = io.StringIO()
    writer = formula_safe_writer(out)
    writer.writerow([EVIL, "@SUM(A1)", "-5", "+81312345678", 7, None, "普通"])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == [
        "'" + EVIL,
        "'@SUM(A1)",
        "-5",
        "+81312345678",
        "7",
        "",
        "普通",
    ]


def test_report_funnel_csv_escapes_campaign_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`report funnel --format csv` writes a formula campaign name escaped."""
    store = StateStore(f"sqlite:///{tmp_path / 'state.db'}")
    store.migrate()
    load_fixture(store)
    with store.transaction() as conn:
        for column in ("campaign", "first_touch", "last_touch_before_mql"):
            where = persons.c[column] == "Webinar"
            conn.execute(update(persons).where(where).values({column: EVIL}))
        assert conn.execute(text("select count(*) from persons")).scalar()
    store.close()
    (tmp_path / "mappings").mkdir()
    config = tmp_path / "config.toml"
    config.write_text(
        '[ma]\nadapter = "csv"\n[sfa]\nadapter = "csv"\n'
        '[state]\nurl = "sqlite:///state.db"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("COLUMNS", "250")
    out = tmp_path / "funnel.csv"
    args = ["--since", "2024-04-01", "--until", "2024-04-30", "--format", "csv"]
    code = main(["-c", str(config), "report", "funnel", *args, "-o", str(out)])
    assert code == 0
    cells = [c for row in _rows(out) for c in row]
    assert "'" + EVIL in cells
    assert EVIL not in cells


def test_dedupe_output_escapes_names(tmp_path: Path) -> None:
    """`dedupe scan --output` writes formula-like names and companies escaped."""
    people = {
        key: Person(
            source=SourceRef("ma", key),
            email=f"{key}@x.jp",
            last_name=EVIL,
            company="+cmd|' /C calc'!A0",
        )
        for key in ("ma:1", "ma:2")
    }
    cluster = Cluster(
        id=1,
        members=("ma:1", "ma:2"),
        survivor="ma:1",
        merged=people["ma:1"],
        links=(),
    )
    path = tmp_path / "clusters.csv"
    assert write_clusters(path, [cluster], people) == 2
    rows = _rows(path)
    cells = [c for row in rows[1:] for c in row]
    assert "'" + EVIL in cells
    assert "'+cmd|' /C calc'!A0" in cells
    assert EVIL not in cells


def test_files_get_normal_permissions_and_stale_temporaries_go(
    tmp_path: Path,
) -> None:
    """A written file is readable by others per umask; killed writers' temps vanish."""
    target = tmp_path / "out.csv"
    stale = tmp_path / ".out.csv.abc123"
    stale.write_text("half", encoding="utf-8")
    old = time.time() - STALE_TEMP_SECONDS - 60
    os.utime(stale, (old, old))
    fresh = tmp_path / ".out.csv.def456"  # maybe another writer's, in progress
    fresh.write_text("half", encoding="utf-8")
    previous = os.umask(0o022)
    try:
        write_csv_file(target, lambda w: w.writerow(["a"]), header=["h"])
    finally:
        os.umask(previous)
    assert target.stat().st_mode & 0o777 == 0o644
    assert not stale.exists()
    assert fresh.exists()
