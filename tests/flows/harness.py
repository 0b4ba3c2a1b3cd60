"""A connector wired to the HubSpot fake (MA) and the REST SFA fake on one clock.

Flow tests build a project folder (config, mappings written for these fakes) and an
:class:`App` whose adapters get the fakes' transports plus the fake clock's
``sleep``, so retries, rate limits and backoff never really wait.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import httpx
from typing_extensions import override

from adapters.hubspot import HubSpotAdapter
from adapters.protocol import Adapter
from adapters.rest import RestAdapter
from connector.app import App, System
from connector.flows import RunSummary, run_flow
from connector.registry import validate_adapter_settings
from tests.fakes import sfa as sfa_fake
from tests.fakes.hubspot import FakeClock, FakeHubSpot

__all__ = [
    "HS_TOKEN",
    "Faulty",
    "Wired",
    "WiredApp",
    "make_project",
    "seed_contacts",
    "sfa_leads",
]

ROOT = Path(__file__).resolve().parents[2]
HS_TOKEN = "pat-na1-0a0a0a0a-1b1b-2c2c-3d3d-4e4e4e4e4e4e"
SFA_BASE = "https://sfa.test/api/v1"
FAKE_MAPPINGS = Path(__file__).with_name("fake_mappings")


_CONFIG = """
[state]
url = "{state_url}"

[mappings]
dir = "mappings"

[ma]
adapter = "hubspot"
token = "{hs_token}"
lookback_seconds = 0

[ma.limits]
max_attempts = {attempts}

{properties}
[sfa]
adapter = "rest"
base_url = "{sfa_base}"

[sfa.auth]
type = "bearer"
token = "{sfa_token}"

[sfa.retry]
attempts = {attempts}

[sfa.entities.persons]
updated_field = "updated_at"

[sfa.entities.persons.list]
path = "/persons"
updated_since_param = "updated_since"
sort_param = "sort"
sort_value = "updated_at"
page_size = 50
records_path = "data.items"
pagination = {{ style = "cursor", next_cursor_path = "meta.next_cursor" }}

[sfa.entities.persons.write]
create = {{ method = "POST", path = "/persons" }}
update = {{ method = "PATCH", path = "/persons/{{id}}" }}
{upsert}created_path = "created"

[sfa.entities.persons.write.batch_create]
path = "/persons/batch"
max_size = 10
result_ok_path = "success"

[sfa.entities.deals]
updated_field = "updated_at"

[sfa.entities.deals.list]
path = "/deals"
updated_since_param = "updated_since"
sort_param = "sort"
sort_value = "updated_at"
page_size = 50
records_path = "data.items"
pagination = {{ style = "cursor", next_cursor_path = "meta.next_cursor" }}

[flows.handoff]
batch_size = {batch_size}
max_attempts = {max_attempts}

[flows.outcomes]
batch_size = {batch_size}
max_attempts = {max_attempts}

[server]
enabled = false
"""


_PROPERTIES = """[ma.properties]
persons = ["email", "firstname", "lastname", "company", "phone", "lifecyclestage",
  "sfa_lead_id", "handoff_time", "canonical_stage", "outcome", "amount_won",
  "loss_reason", "rejected_reason"]
