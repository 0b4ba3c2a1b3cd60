"""Fixtures for daemon tests: a config file per test and a connector App."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from connector.app import App

ConfigWriter = Callable[..., Path]


def write_config(
    folder: Path,
    state_url: str,
    *,
    handoff: str = "every 1h",
    outcomes: str | None = None,
    extra: str = "",
) -> Path:
    """Write a minimal config.toml: CSV on both sides, the given schedules."""
    path = folder / "config.toml"
    outcomes_section = (
        "[flows.outcomes]\nenabled = false\n"
        if outcomes is None
        else f'[flows.outcomes]\nschedule = "{outcomes}"\n'
    )
    path.write_text(
        f"""
[state]
url = "{state_url}"
[ma]
adapter = "csv"
[sfa]
adapter = "csv"
[flows.handoff]
schedule = "{handoff}"
{outcomes_section}
[server]
port = 0
[daemon]
health_file = "health.json"
{extra}
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[Callable[..., App]]:
    """Build Apps on SQLite in tmp_path (or another URL); closed after the test."""
    apps: list[App] = []

    def build(url: str | None = None, **kwargs: str) -> App:
        path = write_config(tmp_path, url or f"sqlite:///{tmp_path / 's.db'}", **kwargs)
        app = App.from_config(path)
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.close()
