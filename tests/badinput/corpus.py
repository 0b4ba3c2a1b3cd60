"""Running one bad-input case through the real CLI and judging it against a clean run.

A case copies the bundled example project (config, exports, mappings) into a
fresh folder, spoils one thing, runs ``sync handoff`` then ``sync outcomes``
through :func:`connector.cli.main`, and compares the import files with those of
a clean run. Only the records the case spoiled may differ (with the people the
clean run linked to them: a lead and its SFA twin are one person); everything
else must be byte-for-byte the same row.

Each case ends in one of four verdicts: ``clean``; ``loses`` (another record
differs or is missing, or a file was refused that should not have been);
``hides`` (the spoiled record vanished, or a broken file was accepted, without a
word); ``crash`` (an exception escaped the CLI, a traceback was printed, or an
exit code outside 0/1/2).
"""

from __future__ import annotations

import contextlib
import csv
import io
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from connector.cli import main

ROOT = Path(__file__).resolve().parents[2]
OUT_FILES = {
    "sfa_import_leads.csv": "リードID",
    "ma_import_outcomes.csv": "hs_object_id",
}
VOLATILE = ("handoff_time",)
"""Columns holding the time of the run, which differs between any two runs."""

Expect = Literal["same", "dead_letter", "may_differ", "refused", "held"]
Verdict = Literal["clean", "loses", "hides", "crash"]
Target = tuple[str, str]
"""("ma", MA id), ("sfa", SFA lead id) or ("deal", deal id): a spoiled record."""


@dataclass(frozen=True)
class Case:
    """One kind of bad input.

    Attributes:
        name: the id shown by pytest.
        mutate: spoils the copied project in place.
        expect: ``same`` (output identical to the clean run), ``dead_letter``
            (the targets are dead-lettered, named by ``where``), ``may_differ``
            (the targets' rows may change, nothing else), ``refused`` (the flow
            ``refused_flow`` stops before using any row, naming ``where``).
        targets: the spoiled records.
        where: text a dead letter (or the refusal message) must contain.
        refused_flow: for ``refused``: which flow stops.
        reference: for ``refused`` of one of several files a flow reads: turns a
            clean project into what the other files alone give (say, the refused
            file emptied to its header). The outputs must then equal that
            project's: the refused file's rows are not used, the others are.

    ``held`` is for a row that names no one (nothing but its id is legible):
    any new lead may be its person, so new leads wait. Rows may then be
    missing, never changed or added, each wait must be a dead letter naming
    ``where``, and once the spoiled file is restored the next sync of both
    flows must give exactly the clean run's outputs.
    """

    name: str
    mutate: Callable[[Path], None]
    expect: Expect
    targets: tuple[Target, ...] = ()
    where: str = ""
    refused_flow: str = "handoff"
    reference: Callable[[Path], None] | None = None
    restores: tuple[str, ...] = ()
    """For ``held``: the spoiled files (relative paths) the fix puts back."""


Rows = dict[str, dict[str, dict[str, str]]]
"""Import file name -> record key -> row (volatile columns blanked)."""


