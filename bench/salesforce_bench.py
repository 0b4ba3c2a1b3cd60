"""Salesforce adapter: requests per 1,000 records against the strict fake org.

Printed, not asserted. Counts come from the fake's request log: API requests
(``/services/data/...``) and logins separately. One adapter instance runs the
scenarios in order, as a daemon would, so describe answers are cached after
the first use (their cost is listed as a fixed cost per adapter).

Run: .venv/bin/python -m bench.salesforce_bench [--records 5000]
"""

from __future__ import annotations

import argparse

from adapters.protocol import PushResult, WriteOp
from adapters.salesforce import SalesforceAdapter, SalesforceSettings
from tests.fakes.salesforce import FakeClock, FakeSalesforce


def _adapter(
    fake: FakeSalesforce, clock: FakeClock, **options: object
) -> SalesforceAdapter:
    settings = SalesforceSettings.model_validate(
        {
            "auth": {
                "client_id": fake.options.client_id,
                "client_secret": fake.options.client_secret,
            },
            **options,
        }
    )
    return SalesforceAdapter(
        "sfa", settings, transport=fake.transport(), sleep=clock.sleep, clock=clock.time
    )


class _Meter:
    """Requests the fake logged since the last reading."""

    def __init__(self, fake: FakeSalesforce) -> None:
        self.fake = fake
        self.mark = len(fake.log)

    def take(self) -> tuple[int, int]:
        entries = self.fake.log[self.mark :]
        self.mark = len(self.fake.log)
        api = sum(1 for e in entries if e.path.startswith("/services/data"))
        logins = sum(1 for e in entries if e.path.endswith("/oauth2/token"))
        return api, logins


def _require(condition: bool, result: PushResult) -> None:
    if not condition:
        raise SystemExit(f"the benchmark's writes failed: {result.failed[:3]}")


