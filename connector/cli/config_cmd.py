"""``connector config check``: show the effective config, secrets masked."""

from __future__ import annotations

import json
from typing import Any

import typer
from pydantic import BaseModel, SecretStr

from connector.app import App
from connector.cli.console import make_console
from connector.cli.context import load_app
from connector.config import is_secret_path
from connector.logging import MASK
from connector.registry import validate_adapter_settings

__all__ = ["app", "effective_config"]

app = typer.Typer(help="Inspect and validate the configuration.", no_args_is_help=True)


def _masked(value: Any, path: tuple[str, ...] = ()) -> Any:
    """The value for display, with every secret shown as the mask.

    SecretStr values, and any text under a secret-looking key path (auth,
    token, password...), whatever the exact key is called.
    """
    if isinstance(value, SecretStr):
        return MASK if value.get_secret_value() else ""
    if isinstance(value, BaseModel):
        return {
            k: _masked(getattr(value, k), (*path, k)) for k in type(value).model_fields
        }
    if isinstance(value, dict):
        return {k: _masked(v, (*path, str(k))) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_masked(v, path) for v in value]
    if isinstance(value, str) and value and is_secret_path(path):
        return MASK
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def effective_config(connector: App) -> dict[str, Any]:
    """The settings as they will be used, with every secret masked.

    Each system section is validated by its adapter's own model first, so what is
    printed is exactly what the adapters will get.
    """
    settings = connector.settings
    result: dict[str, Any] = _masked(settings)
    for system in ("ma", "sfa"):
        section = getattr(settings, system)
        typed = validate_adapter_settings(
            system, section, source=str(connector.config_path)
        )
        result[system] = {"adapter": section.adapter, **_masked(typed)}
    from connector.store import StateStore

    result["state"]["url"] = StateStore(
        settings.state.url, base_dir=connector.base_dir
    ).safe_url
    return result


@app.command("check")
def check(ctx: typer.Context) -> None:
    """Validate the config and print it as it will be used (secrets masked).

    Also says where each value came from (env, secret file, TOML file; the rest
    are defaults) and fails (exit 2) when a file to read is missing or a file to
    write cannot be created.
    """
    from connector.config_check import origin_lines, path_problems
    from connector.errors import ConfigError

    connector = load_app(ctx)
    config = effective_config(connector)
    make_console().print_json(json.dumps(config, ensure_ascii=False))
    for line in origin_lines(connector, config):
        typer.echo(line, err=True)
    problems = path_problems(connector)
    problems += _writeback_problems(connector)
    if problems:
        raise ConfigError(
            f"{len(problems)} path problem(s) in the configuration",
            hint="fix each path listed (relative paths start at the config's folder)",
            problems=problems,
        )
    typer.echo(f"config ok: {connector.config_path}", err=True)


def _writeback_problems(connector: App) -> list[str]:
    """The campaign write-back's refusal, when reporting.toml enables it."""
    from connector.errors import ConnectorError
    from connector.reports import load_reporting
    from connector.reports.writeback import writeback_refusal

    path = connector.mappings_dir / "reporting.toml"
    if not path.exists():
        return []
    try:
        refusal = writeback_refusal(connector.adapter("ma"), load_reporting(path))
    except ConnectorError as exc:
        return [exc.one_line()]
    return [refusal] if refusal else []
