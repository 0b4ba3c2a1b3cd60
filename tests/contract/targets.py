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
from adapters.salesforce import SalesforceAdapter, SalesforceSettings
from connector.config import SystemSettings, load_settings
from connector.registry import build_adapter
from tests.adapters.rest.conftest import settings_for
from tests.fakes.hubspot import FakeClock, FakeHubSpot
from tests.fakes.kintone import App, FakeKintone, FakeKintoneServer, Field
from tests.fakes.salesforce import FakeSalesforce
from tests.fakes.sfa import STAGES, FakeSfa
from tests.fakes.thirdparty_sfa import ThirdPartySfa

__all__ = [
    "TARGETS",
    "AcmeSfaTarget",
    "CsvTarget",
    "HubSpotTarget",
    "KintoneTarget",
    "RestTarget",
    "SalesforceTarget",
]


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

    def close(self) -> None:
        self.adapter.close()


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

    def close(self) -> None:
        self.adapter.close()


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

    def close(self) -> None:
        self.adapter.close()


class AcmeSfaTarget:
    """The REST adapter configured for the third-party AcmeSFA fake (real HTTP)."""

    entity: Entity = "persons"
    page_size = 4
    batch_cap = 50
    match_field = "external_id"
    stage_field = "status"
    stage_values = frozenset({"新規", "アポ獲得", "対象外"})

    TOKEN = "contract-token-7"

    def __init__(self, folder: Path) -> None:
        del folder
        self.sfa = ThirdPartySfa(token=self.TOKEN).start()
        self.sfa.admin.freeze_clock(True)
        self.adapter = self._build(self.TOKEN)
        self._count = 0

    def _build(self, token: str) -> RestAdapter:
        batch = {
            "path": "/leads/batch",
            "max_size": self.batch_cap,
            "result_error_path": "error",
        }
        settings = RestSettings.model_validate(
            {
                "base_url": self.sfa.api_url,
                "auth": {"type": "bearer", "token": token},
                "retry": {"attempts": 2, "backoff_base": 0.01, "jitter": 0},
                "entities": {
                    "persons": {
                        "id_field": "id",
                        "updated_field": "updated_at",
                        "list": {
                            "path": "/leads",
                            "updated_since_param": "updated_since",
                            "sorted_by_updated": True,
                            "page_size_param": "limit",
                            "page_size": self.page_size,
                            "records_path": "data",
                            "pagination": {
                                "style": "cursor",
                                "next_cursor_path": "next_cursor",
                                "cursor_param": "cursor",
                            },
                        },
                        "write": {
                            "batch_create": batch,
                            "batch_update": batch,
                            "batch_upsert": batch,
                        },
                        "vocabulary": {
                            "status": {
                                "path": "/meta/lead-statuses",
                                "records_path": "data",
                                "value_path": "value",
                            }
                        },
                    }
                },
            }
        )
        return RestAdapter("sfa", settings)

    def add(self, count: int) -> list[str]:
        ids = []
        for _ in range(count):
            self._count += 1
            self.sfa.admin.advance_clock(1)
            lead = self.sfa.admin.create_lead(
                last_name=f"姓{self._count}", email=f"p{self._count}@example.jp"
            )
            ids.append(str(lead["id"]))
        return ids

    def touch(self, record_id: str) -> None:
        self.sfa.admin.advance_clock(1)
        self.sfa.admin.work(
            {"lead_id": record_id, "action": "edit_lead", "fields": {"notes": "x"}}
        )

    def delete(self, record_id: str) -> None:
        raise AssertionError("AcmeSFA has no deletes")

    def merge(self, keep: str, gone: str) -> str:
        raise AssertionError("AcmeSFA has no merges")

    def settle(self) -> None:
        self.sfa.admin.advance_clock(1)

    def person(self, n: int) -> dict[str, Any]:
        return {
            "external_id": f"hs-{n}",
            "last_name": f"新規{n}",
            "email": f"new{n}@example.jp",
        }

    def invalid_person(self) -> dict[str, Any]:
        return {"last_name": "不正", "email": "no-at-sign"}

    def stored(self, record_id: str) -> Mapping[str, Any] | None:
        leads: list[dict[str, Any]] = self.sfa.admin.state()["leads"]
        return next((lead for lead in leads if lead["id"] == record_id), None)

    def break_access(self) -> None:
        self.adapter.close()
        self.adapter = self._build("wrong-token")

    def close(self) -> None:
        self.adapter.close()
        self.sfa.stop()


