"""`connector explain` and `connector qualify --explain` on the example data."""

from __future__ import annotations

from pathlib import Path

import pytest

from connector.cli import main


def _run(project: Path, *args: str) -> int:
    return main(["--config", str(project / "config.toml"), *args])


def test_explain_shows_links_history_and_field_origins(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After both flows, a lead shows both systems, its stages and writers."""
    monkeypatch.setenv("COLUMNS", "220")  # no folded cells
    assert _run(project, "backfill", "handoff", "--since", "2000-01-01") == 0
    assert _run(project, "backfill", "outcomes", "--since", "2000-01-01") == 0
    capsys.readouterr()
    assert _run(project, "explain", "tsato@sakuratech.co.jp") == 0
    out = capsys.readouterr().out
    assert "identity links" in out
    assert "51644" in out  # the MA contact
    assert "D-5002" in out  # the SFA deal
    assert "opportunity" in out  # the stage reported by sales
    assert "lifecyclestage" in out  # a field the connector wrote, with its origin


def test_explain_unknown_key_is_a_usage_error(
    project: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An unknown email exits 2 with a hint on what keys work."""
    assert _run(project, "explain", "nobody@example.com") == 2
    assert "system:id" in capsys.readouterr().err


def test_qualify_explains_every_rule(
    project: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A qualified lead passes every rule; an unqualified one names what failed."""
    assert _run(project, "qualify", "--explain", "tsato@sakuratech.co.jp") == 0
    out = capsys.readouterr().out
    assert "score >= 50" in out
    assert "qualified: goes to sales" in out
    # 51028 is a subscriber with score 27 in the example export.
    assert _run(project, "qualify", "--explain", "51028") == 1
    out = capsys.readouterr().out
    assert "FAIL" in out
    assert "not qualified" in out


def test_explain_shows_times_in_the_report_time_zone(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Stage times print in reporting.toml's zone (+09:00) and say which zone."""
    from datetime import UTC, timedelta

    from sqlalchemy import select

    from connector.app import App
    from connector.store import events
    from connector.store.schema import persons

    monkeypatch.setenv("COLUMNS", "220")
    assert _run(project, "backfill", "handoff", "--since", "2000-01-01") == 0
    assert _run(project, "backfill", "outcomes", "--since", "2000-01-01") == 0
    capsys.readouterr()
    assert _run(project, "explain", "tsato@sakuratech.co.jp") == 0
    out = capsys.readouterr().out
    assert "times in UTC+09:00" in out
    app = App.from_config(project / "config.toml")
    with app.store.read() as conn:
        canonical = conn.execute(
            select(persons.c.canonical_id).where(
                persons.c.email == "tsato@sakuratech.co.jp"
            )
        ).scalar_one()
        history = events.stage_history(conn, canonical_id=canonical)
    app.close()
    assert history
    for item in history:
        moment = item["occurred_at"].replace(tzinfo=UTC)
        assert f"{moment + timedelta(hours=9):%Y-%m-%d %H:%M}" in out
