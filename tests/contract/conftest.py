"""The ``target`` fixture: every contract test runs once per entry of TARGETS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.protocol import Capabilities, Page, Record
from tests.contract.target import Target
from tests.contract.targets import TARGETS


@pytest.fixture(params=sorted(TARGETS))
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Target]:
    """An adapter and the system behind it, fresh for each test."""
    built: Target = TARGETS[request.param](tmp_path)
    try:
        yield built
    finally:
        built.adapter.close()


def require(target: Target, feature: str) -> Capabilities:
    """Skip unless the adapter declares ``feature``; return its capabilities."""
    capabilities = target.adapter.capabilities()
    if not getattr(capabilities, feature):
        pytest.skip(f"{target.adapter!r} declares no {feature} capability")
    return capabilities


def pull_pages(target: Target, cursor: str | None = None) -> list[Page]:
    """Every page of one incremental pull of the target's entity."""
    return list(target.adapter.pull(target.entity, cursor))


def records_of(pages: list[Page]) -> list[Record]:
    """The records of some pages, in order."""
    return [record for page in pages for record in page.records]


def last_cursor(pages: list[Page], before: str | None = None) -> str | None:
    """The cursor a flow would hold after committing every page."""
    cursor = before
    for page in pages:
        if page.cursor is not None:
            cursor = page.cursor
    return cursor
