"""Customer text reaches the terminal as written: no markup, no emoji codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from connector.cli import main
from connector.cli.console import make_console

ODD = "株式会社[red]赤[/red] :x: :thumbs_up:"


def test_the_console_prints_markup_and_emoji_codes_verbatim(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`[red]` and `:x:` inside data are data."""
    make_console().print(ODD)
    assert ODD in capsys.readouterr().out


def test_an_error_naming_an_odd_path_prints_it_verbatim(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The one-line error quotes the admin's path exactly, emoji codes included."""
    missing = tmp_path / "[red]x[/red] :x: config.toml"
    assert main(["--config", str(missing), "status"]) == 2
    err = capsys.readouterr().err
    assert "[red]x[/red] :x: config.toml" in err
    assert "❌" not in err
