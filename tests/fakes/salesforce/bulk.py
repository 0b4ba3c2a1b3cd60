"""Bulk API 2.0 query jobs: ``/jobs/query`` (fact sheet §9).

Create answers the job in ``UploadComplete``; reading it moves it to
``InProgress`` and, after ``bulk_polls_to_complete`` reads, to ``JobComplete``
(the query runs then). Results are CSV pages of ``maxRecords`` rows with
``Sforce-NumberOfRecords`` and ``Sforce-Locator`` (the string ``"null"`` on the
last page; locators are stable while the job exists). Results before completion
answer JOB_NOT_COMPLETE; results asked for under another API version 409.
GROUP BY, OFFSET, TYPEOF, aggregates and subqueries are refused.
"""

from __future__ import annotations

import base64
import csv
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from tests.fakes.salesforce.call import Call
from tests.fakes.salesforce.errors import NOT_FOUND_MESSAGE, RequestError, json_response
from tests.fakes.salesforce.query_routes import soql_error
from tests.fakes.salesforce.soql_lexer import SoqlError
from tests.fakes.salesforce.soql_parser import NotModelled
from tests.fakes.salesforce.soql_plan import Plan, plan_query
from tests.fakes.salesforce.soql_run import execute
from tests.fakes.salesforce.timefmt import format_bulk_datetime, format_datetime

if TYPE_CHECKING:
    from tests.fakes.salesforce.org import Org

__all__ = ["BulkJobs", "handle_bulk"]

_DELIMITERS = {
    "COMMA": ",",
    "TAB": "\t",
    "PIPE": "|",
    "SEMICOLON": ";",
    "CARET": "^",
    "BACKQUOTE": "`",
}
_LINE_ENDINGS = {"LF": "\n", "CRLF": "\r\n"}


@dataclass
class Job:
    """One query job and, once complete, its CSV rows."""

    id: str
    operation: str
    plan: Plan
    version: str
    created_ms: int
    delimiter: str
    line_ending: str
    created_by: str
    state: str = "UploadComplete"
    polls: int = 0
    modstamp_ms: int = 0
    rows: list[list[str]] = field(default_factory=list)
    error: str | None = None


class BulkJobs:
    """Query jobs by id."""

    def __init__(self) -> None:
        self.by_id: dict[str, Job] = {}


def _error(status: int, code: str, message: str) -> httpx.Response:
    # Bulk API 2.0 lists errorCode before message (the sheet's example, §9).
    return json_response(status, [{"errorCode": code, "message": message}])


def _info(job: Job, *, full: bool) -> dict[str, Any]:
    info: dict[str, Any] = {
        "id": job.id,
        "operation": job.operation,
        "object": job.plan.sobject.name,
        "createdById": job.created_by,
        "createdDate": format_datetime(job.created_ms),
        "systemModstamp": format_datetime(job.modstamp_ms or job.created_ms),
        "state": job.state,
        "concurrencyMode": "Parallel",
        "contentType": "CSV",
        "apiVersion": float(job.version),
        "lineEnding": job.line_ending,
        "columnDelimiter": job.delimiter,
    }
    if full:
        info |= {
            "jobType": "V2Query",
            "numberRecordsProcessed": len(job.rows)
            if job.state == "JobComplete"
            else 0,
            "retries": 0,
            "totalProcessingTime": 0,
        }
        if job.error is not None:
            info["errorMessage"] = job.error
    return info


def handle_bulk(org: Org, jobs: BulkJobs, call: Call) -> httpx.Response:
    """Everything under ``/jobs/query``."""
    rest = call.segments[2:]
    try:
        if not rest:
            if call.method == "POST":
                return _create(org, jobs, call)
            if call.method == "GET":
                return json_response(
                    200,
                    {
                        "done": True,
                        "records": [_info(j, full=False) for j in jobs.by_id.values()],
                        "nextRecordsUrl": None,
                    },
                )
        job = jobs.by_id.get(rest[0])
        if job is None:
            return _error(404, "NOT_FOUND", NOT_FOUND_MESSAGE)
        if len(rest) == 1:
            return _job(org, jobs, call, job)
        if len(rest) == 2 and rest[1] == "results" and call.method == "GET":
            return _results(org, call, job)
    except RequestError as exc:
        return exc.response()
    return _error(404, "NOT_FOUND", NOT_FOUND_MESSAGE)


