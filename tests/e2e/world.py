"""Two systems we did not write, a connector project against them, and the truth.

The world starts the HubSpot fake and the AcmeSFA fake as processes on loopback
(optionally behind seeded fault proxies), writes a project folder whose config
and mappings a new admin would write for them, runs the real ``connector`` CLI as
a process, and reads both fakes' final state through their admin endpoints. The
expected outcome of every contact is derived from what the test told sales to do,
never from what the connector reports.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.faultproxy import FaultProxy
from tests.e2e.procs import run_cli, run_cli_killed_at, start_server, stop

__all__ = [
    "Expected",
    "Marketing",
    "World",
    "blank",
    "hubspot_proxy",
    "start_hubspot",
    "world",
]

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
HS_TOKEN = "pat-na1-e2e00000-1111-2222-3333-444444444444"
SFA_TOKEN = "acme-e2e-token-5f3a"

_LISTING = """updated_since_param = "updated_since"
updated_since_inclusive = true
sorted_by_updated = true
page_size_param = "limit"
page_size = 100
records_path = "data"
pagination = { style = "cursor", next_cursor_path = "next_cursor" }"""
"""AcmeSFA's listing: cursor paging in {"data", "next_cursor"}, inclusive filter."""

_BATCH = """path = "/leads/batch"
max_size = 50
records_key = "records"
results_path = "results"
result_id_path = "id"
result_error_path = "error"
"""
"""AcmeSFA's batch upsert: 50 records, per-record errors inside an HTTP 200."""

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
lookback_seconds = {lookback}

[sfa]
adapter = "rest"
base_url = "{sfa}/api/v1"

[sfa.auth]
type = "bearer"
token = "{sfa_token}"

[sfa.entities.persons]
id_field = "id"
updated_field = "updated_at"

[sfa.entities.persons.list]
path = "/leads"
{listing}

[sfa.entities.persons.write.batch_create]
{batch}

[sfa.entities.persons.write.batch_update]
{batch}

[sfa.entities.persons.write.batch_upsert]
{batch}

[sfa.entities.persons.write]
created_path = "created"

[sfa.entities.deals]
id_field = "id"
updated_field = "updated_at"

[sfa.entities.deals.list]
path = "/deals"
{listing}

[flows.handoff]
batch_size = 100
sfa_key_field = "external_id"

[flows.outcomes]
batch_size = 100

