"""Loading settings: TOML, environment overrides, and errors a person can act on."""

from __future__ import annotations

from pathlib import Path

import pytest

from connector.config import load_settings
from connector.errors import ConfigError

MINIMAL = """
[ma]
adapter = "csv"
[sfa]
adapter = "csv"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_and_base_dir(tmp_path: Path) -> None:
    """A minimal file gets safe defaults, and paths resolve against its folder."""
    settings, base = load_settings(_write(tmp_path, MINIMAL))
    assert settings.server.host == "127.0.0.1"
    assert settings.state.url.startswith("sqlite:")
    assert base == tmp_path.resolve()


def test_environment_overrides_toml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CONNECTOR_A__B beats the file, including adapter-specific keys."""
    monkeypatch.setenv("CONNECTOR_FLOWS__HANDOFF__BATCH_SIZE", "7")
    monkeypatch.setenv("CONNECTOR_MA__TOKEN", "pat-secret")
    settings, _ = load_settings(_write(tmp_path, MINIMAL))
    assert settings.flows.handoff.batch_size == 7
    assert settings.ma.options["token"] == "pat-secret"


def test_config_path_from_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CONNECTOR_CONFIG is used when --config is not given."""
    path = _write(tmp_path, MINIMAL)
    monkeypatch.setenv("CONNECTOR_CONFIG", str(path))
    _, base = load_settings(None)
    assert base == tmp_path.resolve()


def test_missing_file_names_where_it_looked(tmp_path: Path) -> None:
    """A missing config says which path and where the path came from."""
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path / "absent.toml")
    assert "absent.toml" in info.value.one_line()
    assert "--config" in info.value.one_line()
    assert info.value.exit_code == 2


def test_each_bad_key_is_one_line(tmp_path: Path) -> None:
    """Every invalid key is reported on its own line with file, key and value."""
    text = (
        MINIMAL
        + '[flows.handoff]\nbatch_size = "lots"\n[server]\nport = 99999\nbogus = 1\n'
    )
    with pytest.raises(ConfigError) as info:
        load_settings(_write(tmp_path, text))
    problems = info.value.problems
    assert len(problems) == 3
    assert any("flows.handoff.batch_size: bad value 'lots'" in p for p in problems)
    assert any("server.port: bad value 99999" in p for p in problems)
    assert any("server.bogus" in p and "unknown key" in p for p in problems)
    assert all(p.startswith(str(tmp_path / "config.toml")) for p in problems)


def test_bad_schedule_says_the_accepted_forms(tmp_path: Path) -> None:
    """A schedule typo is rejected with the forms that work."""
    text = MINIMAL + '[flows.outcomes]\nschedule = "hourly"\n'
    with pytest.raises(ConfigError) as info:
        load_settings(_write(tmp_path, text))
    assert "every 5m" in info.value.problems[0]


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    """Broken TOML syntax is a config error naming the file and line."""
    with pytest.raises(ConfigError, match="not valid TOML") as info:
        load_settings(_write(tmp_path, MINIMAL + "[oops\n"))
    assert "config.toml" in str(info.value)


def test_unsupported_database_names_the_supported_ones(tmp_path: Path) -> None:
    """A state URL for another database says which URLs work."""
    text = MINIMAL + '[state]\nurl = "mysql://u:pw@h/db"\n'
    with pytest.raises(ConfigError) as info:
        load_settings(_write(tmp_path, text))
    assert "state.url" in info.value.problems[0]
    assert "postgresql+psycopg" in info.value.problems[0]


def test_secret_values_are_not_echoed_in_errors(tmp_path: Path) -> None:
    """A bad value under a secret-looking key is masked in the problem line."""
    from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError

    from connector.config import format_validation_error

    class Section(BaseModel):
        model_config = ConfigDict(extra="forbid")
        token: SecretStr
        retries: int

    with pytest.raises(ValidationError) as info:
        Section.model_validate({"token": ["pat-canary-1234"], "retries": "x"})
    lines = format_validation_error(info.value, "config.toml")
    text = "\n".join(lines)
    assert "pat-canary-1234" not in text
    assert "retries: bad value 'x'" in text
