"""A merge in the MA re-keys identities, carries history over and is reported."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select

from connector.app import App
from connector.flows import run_flow
from connector.store import identity
from connector.store.schema import persons, stage_events

ROOT = Path(__file__).resolve().parents[2]
HEADER = (
    "hs_object_id,firstname,lastname,email,phone,company,lifecyclestage,hubspotscore,"
    "hs_analytics_source,campaign,pricing_page_views,whitepaper_downloads,"
    "webinar_attended,email_clicks,lastmodifieddate,merged\r\n"
)


def _row(record_id: str, first: str, email: str, merged: str = "") -> str:
    return (
        f"{record_id},{first},山本,{email},,株式会社サクラテック,"
        f"marketingqualifiedlead,80,OFFLINE,展示会,2,0,false,1,"
        f"2026-10-0{len(merged) % 9 + 1}T10:00:00+09:00,{merged}\r\n"
    )


def _app(tmp_path: Path, rows: list[str]) -> App:
    shutil.copytree(ROOT / "mappings", tmp_path / "mappings", dirs_exist_ok=True)
    (tmp_path / "ma.csv").write_text(HEADER + "".join(rows), encoding="utf-8")
    (tmp_path / "config.toml").write_text(
        """
[ma]
adapter = "csv"
[ma.persons.read]
path = "ma.csv"
id_column = "hs_object_id"
updated_column = "lastmodifieddate"
merged_ids_column = "merged"
[ma.persons.write]
path = "out/ma.csv"
id_column = "hs_object_id"
[sfa]
adapter = "csv"
[sfa.persons.write]
path = "out/sfa.csv"
id_column = "id"
id_prefix = "NEW-"
""",
        encoding="utf-8",
    )
    return App.from_config(tmp_path / "config.toml")


def test_merge_joins_two_people_and_reports_the_sfa_duplicates(tmp_path: Path) -> None:
    """Two handed-off MA contacts merged by the MA become one person, SFA flagged."""
    first = _app(
        tmp_path,
        [
            _row("1", "健", "k.yamamoto@sakuratech.co.jp"),
            _row("2", "花子", "h.yamamoto@sakuratech.co.jp"),
        ],
    )
    summary = run_flow(first, "handoff")
    assert summary.counts["created"] == 2
    with first.store.read() as conn:
        before = {identity.resolve(conn, "ma", "persons", i) for i in ("1", "2")}
    assert len(before) == 2
    first.close()

    merged = _app(tmp_path, [_row("3", "健", "k.yamamoto@sakuratech.co.jp", "1;2")])
    summary = run_flow(merged, "handoff")
    assert summary.counts["merges_seen"] == 1
    assert summary.counts["merges_to_review"] == 1
    with merged.store.read() as conn:
        after = {identity.resolve(conn, "ma", "persons", i) for i in ("1", "2", "3")}
        assert len(after) == 1
        survivor = after.pop()
        assert survivor in before
        rows = conn.execute(select(persons.c.canonical_id)).scalars().all()
        assert survivor in rows
        assert not (before - {survivor}) & set(rows)
        history = (
            conn.execute(select(stage_events.c.canonical_id).distinct()).scalars().all()
        )
        assert set(history) == {survivor}
    merged.close()
