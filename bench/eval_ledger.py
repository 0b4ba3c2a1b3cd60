"""The held-out ledger: the held-out data is scored once, and every look is recorded.

Why: a score read, then a rule changed, then the score read again, turns held-out
data into training data, and its numbers flatter us like our own generator's.
So scoring ``heldout`` is allowed only as a deliberate, final act:

- without ``--heldout-final`` it is always refused. If the ledger already holds
  a run of that method, the refusal says when and at which commit;
- with ``--heldout-final`` the git tree must be clean (no change, no untracked
  file), so the commit in the ledger is exactly the code that was scored;
- each final score is appended to ``bench/results/heldout-ledger.json`` (a
  committed file) as ``{commit, method, size, seed, date, scores}``. Scoring a
  method again with ``--heldout-final`` is possible but lands in the ledger
  beside the first look, so nobody can quote the best of several looks unseen.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LEDGER = ROOT / "bench" / "results" / "heldout-ledger.json"


class HeldoutRefused(RuntimeError):
    """Scoring ``heldout`` is not allowed in this run; the message says why."""


def read_ledger(path: Path) -> list[dict[str, Any]]:
    """The recorded runs, oldest first (none when the file does not exist)."""
    if not path.exists():
        return []
    runs: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["runs"]
    return runs


def recorded(path: Path, method: str) -> list[dict[str, Any]]:
    """The ledger's runs of ``method``."""
    return [run for run in read_ledger(path) if run["method"] == method]


def git_state(repo: Path) -> tuple[str | None, list[str]]:
    """(HEAD commit or None, changed or untracked paths) of the tree at ``repo``."""

    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - fixed git arguments
            ["git", "-C", str(repo), *args],  # noqa: S607 - git from PATH
            capture_output=True,
            text=True,
            check=False,
        )

    head = git("rev-parse", "HEAD")
    if head.returncode != 0:
        return None, []
    status = git("status", "--porcelain", "--untracked-files=all")
    dirty = [line[3:] for line in status.stdout.splitlines() if line.strip()]
    return head.stdout.strip(), dirty


def check_heldout(method: str, *, final: bool, ledger: Path, repo: Path) -> str:
    """The commit to record if ``method`` may be scored on ``heldout`` now.

    Raises:
        HeldoutRefused: not final, or the tree is not a clean git checkout.
    """
    earlier = recorded(ledger, method)
    if not final:
        if earlier:
            first = earlier[0]
            raise HeldoutRefused(
                f"heldout was already scored for {method!r} "
                f"(commit {first['commit'][:10]}, {first['date']}; "
                f"{len(earlier)} run(s) in {ledger.name}): it is scored once"
            )
        raise HeldoutRefused(
            f"heldout is scored only with --heldout-final on a clean git tree, "
            f"and the score of {method!r} is then recorded in {ledger.name}"
        )
    commit, dirty = git_state(repo)
    if commit is None:
        raise HeldoutRefused(f"--heldout-final needs a git checkout; {repo} is none")
    if dirty:
        shown = ", ".join(dirty[:5]) + (" ..." if len(dirty) > 5 else "")
        raise HeldoutRefused(
            f"--heldout-final needs a clean git tree (commit or stash first): {shown}"
        )
    return commit


def append_run(ledger: Path, run: dict[str, Any]) -> None:
    """Add one final run to the ledger file (created if missing), dated now."""
    runs = read_ledger(ledger)
    runs.append({**run, "date": run.get("date") or datetime.now(UTC).isoformat()})
    ledger.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"runs": runs}, indent=2, ensure_ascii=False) + "\n"
    ledger.write_text(text, encoding="utf-8")
