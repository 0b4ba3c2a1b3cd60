"""What a flow run did, counted the way the run summary and exit codes need it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["RunStatus", "RunSummary"]

RunStatus = Literal["ok", "partial", "failed", "stopped"]
"""ok: all synced; partial: some records dead-lettered; failed: the run broke off;
stopped: asked to stop (SIGTERM or budget) after committing the batch in hand."""


@dataclass
class RunSummary:
    """Counts and outcome of one run of one flow."""

    flow: str
    run_id: str
    mode: str
    dry_run: bool = False
    status: RunStatus = "ok"
    message: str | None = None
    counts: Counter[str] = field(default_factory=Counter)
    samples: list[dict[str, object]] = field(default_factory=list)

    @property
    def dead_lettered(self) -> int:
        """Records that went to the dead-letter store in this run."""
        return (
            self.counts["invalid"] + self.counts["rejected"] + self.counts["unreadable"]
        )

    def finish(self) -> RunSummary:
        """Settle the status from the counts (partial when anything failed)."""
        if self.status == "ok" and self.dead_lettered:
            self.status = "partial"
        return self

    @property
    def exit_code(self) -> int:
        """0 when all synced, 1 when some records were dead-lettered or it failed."""
        return 0 if self.status in ("ok", "stopped") else 1