@dataclass
class Baseline:
    """The clean run: its outputs after each flow, and who is linked to whom."""

    after: dict[str, Rows]
    groups: dict[Target, set[Target]] = field(default_factory=dict)
    sfa_of_ma: dict[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    """What running a case gave, and its verdict."""

    verdict: Verdict
    detail: str
    output: str = ""


def make_project(folder: Path) -> Path:
    """Copy the example config, exports and mappings into ``folder``."""
    shutil.copy(ROOT / "config.example.toml", folder / "config.toml")
    shutil.copytree(ROOT / "examples", folder / "examples")
    shutil.copytree(ROOT / "mappings", folder / "mappings")
    return folder


def run_cli(project: Path, *args: str) -> tuple[int | None, str]:
    """Run the CLI in-process; (exit code or None when it raised, all output)."""
    buffer = io.StringIO()
    code: int | None
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        try:
            code = main(["--config", str(project / "config.toml"), *args])
        except BaseException as exc:  # noqa: BLE001 - a crash is what we look for
            buffer.write(f"\nESCAPED {exc.__class__.__name__}: {exc}\n")
            code = None
    return code, buffer.getvalue()


def read_outputs(project: Path) -> Rows:
    """The import files as rows by key, with run-time columns blanked."""
    rows: Rows = {}
    for name, key in OUT_FILES.items():
        path = project / "out" / name
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8-sig")
        table = {}
        for row in csv.DictReader(io.StringIO(text)):
            for column in VOLATILE:
                if row.get(column):
                    row[column] = "<time>"
            table[row[key]] = row
        rows[name] = table
    return rows


def run_flows_cleanly(project: Path, what: str) -> dict[str, Rows]:
    """Sync both flows of a run that must succeed; the outputs after each flow."""
    after: dict[str, Rows] = {}
    for flow in ("handoff", "outcomes"):
        code, output = run_cli(project, "sync", flow)
        if code != 0:
            raise AssertionError(f"the {what} run of {flow} failed:\n{output}")
        after[flow] = read_outputs(project)
    return after


def identities(project: Path) -> list[tuple[str, str, str, str]]:
    """(system, entity, external id, canonical id) of every identity link."""
    path = project / "state" / "connector.db"
    if not path.exists():
        return []
    with sqlite3.connect(path) as db:
        return db.execute(
            "select system, entity, external_id, canonical_id from identities"
        ).fetchall()


def baseline(folder: Path) -> Baseline:
    """Run the clean example once; remember its outputs and identity groups."""
    project = make_project(folder)
    after = run_flows_cleanly(project, "clean")
    base = Baseline(after)
    members: dict[str, set[Target]] = {}
    for system, entity, external, canonical in identities(project):
        kind = "deal" if entity == "deals" else system
        members.setdefault(canonical, set()).add((kind, external))
    for group in members.values():
        for target in group:
            base.groups[target] = group
    for key, row in after["outcomes"]["ma_import_outcomes.csv"].items():
        if row.get("sfa_lead_id"):
            base.sfa_of_ma[key] = row["sfa_lead_id"]
    return base


def allowed_keys(case: Case, base: Baseline) -> dict[str, set[str]]:
    """Keys of each import file that the case's spoiled records may change."""
    targets: set[Target] = set()
    for target in case.targets:
        targets |= base.groups.get(target, {target})
    ma = {i for kind, i in targets if kind == "ma"}
    sfa = {i for kind, i in targets if kind == "sfa"}
    sfa |= {base.sfa_of_ma[i] for i in ma if i in base.sfa_of_ma}
    return {"sfa_import_leads.csv": sfa, "ma_import_outcomes.csv": ma}


def sfa_twins_of(project: Path, ma: set[str]) -> set[str]:
    """SFA ids this run linked to the MA records ``ma`` (a lead it created anew)."""
    links = [
        (s, e, c) for s, entity, e, c in identities(project) if entity == "persons"
    ]
    spoiled = {c for system, external, c in links if system == "ma" and external in ma}
    return {e for system, e, c in links if system == "sfa" and c in spoiled}


def compare(got: Rows, want: Rows, allowed: dict[str, set[str]]) -> list[str]:
    """Differences outside the allowed keys, one line each (empty: none)."""
    problems = []
    for name in OUT_FILES:
        mine, theirs = got.get(name, {}), want.get(name, {})
        for key in sorted(set(mine) | set(theirs)):
            if key in allowed.get(name, set()):
                continue
            if key not in mine:
                problems.append(f"{name}: {key} missing")
            elif key not in theirs:
                problems.append(f"{name}: {key} appeared")
            elif _cells(mine[key]) != _cells(theirs[key]):
                problems.append(f"{name}: {key} changed")
    return problems


def _cells(row: dict[str, str]) -> dict[str, str]:
    """A row without its blank cells: a column the file lacks says as little.

    An import file's header is the union of what its rows say, so a row's
    blank cell appears or goes with the other rows of the file.
    """
    return {column: value for column, value in row.items() if value}


def dead_letters(project: Path) -> list[str]:
    """Every dead letter as one searchable line (key, reason, error)."""
    path = project / "state" / "connector.db"
    if not path.exists():
        return []
    with sqlite3.connect(path) as db:
        found = db.execute(
            "select record_key, reason, error from dead_letters"
        ).fetchall()
    return [" | ".join(str(part) for part in row) for row in found]


def judge(case: Case, base: Baseline, folder: Path) -> Outcome:
    """Run ``case`` in ``folder`` and give its verdict."""
    project = make_project(folder)
    case.mutate(project)
    log: list[str] = []
    for flow in ("handoff", "outcomes"):
        code, output = run_cli(project, "sync", flow)
        log.append(f"$ sync {flow} -> {code}\n{output}")
        text = "\n".join(log)
        if code is None or code not in (0, 1, 2) or "Traceback" in output:
            return Outcome("crash", f"sync {flow} exited {code}", text)
        if case.expect == "refused" and flow == case.refused_flow:
            return _judge_refusal(case, base, project, flow, code, output, text)
        if code == 2:
            return Outcome("loses", f"sync {flow} refused the whole input", text)
    text = "\n".join(log)
    allowed = allowed_keys(case, base) if case.expect != "same" else {}
    # targets[0] is the spoiled record itself; the rest share its e-mail.
    spoiled_ma = {i for kind, i in case.targets if kind == "ma"}
    if case.targets and case.targets[0][0] != "ma":
        spoiled_ma = set()
    if allowed and spoiled_ma:
        # A spoiled MA record may get a lead of its own; an MA record that is
        # only the twin of a spoiled SFA row may not (that lead is a duplicate).
        allowed["sfa_import_leads.csv"] |= sfa_twins_of(project, spoiled_ma)
    problems = compare(read_outputs(project), base.after["outcomes"], allowed)
    if case.expect == "held":
        return _judge_hold(case, base, project, problems, text)
    if problems:
        return Outcome("loses", "; ".join(problems[:5]), text)
    if case.expect == "dead_letter":
        letters = dead_letters(project)
        if not any(case.where in letter for letter in letters):
            return Outcome("hides", f"no dead letter names {case.where!r}", text)
    code, listed = run_cli(project, "dlq", "list")
    if code is None or "Traceback" in listed:
        return Outcome("crash", "dlq list failed", text + listed)
    return Outcome("clean", "", text)


def _judge_hold(
    case: Case, base: Baseline, project: Path, problems: list[str], text: str
) -> Outcome:
    """Held leads may be missing until the row is fixed; then all must be there.

    While held, a lead's row in the SFA import is missing and its MA person's
    outcome row lacks the SFA id written back; nothing else may differ.
    """
    held = {
        letter.split(" | ", 1)[0].removeprefix("ma:")
        for letter in dead_letters(project)
        if "sfa_row_unidentified" in letter and case.where in letter
    }
    waiting = {f"ma_import_outcomes.csv: {ma_id} changed" for ma_id in held}
    unwanted = [p for p in problems if not p.endswith(" missing") and p not in waiting]
    if unwanted:
        return Outcome("loses", "; ".join(unwanted[:5]), text)
    if problems and not held:
        return Outcome("hides", f"leads missing, no wait names {case.where!r}", text)
    for name in case.restores:
        shutil.copy(ROOT / name, project / name)
    log = [text]
    for flow in ("handoff", "outcomes"):
        code, output = run_cli(project, "sync", flow)
        log.append(f"$ (restored) sync {flow} -> {code}\n{output}")
        if code != 0:
            detail = f"after the fix, sync {flow} exited {code}"
            return Outcome("loses", detail, "\n".join(log))
    after = compare(read_outputs(project), base.after["outcomes"], {})
    if after:
        detail = "after the fix: " + "; ".join(after[:5])
        return Outcome("loses", detail, "\n".join(log))
    return Outcome("clean", "", "\n".join(log))


def _judge_refusal(
    case: Case,
    base: Baseline,
    project: Path,
    flow: str,
    code: int,
    output: str,
    text: str,
) -> Outcome:
    if code == 0:
        return Outcome("hides", f"sync {flow} accepted the broken input", text)
    if case.where not in output:
        return Outcome("hides", f"the refusal does not name {case.where!r}", text)
    before = base.after["handoff"] if flow == "outcomes" else {}
    if case.reference is not None:
        before = _reference_outputs(case, project.parent / f"{project.name}-reference")
    problems = compare(read_outputs(project), before, {})
    if problems:
        return Outcome("loses", "refused, but rows were used: " + problems[0], text)
    return Outcome("clean", "", text)


def _reference_outputs(case: Case, folder: Path) -> Rows:
    """What both flows write when the refused file holds no rows at all."""
    assert case.reference is not None
    folder.mkdir()
    project = make_project(folder)
    case.reference(project)
    return run_flows_cleanly(project, "reference")["outcomes"]


def table(outcomes: dict[str, Outcome]) -> str:
    """The corpus table: cases tried and how many ended in each verdict."""
    counts = dict.fromkeys(("clean", "loses", "hides", "crash"), 0)
    for outcome in outcomes.values():
        counts[outcome.verdict] += 1
    lines = [
        f"cases tried:                 {len(outcomes)}",
        f"handled cleanly:             {counts['clean']}",
        f"losing or hiding other data: {counts['loses'] + counts['hides']}"
        f" (losing {counts['loses']}, hiding {counts['hides']})",
        f"crashing a run:              {counts['crash']}",
    ]
    for name, outcome in sorted(outcomes.items()):
        if outcome.verdict != "clean":
            lines.append(f"  {outcome.verdict:6} {name}: {outcome.detail}")
    return "\n".join(lines)
