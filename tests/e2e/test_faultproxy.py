"""The fault proxy on loopback: forwards faithfully, injects and counts faults."""

from __future__ import annotations

import http.client
import json
import socket
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from typing_extensions import override

from tests.e2e.faultplan import (
    DROP_AFTER,
    DROP_BEFORE,
    HTTP_5XX,
    RATE_LIMIT_BURST,
    SLOW,
    Decision,
)
from tests.e2e.faultproxy import FaultProxy
from tests.e2e.procs import free_port, output, start_server, stop

REPO = Path(__file__).resolve().parents[2]
FAST = (0.0, 0.01)  # stall range for tests that are not about stalls


@dataclass
class Upstream:
    """A loopback server that records every request it applies."""

    url: str
    seen: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self) -> int:
        with self.lock:
            return len(self.seen)


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    """A recording upstream that echoes what it saw as JSON with status 201."""
    record = Upstream(url="")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def handle_any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            seen = {
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": self.rfile.read(length).decode(),
            }
            with record.lock:
                record.seen.append(seen)
            if self.command == "HEAD":
                self.send_response(200)
                self.send_header("Content-Length", "1234")
                self.end_headers()
                return
            payload = json.dumps(seen).encode()
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("X-Upstream", "yes")
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = handle_any

        @override
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    record.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield record
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@dataclass
class Answer:
    """What a client observed: a response, or ``status == 0`` for a drop."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self.body)
        return document


def call(base: str, method: str = "GET", path: str = "/", **kwargs: Any) -> Answer:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        conn.request(method, path, **kwargs)
        response = conn.getresponse()
        body = response.read()
    except (http.client.RemoteDisconnected, ConnectionResetError):
        return Answer(status=0)
    finally:
        conn.close()
    headers = {k.lower(): v for k, v in response.getheaders()}
    return Answer(response.status, headers, body)


def test_forwards_method_path_query_headers_and_body(upstream: Upstream) -> None:
    """A clean request reaches upstream intact with Host fixed, and comes back."""
    with FaultProxy(upstream.url, rate=0.0) as proxy:
        answer = call(
            proxy.url,
            "PATCH",
            "/crm/v3/objects/contacts/7?idProperty=email&x=%C3%A9",
            body=b'{"properties": {"lifecyclestage": "salesqualifiedlead"}}',
            headers={"X-Trace": "abc", "Authorization": "Bearer t"},
        )
    assert answer.status == 201
    assert answer.headers["x-upstream"] == "yes"
    assert int(answer.headers["content-length"]) == len(answer.body)
    seen = answer.json()
    assert seen == upstream.seen[0]
    assert seen["method"] == "PATCH"
    assert seen["path"] == "/crm/v3/objects/contacts/7?idProperty=email&x=%C3%A9"
    assert seen["body"] == '{"properties": {"lifecyclestage": "salesqualifiedlead"}}'
    assert seen["headers"]["host"] == urlsplit(upstream.url).netloc
    assert seen["headers"]["x-trace"] == "abc"
    assert seen["headers"]["authorization"] == "Bearer t"


def test_upstream_base_path_and_chunked_bodies(upstream: Upstream) -> None:
    """The upstream URL's path prefixes requests and chunked bodies arrive whole."""
    with FaultProxy(upstream.url + "/sfa/", rate=0.0) as proxy:
        answer = call(
            proxy.url,
            "POST",
            "/leads?dry=1",
            body=iter([b"first,", b"second"]),
            encode_chunked=True,
            headers={"Transfer-Encoding": "chunked"},
        )
        head = call(proxy.url, "HEAD", "/leads")
    assert answer.status == 201
    assert answer.json()["path"] == "/sfa/leads?dry=1"
    assert answer.json()["body"] == "first,second"
    assert "transfer-encoding" not in answer.json()["headers"]
    assert (head.status, head.body) == (200, b"")
    assert head.headers["content-length"] == "1234"


def test_http_5xx_answers_without_contacting_upstream(upstream: Upstream) -> None:
    """Injected gateway errors are 502-504 with HTML or JSON and never forwarded."""
    with FaultProxy(upstream.url, rate=1.0, seed=3, kinds=[HTTP_5XX]) as proxy:
        answers = [call(proxy.url, "POST", "/leads", body=b"{}") for _ in range(12)]
        stats = proxy.stats()
    assert {a.status for a in answers} <= {502, 503, 504}
    types = {a.headers["content-type"] for a in answers}
    assert types == {"text/html", "application/json"}
    for answer in answers:
        if answer.headers["content-type"] == "application/json":
            assert answer.json()["status"] == "error"
        else:
            assert str(answer.status).encode() in answer.body
    assert upstream.count() == 0
    assert stats["faults"][HTTP_5XX] == 12
    assert (stats["forwarded"], stats["requests"]) == (0, 12)