class SalesforceTarget:
    """The Salesforce adapter over the strict in-process fake org (fakes/salesforce).

    Leads are seeded three to a second, so page boundaries fall inside groups
    of rows sharing one SystemModstamp (Salesforce stamps have second precision).
    """

    entity: Entity = "persons"
    page_size = 200
    batch_cap = 200
    match_field = "Connector_Id__c"
    stage_field = "Status"
    stage_values = frozenset({"Open - Not Contacted", "Working - Contacted"})

    def __init__(self, folder: Path) -> None:
        del folder
        self.clock = FakeClock()
        self.fake = FakeSalesforce(clock=self.clock)
        self.adapter = self._build(self.fake.options.client_secret)
        self._count = 0

    def _build(self, secret: str) -> SalesforceAdapter:
        settings = SalesforceSettings.model_validate(
            {
                "auth": {
                    "client_id": self.fake.options.client_id,
                    "client_secret": secret,
                },
                "page_size": self.page_size,
                "bulk_threshold": 1000,
            }
        )
        return SalesforceAdapter(
            "sfa",
            settings,
            transport=self.fake.transport(),
            sleep=self.clock.sleep,
            clock=self.clock.time,
        )

    def add(self, count: int) -> list[str]:
        ids = []
        for _ in range(count):
            if self._count % 3 == 0:
                self.clock.advance(1)
            self._count += 1
            n = self._count
            ids.append(
                self.fake.seed(
                    "Lead",
                    {
                        "LastName": f"姓{n}",
                        "Company": f"会社{n}",
                        "Email": f"p{n}@example.jp",
                    },
                )
            )
        return ids

    def touch(self, record_id: str) -> None:
        self.clock.advance(1)
        self.fake.edit(record_id, {"Title": "changed"})

    def delete(self, record_id: str) -> None:
        self.clock.advance(1)
        self.fake.delete_record(record_id)

    def merge(self, keep: str, gone: str) -> str:
        self.clock.advance(1)
        self.fake.merge(keep, [gone])
        return keep

    def settle(self) -> None:
        self.clock.advance(1)

    def person(self, n: int) -> dict[str, Any]:
        return {
            "LastName": f"新規{n}",
            "Company": "契約テスト株式会社",
            "Email": f"new{n}@example.jp",
            "Connector_Id__c": f"hs-{n}",
        }

    def invalid_person(self) -> dict[str, Any]:
        return {"LastName": "不正", "Email": "no-company@example.jp"}

    def stored(self, record_id: str) -> Mapping[str, Any] | None:
        found = [r for r in self.fake.records("Lead") if r["Id"] == record_id]
        return found[0] if found else None

    def break_access(self) -> None:
        self.adapter.close()
        self.adapter = self._build("not-the-consumer-secret")

    def close(self) -> None:
        self.adapter.close()


class KintoneTarget:
    """examples/config.kintone.toml as shipped, on the kintone fake over loopback.

    Only the base URL and the token differ from the file. Leads are seeded two
    to a second, so pages end inside seconds that several records share.
    """

    entity: Entity = "persons"
    page_size = 500
    batch_cap = 100
    match_field = "メールアドレス"
    stage_field = "ステータス"
    stage_values = frozenset({"新規", "アポ獲得"})

    EXAMPLE = Path(__file__).parents[2] / "examples" / "config.kintone.toml"
    TOKEN = "contract-kintone-token"
    APP = 12

    def __init__(self, folder: Path) -> None:
        del folder
        self.fake = FakeKintone()
        statuses = ("新規", "アポ獲得", "商談中", "受注", "失注")
        fields = {
            "姓": Field("SINGLE_LINE_TEXT", required=True),
            "会社名": Field("SINGLE_LINE_TEXT"),
            "メールアドレス": Field("SINGLE_LINE_TEXT", unique=True),
            "ステータス": Field("DROP_DOWN", options=statuses),
        }
        self.fake.add_app(App(self.APP, fields, tokens={self.TOKEN}))
        deals = {"商談名": Field("SINGLE_LINE_TEXT")}
        self.fake.add_app(App(self.APP + 1, deals, tokens={self.TOKEN}))
        self.server = FakeKintoneServer(self.fake).__enter__()
        self.adapter = self._build(self.TOKEN)
        self._count = 0

    def _build(self, token: str) -> RestAdapter:
        settings, base = load_settings(self.EXAMPLE)
        options = dict(settings.sfa.options)
        options["base_url"] = self.server.url
        options["auth"] = {**options["auth"], "value": token}
        options["retry"] = {"attempts": 2, "backoff_base": 0.01, "jitter": 0}
        section = SystemSettings(adapter="rest", **options)
        adapter = build_adapter("sfa", section, base_dir=base)
        assert isinstance(adapter, RestAdapter)
        return adapter

    def add(self, count: int) -> list[str]:
        ids = []
        for _ in range(count):
            self._count += 1
            n = self._count
            row = {
                "姓": f"姓{n}",
                "メールアドレス": f"p{n}@example.jp",
                "ステータス": sorted(self.stage_values)[n % 2],
            }
            ids.append(str(self.fake.seed(self.APP, row)[0].id))
            self.fake.advance(0.5)
        return ids

    def touch(self, record_id: str) -> None:
        self.fake.advance(1)
        self.fake.touch(self.APP, int(record_id), 会社名="変更")

    def delete(self, record_id: str) -> None:
        raise AssertionError("kintone reports no deletes")

    def merge(self, keep: str, gone: str) -> str:
        raise AssertionError("kintone has no merges")

    def settle(self) -> None:
        self.fake.advance(1)

    def person(self, n: int) -> dict[str, Any]:
        return {"姓": f"新規{n}", "メールアドレス": f"new{n}@example.jp"}

    def invalid_person(self) -> dict[str, Any]:
        return {"姓": "不正", "ステータス": "存在しない"}

    def stored(self, record_id: str) -> Mapping[str, Any] | None:
        record = self.fake.stores[self.APP].records.get(int(record_id))
        return None if record is None else record.values

    def break_access(self) -> None:
        self.adapter.close()
        self.adapter = self._build("revoked-token")

    def close(self) -> None:
        self.adapter.close()
        self.server.__exit__(None, None, None)


TARGETS: dict[str, Callable[[Path], Any]] = {
    "csv": CsvTarget,
    "rest": RestTarget,
    "rest-acmesfa": AcmeSfaTarget,
    "hubspot": HubSpotTarget,
    "salesforce": SalesforceTarget,
    "rest-kintone": KintoneTarget,
}
"""Adapter name -> builder of its target from a scratch folder. Add one line here."""
