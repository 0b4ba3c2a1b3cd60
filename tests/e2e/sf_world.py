"""The closed loop with Salesforce as the SFA: HubSpot, a Salesforce org, the truth.

Like :mod:`tests.e2e.world`, but the sales side is the strict Salesforce fake
run as its own process (``python -m tests.fakes.salesforce``), and the project
is what a new admin writes from docs/salesforce.md: the ``salesforce`` adapter
logging in by client credentials (the secret in the environment), leads upserted
on ``Connector_Id__c``, Lead ``Status`` and Opportunity ``StageName`` API names
in stages.toml, and two custom fields the org's admin created for the reasons
(``Lead.Rejected_Reason__c``, ``Opportunity.Loss_Reason__c``; Salesforce has
no standard field for either). Sales plays its part through the fake's admin
side door, as a Salesforce user's clicks would: conversions, stage moves,
closing, rejecting, merging. The final state of both systems is read there too.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.faultproxy import FaultProxy
from tests.e2e.procs import child_env, start_server, stop
from tests.e2e.world import (
    HERE,
    HS_TOKEN,
    ROOT,
    Expected,
    Marketing,
    hubspot_proxy,
    start_hubspot,
)

__all__ = ["SalesforceWorld", "salesforce_world"]

CLIENT_ID = "3MVG9E2E.connector.consumer.key"
CLIENT_SECRET = "e2e-consumer-secret-7c1d"
SF_MAPPINGS = HERE / "mappings" / "salesforce"
CUSTOM_FIELDS = ("Lead.Rejected_Reason__c", "Opportunity.Loss_Reason__c")

_CONFIG = """
[state]
url = "sqlite:///state/connector.db"

[mappings]
dir = "mappings"

[logging]
level = "warning"

[ma]
adapter = "hubspot"
base_url = "{hubspot}"
token = "{hs_token}"
lookback_seconds = 0

# Short backoffs keep the faulty runs within the suite's time; the defaults
# (1 s doubling to 60 s) outlast real outages.
[ma.limits]
backoff_base = 0.2
backoff_max = 2

[sfa]
adapter = "salesforce"
login_url = "{salesforce}"
api_version = "62.0"
external_id_field = "Connector_Id__c"
page_size = 200

[sfa.auth]
type = "client_credentials"
client_id = "{client_id}"

[sfa.limits]
backoff_base = 0.2
backoff_max = 2

[flows.handoff]
batch_size = 100
sfa_key_field = "Connector_Id__c"

[flows.outcomes]
batch_size = 100

