"""Declarations: capabilities agree with behaviour; vocabulary and check work."""

from __future__ import annotations

from adapters.protocol import ENTITIES, Adapter, ColumnCheckingAdapter, SetupAdapter
from connector.errors import ConnectorError
from tests.contract.target import Target


def test_the_adapter_meets_the_protocol(target: Target) -> None:
    """The adapter is an Adapter, and declares the entity the suite uses."""
    assert isinstance(target.adapter, Adapter)
    capabilities = target.adapter.capabilities()
    assert capabilities.can_pull(target.entity)
    assert set(capabilities.push) <= set(ENTITIES)
    assert capabilities.upsert <= capabilities.push


def test_setup_capability_matches_the_method(target: Target) -> None:
    """Declaring setup means having setup(); not declaring it means not having it."""
    declared = target.adapter.capabilities().setup
    assert declared == isinstance(target.adapter, SetupAdapter)


def test_column_check_capability_matches_the_method(target: Target) -> None:
    """Declaring column_check means having expect_columns(), and the reverse."""
    declared = target.adapter.capabilities().column_check
    assert declared == isinstance(target.adapter, ColumnCheckingAdapter)


def test_activities_capability_matches_activities_for(target: Target) -> None:
    """Without the activities capability, activities_for answers None."""
    from datetime import UTC, datetime

    ids = target.add(1)
    target.settle()
    events = target.adapter.activities_for(ids[0], datetime(2000, 1, 1, tzinfo=UTC))
    if target.adapter.capabilities().activities:
        assert isinstance(events, list)
    else:
        assert events is None


def test_vocabulary_lists_the_live_stage_values(target: Target) -> None:
    """vocabulary(stage field) includes the system's stage values."""
    target.add(2)
    target.settle()
    values = set(target.adapter.vocabulary(target.stage_field))
    assert target.stage_values <= values


def test_check_passes_then_fails_without_access(target: Target) -> None:
    """check() is ok against a working system and says why once access is gone."""
    target.add(1)
    assert target.adapter.check().ok, target.adapter.check().message
    target.break_access()
    try:
        result = target.adapter.check()
    except ConnectorError as exc:  # a check must report, not raise
        raise AssertionError(f"check() raised {exc!r}") from exc
    assert not result.ok
    assert result.message
