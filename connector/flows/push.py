"""Sending write batches: validation first, then isolation of the one bad record.

Some targets fail a whole batch because of one record. Halving the batch until the
bad record stands alone lets every other record through, at a cost of about
2·log2(n) extra requests per bad record.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from adapters.protocol import Adapter, Entity, PushOutcome, WriteOp
from connector.errors import RecordRejectedError

__all__ = ["MAX_FIELD_BYTES", "invalid_reason", "push_isolating"]

MAX_FIELD_BYTES = 1_000_000
"""A field bigger than this is refused before sending (no CRM keeps it whole)."""

_SURELY_SMALL = MAX_FIELD_BYTES // 4
"""No character takes more than 4 bytes in UTF-8: text this short is never too big,
so it is not encoded to find out."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def invalid_reason(fields: Mapping[str, Any], *, email_field: str | None) -> str | None:
    """Why a payload must not be sent, or None when it may."""
    for name, value in fields.items():
        if not isinstance(value, str):
            continue
        if len(value) > _SURELY_SMALL:
            size = len(value.encode("utf-8", "surrogatepass"))
            if size > MAX_FIELD_BYTES:
                return f"field {name!r} is {size:,} bytes (limit {MAX_FIELD_BYTES:,})"
        if _CONTROL.search(value):
            return f"field {name!r} contains control characters"
    if email_field:
        email = str(fields.get(email_field) or "").strip()
        if email and not _EMAIL.match(email):
            return f"field {email_field!r} is not an email address: {email!r}"
    return None


def push_isolating(
    adapter: Adapter, entity: Entity, ops: Sequence[WriteOp]
) -> list[PushOutcome]:
    """Push ``ops``; when the target rejects the whole batch, bisect it.

    Raises:
        AdapterError: anything but a record-level rejection (auth, outage): the
            batch is not committed and will be replayed.
    """
    if not ops:
        return []
    try:
        return adapter.push(entity, ops).outcomes
    except RecordRejectedError as exc:
        if len(ops) == 1:
            return [
                PushOutcome(
                    ops[0].key,
                    ok=False,
                    error=exc.message,
                    kind="rejected",
                    status=exc.status,
                    body=exc.body,
                )
            ]
        middle = len(ops) // 2
        return push_isolating(adapter, entity, ops[:middle]) + push_isolating(
            adapter, entity, ops[middle:]
        )
