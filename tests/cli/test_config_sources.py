"""Config errors and `config check` name the source a value really came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from connector.cli import main


def _check(project: Path) -> int:
    return main(["--config", str(project / "config.toml"), "config", "check"])


def test_bad_env_value_is_blamed_on_the_variable_not_the_file(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bad CONNECTOR_FLOWS__HANDOFF__BATCH_SIZE is reported as that variable."""
    monkeypatch.setenv("CONNECTOR_FLOWS__HANDOFF__BATCH_SIZE", "abc")
    assert _check(project) == 2
    err = capsys.readouterr().err
    assert "env CONNECTOR_FLOWS__HANDOFF__BATCH_SIZE: flows.handoff.batch_size" in err
    assert "config.toml: flows.handoff.batch_size" not in err


def test_unknown_key_gets_did_you_mean(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A misspelt key names the key it probably meant."""
    config = project / "config.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("batch_size = 100", "batch_sise = 100"), "utf-8")
    assert _check(project) == 2
    assert "did you mean 'batch_size'?" in capsys.readouterr().err


def test_unknown_adapter_names_its_section_and_the_likely_one(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Adapter = "hubspt" under [ma] says [ma] and suggests hubspot."""
    config = project / "config.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('[ma]\nadapter = "csv"', '[ma]\nadapter = "hubspt"'))
    assert _check(project) == 2
    err = capsys.readouterr().err
    assert "[ma] adapter = 'hubspt'" in err
    assert "did you mean 'hubspot'?" in err


def test_config_check_fails_for_a_missing_csv_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CSV path that does not exist fails `config check` with its key."""
    (project / "examples" / "sfa_deals.csv").unlink()
    assert _check(project) == 2
    assert "sfa.deals.read.path: not found" in capsys.readouterr().err


def test_config_check_says_where_values_come_from_and_what_env_overrides(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An env var that beats the file's state.url is shown and warned about."""
    monkeypatch.setenv("CONNECTOR_STATE__URL", f"sqlite:///{project}/other.db")
    assert _check(project) == 0
    err = capsys.readouterr().err
    assert "state.url: env CONNECTOR_STATE__URL" in err
    assert "mappings.dir: " + str(project / "config.toml") in err
    assert "warning: state.url in" in err
    assert "overridden by env CONNECTOR_STATE__URL" in err