[server]
enabled = false
"""


@dataclass(frozen=True)
class Expected:
    """What marketing must finally see on one contact, from what sales did."""

    outcome: str
    amount_won: str | None = None
    loss_reason: str | None = None
    rejected_reason: str | None = None


@dataclass(kw_only=True)
class Marketing:
    """The HubSpot side, the project folder, the CLI and the ground truth.

    Shared by the worlds of every SFA (AcmeSFA here, Salesforce in
    :mod:`tests.e2e.sf_world`).
    """

    folder: Path
    hubspot_url: str
    hubspot_api: str
    expected: dict[str, Expected] = field(default_factory=dict)
    """HubSpot contact id -> the outcome sales gave it."""
    env: dict[str, str] = field(default_factory=dict)
    proxies: list[FaultProxy] = field(default_factory=list)

    def faults_injected(self) -> int:
        """Faults the proxies injected so far (0 without proxies)."""
        return sum(int(p.stats()["faults_total"]) for p in self.proxies)

    # -- the connector, as a user runs it ------------------------------------

    def cli(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        """Run ``connector --config ... ARGS`` as a process."""
        return run_cli(
            [sys.executable, "-m", "connector", "--config", str(self.config), *args],
            env=self.env,
            timeout=timeout,
            cwd=self.folder,
        )

    def cli_until_ok(self, *args: str, tries: int = 8) -> int:
        """Rerun a command after each non-zero exit, as an operator would."""
        for attempt in range(1, tries + 1):
            done = self.cli(*args)
            if done.returncode == 0:
                return attempt
        raise AssertionError(
            f"`connector {' '.join(args)}` still failing after {tries} runs:\n"
            f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        )

    def cli_killed_at(self, seconds: float, *args: str) -> int:
        """Start a command and SIGKILL it after ``seconds`` (if still running)."""
        return run_cli_killed_at(
            [sys.executable, "-m", "connector", "--config", str(self.config), *args],
            env=self.env,
            seconds=seconds,
        )

    @property
    def config(self) -> Path:
        """The project's config file."""
        return self.folder / "config.toml"

    # -- HubSpot ------------------------------------------------------------------

    def hubspot(self, method: str, path: str, body: Any = None) -> Any:
        """Call the HubSpot fake's admin endpoints (no faults, no limits)."""
        response = httpx.request(
            method, f"{self.hubspot_api}{path}", json=body, timeout=60
        )
        response.raise_for_status()
        return response.json() if response.content else None

    def contacts(self) -> dict[str, dict[str, Any]]:
        """Every live HubSpot contact: id -> properties."""
        state = self.hubspot("GET", "/__admin/state")
        return {
            str(r["id"]): r["properties"]
            for r in state["objects"]["contacts"]
            if not r["archived"]
        }

    def hubspot_writes(self) -> int:
        """Write requests HubSpot received since its log was cleared (no reads)."""
        rows = self.hubspot("GET", "/__admin/requests")["requests"]
        return sum(
            1
            for r in rows
            if r["method"] in ("POST", "PATCH")
            and not str(r["path"]).endswith("/search")
            and "/batch/read" not in str(r["path"])
        )

    # -- marketing, as people -----------------------------------------

    def seed(self, count: int, *, seed: int = 1) -> dict[str, dict[str, str]]:
        """Create ``count`` contacts: about 2 in 3 qualify; return id -> properties."""
        rng = random.Random(seed)
        rows = []
        for n in range(count):
            qualifies = rng.random() < 0.67
            rows.append(
                {
                    "email": f"person{n:05d}@company{n % 37:02d}.co.jp",
                    "firstname": f"名{n}",
                    "lastname": f"姓{n:05d}",
                    "company": f"株式会社テスト{n % 37:02d}",
                    "lifecyclestage": "marketingqualifiedlead",
                    "hs_analytics_num_page_views": str(rng.randint(1, 9))
                    if qualifies
                    else "0",
                }
            )
        answer = self.hubspot("POST", "/__admin/contacts", {"contacts": rows})
        return dict(zip(answer["ids"], rows, strict=True))

    # -- judging ----------------------------------------------------------------

    def outcome_mismatches(self) -> list[str]:
        """Contacts whose HubSpot outcome differs from what sales did."""
        contacts = self.contacts()
        wrong = []
        for contact, want in sorted(self.expected.items()):
            props = contacts.get(contact, {})
            got = Expected(
                props.get("outcome") or "",
                blank(props.get("amount_won")),
                blank(props.get("loss_reason")),
                blank(props.get("rejected_reason")),
            )
            ok = got.outcome == "open" if want.outcome == "open" else got == want
            if not ok:
                wrong.append(f"{contact}: want {want}, got {got}")
        return wrong