def test_rate_limit_burst_hubspot_style(upstream: Upstream) -> None:
    """A burst answers HubSpot-shaped 429s to the following requests too."""
    with FaultProxy(
        upstream.url,
        rate=1.0,
        seed=5,
        kinds=[RATE_LIMIT_BURST],
        retry_after=2,
        hubspot_429=True,
    ) as proxy:
        first = call(proxy.url, "GET", "/crm/v3/objects/contacts")
        length = proxy.decisions()[0].burst_length
        proxy.plan.rate = 0.0  # only the burst already started can fault now
        rest = [call(proxy.url, "GET", "/crm/v3/objects/contacts") for _ in range(6)]
        stats = proxy.stats()
    limited = [first, *rest[: length - 1]]
    assert 3 <= length <= 6
    assert all(a.status == 429 for a in limited)
    assert all(a.status == 201 for a in rest[length - 1 :])
    assert first.headers["retry-after"] == "2"
    assert first.headers["x-hubspot-ratelimit-interval-milliseconds"] == "10000"
    assert first.headers["x-hubspot-ratelimit-remaining"] == "0"
    body = first.json()
    assert body["errorType"] == "RATE_LIMIT"
    assert body["policyName"] == "TEN_SECONDLY_ROLLING"
    assert body["message"] == "You have reached your ten_secondly_rolling limit."
    assert len({a.json()["correlationId"] for a in limited}) == length
    assert upstream.count() == 7 - length
    assert stats["faults"][RATE_LIMIT_BURST] == length
    assert (stats["rate_limit_bursts"], stats["forwarded"]) == (1, 7 - length)


def test_plain_429_without_hubspot_headers(upstream: Upstream) -> None:
    """Without the HubSpot option a 429 carries no HubSpot headers or Retry-After."""
    with FaultProxy(upstream.url, rate=1.0, kinds=[RATE_LIMIT_BURST]) as proxy:
        answer = call(proxy.url)
    assert answer.status == 429
    assert not any(name.startswith("x-hubspot") for name in answer.headers)
    assert "retry-after" not in answer.headers


def test_slow_forwards_after_the_drawn_delay(upstream: Upstream) -> None:
    """A stalled request is forwarded only after its 0.3-1.5 s delay."""
    with FaultProxy(upstream.url, rate=1.0, seed=2, kinds=[SLOW]) as proxy:
        started = time.monotonic()
        answer = call(proxy.url, "GET", "/slow")
        elapsed = time.monotonic() - started
        delay = proxy.decisions()[0].delay
        stats = proxy.stats()
    assert 0.3 <= delay <= 1.5
    assert elapsed >= delay
    assert answer.status == 201
    assert upstream.count() == 1
    assert (stats["faults"][SLOW], stats["forwarded"]) == (1, 1)


def test_drop_before_closes_without_forwarding(upstream: Upstream) -> None:
    """The client loses the connection and the upstream never sees the request."""
    with FaultProxy(upstream.url, rate=1.0, kinds=[DROP_BEFORE]) as proxy:
        answer = call(proxy.url, "POST", "/leads", body=b'{"email": "a@b.jp"}')
        stats = proxy.stats()
    assert answer.status == 0
    assert upstream.count() == 0
    assert (stats["faults"][DROP_BEFORE], stats["forwarded"]) == (1, 0)


def test_drop_after_applies_upstream_then_closes(upstream: Upstream) -> None:
    """The upstream applies the write, yet the client gets no answer at all."""
    with FaultProxy(upstream.url, rate=1.0, kinds=[DROP_AFTER]) as proxy:
        answer = call(proxy.url, "POST", "/leads", body=b'{"email": "a@b.jp"}')
        stats = proxy.stats()
    assert answer.status == 0
    assert upstream.count() == 1
    assert upstream.seen[0]["method"] == "POST"
    assert upstream.seen[0]["body"] == '{"email": "a@b.jp"}'
    assert (stats["faults"][DROP_AFTER], stats["forwarded"]) == (1, 1)


def _replay(upstream: Upstream, seed: int) -> tuple[list[Decision], list[int]]:
    with FaultProxy(upstream.url, rate=0.5, seed=seed, slow_range=FAST) as proxy:
        statuses = [call(proxy.url, "GET", f"/r/{i}").status for i in range(40)]
        return proxy.decisions(), statuses


def test_same_seed_same_faults_over_http(upstream: Upstream) -> None:
    """Replaying a request sequence with one seed repeats every fault exactly."""
    first_decisions, first_statuses = _replay(upstream, seed=21)
    second_decisions, second_statuses = _replay(upstream, seed=21)
    other_decisions, _ = _replay(upstream, seed=22)
    assert first_decisions == second_decisions
    assert first_statuses == second_statuses
    assert {0, 201, 429} <= set(first_statuses)
    assert [d.kind for d in other_decisions] != [d.kind for d in first_decisions]


