from __future__ import annotations

from pathlib import Path

import pytest

from connector.errors import MappingError
from connector.matching import load_match_rules, parse_match_rules


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "matching.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_file_loads_with_rules_in_order(rules_file: Path) -> None:
    """mappings/matching.toml is valid and keeps the exact email rule first."""
    rules = load_match_rules(rules_file)
    assert rules.rules[0].name == "email"
    assert rules.rules[0].exact == ("email",)
    assert "gmail.com" in rules.free_mail
    assert rules.source == str(rules_file)


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    """A missing file is a MappingError naming where we looked."""
    path = tmp_path / "nope.toml"
    with pytest.raises(MappingError) as caught:
        load_match_rules(path)
    assert str(path) in caught.value.problems[0]


def test_bad_toml_names_file_and_position(tmp_path: Path) -> None:
    """Broken syntax reports the file and the parser's line and column."""
    path = _write(tmp_path, "[[rules]\nname = 1\n")
    with pytest.raises(MappingError) as caught:
        load_match_rules(path)
    assert str(path) in caught.value.problems[0]
    assert "line 1" in caught.value.problems[0]


def test_unknown_key_is_named_with_its_rule(tmp_path: Path) -> None:
    """A misspelt key inside a rule names the file, the dotted key and the rule."""
    path = _write(
        tmp_path,
        '[[rules]]\nname = "email"\nexact = ["email"]\n'
        '[[rules]]\nname = "fuzzy"\nblocking = ["phone"]\nrequire = { name = 0.9 }\n'
        "thresold = 3\n",
    )
    with pytest.raises(MappingError) as caught:
        load_match_rules(path)
    (line,) = caught.value.problems
    assert line.startswith(f"{path}: rules.1 (rule 'fuzzy').thresold")
    assert "unknown key" in line


def test_threshold_out_of_range_is_rejected() -> None:
    """Similarities are 0..1; 85 is a mistake and is reported as such."""
    with pytest.raises(MappingError) as caught:
        parse_match_rules(
            {"rules": [{"name": "r", "blocking": ["phone"], "require": {"name": 85}}]},
            "m.toml",
        )
    assert "use 0.0 to 1.0" in caught.value.problems[0]


def test_unknown_feature_lists_valid_ones() -> None:
    """A feature name that does not exist is reported with the valid names."""
    with pytest.raises(MappingError) as caught:
        parse_match_rules(
            {"rules": [{"name": "r", "blocking": ["phone"], "require": {"nam": 0.9}}]},
            "m.toml",
        )
    assert "rules.0 (rule 'r').require.nam" in caught.value.problems[0]


def test_unknown_blocking_part_is_rejected() -> None:
    """Blocking keys are kinds joined by '+'; a typo in one part is named."""
    with pytest.raises(MappingError) as caught:
        parse_match_rules(
            {
                "rules": [
                    {"name": "r", "blocking": ["company+nme"], "require": {"name": 1}}
                ]
            },
            "m.toml",
        )
    assert "unknown part 'nme'" in caught.value.problems[0]


def test_rule_without_conditions_would_match_everyone() -> None:
    """A rule with neither exact keys nor thresholds is refused."""
    with pytest.raises(MappingError) as caught:
        parse_match_rules({"rules": [{"name": "all", "blocking": ["phone"]}]}, "m.toml")
    assert "match everyone" in caught.value.problems[0]


def test_fuzzy_rule_needs_blocking() -> None:
    """Without blocking keys a fuzzy rule would compare all pairs, so it is refused."""
    with pytest.raises(MappingError) as caught:
        parse_match_rules(
            {"rules": [{"name": "r", "require": {"name": 0.9}}]}, "m.toml"
        )
    assert "blocking" in caught.value.problems[0]


def test_duplicate_rule_names_are_refused() -> None:
    """Links store the rule name, so two rules may not share one."""
    rule = {"name": "same", "exact": ["email"]}
    with pytest.raises(MappingError) as caught:
        parse_match_rules({"rules": [rule, rule]}, "m.toml")
    assert "repeated" in caught.value.problems[0]


def test_block_kinds_include_exact_keys_once() -> None:
    """Exact keys are their own blocks; shared kinds are not indexed twice."""
    rules = parse_match_rules(
        {
            "rules": [
                {"name": "a", "exact": ["email"]},
                {"name": "b", "blocking": ["phone", "email"], "require": {"name": 0.9}},
            ]
        },
        "m.toml",
    )
    assert rules.block_kinds == (("email",), ("phone",))
