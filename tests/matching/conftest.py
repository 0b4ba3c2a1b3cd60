"""Shared builders for matching tests: rules from the shipped file, people by field."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from connector.matching import MatchRules, load_match_rules
from connector.records import Person, SourceRef

RULES_FILE = Path(__file__).resolve().parents[2] / "mappings" / "matching.toml"


@pytest.fixture(scope="session")
def rules() -> MatchRules:
    """The rules admins get: mappings/matching.toml as shipped."""
    return load_match_rules(RULES_FILE)


def person(
    key: str = "1",
    *,
    system: str = "ma",
    updated_at: datetime | None = None,
    **fields: Any,
) -> Person:
    """A Person with only the given fields set."""
    return Person(source=SourceRef(system, key), updated_at=updated_at, **fields)


@pytest.fixture(scope="session")
def rules_file() -> Path:
    """The shipped mappings/matching.toml."""
    return RULES_FILE