def _create(org: Org, jobs: BulkJobs, call: Call) -> httpx.Response:
    body = call.json()
    if not isinstance(body, dict):
        return _error(400, "INVALIDJOB", "Invalid job: a JSON object is required")
    operation = body.get("operation")
    if operation not in ("query", "queryAll"):
        return _error(400, "INVALIDJOB", f"Invalid operation: {operation}")
    delimiter = body.get("columnDelimiter", "COMMA")
    line_ending = body.get("lineEnding", "LF")
    if body.get("contentType", "CSV") != "CSV" or delimiter not in _DELIMITERS:
        return _error(400, "INVALIDJOB", "Invalid contentType or columnDelimiter")
    if line_ending not in _LINE_ENDINGS:
        return _error(400, "INVALIDJOB", f"Invalid lineEnding: {line_ending}")
    text = body.get("query")
    if not isinstance(text, str) or not text:
        return _error(400, "INVALIDJOB", "Invalid job: query is required")
    try:
        plan = plan_query(text, org.catalog, offset_max=org.options.offset_max)
    except NotModelled as exc:
        return _error(
            400, "API_ERROR", f"{exc.feature} is not supported by Bulk API 2.0 query"
        )
    except SoqlError as exc:
        return soql_error(exc, text).response()
    if plan.offset is not None:
        return _error(400, "API_ERROR", "OFFSET is not supported by Bulk API 2.0 query")
    job = Job(
        org.ids.new("750"),
        operation,
        plan,
        call.version,
        org.now_ms(),
        delimiter,
        line_ending,
        call.ctx.user_id,
    )
    jobs.by_id[job.id] = job
    return json_response(200, _info(job, full=False))


def _job(org: Org, jobs: BulkJobs, call: Call, job: Job) -> httpx.Response:
    if call.method == "GET":
        if job.state in ("UploadComplete", "InProgress"):
            job.polls += 1
            job.state = "InProgress"
            job.modstamp_ms = org.now_ms()
            if job.polls >= org.options.bulk_polls_to_complete:
                _complete(org, job)
        return json_response(200, _info(job, full=True))
    if call.method == "PATCH":
        body = call.json()
        if not isinstance(body, dict) or body.get("state") != "Aborted":
            return _error(400, "INVALIDJOB", "Only state Aborted can be set")
        if job.state in ("JobComplete", "Failed", "Aborted"):
            return _error(
                400, "INVALIDJOB", f"Job is already in a final state: {job.state}"
            )
        job.state = "Aborted"
        job.modstamp_ms = org.now_ms()
        return json_response(200, _info(job, full=False))
    if call.method == "DELETE":
        if job.state in ("UploadComplete", "InProgress"):
            return _error(400, "INVALIDJOB", "Abort the job before deleting it")
        del jobs.by_id[job.id]
        return httpx.Response(204)
    return _error(405, "METHOD_NOT_ALLOWED", f"HTTP Method '{call.method}' not allowed")


def _complete(org: Org, job: Job) -> None:
    records = execute(
        job.plan,
        org.store,
        include_deleted=job.operation == "queryAll",
        scramble=org.options.unordered == "scramble",
    )
    job.rows = [
        [_cell(c, c.get(r, org.store)) for c in job.plan.columns] for r in records
    ]
    job.state = "JobComplete"


def _cell(column: Any, value: Any) -> str:
    if value is None:
        return ""
    if column.field.type == "datetime":
        return format_bulk_datetime(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _locator(offset: int) -> str:
    return base64.b64encode(str(offset).encode()).decode().rstrip("=")


def _offset(locator: str) -> int | None:
    try:
        text = base64.b64decode(locator + "=" * (-len(locator) % 4)).decode()
    except ValueError:
        return None
    return int(text) if text.isdigit() else None


def _results(org: Org, call: Call, job: Job) -> httpx.Response:
    if call.version != job.version:
        return _error(
            409,
            "INVALIDJOBSTATE",
            f"The job was created in API version {job.version}; request its results "
            "with the same version",
        )
    if job.state != "JobComplete":
        status = {"UploadComplete": "UPLOAD_COMPLETE", "InProgress": "IN_PROGRESS"}
        current = status.get(job.state, job.state.upper())
        return _error(
            400,
            "JOB_NOT_COMPLETE",
            "can only download query results of successfully completed bulk job "
            f"with status: JOB_COMPLETE. Current status: {current}",
        )
    locator = call.param("locator")
    start = 0 if locator in (None, "") else _offset(locator)
    if start is None or start > len(job.rows):
        return _error(400, "INVALID_LOCATOR", f"Invalid locator: {locator}")
    max_param = call.param("maxRecords")
    size = org.options.bulk_default_max_records
    if max_param is not None:
        if not max_param.isdigit() or int(max_param) < 1:
            return _error(400, "INVALIDREQUEST", f"Invalid maxRecords: {max_param}")
        size = int(max_param)
    page = job.rows[start : start + size]
    end = start + len(page)
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=_DELIMITERS[job.delimiter],
        lineterminator=_LINE_ENDINGS[job.line_ending],
        quoting=csv.QUOTE_ALL if org.options.bulk_quote_all else csv.QUOTE_MINIMAL,
    )
    writer.writerow([c.dotted for c in job.plan.columns])
    writer.writerows(page)
    return httpx.Response(
        200,
        content=buffer.getvalue().encode(),
        headers={
            "content-type": "text/csv",
            "Sforce-NumberOfRecords": str(len(page)),
            "Sforce-Locator": _locator(end) if end < len(job.rows) else "null",
        },
    )
