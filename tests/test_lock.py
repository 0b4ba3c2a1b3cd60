"""The lock files pin, with hashes, every dependency pyproject.toml declares."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    raw = re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", raw).lower()


def _pins(lock: Path) -> dict[str, int]:
    """Package -> number of hashes, for every ``name==version`` entry of a lock."""
    pins: dict[str, int] = {}
    current = None
    for line in lock.read_text(encoding="utf-8").splitlines():
        pinned = re.match(r"^([A-Za-z0-9_.-]+)==\S+", line)
        if pinned:
            current = _name(pinned.group(1))
            pins[current] = 0
        elif current and line.strip().startswith("--hash=sha256:"):
            pins[current] += 1
    return pins


def _declared(*extras: str) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    names = {_name(r) for r in project["project"]["dependencies"]}
    for extra in extras:
        names |= {_name(r) for r in project["project"]["optional-dependencies"][extra]}
    return names


@pytest.mark.parametrize(
    ("lock", "extras"),
    [
        ("lock.txt", ("postgres",)),
        ("dev-lock.txt", ("postgres", "dev")),
        ("bench-lock.txt", ("bench",)),
    ],
)
def test_lock_pins_every_declared_dependency_with_hashes(
    lock: str, extras: tuple[str, ...]
) -> None:
    """Each dependency (and extra) of pyproject.toml is pinned with a sha256."""
    pins = _pins(ROOT / "requirements" / lock)
    missing = sorted(_declared(*extras) - set(pins))
    assert missing == [], f"run `make lock`: {missing} not in requirements/{lock}"
    assert all(count >= 1 for count in pins.values())


def _versions(lock: str) -> dict[str, set[str]]:
    """Package -> pinned versions (a universal lock may pin one per Python range)."""
    text = (ROOT / "requirements" / lock).read_text(encoding="utf-8")
    found: dict[str, set[str]] = {}
    for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+)", text, re.M):
        found.setdefault(_name(m.group(1)), set()).add(m.group(2))
    return found


@pytest.mark.parametrize("lock", ["lock.txt", "bench-lock.txt"])
def test_lock_agrees_with_the_dev_lock(lock: str) -> None:
    """The image's lock, the bench lock and CI's lock pin one version per package."""
    pinned, dev = _versions(lock), _versions("dev-lock.txt")
    assert {k: v for k, v in pinned.items() if k in dev and dev[k] != v} == {}
    if lock == "lock.txt":
        assert set(pinned) <= set(dev)


@pytest.mark.parametrize("lock", ["lock.txt", "dev-lock.txt"])
def test_bench_only_packages_stay_out_of_the_runtime_and_dev_locks(lock: str) -> None:
    """The recordlinkage stack is bench-only: tests and the image never get it."""
    bench_only = {_name(r) for r in _declared_extra("bench")}
    assert bench_only & set(_versions(lock)) == set()


def _declared_extra(extra: str) -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    extras: list[str] = project["project"]["optional-dependencies"][extra]
    return extras
