"""A canary token never shows in logs, errors, ``config check`` or dead letters.

Each check also looks for a control value that must be there, so a test cannot
pass by printing nothing. The SFA fake here echoes request headers into its error
bodies, as some real error pages do.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import structlog

from connector.cli import main
from connector.errors import ConnectorError
from connector.logging import configure_logging
from tests.fakes.hubspot import FakeHubSpot
from tests.flows.harness import Wired, WiredApp, make_project, seed_contacts

CANARY = "pat-na1-cafecafe-0000-4000-8000-5ec12e7ca7a2"
CONTROL = "株式会社コントロール"


@pytest.fixture
def logs() -> Iterator[io.StringIO]:
    """Every log line at debug level, as JSON, in a buffer."""
    buffer = io.StringIO()
    configure_logging(level="debug", fmt="json", stream=buffer)
    yield buffer
    structlog.reset_defaults()


def _echoing(wired: Wired) -> None:
    """MA and SFA errors that repeat the request's headers back."""
    inner_ma, inner_sfa = wired.ma_handler, wired.sfa_handler
    calls = {"ma": 0}

    def ma(request: httpx.Request) -> httpx.Response:
        calls["ma"] += 1
        if calls["ma"] % 7 == 0:
            return httpx.Response(503, text=f"proxy error: {dict(request.headers)}")
        return inner_ma(request)

    def sfa(request: httpx.Request) -> httpx.Response:
        body = request.content.decode() if request.content else ""
        if request.method != "GET" and "reject" in body:
            return httpx.Response(
                400,
                json={"error": "refused", "request_headers": dict(request.headers)},
            )
        return inner_sfa(request)

    wired.ma_handler, wired.sfa_handler = ma, sfa


def test_canary_token_stays_out_of_logs_errors_and_dead_letters(
    tmp_path: Path, logs: io.StringIO, capsys: pytest.CaptureFixture[str]
) -> None:
    """Logs, dead letters and CLI output mask the token; the control value shows."""
    config = make_project(tmp_path, hs_token=CANARY, upsert=False)
    wired = Wired.build()
    wired.hubspot = FakeHubSpot(token=CANARY, clock=wired.clock, burst_limit=190)
    wired.ma_handler = wired.hubspot.handle
    _echoing(wired)
    app = WiredApp.open(config, wired)
    app.setup_hubspot()
    seed_contacts(wired.hubspot, 30)
    wired.hubspot.seed(
        "contacts",
        {
            "email": "reject@control.co.jp",
            "lastname": "拒否",
            "company": CONTROL,
            "lifecyclestage": "marketingqualifiedlead",
        },
    )
    summary = app.run("handoff", mode="backfill")
    assert summary.status == "partial"
    app.close()

    text = logs.getvalue()
    assert "http_retry" in text
    assert "sfa.test" in text
    assert CANARY not in text

    capsys.readouterr()
    assert main(["--config", str(config), "dlq", "list", "--json"]) == 0
    out = capsys.readouterr().out
    letter = json.loads(out)
    assert CONTROL in json.dumps(letter["payload"], ensure_ascii=False)
    assert "request_headers" in json.dumps(letter["payload"])
    assert CANARY not in out
    with (tmp_path / "state" / "connector.db").open("rb") as handle:
        assert CANARY.encode() not in handle.read()

    assert main(["--config", str(config), "config", "check"]) in (0, 1)
    out, err = capsys.readouterr()
    assert "api.hubapi.com" in out + err or "hubspot" in out + err
    assert CANARY not in out + err


def test_auth_error_names_the_fix_without_the_token(tmp_path: Path) -> None:
    """A refused token fails the run with a hint, never quoting the token."""
    config = make_project(tmp_path, hs_token=CANARY)
    wired = Wired.build()  # the fake expects another token
    app = WiredApp.open(config, wired)
    seed_contacts(wired.hubspot, 3)
    with pytest.raises(ConnectorError) as caught:
        app.run("handoff")
    text = f"{caught.value.one_line()} {caught.value.hint} {caught.value.context}"
    assert "token" in text
    assert CANARY not in text
    app.close()
