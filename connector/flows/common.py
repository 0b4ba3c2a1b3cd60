"""Steps both flows share: dead letters, stages, retries, dry-run samples."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from typing import Any

from adapters.protocol import Page, PushOutcome, Record
from connector.errors import RecordInvalidError
from connector.flows.batch import Batch
from connector.flows.context import FlowContext
from connector.flows.keys import row_key
from connector.flows.records_io import (
    record_from_payload,
    record_payload,
    row_error_payload,
)
from connector.metrics import DEAD_LETTERED, RECORDS_PULLED, UNMAPPED_VALUES
from connector.records import Stage
from connector.store import cursors, deadletters

__all__ = [
    "already_there",
    "closing_pages",
    "continue_incremental",
    "cursor_source",
    "dead_letter_invalid",
    "dead_letter_rejected",
    "dead_letter_rows",
    "in_window",
    "pages_with_retries",
    "sample_change",
    "stage_of_row",
    "stored_cursor",
]


def cursor_source(ctx: FlowContext, system: str, entity: str) -> str:
    """The cursor name of a source: its own namespace for backfills."""
    base = f"{system}.{entity}"
    if ctx.summary.mode != "backfill":
        return base
    return f"backfill {_moment(ctx.since)}..{_moment(ctx.until)} {base}"


def _moment(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.timetz() == time(0, tzinfo=value.tzinfo) and value.utcoffset() == UTC_ZERO:
        return value.date().isoformat()
    return value.isoformat()


UTC_ZERO = timedelta(0)
"""A UTC offset of zero: dates at UTC midnight print as plain dates."""


def dead_letter_rows(ctx: FlowContext, batch: Batch, page: Page, system: str) -> None:
    """Dead-letter the rows of a page that could not be read at all."""
    for error in page.errors:
        ctx.summary.counts["unreadable"] += 1
        DEAD_LETTERED.labels(ctx.flow, system, "unreadable", "malformed_row").inc()
        ctx.log.warning("row_unreadable", location=error.location, reason=error.reason)
        batch.dead_letter(
            key=row_key(system, error.location),
            system=system,
            entity="rows",
            kind="unreadable",
            reason="malformed_row",
            error=f"{error.location}: {error.reason}",
            payload=row_error_payload(error),
        )


def dead_letter_invalid(
    ctx: FlowContext,
    batch: Batch,
    key: str,
    record: Record,
    exc: RecordInvalidError,
    *,
    waiting: bool = False,
) -> None:
    """Dead-letter a record that failed mapping or validation, with its reason.

    ``waiting``: the record is held, not broken; it is retried on every run.
    """
    reason = str(exc.context.get("reason", "invalid_value"))
    ctx.summary.counts["invalid"] += 1
    ctx.summary.counts[f"invalid:{reason}"] += 1
    DEAD_LETTERED.labels(ctx.flow, record.system, "invalid", reason).inc()
    if reason == "unmapped_stage":
        UNMAPPED_VALUES.labels(
            str(exc.context.get("system", record.system)),
            str(exc.context.get("field", "")),
        ).inc()
    where = f"{record.location}: " if record.location else ""
    ctx.log.warning("record_invalid", key=key, reason=reason, error=exc.message)
    batch.dead_letter(
        key=key,
        system=record.system,
        entity=record.entity,
        kind="invalid",
        reason=reason,
        error=f"{where}{exc.one_line()}",
        payload=record_payload(record),
        waiting=waiting,
    )


def dead_letter_rejected(
    ctx: FlowContext,
    batch: Batch,
    key: str,
    record: Record,
    outcome: PushOutcome,
    *,
    target: str,
    what: str,
) -> None:
    """Dead-letter a record the target refused, keeping the target's response."""
    ctx.summary.counts["rejected"] += 1
    DEAD_LETTERED.labels(ctx.flow, target, "rejected", "rejected_by_target").inc()
    ctx.log.warning("record_rejected", key=key, target=target, error=outcome.error)
    batch.dead_letter(
        key=key,
        system=record.system,
        entity=record.entity,
        kind="rejected",
        reason="rejected_by_target",
        error=f"{what}: {outcome.error} (status {outcome.status})",
        payload={**record_payload(record), "response": outcome.body},
    )


