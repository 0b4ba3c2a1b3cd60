"""The secrets scan: every output of a real run, every encoding of every secret.

The CLI runs against the HubSpot fake and the REST SFA fake, both over real HTTP
on loopback. The SFA answers a refused write with a 422 that echoes the request's
URL and headers back, as some error pages do: with Basic auth the body then holds
``Basic <base64 of user:password>``, with a query-string key its URL-encoded
form. The scan reads the CLI's output (debug logs included), ``status``,
``dlq list``, ``runs``, ``config check``, the import files and the raw bytes of
the state database, and looks for each secret raw, base64'd (alone and with its
user), URL-encoded (upper and lower case, ``+`` for space) and JSON-escaped. A
control value (the refused lead's company, the echoed header names) must appear,
so the scan cannot pass by printing nothing.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import httpx
import pytest

from connector.cli import main
from tests.fakes import sfa as sfa_fake
from tests.fakes.hubspot import FakeHubSpot
from tests.fakes.hubspot.server import FakeHubSpotServer
from tests.flows.harness import make_project

HS_CANARY = "pat-na1-5ec2e7aa-0000-4000-8000-00000000c0de"
SFA_CANARY = "s3cr3t+key/with=odd&chars"
"""Characters that URL encoding and base64 both change: raw matching misses them."""
CONTROL = "株式会社コントロール"


def _forms(secret: str, user: str | None = None) -> set[str]:
    forms = {
        secret,
        quote(secret, safe=""),
        quote(secret, safe="").lower(),
        quote_plus(secret, safe=""),
        json.dumps(secret)[1:-1],
        base64.b64encode(secret.encode()).decode(),
    }
    if user is not None:
        forms.add(base64.b64encode(f"{user}:{secret}".encode()).decode())
    return forms


class _EchoingSfa:
    """FakeSfa's handler; a write naming "reject" gets a 422 echoing the request."""

    def __init__(self, fake: sfa_fake.FakeSfa) -> None:
        self.fake = fake
        self.echoed = 0

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer like the SFA, echoing URL and headers into a refusal."""
        if request.method != "GET" and b"reject" in request.content:
            self.echoed += 1
            echoed = {
                "url": request.url.raw_path.decode(),
                "headers": dict(request.headers),
            }
            return httpx.Response(
                422, json={"error": "unprocessable", "request": echoed}
            )
        return self.fake.handler(request)


AUTH = {
    "basic": (
        'type = "basic"\nusername = "{user}"\npassword = "{secret}"',
        "basic",
    ),
    "api_key_query": (
        'type = "api_key"\nname = "api_token"\nlocation = "query"\nvalue = "{secret}"',
        "api_key_query",
    ),
}


@pytest.fixture(params=sorted(AUTH))
def world(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Path, _EchoingSfa]]:
    """A project whose SFA takes the canary as its password or query-string key."""
    section, kind = AUTH[request.param]
    monkeypatch.setattr(sfa_fake, "PASSWORD", SFA_CANARY)
    monkeypatch.setattr(sfa_fake, "API_KEY", SFA_CANARY)
    hubspot = FakeHubSpot(token=HS_CANARY)
    sfa = sfa_fake.FakeSfa(auth=kind)  # type: ignore[arg-type]
    echoing = _EchoingSfa(sfa)
    with (
        FakeHubSpotServer(hubspot) as hs_server,
        FakeHubSpotServer(echoing) as sfa_server,  # type: ignore[arg-type]
    ):
        config = make_project(tmp_path, hs_token=HS_CANARY, upsert=False)
        text = config.read_text(encoding="utf-8")
        text = text.replace("https://sfa.test", sfa_server.url)
        text = text.replace(
            'adapter = "hubspot"\n',
            f'adapter = "hubspot"\nbase_url = "{hs_server.url}"\n',
        )
        start = text.index("[sfa.auth]\n") + len("[sfa.auth]\n")
        end = text.index("\n[", start)
        auth = section.format(user=sfa_fake.USER, secret=SFA_CANARY)
        text = text[:start] + auth + text[end:]
        text += '\n[logging]\nlevel = "debug"\n'
        config.write_text(text, encoding="utf-8")
        assert main(["--config", str(config), "setup", "hubspot"]) == 0
        for n in range(12):
            hubspot.seed(
                "contacts",
                {
                    "email": f"lead{n}@example.co.jp",
                    "lastname": f"姓{n}",
                    "company": f"株式会社{n}",
                    "lifecyclestage": "marketingqualifiedlead",
                },
            )
        hubspot.seed(
            "contacts",
            {
                "email": "reject@control.co.jp",
                "lastname": "拒否",
                "company": CONTROL,
                "lifecyclestage": "marketingqualifiedlead",
            },
        )
        yield config, echoing


def test_no_output_holds_any_encoding_of_a_secret(
    world: tuple[Path, _EchoingSfa], capfd: pytest.CaptureFixture[str]
) -> None:
    """Logs, CLI views, import files and the database: masked; the control shows."""
    config, sfa_server = world
    capfd.readouterr()
    outputs: dict[str, str] = {}
    for name, args in {
        "sync": ["sync", "handoff"],
        "status": ["status", "--json"],
        "dlq": ["dlq", "list", "--json"],
        "runs": ["runs"],
        "config": ["config", "check"],
    }.items():
        code = main(["--config", str(config), *args])
        out, err = capfd.readouterr()
        outputs[name] = f"exit {code}\n{out}\n{err}"
    folder = config.parent
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in {".csv", ".db", ".db-wal", ".log", ""}:
            outputs[str(path.relative_to(folder))] = path.read_bytes().decode(
                "utf-8", "replace"
            )
    assert sfa_server.echoed >= 1, "the SFA never echoed a request: nothing scanned"
    everything = "\n".join(outputs.values())
    assert CONTROL in outputs["dlq"], outputs["dlq"][-2000:]
    assert "request" in outputs["dlq"]
    assert "headers" in outputs["dlq"]
    assert "exit 1" in outputs["sync"] or "exit 0" in outputs["sync"]
    for secret, user in ((SFA_CANARY, sfa_fake.USER), (HS_CANARY, None)):
        for form in _forms(secret, user):
            leaks = [name for name, text in outputs.items() if form in text]
            assert not leaks, f"{form!r} appears in {leaks}"
    assert "connector.db" in " ".join(outputs), "the database was not scanned"
    assert len(everything) > 1000
