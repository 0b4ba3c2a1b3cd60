"""One builder per adapter × system: the entries the contract suite runs over.

To add an adapter, write a class with the :class:`~tests.contract.target.Target`
members and add one entry to :data:`TARGETS` (see ``tests/contract/README.md``).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from adapters.csv import CsvAdapter, CsvSettings
from adapters.hubspot import HubSpotAdapter, HubSpotSettings
from adapters.protocol import Entity
from adapters.rest import RestAdapter, RestSettings
from tests.adapters.rest.conftest import settings_for
from tests.fakes.hubspot import FakeClock, FakeHubSpot
from tests.fakes.sfa import STAGES, FakeSfa

__all__ = ["TARGETS", "CsvTarget", "HubSpotTarget", "RestTarget"]


class CsvTarget:
    """The CSV adapter over an export file (pull) and an import file (push)."""

    entity: Entity = "persons"
    page_size = 3
    batch_cap = 10_000
    match_field = "email"
    stage_field = "status"
    stage_values = frozenset({"open", "won"})

    _COLUMNS = ("id", "email", "name", "status", "updated", "deleted", "merged")

    def __init__(self, folder: Path) -> None:
        self.export = folder / "export.csv"
        self.imports = folder / "import.csv"
        self._rows: dict[str, dict[str, str]] = {}
        self._now = datetime(2026, 11, 1, tzinfo=UTC)
        self._write()
        settings = CsvSettings.model_validate(
            {
                "persons": {
                    "read": {
                        "path": self.export.name,
                        "id_column": "id",
                        "updated_column": "updated",
                        "deleted_column": "deleted",
                        "merged_ids_column": "merged",
                        "page_size": self.page_size,
                    },
                    "write": {"path": self.imports.name, "id_column": "id"},
                    "vocabulary": {"status": ["open", "won", "lost"]},
                }
            }
        )
        self.adapter = CsvAdapter("sfa", settings, base_dir=folder)

    def _write(self) -> None:
        with self.export.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, self._COLUMNS)
            writer.writeheader()
            writer.writerows(self._rows.values())

    def _stamp(self) -> str:
        self._now += timedelta(seconds=1)
        return self._now.isoformat()

    def add(self, count: int) -> list[str]:
        first = len(self._rows) + 1
        ids = [str(i) for i in range(first, first + count)]
        for record_id in ids:
            self._rows[record_id] = {
                "id": record_id,
                "email": f"p{record_id}@example.jp",
                "name": f"n{record_id}",
                "status": "open",
                "updated": self._stamp(),
                "deleted": "",
                "merged": "",
            }
        self._write()
        return ids

    def touch(self, record_id: str) -> None:
        self._rows[record_id].update(name="changed", updated=self._stamp())
        self._write()

    def delete(self, record_id: str) -> None:
        self._rows[record_id].update(deleted="true", updated=self._stamp())
        self._write()

    def merge(self, keep: str, gone: str) -> str:
        del self._rows[gone]
        self._rows[keep].update(merged=gone, updated=self._stamp())
        self._write()
        return keep

    def settle(self) -> None:
        """Files change at once; the stamps move on their own."""

    def person(self, n: int) -> dict[str, Any]:
        return {"email": f"new{n}@example.jp", "name": f"新規{n}", "status": "open"}

    def invalid_person(self) -> dict[str, Any]:
        raise AssertionError("a CSV file refuses no record")

    def stored(self, record_id: str) -> Mapping[str, Any] | None:
        if not self.imports.exists():
            return None
        with self.imports.open(encoding="utf-8-sig", newline="") as handle:
            return next(
                (r for r in csv.DictReader(handle) if r["id"] == record_id), None
            )

    def break_access(self) -> None:
        self.export.unlink()


class RestTarget:
    """The generic REST adapter over the in-process fake SFA (tests/fakes/sfa.py)."""

    entity: Entity = "persons"
    page_size = 5
    batch_cap = 10
    match_field = "email"
    stage_field = "stage"
    stage_values = frozenset(STAGES)

    def __init__(self, folder: Path) -> None:
        del folder
        self.fake = FakeSfa(batch_max=self.batch_cap)
        batch = {"path": "/persons/batch", "max_size": 10, "result_ok_path": "success"}
        raw = settings_for(
            self.fake,
            entities={
                "persons": {
                    "list": {"page_size": self.page_size},
                    "write": {"batch_create": batch},
                },
                "deals": {
                    "vocabulary": {
                        "stage": {
                            "path": "/stages",
                            "records_path": "stages",
                            "value_path": "name",
                        }
                    }
                },
            },
        )
        self.adapter = RestAdapter(
            "sfa",
            RestSettings.model_validate(raw),
            transport=httpx.MockTransport(self.fake.handler),
            sleep=self.fake.clock.sleep,
            clock=self.fake.clock.time,
        )

    def add(self, count: int) -> list[str]:
        ids = []
        for _ in range(count):
            self.fake.clock.advance(1)
            n = len(self.fake.tables["persons"]) + 1
            ids.append(
                self.fake.add("persons", email=f"p{n}@example.jp", last_name=f"姓{n}")
            )
        return ids

    def touch(self, record_id: str) -> None:
        self.fake.clock.advance(1)
        row = self.fake.tables["persons"][record_id]
        row.update(last_name="changed", updated=self.fake.clock.now)

    def delete(self, record_id: str) -> None:
        raise AssertionError("the fake SFA has no deletes")

    def merge(self, keep: str, gone: str) -> str:
        raise AssertionError("the fake SFA has no merges")

    def settle(self) -> None:
        self.fake.clock.advance(1)

    def person(self, n: int) -> dict[str, Any]:
        return {"email": f"new{n}@example.jp", "last_name": f"新規{n}"}

    def invalid_person(self) -> dict[str, Any]:
        return {"email": "no-last-name@example.jp"}

    def stored(self, record_id: str) -> Mapping[str, Any] | None:
        return self.fake.tables["persons"].get(record_id)

    def break_access(self) -> None:
        self.fake.expire_tokens()
        self.fake.auth = "basic"  # the bearer token no longer opens anything


class HubSpotTarget:
    """The HubSpot adapter over the in-process fake portal (tests/fakes/hubspot)."""

    entity: Entity = "persons"
    page_size = 100
    batch_cap = 100
    match_field = "email"
    stage_field = "lifecyclestage"
    stage_values = frozenset({"lead", "marketingqualifiedlead", "customer"})

    TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"

    def __init__(self, folder: Path) -> None:
        del folder
        self.clock = FakeClock()
        self.fake = FakeHubSpot(token=self.TOKEN, clock=self.clock)
        settings = HubSpotSettings.model_validate(
            {"token": self.TOKEN, "lookback_seconds": 0}
        )
        self.adapter = HubSpotAdapter(
            "ma",
            settings,
            transport=self.fake.transport(),
            clock=self.clock.monotonic,
            sleep=self.clock.sleep,
            wall_clock=self.clock.time,
        )
        self._count = 0

    def add(self, count: int) -> list[str]:
        ids = []
        for _ in range(count):
            self._count += 1
            self.clock.advance(1)
            ids.append(
                self.fake.seed("contacts", {"email": f"p{self._count}@example.jp"})
            )
        return ids

    def touch(self, record_id: str) -> None:
        self.clock.advance(1)
        self.fake.store.update(
            self.fake.get("contacts", record_id), {"firstname": "changed"}
        )

    def delete(self, record_id: str) -> None:
        self.clock.advance(1)
        self.fake.store.archive(self.fake.get("contacts", record_id))

    def merge(self, keep: str, gone: str) -> str:
        self.clock.advance(1)
        return self.fake.store.merge("contacts", keep, gone).id

    def settle(self) -> None:
        self.clock.advance(120)  # past search's indexing lag

    def person(self, n: int) -> dict[str, Any]:
        return {"email": f"new{n}@example.jp", "firstname": f"新規{n}"}

    def invalid_person(self) -> dict[str, Any]:
        return {"email": "bad-stage@example.jp", "lifecyclestage": "no-such-stage"}

    def stored(self, record_id: str) -> Mapping[str, Any] | None:
        obj = self.fake.store.resolve("contacts", record_id)
        return None if obj is None else obj.properties

    def break_access(self) -> None:
        self.adapter.client.close()
        self.adapter = HubSpotAdapter(
            "ma",
            HubSpotSettings.model_validate(
                {"token": "pat-na1-00000000-0000-0000-0000-000000000000"}
            ),
            transport=self.fake.transport(),
            clock=self.clock.monotonic,
            sleep=self.clock.sleep,
            wall_clock=self.clock.time,
        )


TARGETS: dict[str, Callable[[Path], Any]] = {
    "csv": CsvTarget,
    "rest": RestTarget,
    "hubspot": HubSpotTarget,
}
"""Adapter name -> builder of its target from a scratch folder. Add one line here."""
