"""Bulk API 2.0 query jobs, for backfills too big for REST batches (fact sheet §9).

A job is created with the SOQL (no ORDER BY: it would disable PK chunking and
risk timeouts), polled until ``JobComplete``, then read as CSV pages of
``maxRecords`` rows. Each page names the locator of the next one
(``Sforce-Locator``, the string ``"null"`` on the last); locators stay valid
while the job exists (7 days), so a backfill killed mid-way resumes at the page
it was on. Results must be read with the API version that created the job.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from adapters.salesforce.client import SalesforceClient, error_codes
from adapters.salesforce.cursor import BulkState
from adapters.salesforce.describe import ObjectInfo
from adapters.salesforce.records import parse_datetime
from connector.errors import AdapterError

__all__ = ["BulkJobGone", "BulkPage", "BulkQuery", "typed_value"]

_NUMBERS = {"double", "currency", "percent"}
_POLL_MAX = 30.0


class BulkJobGone(Exception):
    """The job of a stored backfill no longer exists (deleted or expired)."""


@dataclass(frozen=True, slots=True)
class BulkPage:
    """One page of results and the locator of the next (None after the last)."""

    rows: list[dict[str, Any]]
    next_locator: str | None


def typed_value(value: str, field_type: str | None) -> Any:
    """A CSV cell as the JSON value REST would give: bools, numbers, None."""
    if value == "":
        return None
    if field_type == "boolean":
        return value.lower() == "true"
    if field_type == "datetime":
        moment = parse_datetime(value)
        # REST's layout, so a record reads the same whichever API it came from.
        return (
            moment.strftime("%Y-%m-%dT%H:%M:%S.")
            + f"{moment.microsecond // 1000:03d}+0000"
            if moment
            else value
        )
    try:
        if field_type == "int":
            return int(value)
        if field_type in _NUMBERS:
            number = float(value)
            # Whole numbers as ints, as records.flatten gives REST's values.
            return int(number) if number.is_integer() else number
    except ValueError:
        return value
    return value


class BulkQuery:
    """Creates, waits for and reads query jobs through one session.

    Args:
        client: the session (its sleep and clock pace the polls).
        page_size: rows per result page (``maxRecords``).
        poll_seconds: first wait between status reads (doubling, at most 30 s).
        timeout: seconds a job may take before it is aborted.
    """

    def __init__(
        self,
        client: SalesforceClient,
        *,
        page_size: int,
        poll_seconds: float,
        timeout: float,
    ) -> None:
        self.client = client
        self.page_size = page_size
        self.poll_seconds = poll_seconds
        self.timeout = timeout

    def start(self, sobject: str, soql: str) -> BulkState:
        """Create a query job; its creation time starts the catch-up afterwards.

        Raises:
            AdapterError: Salesforce refused the job (bad query, no Bulk access).
        """
        response = self.client.request(
            "POST",
            "/jobs/query",
            json={
                "operation": "query",
                "query": soql,
                "contentType": "CSV",
                "columnDelimiter": "COMMA",
                "lineEnding": "LF",
            },
        )
        job = self.client.expect(response, (200, 201), f"create Bulk query {sobject}")
        started = parse_datetime(job.get("createdDate")) or datetime.fromtimestamp(
            self.client.clock(), UTC
        )
        return BulkState(sobject, str(job["id"]), started)

    def wait(self, state: BulkState) -> None:
        """Poll until the job is complete.

        Raises:
            BulkJobGone: the job does not exist any more.
            AdapterError: the job failed, was aborted, or took longer than
                ``timeout`` (it is then aborted).
        """
        pause = self.poll_seconds
        waited = 0.0
        started = time.monotonic()
        while True:
            response = self.client.request("GET", f"/jobs/query/{state.job}")
            if response.status_code == 404:
                raise BulkJobGone(state.job)
            info = self.client.expect(response, (200,), f"read Bulk job {state.job}")
            status = info.get("state")
            if status == "JobComplete":
                return
            if status in ("Failed", "Aborted"):
                raise AdapterError(
                    f"the Bulk query job {state.job} of {state.sobject} ended "
                    f"{status}: {info.get('errorMessage') or 'no reason given'}",
                    hint="the backfill starts a new job on its next run; if it "
                    "fails again, check the query fields and the user's Bulk API "
                    "access",
                    context={"system": self.client.name, "job": state.job},
                )
            if waited >= self.timeout or time.monotonic() - started >= self.timeout:
                self._abort(state)
                raise AdapterError(
                    f"the Bulk query job {state.job} of {state.sobject} was not "
                    f"complete after {self.timeout:.0f} s and was aborted",
                    hint="raise [sfa] bulk_timeout_seconds, or run the backfill "
                    "when the org is less busy",
                    context={"system": self.client.name, "job": state.job},
                )
            self.client.sleep(pause)
            waited += pause
            pause = min(pause * 2, _POLL_MAX)

    def _abort(self, state: BulkState) -> None:
        self.client.request(
            "PATCH", f"/jobs/query/{state.job}", json={"state": "Aborted"}
        )

    def pages(self, state: BulkState, info: ObjectInfo) -> Iterator[BulkPage]:
        """The result pages from ``state.locator`` on, values typed by describe.

        Raises:
            BulkJobGone: the job does not exist any more.
            AdapterError: Salesforce refused the results request.
        """
        locator = state.locator
        while True:
            params: dict[str, Any] = {"maxRecords": self.page_size}
            if locator:
                params["locator"] = locator
            response = self.client.request(
                "GET",
                f"/jobs/query/{state.job}/results",
                params=params,
                headers={"Accept": "text/csv"},
            )
            if response.status_code == 404 or "INVALID_LOCATOR" in error_codes(
                response
            ):
                raise BulkJobGone(state.job)
            self.client.expect_status(
                response, (200,), f"read Bulk results {state.job}"
            )
            reader = csv.DictReader(io.StringIO(response.text))
            rows = [
                {
                    name: typed_value(cell or "", _type(info, name))
                    for name, cell in row.items()
                }
                for row in reader
            ]
            raw = response.headers.get("sforce-locator") or "null"
            locator = None if raw == "null" else raw
            yield BulkPage(rows, locator)
            if locator is None:
                return


def _type(info: ObjectInfo, name: str) -> str | None:
    field = info.fields.get(name)
    return field.type if field is not None else None
