from __future__ import annotations

import gc

import pytest

from connector.matching import cluster
from connector.matching.config import MatchRules
from connector.matching.gc_pause import cycle_collector_paused
from tests.matching.conftest import person


def test_collector_is_paused_inside_and_restored_after_an_error() -> None:
    """Off inside the block, back on after it, even when the block raises."""
    seen: list[bool] = []

    def fail_inside() -> None:
        with cycle_collector_paused():
            seen.append(gc.isenabled())
            raise RuntimeError

    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        fail_inside()
    assert seen == [False]
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled() -> None:
    """A caller that turned the collector off keeps it off."""
    gc.disable()
    try:
        with cycle_collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_cluster_leaves_the_collector_on(rules: MatchRules) -> None:
    """Batch clustering pauses the collector for itself only."""
    people = [("1", person(email="a@x.co.jp")), ("2", person(email="A@x.co.jp"))]
    assert len(cluster(people, rules)) == 1
    assert gc.isenabled()
