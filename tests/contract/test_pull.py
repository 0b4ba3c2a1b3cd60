"""Pull contract: from empty, resumable after every page, deletes and merges."""

from __future__ import annotations

from tests.contract.conftest import last_cursor, pull_pages, records_of, require
from tests.contract.target import Target


def _ids(pages: list) -> list[str]:
    return [r.id for r in records_of(pages)]


def test_pull_from_empty_yields_no_records(target: Target) -> None:
    """A system with no records gives no records and no error."""
    assert records_of(pull_pages(target)) == []


def test_pull_reads_every_record_once(target: Target) -> None:
    """A first pull over several pages hands out each record exactly once."""
    ids = target.add(target.page_size * 2 + 1)
    target.settle()
    pulled = _ids(pull_pages(target))
    assert sorted(pulled) == sorted(ids)
    assert len(pulled) == len(set(pulled))
    assert all(r.entity == target.entity for r in records_of(pull_pages(target)))


def test_resume_after_every_page_loses_nothing(target: Target) -> None:
    """Resuming from any page's cursor gives exactly the records after that page."""
    ids = target.add(target.page_size * 2 + 1)
    target.settle()
    pages = pull_pages(target)
    seen: list[str] = []
    for page in pages:
        seen.extend(r.id for r in page.records)
        if page.cursor is None:
            continue  # an unsorted source commits only at the end
        rest = _ids(pull_pages(target, page.cursor))
        assert sorted(set(seen) | set(rest)) == sorted(ids)
        assert set(rest).isdisjoint(seen)


def test_a_pull_from_the_end_sees_only_changes(target: Target) -> None:
    """After a complete pull, the next one returns the changed record, not the rest."""
    ids = target.add(4)
    target.settle()
    cursor = last_cursor(pull_pages(target))
    assert cursor is not None
    target.touch(ids[0])
    target.settle()
    again = _ids(pull_pages(target, cursor))
    assert ids[0] in again
    assert set(again).isdisjoint(ids[1:3])


def test_deletes_are_reported(target: Target) -> None:
    """A deleted record comes back with deleted=True; the others do not."""
    require(target, "deletes")
    keep, gone = target.add(2)
    target.settle()
    cursor = last_cursor(pull_pages(target))
    target.delete(gone)
    target.settle()
    records = records_of(pull_pages(target, cursor))
    by_id = {r.id: r for r in records}
    assert by_id[gone].deleted is True
    assert keep not in by_id or by_id[keep].deleted is False


def test_merges_name_the_absorbed_ids(target: Target) -> None:
    """A merged record's merged_ids name the record it absorbed."""
    require(target, "merges")
    keep, gone = target.add(2)
    target.settle()
    cursor = last_cursor(pull_pages(target))
    survivor = target.merge(keep, gone)
    target.settle()
    records = {r.id: r for r in records_of(pull_pages(target, cursor))}
    assert survivor in records
    assert gone in records[survivor].merged_ids
    assert gone not in records


def test_full_pull_ignores_the_cursor(target: Target) -> None:
    """full=True reads every record again even from a cursor at the end."""
    ids = target.add(3)
    target.settle()
    cursor = last_cursor(pull_pages(target))
    pages = list(target.adapter.pull(target.entity, cursor, full=True))
    assert set(ids) <= set(_ids(pages))
