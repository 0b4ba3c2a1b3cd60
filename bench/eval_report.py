"""The evaluation's markdown tables and JSON report."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BATCH_HEADER = (
    "| source | n | method | precision | recall | F1 | predicted pairs | CPU s "
    "| peak RSS MB | RSS after loading MB |\n"
    "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"
)
INCREMENTAL_HEADER = (
    "| source | index size | queries | with a twin | returned | wrong | wrong rate "
    "| missed | median ms | p99 ms | peak RSS MB |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value:.4f}"


def _n(result: dict[str, Any]) -> str:
    n = result.get("n", result.get("size"))
    return f"{n:,}" if isinstance(n, int) else "–"


def note(result: dict[str, Any]) -> str | None:
    """Why a job has no numbers (skipped or failed), or None when it has."""
    if "skipped" in result:
        return f"skipped: {result['skipped']}"
    if "error" in result:
        return f"failed: {result['error']}"
    return None


def batch_row(r: dict[str, Any]) -> str:
    """One table row of a (source, size, method) job."""
    head = f"| {r['source']} | {_n(r)} | {r['method']} "
    if note(r):
        return head + "| – | – | – | – | – | – | – |"
    loaded = r.get("load_rss_mb")
    return head + (
        f"| {_rate(r['precision'])} | {_rate(r['recall'])} | {_rate(r['f1'])} "
        f"| {r['predicted_pairs']:,} | {r['cpu_s']:.1f} | {r['rss_mb']:.0f} "
        f"| {'–' if loaded is None else f'{loaded:.0f}'} |"
    )


def incremental_row(r: dict[str, Any]) -> str:
    """One table row of a source's live-matcher check."""
    if note(r):
        return f"| {r['source']} | – | – | – | – | – | – | – | – | – | – |"
    return (
        f"| {r['source']} | {r['index_size']:,} | {r['queries']:,} "
        f"| {r['queries_with_twin']:,} | {r['returned']:,} | {r['wrong']:,} "
        f"| {_rate(r['wrong_rate'])} | {r['missed']:,} | {r['median_ms']:.2f} "
        f"| {r['p99_ms']:.2f} | {r['rss_mb']:.0f} |"
    )


def notes(results: Iterable[dict[str, Any]]) -> list[str]:
    """One line per job without numbers, for under the tables."""
    lines = []
    for r in results:
        why = note(r)
        if why:
            what = r.get("method", "incremental")
            lines.append(f"- {r['source']} {_n(r)} {what}: {why}")
    return lines


def json_path(directory: Path) -> Path:
    """``dedupe-eval-<UTC date and time>.json``: a second run never overwrites."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M%SZ")
    return directory / f"dedupe-eval-{stamp}.json"


def write_json(path: Path, report: dict[str, Any]) -> None:
    """Write the report whole, replacing the file through a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    part = path.with_suffix(".part")
    part.write_text(text, encoding="utf-8")
    part.replace(path)
