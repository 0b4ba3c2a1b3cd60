"""``/query`` and ``/queryAll``: SOQL, batches and query locators (fact sheet §4).

Batches hold up to 2,000 rows (``Sforce-Query-Options: batchSize=N``, 200..2000,
may be shorter); ``nextRecordsUrl`` is ``/services/data/vXX.X/query/01g...-N``
for queryAll too. ``query`` hides deleted rows, ``queryAll`` returns them with
``IsDeleted = true``. A locator expires after ``locator_ttl`` and, unless
``locator_reuse``, serves its batch once; then INVALID_QUERY_LOCATOR.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from tests.fakes.salesforce.call import Call
from tests.fakes.salesforce.errors import RequestError, error_response, json_response
from tests.fakes.salesforce.soql_lexer import SoqlError
from tests.fakes.salesforce.soql_plan import Plan, plan_query
from tests.fakes.salesforce.soql_run import execute, render_row

if TYPE_CHECKING:
    from tests.fakes.salesforce.org import Org

__all__ = ["Cursors", "handle_query", "soql_error"]

DEFAULT_BATCH = 2000
MIN_BATCH = 200
MAX_BATCH = 2000
_LOCATOR = re.compile(r"(01g[0-9A-Za-z]{15})-(\d+)")


def soql_error(exc: SoqlError, text: str) -> RequestError:
    """A refused query as Salesforce's 400 body."""
    return RequestError.one(400, exc.code, exc.message(text))


@dataclass
class Cursor:
    """An open query: its rows (or its plan, in ``rerun`` mode) and batches."""

    plan: Plan
    include_deleted: bool
    batch: int
    total: int
    created: float
    rows: list[dict[str, Any]] | None
    open_offsets: set[int] = field(default_factory=set)
    served_offsets: set[int] = field(default_factory=set)


class Cursors:
    """Open query locators by id."""

    def __init__(self) -> None:
        self.by_id: dict[str, Cursor] = {}

    def expire_all(self) -> None:
        """Every locator handed out so far becomes invalid."""
        self.by_id.clear()


def _batch_size(org: Org, call: Call, plan: Plan) -> int:
    size = DEFAULT_BATCH
    header = call.request.headers.get("sforce-query-options", "")
    match = re.search(r"batchSize\s*=\s*(-?\d+)", header, re.IGNORECASE)
    if match is not None:
        size = int(match.group(1))
        if not MIN_BATCH <= size <= MAX_BATCH:
            if org.options.batch_size_out_of_range == "error":
                raise RequestError.one(
                    400,
                    "INVALID_BATCH_SIZE",
                    f"batchSize must be between {MIN_BATCH} and {MAX_BATCH}: {size}",
                )
            size = min(max(size, MIN_BATCH), MAX_BATCH)
    if org.options.batch_cap is not None:
        size = min(size, org.options.batch_cap)
    if org.options.long_text_batch_cap and plan.long_text_columns >= 2:
        size = min(size, 200)
    return size


def _rows(
    org: Org, cursor_plan: Plan, include_deleted: bool, version: str
) -> list[dict[str, Any]]:
    records = execute(
        cursor_plan,
        org.store,
        include_deleted=include_deleted,
        scramble=org.options.unordered == "scramble",
    )
    return [render_row(r, cursor_plan.columns, org.store, version) for r in records]


def handle_query(org: Org, cursors: Cursors, call: Call) -> httpx.Response:
    """GET ``query`` / ``queryAll`` with ``q``, or a locator after them."""
    if call.method != "GET":
        return error_response(
            405,
            "METHOD_NOT_ALLOWED",
            f"HTTP Method '{call.method}' not allowed. Allowed are GET,HEAD",
        )
    include_deleted = call.segments[0] == "queryAll"
    if len(call.segments) == 2:
        return _next_batch(org, cursors, call, call.segments[1])
    if len(call.segments) != 1:
        return error_response(404, "NOT_FOUND", "The requested resource does not exist")
    text = call.param("q")
    if not text:
        return error_response(
            400, "MALFORMED_QUERY", "A query string has to be specified"
        )
    try:
        plan = plan_query(text, org.catalog, offset_max=org.options.offset_max)
    except SoqlError as exc:
        return soql_error(exc, text).response()
    batch = _batch_size(org, call, plan)
    rows = _rows(org, plan, include_deleted, call.version)
    page = rows[:batch]
    body: dict[str, Any] = {"totalSize": len(rows), "done": len(rows) <= batch}
    if len(rows) > batch:
        cursor_id = org.ids.new("01g")
        cursor = Cursor(
            plan,
            include_deleted,
            batch,
            len(rows),
            org.clock.time(),
            rows if org.options.cursor == "snapshot" else None,
        )
        cursors.by_id[cursor_id] = cursor
        body["nextRecordsUrl"] = _locator_url(call.version, cursor_id, batch, cursor)
    body["records"] = page
    return json_response(200, body)


def _locator_url(version: str, cursor_id: str, offset: int, cursor: Cursor) -> str:
    cursor.open_offsets.add(offset)
    return f"/services/data/v{version}/query/{cursor_id}-{offset}"


def _invalid_locator() -> httpx.Response:
    return error_response(400, "INVALID_QUERY_LOCATOR", "invalid query locator")


def _next_batch(org: Org, cursors: Cursors, call: Call, locator: str) -> httpx.Response:
    match = _LOCATOR.fullmatch(locator)
    if match is None:
        return _invalid_locator()
    cursor = cursors.by_id.get(match.group(1))
    offset = int(match.group(2))
    now = org.clock.time()
    if cursor is None or now - cursor.created >= org.options.locator_ttl:
        return _invalid_locator()
    reusable = org.options.locator_reuse and offset in cursor.served_offsets
    if offset not in cursor.open_offsets and not reusable:
        return _invalid_locator()
    cursor.open_offsets.discard(offset)
    cursor.served_offsets.add(offset)
    if cursor.rows is not None:
        rows = cursor.rows
    else:
        rows = _rows(org, cursor.plan, cursor.include_deleted, call.version)
    end = offset + cursor.batch
    body: dict[str, Any] = {"totalSize": cursor.total, "done": end >= len(rows)}
    if end < len(rows):
        body["nextRecordsUrl"] = _locator_url(call.version, match.group(1), end, cursor)
    body["records"] = rows[offset:end]
    return json_response(200, body)
