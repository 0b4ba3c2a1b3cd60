"""Settings: one TOML file, overridden by the environment, validated up front.

Precedence (highest first): keyword arguments (tests), environment variables
``CONNECTOR_A__B``, files in ``/run/secrets``, the TOML file, defaults. Each system
section (``[ma]``, ``[sfa]``) names its adapter; the adapter's own settings model
validates the rest of the section (see :mod:`connector.registry`). Relative paths
resolve against the config file's folder, so a config works from any directory.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from typing_extensions import override

from connector import tomlsafe
from connector.errors import ConfigError, MappingError

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "BudgetSettings",
    "BudgetsSettings",
    "DaemonSettings",
    "FlowSettings",
    "FlowsSettings",
    "LoggingSettings",
    "MappingsSettings",
    "ServerSettings",
    "Settings",
    "StateSettings",
    "SystemSettings",
    "find_config_path",
    "format_validation_error",
    "is_secret_path",
    "load_settings",
    "load_toml_model",
]

DEFAULT_CONFIG_PATH = Path("config.toml")
"""Where the config is looked for when neither --config nor CONNECTOR_CONFIG says."""

_toml_path: ContextVar[Path | None] = ContextVar("_toml_path", default=None)

_FROZEN = ConfigDict(extra="forbid", frozen=True)


class StateSettings(BaseModel):
    """Where the state store lives: a SQLite file by default, PostgreSQL by URL."""

    model_config = _FROZEN

    url: str = "sqlite:///state/connector.db"
    """SQLAlchemy URL: ``sqlite:///relative/path.db`` or ``postgresql+psycopg://...``."""

    @field_validator("url")
    @classmethod
    def _known_dialect(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgresql")):
            raise ValueError(
                "use sqlite:///path/to/state.db or postgresql+psycopg://user@host/db"
            )
        return value


_SECRET_PART = re.compile(r"(auth|tok|passw|secret|api_?key|credential|private)", re.I)
_SECRET_LEAF = re.compile(r"(token|passw|secret|api_?key|credential|private)", re.I)
_VISIBLE_AUTH_KEYS = frozenset({"type", "location", "scheme", "header", "name"})


def is_secret_path(parts: Sequence[object]) -> bool:
    """Whether a value at this key path must be treated as a secret.

    Any part that looks like auth, a token (``tokn`` too: a mistyped variable
    still holds the token), a password, secret or key counts: masking by the
    exact key name printed ``CONNECTOR_MA__TOKN=pat-...`` in clear.
    """
    names = [str(part) for part in parts]
    if not names:
        return False
    if any(name.lower() == "auth" for name in names[:-1]):
        return names[-1].lower() not in _VISIBLE_AUTH_KEYS
    return any(_SECRET_PART.search(name) for name in names)


def _is_secret_leaf(parts: Sequence[str]) -> bool:
    if any(part.lower() == "auth" for part in parts[:-1]):
        return parts[-1].lower() not in _VISIBLE_AUTH_KEYS
    return bool(_SECRET_LEAF.search(parts[-1]))


def _wrap_secrets(value: Any, path: tuple[str, ...]) -> Any:
    if isinstance(value, dict):
        return {k: _wrap_secrets(v, (*path, str(k))) for k, v in value.items()}
    if isinstance(value, str) and path and _is_secret_leaf(path):
        return SecretStr(value)
    return value


def _blank_secrets(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _blank_secrets(v) for k, v in value.items()}
    if isinstance(value, SecretStr):
        return SecretStr("")
    return value


def _unwrap_secrets(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _unwrap_secrets(v) for k, v in value.items()}
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    return value


class SystemSettings(BaseModel):
    """One side of the sync: which adapter, plus that adapter's own settings.

    The adapter's keys are kept until its own model validates them, so they are
    not typed here; secret-looking ones are held as ``SecretStr`` all the same,
    so ``repr``, ``model_dump`` and pickles of the settings never hold a token
    in clear. :attr:`options` hands the adapter the real values.
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    adapter: str
    """Adapter name: ``csv``, ``rest``, ``hubspot`` or a registered plugin."""

    @model_validator(mode="after")
    def _hide_secrets(self) -> SystemSettings:
        extra = self.__pydantic_extra__
        if extra:
            for key, value in list(extra.items()):
                extra[key] = _wrap_secrets(value, (str(key),))
        return self

    @override
    def __getstate__(self) -> dict[Any, Any]:
        """Pickle without the secrets (an unpickled copy has them blank).

        A pickle is a file someone may keep; the secrets belong in the
        environment or /run/secrets, read again when the config is loaded.
        """
        state = dict(super().__getstate__())
        extra = state.get("__pydantic_extra__")
        if isinstance(extra, dict):
            state["__pydantic_extra__"] = _blank_secrets(extra)
        return state

    @property
    def options(self) -> dict[str, Any]:
        """The adapter-specific keys of this section, secrets in clear."""
        unwrapped: dict[str, Any] = _unwrap_secrets(dict(self.model_extra or {}))
        return unwrapped


class FlowSettings(BaseModel):
    """How and when one flow runs."""

    model_config = _FROZEN

    enabled: bool = True
    schedule: str = "every 5m"
    """``every 30s|5m|1h`` or a crontab line such as ``cron */10 * * * *``."""
    batch_size: int = Field(default=100, ge=1, le=10_000)
    overlap_seconds: int = Field(default=300, ge=0)
    """Each pull re-reads this much before the cursor (clock skew, index lag)."""
    max_attempts: int = Field(default=5, ge=1)
    """Automatic dead-letter retries before a record is parked for a human."""
    sfa_key_field: str | None = None
    """Handoff only: the SFA lead field (an external-id field) that holds the
    connector's key of a lead, the MA record's id. A new lead is then upserted on
    it, so a create whose answer was lost, retried or replayed after a crash,
    finds the lead it made instead of making a second one. Without it a create is
    an upsert on the e-mail, where the SFA has an upsert endpoint."""
    unidentified_sfa_hold_hours: int = Field(default=24, ge=0, le=24 * 30)
    """Handoff only: how long new leads wait while an SFA row that could not be
    read names no one (no legible e-mail, an id never seen), since any of them
    may be that row's person. The row's dead letter says so; fixing or
    discarding it releases them at once. 0 creates them without waiting."""

    @field_validator("schedule")
    @classmethod
    def _valid_schedule(cls, value: str) -> str:
        from connector.schedule import parse_schedule

        parse_schedule(value)
        return value


class FlowsSettings(BaseModel):
    """The two flows: handoff (MA -> SFA) and outcomes (SFA -> MA)."""

    model_config = _FROZEN

    handoff: FlowSettings = FlowSettings()
    outcomes: FlowSettings = FlowSettings()


class BudgetSettings(BaseModel):
    """One system's API request budget per window, shared with other integrations.

    ``sync`` runs (and the daemon) may use the window's budget down to ``reserve``;
    ``backfill`` runs stop earlier, keeping ``backfill_reserve`` more for the
    regular flows. Both are shares of ``requests``. Counts live in the state store,
    so a daily quota survives restarts (see :mod:`connector.budget`).
    """

    model_config = _FROZEN

    requests: int = Field(ge=1)
    """Requests the system allows per window (the whole quota, not our share)."""
    window: str = "1d"
    """Window length: ``30m``, ``1h``, ``1d``...; windows start at midnight."""
    timezone: str = "UTC"
    """Time zone whose midnight starts the windows (the system's reset time)."""
    reserve: float = Field(default=0.2, ge=0, lt=1)
    """Share left for the customer's other integrations; no run touches it."""
    backfill_reserve: float = Field(default=0.3, ge=0, lt=1)
    """Further share that backfills leave for handoff and outcomes."""

    @field_validator("window")
    @classmethod
    def _valid_window(cls, value: str) -> str:
        from connector.budget import parse_window

        parse_window(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _valid_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                "unknown time zone; use an IANA name such as UTC or Asia/Tokyo"
            ) from None
        return value

    @model_validator(mode="after")
    def _shares_leave_room(self) -> BudgetSettings:
        if self.reserve + self.backfill_reserve >= 1:
            raise ValueError(
                "reserve + backfill_reserve must stay below 1, or a backfill "
                "could never send a request"
            )
        return self


class BudgetsSettings(BaseModel):
    """API budgets per system; a system without one is not limited by count."""

    model_config = _FROZEN

    ma: BudgetSettings | None = None
    sfa: BudgetSettings | None = None


class MappingsSettings(BaseModel):
    """Where the admin-edited mapping files live."""

    model_config = _FROZEN

    dir: Path = Path("mappings")


class ServerSettings(BaseModel):
    """The status/metrics HTTP server of the daemon (loopback unless told)."""

    model_config = _FROZEN

    enabled: bool = True
    host: str = "127.0.0.1"
    port: int = Field(default=8765, ge=0, le=65535)


class DaemonSettings(BaseModel):
    """How ``connector run`` shares work, stays alive and shuts down."""

    model_config = _FROZEN

    replica_id: str = ""
    """Name of this replica in leases and logs; empty means ``hostname-pid``."""
    grace_seconds: float = Field(default=30, gt=0)
    """After SIGTERM, how long the batch in hand may take before the process exits."""
    lease_ttl_seconds: float = Field(default=60, gt=0)
    """A flow's lease lapses this long after its holder's last heartbeat."""
    heartbeat_seconds: float = Field(default=10, gt=0)
    """How often leases are renewed and the health record is rewritten."""
    misfire_grace_seconds: int = Field(default=300, ge=1)
    """A scheduled run this late is skipped (missed runs are coalesced into one)."""
    health_file: Path | None = None
    """Health record for ``connector status --health``; default: the temp folder."""

    @model_validator(mode="after")
    def _heartbeat_below_ttl(self) -> DaemonSettings:
        if self.heartbeat_seconds * 2 > self.lease_ttl_seconds:
            raise ValueError(
                "heartbeat_seconds must be at most half of lease_ttl_seconds, "
                "or one late heartbeat loses the lease"
            )
        return self


class LoggingSettings(BaseModel):
    """Log level and format (JSON lines when stdout is not a terminal)."""

    model_config = _FROZEN

    level: Literal["debug", "info", "warning", "error"] = "info"
    format: Literal["auto", "json", "console"] = "auto"


class Settings(BaseSettings):
    """The whole configuration of one connector instance."""

    model_config = SettingsConfigDict(
        env_prefix="CONNECTOR_",
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
        secrets_dir="/run/secrets" if Path("/run/secrets").is_dir() else None,
    )

    ma: SystemSettings
    """The marketing-automation side (HubSpot, CSV...)."""
    sfa: SystemSettings
    """The sales side (REST SFA, CSV...)."""
    state: StateSettings = StateSettings()
    mappings: MappingsSettings = MappingsSettings()
    flows: FlowsSettings = FlowsSettings()
    budgets: BudgetsSettings = BudgetsSettings()
    server: ServerSettings = ServerSettings()
    daemon: DaemonSettings = DaemonSettings()
    logging: LoggingSettings = LoggingSettings()

    @classmethod
    @override
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Env beats /run/secrets beats the TOML file beats defaults."""
        sources: list[PydanticBaseSettingsSource] = [
            init_settings,
            env_settings,
            file_secret_settings,
        ]
        path = _toml_path.get()
        if path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)


def _secrets_dir() -> Path | None:
    folder = Settings.model_config.get("secrets_dir")
    return Path(str(folder)) if folder else None


def find_config_path(explicit: Path | None) -> Path:
    """Resolve the config file: --config, then CONNECTOR_CONFIG, then ./config.toml.

    Raises:
        ConfigError: the file does not exist (says where we looked).
    """
    env = os.environ.get("CONNECTOR_CONFIG")
    path = explicit or (Path(env) if env else DEFAULT_CONFIG_PATH)
    if not path.is_file():
        origin = (
            "--config" if explicit else "CONNECTOR_CONFIG" if env else "the default"
        )
        raise ConfigError(
            f"config file not found: {path} (from {origin})",
            hint="copy config.example.toml to config.toml, or pass --config PATH",
            context={"file": str(path)},
        )
    return path


def format_validation_error(
    error: ValidationError,
    source: str,
    *,
    origin: Callable[[tuple[str | int, ...]], str] | None = None,
    model: type[BaseModel] | None = None,
) -> list[str]:
    """Turn pydantic's report into one line per problem: source, key, value, fix.

    ``origin`` names the real source of a key (an environment variable beats the
    file, so blaming the file would mislead); ``model`` lets an unknown key get a
    "did you mean" from the keys its section accepts.
    """
    from connector.config_origin import did_you_mean, known_keys

    lines = []
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"]) or "(top level)"
        where = source
        if origin is not None and item["loc"]:
            found = origin(tuple(item["loc"]))
            where = source if found == "default" else found
        value = item.get("input")
        shown = "{...}" if isinstance(value, dict) else repr(value)
        if item["type"] == "missing":
            shown = "(missing)"
        if is_secret_path(item["loc"]):
            shown = "'**********'"
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            loc = item["loc"]
            close = (
                did_you_mean(str(loc[-1]), known_keys(model, loc[:-1]))
                if model is not None and loc
                else ""
            )
            message = f"unknown key{close}; remove it or check its spelling"
        elif item["type"] == "missing":
            message = "required key is missing; add it"
        lines.append(f"{where}: {key}: bad value {shown}: {message}")
    return lines


def load_settings(path: Path | None = None, **overrides: Any) -> tuple[Settings, Path]:
    """Load and validate the settings; return them with the config's folder.

    Raises:
        ConfigError: the file is missing, is not TOML, or a value is invalid; its
            ``problems`` hold one line per bad key.
    """
    config_path = find_config_path(path)
    token = _toml_path.set(config_path)
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        from connector.config_origin import Origins

        origins = Origins(config_path, secrets_dir=_secrets_dir())
        problems = format_validation_error(
            exc, str(config_path), origin=origins.of, model=Settings
        )
        raise ConfigError(
            f"{len(problems)} problem(s) in the configuration",
            hint="fix each key listed, then run `connector config check`",
            context={"file": str(config_path)},
            problems=problems,
        ) from None
    except (ValueError, RecursionError) as exc:  # TOMLDecodeError is a ValueError
        if isinstance(exc, RecursionError):
            exc = ValueError("arrays or tables are nested too deeply to read")
        raise ConfigError(
            f"{config_path} is not valid TOML: {exc}",
            hint="fix the syntax at the line shown",
            context={"file": str(config_path)},
        ) from None
    finally:
        _toml_path.reset(token)
    return settings, config_path.resolve().parent


_Model = TypeVar("_Model", bound=BaseModel)


def load_toml_model(path: Path, model: type[_Model], *, hint: str) -> _Model:
    """Load an admin-edited TOML file under ``mappings/`` into ``model``.

    A missing file means the model's defaults (every such file is optional).

    Raises:
        MappingError: the file is not TOML (with line and column) or has unknown or
            invalid keys; ``problems`` holds one ``file: key: ...`` line per key.
    """
    if not path.exists():
        return model()
    try:
        data = tomlsafe.loads(path.read_text(encoding="utf-8"))
        return model.model_validate(data)
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(
            f"{path}: cannot read: {exc}",
            hint="save the file as UTF-8 text",
            context={"file": str(path)},
            problems=[f"{path}: cannot read: {exc}: save it as UTF-8 text"],
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(
            f"{path}: not valid TOML: {exc}",
            hint="fix the syntax at the line shown",
            context={"file": str(path)},
            problems=[f"{path}: {exc}"],
        ) from None
    except ValidationError as exc:
        problems = format_validation_error(exc, str(path))
        raise MappingError(
            f"{len(problems)} problem(s) in {path.name}",
            hint=hint,
            context={"file": str(path)},
            problems=problems,
        ) from None
