"""Campaign write-back is refused once, with its reason, where the MA cannot take it."""

from __future__ import annotations

import shutil
from pathlib import Path

from adapters.hubspot import HubSpotAdapter, HubSpotSettings
from connector.cli import main
from connector.reports import load_reporting
from connector.reports.writeback import writeback_refusal

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"


def _reporting(tmp_path: Path, enabled: bool) -> Path:
    text = (ROOT / "mappings" / "reporting.toml").read_text(encoding="utf-8")
    text = text.replace("enabled = false", f"enabled = {str(enabled).lower()}", 1)
    path = tmp_path / "reporting.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_hubspot_cannot_take_campaign_results_and_says_so(tmp_path: Path):
    """HubSpot as the MA with write-back on: a one-line reason naming the fix."""
    adapter = HubSpotAdapter("ma", HubSpotSettings.model_validate({"token": TOKEN}))
    settings = load_reporting(_reporting(tmp_path, enabled=True))
    refusal = writeback_refusal(adapter, settings)
    assert refusal is not None
    assert "enabled = false" in refusal
    disabled = load_reporting(_reporting(tmp_path, enabled=False))
    assert writeback_refusal(adapter, disabled) is None
    adapter.close()


def test_config_check_refuses_an_impossible_write_back(tmp_path: Path, capsys):
    """`config check` exits 2 when reporting.toml asks HubSpot to take campaigns."""
    project = tmp_path / "p"
    shutil.copytree(ROOT / "mappings", project / "mappings")
    _reporting(tmp_path, enabled=True).replace(project / "mappings" / "reporting.toml")
    (project / "config.toml").write_text(
        f'[ma]\nadapter = "hubspot"\ntoken = "{TOKEN}"\n\n'
        '[sfa]\nadapter = "rest"\nbase_url = "https://sfa.test"\n'
        '[sfa.auth]\ntype = "none"\n',
        encoding="utf-8",
    )
    code = main(["--config", str(project / "config.toml"), "config", "check"])
    assert code == 2
    assert "cannot write campaigns" in capsys.readouterr().err