def run(n: int) -> list[tuple[str, int, int, float]]:
    """(scenario, records, API requests, requests per 1,000) for each scenario."""
    clock = FakeClock()
    fake = FakeSalesforce(clock=clock)
    adapter = _adapter(fake, clock, bulk_threshold=n - 1)
    meter = _Meter(fake)
    rows: list[tuple[str, int, int, float]] = []

    def record(name: str, count: int) -> None:
        api, _ = meter.take()
        rows.append((name, count, api, api * 1000 / count if count else float(api)))

    adapter.check()
    record("check() (login, versions, 3 describes, stages)", 0)
    ops = [
        WriteOp(
            f"k{i}",
            {
                "LastName": f"姓{i}",
                "Company": f"会社{i}",
                "Email": f"lead{i}@example.jp",
                "Connector_Id__c": f"hs-{i}",
                "Status": "対応中",
            },
            match_field="Connector_Id__c",
        )
        for i in range(n)
    ]
    result = adapter.push("persons", ops)
    _require(all(o.ok and o.created for o in result.outcomes), result)
    record("upsert new leads by Connector_Id__c", n)
    again = adapter.push("persons", ops)
    _require(all(o.ok and not o.created for o in again.outcomes), again)
    record("upsert the same leads again (updates)", n)
    clock.advance(1)
    backfill = list(adapter.pull("persons", None, full=True))
    record(
        "backfill by Bulk API 2.0 (first batch, job, polls, results, catch-up)",
        sum(len(p.records) for p in backfill),
    )
    cursor = backfill[-1].cursor
    rest = _adapter(fake, clock, bulk_threshold=n + 1)
    rest.describer.describe("Lead")
    rest.describer.describe("Contact")
    meter.take()
    by_rest = list(rest.pull("persons", None, full=True))
    record("backfill by REST batches of 2,000", sum(len(p.records) for p in by_rest))
    rest.close()
    ids = [o.id for o in result.outcomes if o.id]
    for start in range(0, len(ids), 100):
        clock.advance(1)
        fake.edit(ids[start : start + 100], {"Title": "更新"})
    clock.advance(1)
    changed = list(adapter.pull("persons", cursor))
    record(
        "incremental pull, every lead changed (100 per second)",
        sum(len(p.records) for p in changed),
    )
    cursor = changed[-1].cursor
    clock.advance(60)
    quiet = list(adapter.pull("persons", cursor))
    record("incremental pull, nothing changed (absolute requests)", 0)
    cursor = quiet[-1].cursor if quiet else cursor
    account = fake.seed("Account", {"Name": "取引先"})
    contact_ids = fake.seed_many(
        "Contact",
        [{"LastName": f"担当{i}", "AccountId": account} for i in range(n // 5)],
    )
    clock.advance(1)
    contacts = list(adapter.pull("persons", cursor))
    record(
        "first contacts (no Contact watermark: every converted lead once)",
        sum(len(p.records) for p in contacts),
    )
    cursor = contacts[-1].cursor
    clock.advance(1)
    fake.edit(contact_ids, {"Title": "更新"})
    clock.advance(1)
    contacts = list(adapter.pull("persons", cursor))
    record(
        "contacts changed (converted leads looked up by contact id)",
        sum(len(p.records) for p in contacts),
    )
    adapter.close()
    return rows


def deals(n: int) -> tuple[int, int, float]:
    """Requests per 1,000 opportunities pulled (with contact-role lookups)."""
    clock = FakeClock()
    fake = FakeSalesforce(clock=clock)
    fake.seed_many(
        "Opportunity",
        [
            {"Name": f"案件{i}", "StageName": "Prospecting", "CloseDate": "2026-12-01"}
            for i in range(n)
        ],
    )
    clock.advance(1)
    adapter = _adapter(fake, clock, bulk_threshold=n + 1)
    adapter.describer.describe("Opportunity")
    meter = _Meter(fake)
    count = sum(len(p.records) for p in adapter.pull("deals", None))
    api, _ = meter.take()
    adapter.close()
    return count, api, api * 1000 / count


def campaigns(n: int) -> list[tuple[str, int, int, float]]:
    """Campaign influence on: persons and deals with their campaigns."""
    clock = FakeClock()
    fake = FakeSalesforce(clock=clock)
    ids = fake.seed_many(
        "Lead",
        [
            {"LastName": f"姓{i}", "Company": f"会社{i}", "Email": f"c{i}@example.jp"}
            for i in range(n)
        ],
    )
    names = [fake.seed("Campaign", {"Name": f"キャンペーン{i}"}) for i in range(10)]
    members = [
        {
            "CampaignId": names[i % 10],
            "LeadId": lead,
            "LeadOrContactId": lead,
            "Status": "Responded",
            "HasResponded": True,
            "FirstRespondedDate": "2026-05-01",
        }
        for i, lead in enumerate(ids[: n // 5])
    ]
    # Members made over time: only the newest second's member is read again
    # after the first pull (it may have changed after its person was read).
    fake.seed_many("CampaignMember", members[:-1])
    clock.advance(1)
    fake.seed_many("CampaignMember", members[-1:])
    fake.seed_many(
        "Opportunity",
        [
            {
                "Name": f"案件{i}",
                "StageName": "Prospecting",
                "CloseDate": "2026-12-01",
                "CampaignId": names[i % 10],
            }
            for i in range(n)
        ],
    )
    clock.advance(1)
    adapter = _adapter(fake, clock, bulk_threshold=n + 1, campaigns={"enabled": True})
    for sobject in ("Lead", "Contact", "Opportunity"):
        adapter.describer.describe(sobject)
    meter = _Meter(fake)
    rows: list[tuple[str, int, int, float]] = []

    def record(name: str, count: int) -> None:
        api, _ = meter.take()
        rows.append((name, count, api, api * 1000 / count if count else float(api)))

    pages = list(adapter.pull("persons", None))
    record(
        f"campaigns on: persons from no cursor ({n // 5:,} members)",
        sum(len(p.records) for p in pages),
    )
    clock.advance(60)
    list(adapter.pull("persons", pages[-1].cursor))
    record("campaigns on: persons, nothing changed (absolute requests)", 0)
    deals = sum(len(p.records) for p in adapter.pull("deals", None))
    record("campaigns on: deals from no cursor (10 campaigns)", deals)
    adapter.close()
    return rows


def main() -> None:
    """Print the table bench/README.md shows."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=5000)
    args = parser.parse_args()
    print(f"| scenario ({args.records:,} leads) | records | API requests | per 1,000 |")
    print("|---|---|---|---|")
    for name, count, api, per in run(args.records):
        shown = f"{per:.1f}" if count else "-"
        print(f"| {name} | {count:,} | {api} | {shown} |")
    count, api, per = deals(args.records)
    name = "deals pull, no cursor (contact roles, converted leads)"
    print(f"| {name} | {count:,} | {api} | {per:.1f} |")
    for name, count, api, per in campaigns(args.records):
        shown = f"{per:.1f}" if count else "-"
        print(f"| {name} | {count:,} | {api} | {shown} |")


if __name__ == "__main__":
    main()