@dataclass(kw_only=True)
class World(Marketing):
    """The running fakes (HubSpot, AcmeSFA), the project folder and the truth."""

    sfa_url: str
    sfa_api: str

    def sfa(self, method: str, path: str, body: Any = None) -> Any:
        """Call the AcmeSFA fake's admin endpoints."""
        response = httpx.request(method, f"{self.sfa_api}{path}", json=body, timeout=60)
        response.raise_for_status()
        return response.json() if response.content else None

    def leads(self) -> list[dict[str, Any]]:
        """Every AcmeSFA lead."""
        return list(self.sfa("GET", "/__admin/state")["leads"])

    def deals(self) -> list[dict[str, Any]]:
        """Every AcmeSFA deal."""
        return list(self.sfa("GET", "/__admin/state")["deals"])

    def writes(self) -> tuple[int, int]:
        """Write requests each fake received since the logs were cleared."""
        sfa_rows = self.sfa("GET", "/__admin/requests")["data"]
        hs_writes = self.hubspot_writes()
        sfa_writes = sum(1 for r in sfa_rows if r["method"] == "POST")
        return hs_writes, sfa_writes

    def requests(self) -> tuple[int, int]:
        """Requests each fake received since the logs were cleared."""
        hs = self.hubspot("GET", "/__admin/requests")["requests"]
        sfa = self.sfa("GET", "/__admin/requests")["data"]
        return len(hs), len(sfa)

    def clear_logs(self) -> None:
        """Start counting requests afresh."""
        self.hubspot("POST", "/__admin/requests/clear")
        self.sfa("POST", "/__admin/requests/clear")

    # -- sales, as people -----------------------------------------------------

    def work_leads(self, *, seed: int = 2) -> None:
        """Sales works every lead to an outcome; the truth is kept per contact.

        A quarter each: won with an amount, lost with a reason, rejected with a
        reason; the rest stay at an appointment (open).
        """
        rng = random.Random(seed)
        actions: list[dict[str, Any]] = []
        for lead in sorted(self.leads(), key=lambda r: r["id"]):
            contact = lead.get("external_id")
            if not contact:
                continue
            roll = rng.random()
            if roll < 0.25:
                amount = rng.randint(1, 50) * 100_000
                actions += [
                    {"lead_id": lead["id"], "action": "appointment"},
                    {
                        "lead_id": lead["id"],
                        "action": "won",
                        "amount": amount,
                        "close_date": "2026-11-30",
                    },
                ]
                self.expected[contact] = Expected("won", amount_won=str(amount))
            elif roll < 0.5:
                reason = rng.choice(["競合に決定", "予算不足", "時期尚早"])
                actions += [
                    {"lead_id": lead["id"], "action": "appointment"},
                    {"lead_id": lead["id"], "action": "lost", "reason": reason},
                ]
                self.expected[contact] = Expected("lost", loss_reason=reason)
            elif roll < 0.75:
                reason = rng.choice(["連絡不通", "対象外の業種", "重複"])
                actions.append(
                    {"lead_id": lead["id"], "action": "reject", "reason": reason}
                )
                self.expected[contact] = Expected("rejected", rejected_reason=reason)
            else:
                actions.append({"lead_id": lead["id"], "action": "appointment"})
                self.expected[contact] = Expected("open")
        self.sfa("POST", "/__admin/work", {"actions": actions})

    def hand_entered_wins(self, contacts: dict[str, dict[str, str]]) -> None:
        """Sales types in leads of contacts marketing did not hand over, wins them."""
        handed = {lead.get("external_id") for lead in self.leads()}
        others = [c for c in sorted(contacts) if c not in handed][:6]
        for n, contact in enumerate(others):
            props = contacts[contact]
            lead = self.sfa(
                "POST",
                "/__admin/leads",
                {
                    "last_name": props["lastname"],
                    "email": props["email"].upper(),
                    "company": props["company"],
                },
            )
            lead_id = lead["id"]
            amount = (n + 1) * 300_000
            self.sfa(
                "POST",
                "/__admin/work",
                {
                    "actions": [
                        {"lead_id": lead_id, "action": "appointment"},
                        {
                            "lead_id": lead_id,
                            "action": "won",
                            "amount": amount,
                            "close_date": "2026-11-30",
                        },
                    ]
                },
            )
            self.expected[contact] = Expected("won", amount_won=str(amount))

    # -- judging ----------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """Both systems' business state without ids or timestamps, to compare runs."""
        leads = sorted(
            (
                lead.get("external_id") or "",
                lead.get("email"),
                lead.get("last_name"),
                lead.get("company"),
                lead.get("status"),
                lead.get("notes"),
            )
            for lead in self.leads()
        )
        by_lead = {
            lead["id"]: lead.get("external_id") or lead.get("email")
            for lead in self.leads()
        }
        contacts = {
            props.get("email"): (
                by_lead.get(props.get("sfa_lead_id") or "") is not None,
                props.get("outcome"),
                props.get("amount_won"),
                props.get("loss_reason"),
                props.get("rejected_reason"),
                props.get("canonical_stage"),
                props.get("lifecyclestage"),
            )
            for props in self.contacts().values()
        }
        return {"leads": leads, "contacts": contacts}


def blank(value: Any) -> str | None:
    """A property as text, empty as None, ``12.0`` as ``12`` (HubSpot numbers)."""
    if value in (None, ""):
        return None
    text = str(value)
    return text[:-2] if text.endswith(".0") else text


def start_hubspot(
    stack: ExitStack, *, search_lag: float = 0.0, trace_echo: str = "omit"
) -> str:
    """Start the HubSpot fake as a process (stopped with ``stack``); its URL."""
    proc, url = start_server(
        [
            sys.executable,
            "-m",
            "tests.fakes.hubspot",
            "--port",
            "0",
            "--token",
            HS_TOKEN,
            "--trace-echo",
            trace_echo,
            "--multi-status",
            "create",
            "--lifecycle",
            "ignore",
            "--search-lag-seconds",
            str(search_lag),
            "--burst-limit",
            "190",
        ],
        env={"PYTHONPATH": str(ROOT)},
        cwd=ROOT,
    )
    stack.callback(stop, proc)
    return url