def pages_with_retries(
    ctx: FlowContext, source_pages: Iterator[Page], system: str, entity: str
) -> Iterator[Page]:
    """Yield due dead-letter retries (as a first page) and then the source's pages.

    The retry page carries no cursor, so committing it moves nothing.
    """
    if ctx.summary.mode != "backfill" and not ctx.dry_run:
        with ctx.app.store.read() as conn:
            due = deadletters.due_dead_letters(conn, ctx.flow)
        retried = [
            r
            for r in (record_from_payload(d["payload"]) for d in due)
            if r is not None and r.system == system and r.entity == entity
        ]
        if retried:
            ctx.summary.counts["retried"] += len(retried)
            ctx.log.info("dead_letters_retried", count=len(retried))
            yield Page(retried, None)
    for page in source_pages:
        RECORDS_PULLED.labels(ctx.flow, system, entity).inc(len(page.records))
        yield page
        # Resumed only once the page was handled (and committed, unless dry).
        if ctx.progress is not None:
            ctx.progress.page(f"{system}.{entity}", page.records)
    # Resumed past the last page: the source was read to its end.
    continue_incremental(ctx, system, entity)


@contextmanager
def closing_pages(pages: Iterator[Page]) -> Iterator[Iterator[Page]]:
    """Close an adapter's page iterator when the flow leaves it, however it does.

    A flow that stops early (SIGTERM, an error, a budget) drops the iterator
    half read; an adapter reading pages ahead in a thread stops it on close.
    """
    try:
        yield pages
    finally:
        close = getattr(pages, "close", None)
        if close is not None:
            close()


def continue_incremental(ctx: FlowContext, system: str, entity: str) -> None:
    """After a completed backfill up to now, start the incremental flow from it.

    A full pull's last cursor resumes an incremental pull from the moment its
    snapshot began (the adapter contract), so the first sync after a backfill
    reads only what changed since, instead of everything again. An existing
    incremental cursor is kept: it is never ahead of what it covered.
    """
    if ctx.summary.mode != "backfill" or ctx.dry_run or ctx.until is not None:
        return
    if ctx.stop.is_set():
        return
    base = f"{system}.{entity}"
    final = stored_cursor(ctx, cursor_source(ctx, system, entity))
    current = stored_cursor(ctx, base)
    if final is None or current is not None:
        return
    batch = ctx.new_batch()
    batch.cursor(base, final)
    ctx.commit(batch)
    ctx.log.info("incremental_cursor_continued", source=base)


def stored_cursor(ctx: FlowContext, source: str) -> str | None:
    """The committed cursor of a source (None in a fresh backfill)."""
    with ctx.app.store.read() as conn:
        return cursors.get_cursor(conn, ctx.flow, source)


def stage_of_row(row: Mapping[str, Any] | None) -> Stage | None:
    """The canonical stage stored on a person/deal row."""
    if row is None or not row.get("stage"):
        return None
    return Stage(str(row["stage"]))


def sample_change(
    ctx: FlowContext,
    action: str,
    key: str,
    current: Mapping[str, Any] | None,
    new: Mapping[str, Any],
    *,
    target: str | None = None,
) -> None:
    """Keep a few field-level diffs for the dry-run report.

    ``current`` is the target's last known native values (its snapshot), so each
    diff reads "current value -> new value"; fields that would not change are left
    out, as the real run would not send them differently.
    """
    ctx.summary.counts[f"would_{action}"] += 1
    if len(ctx.summary.samples) >= 10:
        return
    before = current or {}
    diff = {
        name: {"from": before.get(name), "to": value}
        for name, value in new.items()
        if not _same(before.get(name), value)
    }
    sample: dict[str, object] = {"action": action, "key": key, "changes": diff}
    if target is not None:
        sample["target"] = target
    ctx.summary.samples.append(sample)


def in_window(record: Record, since: datetime | None, until: datetime | None) -> bool:
    """Whether a record's update time falls in a backfill window."""
    if record.updated_at is None:
        return True
    if since is not None and record.updated_at < since:
        return False
    return not (until is not None and record.updated_at >= until)


def already_there(fields: Mapping[str, Any], current: Mapping[str, Any] | None) -> bool:
    """Whether the target already holds every value we would write.

    This is what keeps replays and echoes free: a payload that changes nothing is
    not sent, even when its shape differs from the last one (sync rules that only
    fill blanks drop fields once the target has them).
    """
    if current is None:
        return False
    return all(_same(current.get(name), value) for name, value in fields.items())


def _same(old: Any, new: Any) -> bool:
    if old is None or new is None:
        return (old in (None, "")) and (new in (None, ""))
    return str(old).strip() == str(new).strip()
