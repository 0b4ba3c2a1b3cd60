"""The registry hands the processed-file ledger to the CSV adapter only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

import pytest
from pydantic import BaseModel, ConfigDict

from adapters.csv import CsvAdapter
from adapters.protocol import CheckResult, Entity, PushResult, WriteOp
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
    """An adapter whose factory has no ledger keyword (like the REST adapter)."""

    settings_model: ClassVar[type[BaseModel]] = _NoLedgerSettings

    def __init__(
        self, name: str, settings: BaseModel, *, transport: object = None
    ) -> None:
        self.name = name

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

    def can_push(self, entity: Entity) -> bool:
        return True

    def activities_for(self, record_id: str, since: datetime) -> list[Activity] | None:
        return None

    def close(self) -> None:
        return None


def test_adapters_without_a_ledger_parameter_are_built_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A factory without a ledger keyword is built without it, not refused."""
    monkeypatch.setitem(
        BUILTIN_ADAPTERS, "noledger", f"{__name__}:{NoLedgerAdapter.__name__}"
    )
    section = SystemSettings.model_validate({"adapter": "noledger"})
    adapter = build_adapter("sfa", section, base_dir=tmp_path, ledger=MemoryLedger())
    assert isinstance(adapter, NoLedgerAdapter)
    assert adapter.name == "sfa"