[server]
enabled = false
"""


_LOSS = ("競合に決定", "予算不足", "時期尚早")
_REJECT = ("連絡不通", "対象外の業種", "重複")


@dataclass(kw_only=True)
class SalesforceWorld(Marketing):
    """HubSpot and the Salesforce org as processes, the project, the truth."""

    salesforce_url: str
    """Where the CLI logs in (the org, or the fault proxy in front of it)."""
    salesforce_api: str
    """The org itself, for the admin side door."""

    # -- the org ------------------------------------------------------------------

    def org(self, method: str, path: str, body: Any = None) -> Any:
        """Call the Salesforce fake's admin side door (never faulted or counted)."""
        response = httpx.request(
            method, f"{self.salesforce_api}/__admin/{path}", json=body, timeout=60
        )
        response.raise_for_status()
        return response.json()

    def records(self, sobject: str, *, deleted: bool = False) -> list[dict[str, Any]]:
        """Every record of ``sobject`` (deleted ones too when asked)."""
        rows = self.org("GET", f"records/{sobject}")["records"]
        return [r for r in rows if deleted or not r["IsDeleted"]]

    def leads(self) -> list[dict[str, Any]]:
        """Every live Lead."""
        return self.records("Lead")

    def own_records(self) -> dict[str, set[str]]:
        """HubSpot contact -> the ids its lead has in Salesforce (lead, contact).

        A converted lead lives on as its contact; either id names the person.
        """
        own: dict[str, set[str]] = {}
        for lead in self.leads():
            if key := lead.get("Connector_Id__c"):
                ids = own.setdefault(str(key), set())
                ids.add(lead["Id"])
                if lead.get("ConvertedContactId"):
                    ids.add(lead["ConvertedContactId"])
        return own

    def linked(self) -> list[str]:
        """Contacts whose ``sfa_lead_id`` names their own Salesforce record."""
        own = self.own_records()
        contacts = self.contacts()
        return sorted(
            c for c, ids in own.items() if contacts.get(c, {}).get("sfa_lead_id") in ids
        )

    def statuses(self) -> dict[int, int]:
        """How many API requests got each status since the log was cleared."""
        rows = self.org("GET", "requests")["requests"]
        counts: dict[int, int] = {}
        for row in rows:
            counts[int(row["status"])] = counts.get(int(row["status"]), 0) + 1
        return counts

    def api_writes(self) -> int:
        """API requests that wrote to the org since the log was cleared."""
        rows = self.org("GET", "requests")["requests"]
        return sum(1 for r in rows if _is_write(r["method"], r["path"]))

    def clear_logs(self) -> None:
        """Start counting requests afresh on both systems."""
        self.hubspot("POST", "/__admin/requests/clear")
        self.org("POST", "requests/clear")

    def writes(self) -> tuple[int, int]:
        """Writes HubSpot and Salesforce received since the logs were cleared."""
        return self.hubspot_writes(), self.api_writes()

    def cli_killed_when(
        self, moment: Callable[[], bool], *args: str, timeout: float = 120
    ) -> int:
        """Run a command and SIGKILL it as soon as ``moment()`` holds.

        ``moment`` is polled every 50 ms while the command runs; returns the
        exit code (``-9`` when the kill landed).
        """
        argv = [sys.executable, "-m", "connector", "--config", str(self.config)]
        proc = subprocess.Popen(  # noqa: S603 - argv comes from the test itself
            [*argv, *args],
            env=child_env(self.env),
            cwd=self.folder,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        try:
            while proc.poll() is None and time.monotonic() < deadline:
                if moment():
                    os.killpg(proc.pid, signal.SIGKILL)
                    break
                time.sleep(0.05)
        finally:
            if proc.poll() is None and time.monotonic() >= deadline:
                os.killpg(proc.pid, signal.SIGKILL)
        return proc.wait()

    # -- sales, as Salesforce users --------------------------------------------------

    def convert(self, lead_id: str) -> dict[str, str | None]:
        """Convert a lead in the UI: Account, Contact and Opportunity."""
        made: dict[str, str | None] = self.org("POST", "convert", {"lead_id": lead_id})
        return made

    def convert_of(self, lead_id: str) -> str | None:
        """The contact a lead was converted into, if it was."""
        lead = next(r for r in self.records("Lead", deleted=True) if r["Id"] == lead_id)
        return lead.get("ConvertedContactId")

    def edit(self, record_id: str, fields: dict[str, Any]) -> None:
        """A user edits one record in the UI."""
        self.org("POST", "edit", {"ids": record_id, "fields": fields})

    def work_leads(self, *, seed: int = 2) -> dict[str, str]:
        """Sales works every handed-over lead to an outcome; the truth per contact.

        A quarter each: converted and won with an amount, converted and lost
        with a reason, rejected (``Closed - Not Converted``) with a reason; the
        rest are converted and left at an open stage or only contacted.
        Leads are taken in ``Connector_Id__c`` order, so two worlds fed the same
        contacts get the same sales work. Returns contact -> action.
        """
        rng = random.Random(seed)
        done: dict[str, str] = {}
        leads = [lead for lead in self.leads() if lead.get("Connector_Id__c")]
        for lead in sorted(leads, key=lambda r: str(r["Connector_Id__c"])):
            contact = str(lead["Connector_Id__c"])
            roll = rng.random()
            if roll < 0.25:
                amount = rng.randint(1, 50) * 100_000
                opp = self._opportunity(lead["Id"], "Proposal/Price Quote")
                self.edit(opp, {"StageName": "Closed Won", "Amount": amount})
                self.expected[contact] = Expected("won", amount_won=str(amount))
                done[contact] = "won"
            elif roll < 0.5:
                reason = rng.choice(_LOSS)
                opp = self._opportunity(lead["Id"], "Needs Analysis")
                self.edit(opp, {"StageName": "Closed Lost", "Loss_Reason__c": reason})
                self.expected[contact] = Expected("lost", loss_reason=reason)
                done[contact] = "lost"
            elif roll < 0.75:
                reason = rng.choice(_REJECT)
                self.edit(lead["Id"], {"Status": "Working - Contacted"})
                self.edit(
                    lead["Id"],
                    {"Status": "Closed - Not Converted", "Rejected_Reason__c": reason},
                )
                self.expected[contact] = Expected("rejected", rejected_reason=reason)
                done[contact] = "rejected"
            elif roll < 0.87:
                self._opportunity(lead["Id"], "Value Proposition")
                self.expected[contact] = Expected("open")
                done[contact] = "open"
            else:
                self.edit(lead["Id"], {"Status": "Working - Contacted"})
                self.expected[contact] = Expected("open")
                done[contact] = "contacted"
        return done

    def _opportunity(self, lead_id: str, stage: str) -> str:
        """Convert the lead and move its opportunity to ``stage``; the opp's id."""
        made = self.convert(lead_id)
        opp = made["opportunity_id"]
        assert opp is not None
        self.edit(opp, {"StageName": stage})
        return opp

    # -- judging ----------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """Both systems' business state without ids or timestamps, to compare runs."""
        leads = sorted(
            (
                str(lead.get("Connector_Id__c") or ""),
                str(lead.get("Email")),
                str(lead.get("LastName")),
                str(lead.get("Company")),
                str(lead.get("Status")),
                str(lead.get("Description")),
                bool(lead.get("IsConverted")),
            )
            for lead in self.leads()
        )
        linked = set(self.linked())
        contacts = {
            props.get("email"): (
                contact in linked,
                props.get("outcome"),
                props.get("amount_won"),
                props.get("loss_reason"),
                props.get("rejected_reason"),
                props.get("canonical_stage"),
                props.get("lifecyclestage"),
            )
            for contact, props in self.contacts().items()
        }
        deals = sorted(
            (
                str(o.get("StageName")),
                str(o.get("Amount")),
                str(o.get("Loss_Reason__c")),
            )
            for o in self.records("Opportunity")
        )
        return {"leads": leads, "contacts": contacts, "deals": deals}


def _is_write(method: str, path: str) -> bool:
    """A request that changes the org: not a token, query or Bulk query job."""
    if not path.startswith("/services/data/"):
        return False
    if method in ("PATCH", "PUT", "DELETE"):
        return "/jobs/query" not in path
    return method == "POST" and "/jobs/query" not in path


@contextmanager
def salesforce_world(
    tmp: Path,
    *,
    faults: float = 0.0,
    seed: int = 1,
    kinds: list[str] | None = None,
    slow_range: tuple[float, float] = (0.3, 1.5),
    session_seconds: float = 7200.0,
    session_requests: int | None = None,
) -> Iterator[SalesforceWorld]:
    """Start HubSpot and the org (behind fault proxies when ``faults`` > 0).

    ``session_seconds`` is the org's session timeout: a few seconds make
    tokens expire in the middle of a run (401 INVALID_SESSION_ID).
    ``session_requests`` ends each token after that many API calls, so the
    expiry lands mid-run however fast the machine is.
    """
    with ExitStack() as stack:
        hs_url = start_hubspot(stack)
        argv = [sys.executable, "-m", "tests.fakes.salesforce", "--port", "0"]
        argv += ["--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET]
        argv += ["--session-seconds", str(session_seconds)]
        if session_requests is not None:
            argv += ["--session-requests", str(session_requests)]
        for name in CUSTOM_FIELDS:
            argv += ["--text-field", name]
        sf_proc, sf_url = start_server(argv, env={"PYTHONPATH": str(ROOT)}, cwd=ROOT)
        stack.callback(stop, sf_proc)
        hs_front, sf_front = hs_url, sf_url
        proxies: list[FaultProxy] = []
        if faults > 0:
            hs_proxy = stack.enter_context(
                hubspot_proxy(hs_url, faults, seed, kinds=kinds, slow_range=slow_range)
            )
            # Salesforce sends no Retry-After (fact sheet §11); its 429s here
            # stand for a gateway's.
            sf_proxy = stack.enter_context(
                FaultProxy(
                    sf_url,
                    rate=faults,
                    seed=seed + 1,
                    exclude=r"^/__admin",
                    kinds=kinds,
                    slow_range=slow_range,
                )
            )
            hs_front, sf_front = hs_proxy.url, sf_proxy.url
            proxies = [hs_proxy, sf_proxy]
            # API calls go to the instance_url the token answer names: the proxy.
            httpx.post(
                f"{sf_url}/__admin/instance-url", json={"url": sf_front}, timeout=10
            ).raise_for_status()
        project = tmp / "project"
        _write_project(project, hs_front, sf_front)
        yield SalesforceWorld(
            folder=project,
            hubspot_url=hs_front,
            hubspot_api=hs_url,
            salesforce_url=sf_front,
            salesforce_api=sf_url,
            env={
                "PYTHONPATH": str(ROOT),
                "NO_COLOR": "1",
                "COLUMNS": "200",
                "CONNECTOR_SFA__AUTH__CLIENT_SECRET": CLIENT_SECRET,
            },
            proxies=proxies,
        )


def _write_project(folder: Path, hubspot: str, salesforce: str) -> None:
    mappings = folder / "mappings"
    mappings.mkdir(parents=True)
    (folder / "state").mkdir()
    shutil.copy(ROOT / "mappings" / "matching.toml", mappings / "matching.toml")
    shutil.copy(ROOT / "mappings" / "reporting.toml", mappings / "reporting.toml")
    shutil.copy(
        HERE / "mappings" / "qualification.toml", mappings / "qualification.toml"
    )
    stages = (ROOT / "mappings" / "stages.toml").read_text(encoding="utf-8")
    cut = stages.index("# --- Sales force automation")
    sfa_stages = (SF_MAPPINGS / "stages_sfa.toml").read_text(encoding="utf-8")
    (mappings / "stages.toml").write_text(stages[:cut] + sfa_stages, encoding="utf-8")
    fields = (HERE / "mappings" / "fields.toml").read_text(encoding="utf-8")
    ma_part = fields[: fields.index("[sfa.persons]")]
    sfa_fields = (SF_MAPPINGS / "fields_sfa.toml").read_text(encoding="utf-8")
    (mappings / "fields.toml").write_text(ma_part + sfa_fields, encoding="utf-8")
    (folder / "config.toml").write_text(
        _CONFIG.format(
            hubspot=hubspot,
            hs_token=HS_TOKEN,
            salesforce=salesforce,
            client_id=CLIENT_ID,
        ),
        encoding="utf-8",
    )
