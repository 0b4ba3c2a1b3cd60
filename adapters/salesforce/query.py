"""Running SOQL through ``/query`` or ``/queryAll`` and following its batches (§4).

A query answers up to 2,000 rows and, until ``done``, a ``nextRecordsUrl`` for
the next batch (fetched without parameters). Integrators that stop at the first
batch lose everything past 2,000 rows; this never does. A locator may serve only
once and expires after two days: when Salesforce refuses one
(``INVALID_QUERY_LOCATOR``, e.g. a retry after a lost answer), :class:`LocatorLost`
tells the caller to run the query again from where its watermark stands.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from adapters.salesforce.client import SalesforceClient, error_codes

__all__ = ["Batch", "LocatorLost", "run_query"]


class LocatorLost(Exception):
    """Salesforce no longer serves the next batch of an open query."""


@dataclass(frozen=True, slots=True)
class Batch:
    """One batch of rows, the query's total and whether more follow."""

    rows: list[dict[str, Any]]
    total: int
    done: bool


def run_query(
    client: SalesforceClient,
    soql: str,
    *,
    what: str,
    deleted: bool = True,
    batch_size: int = 2000,
) -> Iterator[Batch]:
    """Every batch of ``soql``, in order.

    Args:
        client: the session.
        soql: the statement.
        what: names the query in errors (``query Lead``).
        deleted: use ``queryAll`` (deleted and merged rows too).
        batch_size: asked for with ``Sforce-Query-Options`` (not guaranteed).

    Raises:
        LocatorLost: a ``nextRecordsUrl`` was refused; re-run the query.
        AdapterError: Salesforce refused the query (MALFORMED_QUERY, ...).
    """
    headers = {"Sforce-Query-Options": f"batchSize={batch_size}"}
    path = "/queryAll" if deleted else "/query"
    response = client.request("GET", path, params={"q": soql}, headers=headers)
    while True:
        if response.status_code == 400 and "INVALID_QUERY_LOCATOR" in error_codes(
            response
        ):
            raise LocatorLost(what)
        body = client.expect(response, (200,), what)
        rows = [r for r in body.get("records") or [] if isinstance(r, dict)]
        next_url = body.get("nextRecordsUrl")
        done = bool(body.get("done", True)) or not next_url
        yield Batch(rows, int(body.get("totalSize") or 0), done)
        if done:
            return
        response = client.request("GET", str(next_url), headers=headers)