def test_stats_endpoint_is_never_forwarded_or_faulted(upstream: Upstream) -> None:
    """GET /__proxy/stats always answers from the proxy, even at rate 1."""
    with FaultProxy(upstream.url, rate=1.0, slow_range=FAST) as proxy:
        answers = [call(proxy.url, "GET", "/__proxy/stats") for _ in range(15)]
        call(proxy.url, "GET", "/counted")
        final = call(proxy.url, "GET", "/__proxy/stats?fresh=1").json()
    assert {a.status for a in answers} == {200}
    assert answers[0].json()["requests"] == 0
    assert final["requests"] == 1
    assert final["faults_total"] == 1
    assert upstream.count() == final["forwarded"]
    assert call(upstream.url, "GET", "/probe").json()["path"] == "/probe"


def test_excluded_paths_are_forwarded_untouched(upstream: Upstream) -> None:
    """Requests whose path matches the exclusion regex are never faulted."""
    with FaultProxy(
        upstream.url, rate=1.0, exclude=r"^/__admin", slow_range=FAST
    ) as proxy:
        answers = [call(proxy.url, "POST", "/__admin/seed") for _ in range(15)]
        faulted = call(proxy.url, "POST", "/leads/__admin")
        stats = proxy.stats()
    assert {a.status for a in answers} == {201}
    assert stats["excluded"] == 15
    assert stats["faults_total"] == 1
    assert len(proxy.decisions()) == 1
    assert faulted.status != 201 or proxy.decisions()[0].kind == SLOW


def test_pause_and_resume_from_python_and_http(upstream: Upstream) -> None:
    """While paused everything is forwarded; resuming injects faults again."""
    with FaultProxy(upstream.url, rate=1.0, kinds=[HTTP_5XX]) as proxy:
        proxy.pause()
        paused = [call(proxy.url).status for _ in range(3)]
        proxy.resume()
        resumed = call(proxy.url).status
        via_http = call(proxy.url, "POST", "/__proxy/pause").json()
        paused_again = call(proxy.url).status
        call(proxy.url, "POST", "/__proxy/resume")
        last = call(proxy.url).status
        stats = proxy.stats()
    assert paused == [201, 201, 201]
    assert resumed in (502, 503, 504)
    assert via_http["paused"] is True
    assert paused_again == 201
    assert last in (502, 503, 504)
    assert (stats["while_paused"], stats["faults_total"]) == (4, 2)


def test_unknown_control_path_is_404_and_unreachable_upstream_is_502() -> None:
    """Control typos are not forwarded; a dead upstream is a counted 502."""
    with FaultProxy(f"http://127.0.0.1:{free_port()}", rate=0.0) as proxy:
        typo = call(proxy.url, "GET", "/__proxy/stat")
        dead = call(proxy.url, "GET", "/anything")
        stats = proxy.stats()
    assert typo.status == 404
    assert dead.status == 502
    assert b"upstream unreachable" in dead.body
    assert (stats["upstream_errors"], stats["forwarded"]) == (1, 0)


def test_garbled_upstream_answer_is_a_counted_502() -> None:
    """An upstream that does not speak HTTP yields a 502, not a hung client."""
    listener = socket.create_server(("127.0.0.1", 0))

    def answer_garbage() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"SSH-2.0-OpenSSH\r\n\r\n")

    thread = threading.Thread(target=answer_garbage, daemon=True)
    thread.start()
    port = listener.getsockname()[1]
    with listener, FaultProxy(f"http://127.0.0.1:{port}", rate=0.0) as proxy:
        answer = call(proxy.url, "GET", "/")
        stats = proxy.stats()
    thread.join(5)
    assert answer.status == 502
    assert stats["upstream_errors"] == 1


def test_bad_upstream_url_is_refused() -> None:
    """Only absolute http(s) upstream URLs are accepted."""
    with pytest.raises(ValueError, match="upstream"):
        FaultProxy("127.0.0.1:8080")


@pytest.mark.slow
def test_process_entry_point_serves_and_reports(upstream: Upstream) -> None:
    """``python -m tests.e2e.faultproxy`` prints LISTENING, proxies, exits on TERM."""
    argv = [sys.executable, "-m", "tests.e2e.faultproxy", "--upstream", upstream.url]
    argv += ["--port", "0", "--rate", "1", "--seed", "1", "--kinds", "drop_after"]
    argv += ["--exclude", "^/__admin"]
    proc, url = start_server(argv, {"PYTHONPATH": str(REPO)}, cwd=REPO)
    try:
        assert url.startswith("http://127.0.0.1:")
        assert call(url, "POST", "/leads", body=b"x").status == 0
        assert call(url, "GET", "/__admin/state").status == 201
        stats = call(url, "GET", "/__proxy/stats").json()
    finally:
        returncode = stop(proc)
    assert returncode == 0
    assert (stats["faults"][DROP_AFTER], stats["excluded"]) == (1, 1)
    assert stats["forwarded"] == upstream.count() == 2
    assert json.loads(output(proc)[1].strip().splitlines()[-1]) == stats