def hubspot_proxy(
    url: str,
    rate: float,
    seed: int,
    *,
    kinds: list[str] | None = None,
    slow_range: tuple[float, float] = (0.3, 1.5),
) -> FaultProxy:
    """A seeded fault proxy in front of HubSpot (429s with Retry-After, as HubSpot)."""
    return FaultProxy(
        url,
        rate=rate,
        seed=seed,
        exclude=r"^/__admin",
        retry_after=1,
        hubspot_429=True,
        kinds=kinds,
        slow_range=slow_range,
    )


@contextmanager
def world(
    tmp: Path,
    *,
    faults: float = 0.0,
    seed: int = 1,
    search_lag: float = 0.0,
    trace_echo: str = "omit",
    kinds: list[str] | None = None,
    slow_range: tuple[float, float] = (0.3, 1.5),
) -> Iterator[World]:
    """Start both fakes (behind fault proxies when ``faults`` > 0) and a project.

    ``kinds`` limits the faults (``["slow"]`` only stretches the run, so a kill
    lands in the middle of it).
    """
    env = {"PYTHONPATH": str(ROOT)}
    with ExitStack() as stack:
        hs_url = start_hubspot(stack, search_lag=search_lag, trace_echo=trace_echo)
        sfa_proc, sfa_url = start_server(
            [
                sys.executable,
                "-m",
                "tests.fakes.thirdparty_sfa",
                "--port",
                "0",
                "--token",
                SFA_TOKEN,
                "--state",
                str(tmp / "sfa-state.json"),
            ],
            env=env,
            cwd=ROOT,
        )
        stack.callback(stop, sfa_proc)
        hs_front, sfa_front = hs_url, sfa_url
        proxies: list[FaultProxy] = []
        if faults > 0:
            hs_proxy = stack.enter_context(
                hubspot_proxy(hs_url, faults, seed, kinds=kinds, slow_range=slow_range)
            )
            sfa_proxy = stack.enter_context(
                FaultProxy(
                    sfa_url,
                    rate=faults,
                    seed=seed + 1,
                    exclude=r"^/__admin",
                    retry_after=1,
                    kinds=kinds,
                    slow_range=slow_range,
                )
            )
            hs_front, sfa_front = hs_proxy.url, sfa_proxy.url
            proxies = [hs_proxy, sfa_proxy]
        project = tmp / "project"
        _write_project(project, hs_front, sfa_front, lookback=int(search_lag * 3))
        yield World(
            folder=project,
            hubspot_url=hs_front,
            sfa_url=sfa_front,
            hubspot_api=hs_url,
            sfa_api=sfa_url,
            env={"PYTHONPATH": str(ROOT), "NO_COLOR": "1", "COLUMNS": "200"},
            proxies=proxies,
        )


def _write_project(folder: Path, hubspot: str, sfa: str, *, lookback: int) -> None:
    mappings = folder / "mappings"
    mappings.mkdir(parents=True)
    (folder / "state").mkdir()
    shutil.copy(ROOT / "mappings" / "matching.toml", mappings / "matching.toml")
    shutil.copy(ROOT / "mappings" / "reporting.toml", mappings / "reporting.toml")
    for name in ("fields.toml", "qualification.toml"):
        shutil.copy(HERE / "mappings" / name, mappings / name)
    stages = (ROOT / "mappings" / "stages.toml").read_text(encoding="utf-8")
    cut = stages.index("# --- Sales force automation")
    sfa_part = (HERE / "mappings" / "stages_sfa.toml").read_text(encoding="utf-8")
    (mappings / "stages.toml").write_text(stages[:cut] + sfa_part, encoding="utf-8")
    (folder / "config.toml").write_text(
        _CONFIG.format(
            hubspot=hubspot,
            sfa=sfa,
            hs_token=HS_TOKEN,
            sfa_token=SFA_TOKEN,
            lookback=lookback,
            listing=_LISTING,
            batch=_BATCH,
        ),
        encoding="utf-8",
    )
