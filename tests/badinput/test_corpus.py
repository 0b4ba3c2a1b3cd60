"""The bad-input corpus: every case through the real CLI, against a clean run.

Each case must end ``clean`` (see :mod:`tests.badinput.corpus`): a bad record or
file costs at most itself, is named, and never crashes a run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.badinput.cases_ma import CASES as MA_CASES
from tests.badinput.cases_other import CASES as OTHER_CASES
from tests.badinput.corpus import Baseline, Case, baseline, judge

CASES: list[Case] = [*MA_CASES, *OTHER_CASES]

KNOWN: dict[str, str] = {}
"""Cases not yet handled cleanly (found by this corpus), and why; strict xfail."""


def _param(case: Case) -> object:
    marks = [pytest.mark.slow, pytest.mark.corpus]
    if case.name in KNOWN:
        marks.append(pytest.mark.xfail(strict=True, reason=KNOWN[case.name]))
    return pytest.param(case, id=case.name, marks=marks)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Baseline:
    """The clean example run every case is compared with."""
    return baseline(tmp_path_factory.mktemp("clean"))


def test_corpus_has_at_least_100_distinct_cases() -> None:
    """The corpus holds 100 or more cases, each with its own name."""
    names = [case.name for case in CASES]
    assert len(names) >= 100
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_bad_input_costs_at_most_itself(
    case: Case, clean: Baseline, tmp_path: Path
) -> None:
    """The case's bad record or file is named and nothing else changes or crashes."""
    outcome = judge(case, clean, tmp_path)
    assert outcome.verdict == "clean", (
        f"{outcome.verdict}: {outcome.detail}\n" + (outcome.output[-3000:])
    )
