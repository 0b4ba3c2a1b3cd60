"""Properties of the admin-edited TOML loaders: any edit loads or is named.

An admin's edit can be anything: a deleted bracket, a pasted line, a value of the
wrong type. Whatever the edit, each loader either accepts the file or raises one
ConnectorError whose single line names the file; no other exception reaches the
daemon's reload or ``mappings check``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connector.errors import ConnectorError
from connector.mapping.loader import load_mappings
from connector.matching import load_match_rules
from connector.qualification import load_qualification
from connector.reports.config import load_reporting
from connector.tomlsafe import loads

ROOT = Path(__file__).resolve().parents[2]
MAPPINGS = ROOT / "mappings"
LOADERS: dict[str, Callable[[Path], Any]] = {
    "stages.toml": lambda path: load_mappings(path.parent),
    "fields.toml": lambda path: load_mappings(path.parent),
    "qualification.toml": load_qualification,
    "matching.toml": load_match_rules,
    "reporting.toml": load_reporting,
}
EDITS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
JUNK = st.one_of(
    st.sampled_from(["[", "]", "=", '"', "'''", "\n[x]\n", "\nk = 1\n", "{", ",", "#"]),
    st.text(max_size=8),
)
SCALAR = st.one_of(
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=3),
)


def _spoil_text(text: str, data: st.DataObject) -> str:
    at = data.draw(st.integers(0, len(text)), label="at")
    kind = data.draw(st.sampled_from(["insert", "delete", "duplicate"]), label="kind")
    if kind == "insert":
        return text[:at] + data.draw(JUNK, label="junk") + text[at:]
    if kind == "delete":
        return text[:at] + text[at + data.draw(st.integers(1, 40), label="n") :]
    lines = text.splitlines(keepends=True)
    line = data.draw(st.integers(0, max(0, len(lines) - 1)), label="line")
    return "".join([*lines[: line + 1], *lines[line:]])


def _spoil_value(text: str, data: st.DataObject) -> str:
    """Replace one leaf value of the document with a value of any type."""
    document = tomlkit.parse(text)
    leaves: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        items = node.items() if hasattr(node, "items") else enumerate(node)
        for key, value in list(items):
            if isinstance(value, dict | list):
                walk(value)
            else:
                leaves.append((node, key))

    walk(document)
    if not leaves:
        return text
    parent, key = data.draw(st.sampled_from(leaves), label="leaf")
    parent[key] = data.draw(SCALAR, label="value")
    return tomlkit.dumps(document)


def _check(name: str, folder: Path, text: str) -> None:
    shutil.copytree(MAPPINGS, folder, dirs_exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    refused: ConnectorError | None = None
    try:
        LOADERS[name](path)
    except ConnectorError as exc:
        refused = exc
    if refused is not None:
        line = refused.one_line()
        assert "\n" not in line.strip()
        named = str(refused) + line + repr(getattr(refused, "problems", ""))
        assert name in named, line


@pytest.mark.parametrize("name", sorted(LOADERS))
@EDITS
@given(data=st.data())
def test_a_text_edit_loads_or_is_one_named_error(
    tmp_path_factory: Any, name: str, data: st.DataObject
) -> None:
    """Brackets, quotes and lines deleted or pasted anywhere in the file."""
    text = (MAPPINGS / name).read_text(encoding="utf-8")
    _check(name, tmp_path_factory.mktemp("m"), _spoil_text(text, data))


@pytest.mark.parametrize("name", sorted(LOADERS))
@EDITS
@given(data=st.data())
def test_a_value_of_the_wrong_type_loads_or_is_one_named_error(
    tmp_path_factory: Any, name: str, data: st.DataObject
) -> None:
    """Any leaf replaced by a number, boolean, text or list."""
    text = (MAPPINGS / name).read_text(encoding="utf-8")
    _check(name, tmp_path_factory.mktemp("m"), _spoil_value(text, data))


@settings(max_examples=60, deadline=None)
@given(
    st.recursive(
        SCALAR,
        lambda inner: st.dictionaries(
            st.text(min_size=1, max_size=6), inner, max_size=4
        ),
        max_leaves=12,
    )
)
def test_toml_round_trips_through_the_safe_loader(value: Any) -> None:
    """What tomlkit writes, :func:`loads` reads back unchanged."""
    document = {"root": value}
    assert loads(tomlkit.dumps(document)) == document
