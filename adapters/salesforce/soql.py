"""SOQL text: typed literals, the watermark filter and id lists that fit a URI.

Datetime literals are unquoted UTC with ``Z`` (a ``+09:00`` would need ``%2B``
in a URL, and a quoted datetime is refused, §4); strings are quoted with
backslash escapes. Lists of ids are split so each query's URI stays well under
Salesforce's 16,384-byte limit (§1).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from urllib.parse import quote

__all__ = [
    "IN_BUDGET",
    "IN_CHUNK",
    "datetime_literal",
    "id_chunks",
    "select",
    "since_filter",
    "string_literal",
]

IN_BUDGET = 10_000
"""URL-encoded bytes of one ``IN (...)`` list: 370 quoted 18-character ids (27
bytes each once encoded), fewer long e-mails, and room left under the 16,384
bytes Salesforce allows for URI and headers together."""

IN_CHUNK = 1_000
"""Most values in one ``IN (...)`` list, whatever their length."""

_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def datetime_literal(moment: datetime) -> str:
    """``2026-04-01T00:00:00Z`` (UTC, milliseconds kept when there are any)."""
    utc = moment.astimezone(UTC)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if utc.microsecond:
        text += f".{utc.microsecond // 1000:03d}"
    return text + "Z"


def string_literal(value: str) -> str:
    """A quoted SOQL string with backslash escapes."""
    return "'" + "".join(_ESCAPES.get(c, c) for c in value) + "'"


def since_filter(
    at: datetime | None, after_id: str | None, field: str = "SystemModstamp"
) -> str | None:
    """The watermark filter: ``>= at``, or past ``(at, after_id)`` when set.

    ``>=`` re-reads the boundary second, whose already-seen rows the caller
    drops; ``after_id`` is used when that second holds more rows than a cursor
    remembers, and relies on ``ORDER BY field, Id`` (§4's boundary pattern).
    """
    if at is None:
        return None
    stamp = datetime_literal(at)
    if after_id is None:
        return f"{field} >= {stamp}"
    return (
        f"({field} > {stamp} OR ({field} = {stamp} AND "
        f"Id > {string_literal(after_id)}))"
    )


def id_chunks(
    ids: Sequence[str], size: int = IN_CHUNK, budget: int = IN_BUDGET
) -> Iterator[str]:
    """``'a','b',...`` lists for ``IN (...)``, each value once.

    A list holds at most ``size`` values and ``budget`` URL-encoded bytes, so
    a query stays far below the URI limit however long the values are.
    """
    chunk: list[str] = []
    used = 0
    for value in dict.fromkeys(i for i in ids if i):
        literal = string_literal(value)
        cost = len(quote(literal, safe="")) + 3  # and the encoded comma
        if chunk and (len(chunk) >= size or used + cost > budget):
            yield ",".join(chunk)
            chunk, used = [], 0
        chunk.append(literal)
        used += cost
    if chunk:
        yield ",".join(chunk)


def select(
    fields: Sequence[str],
    sobject: str,
    *,
    where: str | None = None,
    order: str | None = None,
    limit: int | None = None,
) -> str:
    """A ``SELECT`` statement.

    Object and field names come from settings checked against describe, and
    every value in ``where`` goes through :func:`string_literal` or
    :func:`datetime_literal`, so nothing user-typed reaches the text unquoted.
    """
    # S608 targets SQL built from input; SOQL names here come from describe.
    text = f"SELECT {', '.join(fields)} FROM {sobject}"  # noqa: S608
    if where:
        text += f" WHERE {where}"
    if order:
        text += f" ORDER BY {order}"
    if limit is not None:
        text += f" LIMIT {limit}"
    return text
