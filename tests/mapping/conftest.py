"""Fixtures for mapping tests: the shipped mapping folder, copied per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from connector.mapping import Mappings, load_mappings

SHIPPED = Path(__file__).resolve().parents[2] / "mappings"


@pytest.fixture
def mapping_dir(tmp_path: Path) -> Path:
    """A private copy of the shipped stages.toml and fields.toml."""
    folder = tmp_path / "mappings"
    folder.mkdir()
    for name in ("stages.toml", "fields.toml"):
        shutil.copy(SHIPPED / name, folder / name)
    return folder


@pytest.fixture(scope="session")
def shipped() -> Mappings:
    """The mappings shipped with the connector, loaded once."""
    return load_mappings(SHIPPED)


class FakeVocabularySource:
    """An adapter stand-in that only answers vocabulary(), from a dict."""

    def __init__(self, values: dict[str, list[str]]) -> None:
        self.values = values
        self.asked: list[str] = []

    def vocabulary(self, field: str) -> list[str]:
        self.asked.append(field)
        return list(self.values.get(field, []))