"""


def make_project(
    folder: Path,
    *,
    batch_size: int = 50,
    max_attempts: int = 3,
    attempts: int = 5,
    state_url: str = "sqlite:///state/connector.db",
    hs_token: str = HS_TOKEN,
    sfa_token: str = sfa_fake.TOKEN,
    upsert: bool = True,
    properties: bool = True,
) -> Path:
    """Write config.toml and a mappings folder for the two fakes; return the config.

    ``upsert=False`` leaves out the SFA's upsert endpoint, so creates go in batches
    of 10 instead of one request each (faster, but a lost create response then
    makes a duplicate lead). ``properties=False`` leaves out ``[ma.properties]``,
    as a new admin would: the adapter then pulls what the mapping files read.
    """
    mappings = folder / "mappings"
    mappings.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mappings" / "matching.toml", mappings / "matching.toml")
    stages = (ROOT / "mappings" / "stages.toml").read_text(encoding="utf-8")
    cut = stages.index("# --- Sales force automation")
    sfa_stages = (FAKE_MAPPINGS / "stages_sfa.toml").read_text(encoding="utf-8")
    (mappings / "stages.toml").write_text(stages[:cut] + sfa_stages, encoding="utf-8")
    for name in ("fields.toml", "qualification.toml"):
        shutil.copy(FAKE_MAPPINGS / name, mappings / name)
    (folder / "state").mkdir(exist_ok=True)
    config = folder / "config.toml"
    config.write_text(
        _CONFIG.format(
            state_url=state_url,
            hs_token=hs_token,
            sfa_token=sfa_token,
            sfa_base=SFA_BASE,
            attempts=attempts,
            batch_size=batch_size,
            max_attempts=max_attempts,
            properties=_PROPERTIES if properties else "",
            upsert=(
                'upsert = { method = "PUT", path = '
                '"/persons/by/{match_field}/{match_value}" }\n'
                if upsert
                else ""
            ),
        ),
        encoding="utf-8",
    )
    return config


class Faulty:
    """Wraps a fake's handler and makes a seeded share of requests fail.

    Failures happen before the fake sees the request (429, 5xx, connect errors,
    resets, timeouts), so a failed request changed nothing, as a real server that
    never got it. ``after_rate`` instead loses the response of a request the fake
    did process (a read timeout after the write landed).
    """

    KINDS = ("429", "500", "502", "503", "timeout", "reset", "connect")

    def __init__(
        self,
        handler: Callable[[httpx.Request], httpx.Response],
        *,
        rate: float,
        seed: int,
        after_rate: float = 0.0,
    ) -> None:
        self.handler = handler
        self.rate = rate
        self.after_rate = after_rate
        self.random = random.Random(seed)
        self.injected: dict[str, int] = dict.fromkeys(self.KINDS, 0)
        self.injected["lost_response"] = 0
        self.requests = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if self.random.random() < self.rate:
            kind = self.random.choice(self.KINDS)
            self.injected[kind] += 1
            if kind == "429":
                return httpx.Response(
                    429,
                    headers={"Retry-After": "1"},
                    json={"status": "error", "message": "slow down"},
                )
            if kind in ("500", "502", "503"):
                return httpx.Response(int(kind), text="upstream trouble")
            if kind == "timeout":
                raise httpx.ReadTimeout("timed out", request=request)
            if kind == "reset":
                raise httpx.ReadError("Connection reset by peer", request=request)
            raise httpx.ConnectError("connection refused", request=request)
        response = self.handler(request)
        if self.after_rate and self.random.random() < self.after_rate:
            self.injected["lost_response"] += 1
            raise httpx.ReadTimeout("timed out after sending", request=request)
        return response


@dataclass
class Wired:
    """The fakes behind one wired app, and the clock they share."""

    clock: FakeClock
    hubspot: FakeHubSpot
    sfa: sfa_fake.FakeSfa
    ma_handler: Callable[[httpx.Request], httpx.Response]
    sfa_handler: Callable[[httpx.Request], httpx.Response]

    @classmethod
    def build(cls, clock: FakeClock | None = None) -> Wired:
        """Fresh fakes on one clock, with the HubSpot burst limit raised to 190."""
        clock = clock or FakeClock()
        hubspot = FakeHubSpot(token=HS_TOKEN, clock=clock, burst_limit=190)
        sfa = sfa_fake.FakeSfa(
            clock=cast(sfa_fake.FakeClock, clock), max_page_size=50, batch_max=10
        )
        return cls(clock, hubspot, sfa, hubspot.handle, sfa.handler)


@dataclass
class WiredApp(App):
    """An App whose API adapters use the fakes and never really sleep."""

    wired: Wired | None = None
    sleeps: list[float] = field(default_factory=list)

    def _sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        assert self.wired is not None
        self.wired.clock.sleep(seconds)

    @override
    def adapter(self, system: System) -> Adapter:
        """Build HubSpot/REST adapters on the fake clock; others as usual."""
        if system in self._adapters or self.wired is None:
            return super().adapter(system)
        section = self.settings.ma if system == "ma" else self.settings.sfa
        settings: Any = validate_adapter_settings(system, section)
        clock = self.wired.clock
        wired = self.wired

        def handler(request: httpx.Request) -> httpx.Response:
            # Looked up per request, so a test may wrap the handlers at any time.
            inner = wired.ma_handler if system == "ma" else wired.sfa_handler
            return inner(request)

        transport = httpx.MockTransport(handler)
        built: Adapter
        if section.adapter == "hubspot":
            built = HubSpotAdapter(
                system,
                settings,
                transport=transport,
                clock=clock.monotonic,
                sleep=self._sleep,
                wall_clock=clock.time,
            )
        elif section.adapter == "rest":
            built = RestAdapter(
                system,
                settings,
                transport=transport,
                sleep=self._sleep,
                clock=clock.monotonic,
            )
        else:
            return super().adapter(system)
        self._adapters[system] = built
        return built

    @classmethod
    def open(cls, config: Path, wired: Wired) -> WiredApp:
        """Load ``config`` into an app wired to ``wired``."""
        base = App.from_config(config)
        return cls(base.settings, base.base_dir, base.config_path, wired=wired)

    def run(self, flow: str, **kwargs: Any) -> RunSummary:
        """Run one flow once (a sync unless ``mode`` says otherwise)."""
        return run_flow(self, flow, **kwargs)

    def setup_hubspot(self) -> None:
        """Create the connector-owned HubSpot properties, as ``connector setup``."""
        adapter = self.adapter("ma")
        assert isinstance(adapter, HubSpotAdapter)
        adapter.setup()


def seed_contacts(
    hubspot: FakeHubSpot, count: int, *, stage: str = "marketingqualifiedlead"
) -> dict[str, str]:
    """Create ``count`` qualified contacts; return email -> contact id."""
    ids = {}
    for n in range(count):
        email = f"person{n:05d}@company{n % 97:02d}.co.jp"
        ids[email] = hubspot.seed(
            "contacts",
            {
                "email": email,
                "firstname": f"名{n}",
                "lastname": f"姓{n:05d}",
                "company": f"株式会社テスト{n % 97:02d}",
                "lifecyclestage": stage,
            },
        )
    return ids


def sfa_leads(fake: sfa_fake.FakeSfa) -> Iterator[dict[str, Any]]:
    """Every lead the SFA fake holds."""
    yield from fake.tables["persons"].values()
