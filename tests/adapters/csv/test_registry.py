"""The registry builds every adapter with the same keywords; CSV uses the ledger."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

import pytest
from pydantic import BaseModel, ConfigDict

from adapters.csv import CsvAdapter
from adapters.protocol import (
    Capabilities,
    CheckResult,
    Entity,
    FileLedger,
    PushResult,
    WriteOp,
)
from connector.config import SystemSettings
from connector.records import Activity
from connector.registry import BUILTIN_ADAPTERS, build_adapter
from tests.adapters.csv.support import MemoryLedger


def test_csv_adapter_receives_the_ledger(tmp_path: Path) -> None:
    """build_adapter passes ledger= to a factory that takes it."""
    section = SystemSettings.model_validate(
        {"adapter": "csv", "persons": {"read": {"path": "in", "id_column": "id"}}}
    )
    ledger = MemoryLedger()
    adapter = build_adapter("sfa", section, base_dir=tmp_path, ledger=ledger)
    assert isinstance(adapter, CsvAdapter)
    assert adapter.ledger is ledger


class _NoLedgerSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NoLedgerAdapter:
    """An adapter that reads no files: it takes the ledger keyword and ignores it."""

    settings_model: ClassVar[type[BaseModel]] = _NoLedgerSettings

    def __init__(
        self,
        name: str,
        settings: BaseModel,
        *,
        transport: object = None,
        ledger: FileLedger | None = None,
        base_dir: Path | None = None,
    ) -> None:
        self.name = name
        self.built_with = (ledger, base_dir)

    def check(self) -> CheckResult:
        return CheckResult(True, "ok")

    def pull(self, entity: Entity, cursor: str | None, *, full: bool = False) -> Any:
        return iter(())

    def push(self, entity: Entity, batch: Sequence[WriteOp]) -> PushResult:
        return PushResult([])

    def vocabulary(self, field: str) -> list[str]:
        return []

    def select_fields(self, entity: Entity, fields: Sequence[str]) -> None:
        pass

    def capabilities(self) -> Capabilities:
        return Capabilities()

    def activities_for(self, record_id: str, since: datetime) -> list[Activity] | None:
        return None

    def close(self) -> None:
        return None


def test_every_factory_gets_the_same_keywords(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The registry passes ledger and base_dir to any factory, without inspecting it."""
    monkeypatch.setitem(
        BUILTIN_ADAPTERS, "noledger", f"{__name__}:{NoLedgerAdapter.__name__}"
    )
    section = SystemSettings.model_validate({"adapter": "noledger"})
    ledger = MemoryLedger()
    adapter = build_adapter("sfa", section, base_dir=tmp_path, ledger=ledger)
    assert isinstance(adapter, NoLedgerAdapter)
    assert adapter.name == "sfa"
    assert adapter.built_with == (ledger, tmp_path)


def test_csv_paths_are_resolved_against_base_dir(tmp_path: Path) -> None:
    """A relative export path is taken from the config's folder, not the cwd."""
    section = SystemSettings.model_validate(
        {"adapter": "csv", "persons": {"read": {"path": "in", "id_column": "id"}}}
    )
    adapter = build_adapter("sfa", section, base_dir=tmp_path)
    assert isinstance(adapter, CsvAdapter)
    assert adapter.settings.persons is not None
    assert adapter.settings.persons.read is not None
    assert adapter.settings.persons.read.path == tmp_path / "in"
