"""`suggest --write`: TODO blocks added, every other byte of the file kept."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from connector.errors import MappingError
from connector.mapping import load_mappings
from connector.mapping.check import LiveValue
from connector.mapping.suggest import TODO_MARKER, render_suggestions, write_suggestions

UNMAPPED = [
    LiveValue("sfa", "deals", "フェーズ", "保留"),
    LiveValue("sfa", "deals", "フェーズ", "Phase 9"),
    LiveValue("ma", "persons", "lifecyclestage", "partner"),
    LiveValue("ma", "deals", "dealstage", "122178070", pipeline="987654"),
]


def _without_added(new: str, old: str) -> str:
    """Remove the added lines (a contiguous block per table) from ``new``."""
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    kept: list[str] = []
    i = 0
    for line in new_lines:
        if i < len(old_lines) and line == old_lines[i]:
            kept.append(line)
            i += 1
        else:
            assert line.startswith("#") or line.strip() == "", line
    assert i == len(old_lines)
    return "".join(kept)


def test_write_preserves_every_byte_outside_the_block(mapping_dir: Path) -> None:
    """Comments and formatting survive byte for byte; only commented TODOs are added."""
    path = mapping_dir / "stages.toml"
    original = path.read_bytes()
    before = load_mappings(mapping_dir)
    assert write_suggestions(path, UNMAPPED) is True
    after_text = path.read_text(encoding="utf-8")
    assert _without_added(after_text, original.decode("utf-8")).encode() == original
    assert tomllib.loads(after_text) == tomllib.loads(original.decode("utf-8"))
    assert after_text.count(TODO_MARKER) == 3
    assert load_mappings(mapping_dir).rules == before.rules


def test_todo_block_sits_in_its_table(mapping_dir: Path) -> None:
    """The TODO lines follow the table's last entry, before any following comment."""
    path = mapping_dir / "stages.toml"
    write_suggestions(path, UNMAPPED[:2])
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index('"対象外" = "rejected"', lines.index("[sfa.deals.values]"))
    assert lines[start + 1].startswith(TODO_MARKER)
    assert lines[start + 3 : start + 5] == ['# "保留" = "TODO"', '# "Phase 9" = "TODO"']
    persons = lines.index('other = "awareness"')
    assert not lines[persons + 1].startswith(TODO_MARKER)


def test_new_pipeline_gets_a_commented_table(mapping_dir: Path) -> None:
    """Values of a pipeline without a table are added under a commented header."""
    path = mapping_dir / "stages.toml"
    write_suggestions(path, UNMAPPED[3:])
    tail = path.read_text(encoding="utf-8").splitlines()[-2:]
    assert tail == ["# [ma.deals.pipelines.987654]", '# 122178070 = "TODO"']


def test_second_run_adds_nothing(mapping_dir: Path) -> None:
    """Values already suggested are not suggested again."""
    path = mapping_dir / "stages.toml"
    assert write_suggestions(path, UNMAPPED)
    once = path.read_bytes()
    assert write_suggestions(path, UNMAPPED) is False
    assert path.read_bytes() == once


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_line_endings_and_missing_final_newline(newline: str) -> None:
    """CRLF files stay CRLF, and a file without a final newline keeps its content."""
    text = newline.join(
        [
            "# mine",
            "[sfa.deals]",
            'field = "x"',
            "",
            "[sfa.deals.values]",
            '"a" = "won"',
        ]
    )
    result = render_suggestions(text, [LiveValue("sfa", "deals", "x", "b")])
    assert result.startswith(text)
    assert result.count("\r\n") == (result.count("\n") if newline == "\r\n" else 0)
    assert result.endswith(f'# b = "TODO"{newline}')


def test_invalid_toml_is_refused() -> None:
    """A file that does not parse is not touched."""
    with pytest.raises(MappingError):
        render_suggestions("[broken\n", UNMAPPED)
