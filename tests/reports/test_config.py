"""Loading reporting.toml: the shipped file, defaults and clear errors."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from connector.errors import MappingError
from connector.reports.config import load_reporting, parse_timezone

SHIPPED = Path(__file__).parents[2] / "mappings" / "reporting.toml"


def test_shipped_file_loads() -> None:
    """The reporting.toml in mappings/ is valid and says JPY, JST and first touch."""
    settings = load_reporting(SHIPPED)
    assert (settings.currency, settings.attribution.model) == ("JPY", "first_touch")
    assert settings.tz.utcoffset(None) == timedelta(hours=9)
    assert settings.sla.marketing.monthly_target == 100


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    """Without the file the documented defaults apply."""
    settings = load_reporting(tmp_path / "reporting.toml")
    assert settings.attribution.deal_fallback == ["company", "email_domain"]


def test_bad_keys_name_file_and_key(tmp_path: Path) -> None:
    """A wrong model and an unknown key are each reported with file and dotted key."""
    path = tmp_path / "reporting.toml"
    path.write_text(
        '[attribution]\nmodel = "linear"\n[sla.sales]\nfollowup_hour = 4\n',
        encoding="utf-8",
    )
    with pytest.raises(MappingError) as caught:
        load_reporting(path)
    problems = "\n".join(caught.value.problems)
    assert f"{path}: attribution.model: bad value 'linear'" in problems
    assert f"{path}: sla.sales.followup_hour" in problems
    assert "unknown key" in problems


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    """A syntax error says which file and that it is not TOML."""
    path = tmp_path / "reporting.toml"
    path.write_text("currency = \n", encoding="utf-8")
    with pytest.raises(MappingError, match="not valid TOML") as caught:
        load_reporting(path)
    assert caught.value.context == {"file": str(path)}


def test_bad_timezone_is_explained() -> None:
    """An unknown zone name says how to write one."""
    with pytest.raises(ValueError, match=r"\+09:00"):
        parse_timezone("Mars/Olympus")
