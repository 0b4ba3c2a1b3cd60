"""Secrets stay hidden in every encoding they travel in, and in every settings view.

Each check also finds a control value that must be there, so a test cannot pass
by printing or masking everything.
"""

from __future__ import annotations

import base64
import json
import pickle
import shutil
from pathlib import Path
from urllib.parse import quote, quote_plus

import httpx
import pytest

from adapters.rest.auth import build_auth
from adapters.rest.settings import BasicAuth
from connector.cli import main
from connector.config import load_settings
from connector.logging import MASK, register_secret, scrub

ROOT = Path(__file__).resolve().parents[2]
CANARY = "pat-na1-c0ffee+/=0000-4000-8000-5ec12e7ca7a2"
UNREGISTERED = "pat-na1-beefbeef-1111-4000-8000-0a0a0a0a0a0a"
"""For checks that must not rely on the scrubber: never registered anywhere."""
CONTROL = "株式会社コントロール"


def test_every_encoding_of_a_registered_secret_is_masked() -> None:
    """Raw, URL-encoded (both cases), JSON-escaped and base64 forms are masked."""
    secret = 'k3y+with/slash=and"quote'
    register_secret(secret)
    forms = [
        secret,
        quote(secret, safe=""),
        quote(secret, safe="").lower().replace("k3y", "k3y"),
        quote_plus(secret, safe=""),
        json.dumps(secret)[1:-1],
        base64.b64encode(secret.encode()).decode(),
    ]
    for form in forms:
        shown = scrub(f"{CONTROL} ?api_key={form}&x=1")
        assert form not in shown, form
        assert CONTROL in shown
        assert MASK in shown


def test_basic_auth_header_echoed_back_is_masked() -> None:
    """The `Authorization: Basic` value a target echoes back is masked whole."""
    parts = build_auth(
        BasicAuth(type="basic", username="connector", password=CANARY), system="sfa"
    )
    assert parts.auth is not None
    request = httpx.Request("POST", "https://sfa.example/leads")
    sent = next(parts.auth.auth_flow(request))
    header = sent.headers["Authorization"]
    echoed = json.dumps({"error": "invalid", "headers": {"authorization": header}})
    shown = scrub(f"{CONTROL}: 422 {echoed}")
    assert header.split()[1] not in shown
    assert CANARY not in shown
    assert CONTROL in shown


def _project(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "config.example.toml", tmp_path / "config.toml")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copytree(ROOT / "mappings", tmp_path / "mappings")
    return tmp_path / "config.toml"


@pytest.mark.parametrize(
    "variable",
    ["CONNECTOR_MA__TOKN", "CONNECTOR_MA__AUTH__VALUE", "CONNECTOR_SFA__API_KEYS"],
)
def test_config_check_never_prints_a_mistyped_secret(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
) -> None:
    """A secret under a misspelt or leftover key is masked in `config check`."""
    config = _project(tmp_path)
    monkeypatch.setenv(variable, UNREGISTERED)
    code = main(["--config", str(config), "config", "check"])
    captured = capsys.readouterr()
    shown = captured.out + captured.err
    assert code == 2
    assert UNREGISTERED not in shown
    assert variable.removeprefix("CONNECTOR_").split("__")[-1].lower() in shown


def test_config_check_masks_secrets_in_valid_sections(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Values under auth are masked in the printed config; other values are shown."""
    # Beside the example's own files, so `config check` finds the paths it names.
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copytree(ROOT / "mappings", tmp_path / "mappings")
    config = tmp_path / "examples" / "config.rest.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace(
            'client_secret = "set CONNECTOR_SFA__AUTH__CLIENT_SECRET instead"',
            f'client_secret = "{UNREGISTERED}"',
        ),
        encoding="utf-8",
    )
    assert main(["--config", str(config), "config", "check"]) == 0
    out = capsys.readouterr().out
    assert UNREGISTERED not in out
    assert "sfa.example.co.jp" in out


def test_settings_repr_dump_and_pickle_hold_no_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """repr, model_dump and pickles of the settings hide adapter secrets."""
    config = tmp_path / "config.toml"
    config.write_text(
        '[ma]\nadapter = "hubspot"\nportal_name = "control-portal"\n'
        '[sfa]\nadapter = "csv"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("CONNECTOR_MA__TOKEN", UNREGISTERED)
    settings, _ = load_settings(config)
    assert settings.ma.options["token"] == UNREGISTERED  # the adapter gets the real one
    for shown in (
        repr(settings),
        str(settings.model_dump()),
        settings.model_dump_json(),
        repr(pickle.dumps(settings)),
    ):
        assert UNREGISTERED not in shown
        assert "control-portal" in shown
