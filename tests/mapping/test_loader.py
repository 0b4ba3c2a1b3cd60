"""Loading and `check`: every problem is one `file: key: problem: fix` line."""

from __future__ import annotations

from pathlib import Path

import pytest

from connector.errors import MappingError
from connector.mapping import load_mappings


def problems_of(folder: Path, stages: str = "", fields: str = "") -> list[str]:
    (folder / "stages.toml").write_text(stages, encoding="utf-8")
    (folder / "fields.toml").write_text(fields, encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        load_mappings(folder)
    return caught.value.problems


def test_shipped_files_load(mapping_dir: Path) -> None:
    """The shipped stages.toml and fields.toml load without problems."""
    assert len(load_mappings(mapping_dir).version) == 12


def test_unknown_keys_are_named(tmp_path: Path) -> None:
    """Unknown keys at any level are reported with the allowed keys as the fix."""
    lines = problems_of(
        tmp_path,
        stages='handof_stage = "mql"\n[sfa.deals]\nfield = "x"\nvalue = {}\n',
        fields='[sfa.persons]\n"姓" = { canonical = "last_name", snyc = "never" }\n',
    )
    assert (
        "stages.toml: handof_stage: unknown key: "
        "use one of: handoff_stage, transitions, ma, sfa" in lines
    )
    assert any(
        line.startswith("stages.toml: sfa.deals.value: unknown key: ") for line in lines
    )
    assert any(
        line.startswith("fields.toml: sfa.persons.姓.snyc: unknown key: ")
        for line in lines
    )


def test_unknown_canonical_stage(tmp_path: Path) -> None:
    """A value mapped to a stage that does not exist lists the canonical stages."""
    lines = problems_of(
        tmp_path,
        stages='[sfa.deals]\nfield = "フェーズ"\n[sfa.deals.values]\n"受注" = "wonn"\n',
    )
    assert lines == [
        "stages.toml: sfa.deals.values.受注: unknown canonical stage 'wonn': "
        "use one of: awareness, nurturing, mql, sql, opportunity, closing, won, "
        "lost, rejected, recycled"
    ]


def test_duplicate_source_values(tmp_path: Path) -> None:
    """Two spellings of one value (width or case) are duplicates, as are repeats."""
    lines = problems_of(
        tmp_path,
        stages='[sfa.deals]\nfield = "フェーズ"\n[sfa.deals.values]\n'
        '"提案・見積" = "opportunity"\n"提案･見積" = "closing"\n',
    )
    assert len(lines) == 1
    assert lines[0].startswith(
        "stages.toml: sfa.deals.values.提案･見積: duplicate source value"
    )
    repeated = problems_of(
        tmp_path,
        stages='[ma.persons]\nfield = "x"\n[ma.persons.values]\n'
        'lead = "mql"\nlead = "sql"\n',
    )
    assert repeated[0].startswith("stages.toml: line 5: duplicate key")


def test_transforms_that_do_not_exist(tmp_path: Path) -> None:
    """An unknown transform names the rule, direction and the known transforms."""
    lines = problems_of(
        tmp_path,
        fields='[ma.persons]\nemail = { canonical = "email", read = ["trimm"] }\n',
    )
    assert len(lines) == 1
    assert lines[0].startswith(
        "fields.toml: ma.persons.email.read: unknown transform 'trimm' (known: "
    )
    assert lines[0].endswith(
        ": see docs/mapping.md (Transforms) for names and arguments"
    )


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            '[ma.persons]\nx = { canonical = "emial" }\n',
            "fields.toml: ma.persons.x.canonical: unknown canonical field 'emial'",
        ),
        (
            '[ma.persons]\nx = { canonical = "email", sync = "sometimes" }\n',
            "fields.toml: ma.persons.x.sync: unknown sync rule 'sometimes'",
        ),
        (
            '[ma.persons]\nx = { canonical = "email" }\ny = { canonical = "email" }\n',
            "fields.toml: ma.persons.y: canonical field 'email' is already read",
        ),
        (
            '[ma.persons]\nx = { canonical = "email", read = [{ map = "nope" }] }\n',
            "fields.toml: ma.persons.x.read: no value map [maps.nope]",
        ),
        (
            '[defaults]\nphone_region = "ZZ"\n',
            "fields.toml: defaults.phone_region: unknown phone region 'ZZ'",
        ),
        (
            "[ma.leads]\n",
            "fields.toml: ma.leads: unknown key: use one of: persons, deals",
        ),
    ],
)
def test_field_problems(tmp_path: Path, fields: str, expected: str) -> None:
    """Bad field rules are reported with file, key, problem and fix."""
    lines = problems_of(tmp_path, fields=fields)
    assert any(line.startswith(expected) for line in lines), lines


@pytest.mark.parametrize(
    ("stages", "expected"),
    [
        (
            'handoff_stage = "lost"\n',
            "stages.toml: handoff_stage: lost is a side state",
        ),
        (
            '[[transitions]]\nfrom = "lost"\nto = "recycled"\n',
            "stages.toml: transitions[0].reason: missing",
        ),
        (
            '[ma.persons]\nvalues = { lead = "mql" }\n',
            "stages.toml: ma.persons.field: missing or empty",
        ),
        (
            '[ma.deals]\nfield = "dealstage"\npipeline_field = "pipeline"\n',
            "stages.toml: ma.deals.pipelines: missing",
        ),
        (
            '[ma.persons]\nfield = "l"\nvalues = { lead = "mql" }\n'
            'write = { mql = "leed" }\n',
            "stages.toml: ma.persons.write.mql: 'leed' is not one of the values",
        ),
    ],
)
def test_stage_problems(tmp_path: Path, stages: str, expected: str) -> None:
    """Bad stage files are reported with file, key, problem and fix."""
    lines = problems_of(tmp_path, stages=stages)
    assert any(line.startswith(expected) for line in lines), lines


def test_all_problems_at_once_and_exit_code(tmp_path: Path) -> None:
    """Problems in both files are collected together; the error exits 2."""
    (tmp_path / "stages.toml").write_text('handoff_stage = "x"\n', encoding="utf-8")
    (tmp_path / "fields.toml").write_text("nonsense = 1\n", encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        load_mappings(tmp_path)
    assert len(caught.value.problems) == 2
    assert caught.value.exit_code == 2


def test_missing_files_and_folder(tmp_path: Path) -> None:
    """A missing file or folder says where it looked and what to copy."""
    with pytest.raises(MappingError) as caught:
        load_mappings(tmp_path)
    assert caught.value.problems[0].startswith(
        "stages.toml: (file): missing (looked in "
    )
    with pytest.raises(MappingError):
        load_mappings(tmp_path / "nope")


def test_version_changes_with_content_only(mapping_dir: Path) -> None:
    """The version is a content hash: same bytes same version, any edit a new one."""
    first = load_mappings(mapping_dir).version
    assert load_mappings(mapping_dir).version == first
    path = mapping_dir / "stages.toml"
    path.write_text(path.read_text(encoding="utf-8") + "# note\n", encoding="utf-8")
    assert load_mappings(mapping_dir).version != first
