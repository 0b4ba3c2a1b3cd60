"""The admin helpers over HTTP, under ``/__admin``, for the fake as a process.

Salesforce has no such resource: this is the test's side door, the way a
Salesforce user's clicks in the UI (conversion, merge, a stage change, a bulk
edit) or an admin's switches (expired sessions, another integration spending
the API budget) reach a fake running in its own process. Nothing here is
counted against the API budget, logged or faulted; every other path goes to
:meth:`FakeSalesforce.handle` unchanged.

Routes (JSON bodies and answers):

- ``GET /__admin/records/<sObject>[?deleted=true]``: every record, as GET shows it
- ``POST /__admin/seed`` ``{sobject, rows, at?}`` -> ``{ids}``
- ``POST /__admin/edit`` ``{ids, fields}`` (a UI or bulk edit)
- ``POST /__admin/convert`` ``{lead_id, with_opportunity?, status?, account_id?,
  contact_id?, opportunity_name?}`` -> ``{account_id, contact_id, opportunity_id}``
- ``POST /__admin/merge`` ``{master_id, loser_ids}``
- ``POST /__admin/delete`` ``{id}``
- ``POST /__admin/expire-tokens``, ``POST /__admin/use-api`` ``{requests}``,
  ``POST /__admin/day-passes`` (the rolling 24 h usage is forgotten)
- ``POST /__admin/inject`` ``{kind, status?, seconds?, times?, method?, path?}``
- ``POST /__admin/instance-url`` ``{url}``: the ``instance_url`` token answers
  name from now on (a proxy in front of the org)
- ``GET /__admin/requests`` -> ``{requests: [{at, method, path, status}]}``;
  ``POST /__admin/requests/clear``; ``GET /__admin/faults`` -> ``{fired}``
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import httpx

from tests.fakes.salesforce.app import FakeSalesforce

__all__ = ["AdminRoutes"]

_PREFIX = "/__admin/"


class AdminRoutes:
    """A request handler: ``/__admin`` answered here, the rest by the fake."""

    def __init__(self, fake: FakeSalesforce) -> None:
        self.fake = fake

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer an admin call, or pass the request to the fake org."""
        path = request.url.path
        if not path.startswith(_PREFIX):
            return self.fake.handle(request)
        try:
            body: Any = json.loads(request.content) if request.content else {}
            return _json(200, self._admin(request.method, path[len(_PREFIX) :], body))
        except (AssertionError, KeyError, ValueError, TypeError) as exc:
            return _json(400, {"error": f"{type(exc).__name__}: {exc}"})

    def _admin(self, method: str, route: str, body: dict[str, Any]) -> Any:
        fake = self.fake
        if method == "GET" and route.startswith("records/"):
            sobject = route.split("/", 1)[1]
            return {"records": fake.records(sobject, include_deleted=True)}
        if method == "GET" and route == "requests":
            return {"requests": [_logged(e) for e in list(fake.log)]}
        if method == "GET" and route == "faults":
            return {"fired": [list(f) for f in fake.faults.fired]}
        if method != "POST":
            raise KeyError(f"no admin route {method} {route}")
        return self._post(route, body)

    def _post(self, route: str, body: dict[str, Any]) -> Any:
        fake = self.fake
        if route == "seed":
            return {"ids": fake.seed_many(body["sobject"], body["rows"])}
        if route == "edit":
            fake.edit(body["ids"], body["fields"])
        elif route == "convert":
            made = fake.convert_lead(
                body["lead_id"],
                with_opportunity=body.get("with_opportunity", True),
                account_id=body.get("account_id"),
                contact_id=body.get("contact_id"),
                status=body.get("status"),
                opportunity_name=body.get("opportunity_name"),
            )
            return {
                "account_id": made.account_id,
                "contact_id": made.contact_id,
                "opportunity_id": made.opportunity_id,
            }
        elif route == "merge":
            fake.merge(body["master_id"], body["loser_ids"])
        elif route == "delete":
            fake.delete_record(body["id"])
        elif route == "expire-tokens":
            fake.expire_tokens()
        elif route == "use-api":
            fake.use_api(int(body["requests"]))
        elif route == "day-passes":
            with fake._lock:
                # Everything counted so far is older than the window from now.
                fake.usage.used(fake.clock.time() + 86_400.0)
        elif route == "inject":
            fake.inject(
                body["kind"],
                status=int(body.get("status", 503)),
                seconds=float(body.get("seconds", 0.0)),
                times=int(body.get("times", 1)),
                method=body.get("method"),
                path=body.get("path"),
            )
        elif route == "instance-url":
            self._move_instance(str(body["url"]))
        elif route == "requests/clear":
            with fake._lock:
                fake.log.clear()
        else:
            raise KeyError(f"no admin route POST {route}")
        return {"ok": True}

    def _move_instance(self, url: str) -> None:
        fake = self.fake
        with fake._lock:
            fake.options = replace(fake.options, instance_url=url.rstrip("/"))
            fake.org.options = fake.options


def _logged(entry: Any) -> dict[str, Any]:
    return {
        "at": entry.at,
        "method": entry.method,
        "path": entry.path,
        "status": entry.status,
    }


def _json(status: int, body: Any) -> httpx.Response:
    return httpx.Response(status, json=body)
