"""The fake org as its own process, for end-to-end tests of the real CLI.

Usage::

    python -m tests.fakes.salesforce --port 0 [--client-id ID --client-secret S]
        [--text-field Lead.Rejected_Reason__c ...] [--unique-external-ids]
        [--duplicate-rules alert|block|off] [--daily-api-limit N]
        [--session-seconds N] [--session-requests N]

It prints ``LISTENING http://127.0.0.1:PORT`` once it accepts connections; that
URL is both the login host and (until ``/__admin/instance-url`` moves it) the
instance URL token answers name. It runs on the wall clock and stops on SIGTERM
or SIGINT. ``/__admin`` on the same port is the test's side door
(:mod:`tests.fakes.salesforce.admin_http`).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from tests.fakes.hubspot.clock import RealClock
from tests.fakes.loopback import LoopbackServer
from tests.fakes.salesforce.admin_http import AdminRoutes
from tests.fakes.salesforce.app import FakeSalesforce
from tests.fakes.salesforce.options import DuplicateMode
from tests.fakes.salesforce.schema import FieldDef


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fakes.salesforce", description=__doc__.split("\n")[0]
    )
    add = parser.add_argument
    add("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0: any free)")
    add("--client-id", default="3MVG9FAKE.consumer.key")
    add("--client-secret", default="fake-consumer-secret")
    add(
        "--text-field",
        action="append",
        default=[],
        metavar="OBJECT.NAME__c",
        help="a custom Text(255) field the org's admin created (repeatable)",
    )
    add("--unique-external-ids", action="store_true", help="Connector_Id__c Unique")
    add("--duplicate-rules", choices=("off", "alert", "block"), default="alert")
    add("--daily-api-limit", type=int, default=100_000)
    add("--session-seconds", type=float, default=7200.0)
    add("--session-requests", type=int, default=None)
    return parser


def _custom_fields(specs: list[str]) -> dict[str, list[FieldDef]]:
    fields: dict[str, list[FieldDef]] = {}
    for spec in specs:
        sobject, _, name = spec.partition(".")
        if not name.endswith("__c"):
            raise SystemExit(f"--text-field {spec}: want Object.Name__c")
        label = name[: -len("__c")].replace("_", " ")
        fields.setdefault(sobject, []).append(
            FieldDef(name, "string", label, 255, custom=True)
        )
    return fields


def build(args: argparse.Namespace, instance_url: str) -> FakeSalesforce:
    """The fake org configured from command-line options, on the wall clock."""
    rules: DuplicateMode = args.duplicate_rules
    return FakeSalesforce(
        clock=RealClock(),
        instance_url=instance_url,
        client_id=args.client_id,
        client_secret=args.client_secret,
        custom_fields=_custom_fields(args.text_field),
        unique_external_ids=args.unique_external_ids,
        duplicate_rules={"Lead": rules, "Contact": rules},
        daily_api_limit=args.daily_api_limit,
        session_seconds=args.session_seconds,
        session_requests=args.session_requests,
    )


def main(argv: list[str] | None = None) -> int:
    """Serve until SIGTERM/SIGINT; exit status 0."""
    args = _parser().parse_args(argv)
    routes: list[AdminRoutes] = []
    # The port is known once bound; the org's instance URL is that address.
    server = LoopbackServer(lambda request: routes[0].handle(request), args.port)
    routes.append(AdminRoutes(build(args, server.url)))
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    with server:
        print(f"LISTENING {server.url}", flush=True)
        while not stop.wait(0.2):
            pass
    print("STOPPED", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
