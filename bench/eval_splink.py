r"""splink on the evaluation's sources, scored exactly as the other methods are.

splink runs in its own virtualenv (it brings DuckDB and pandas versions the
project does not pin), so this module does the two ends in the project's:

1. ``export``: load a source through :mod:`bench.eval_sources` and write one
   flat row per record. Lead sources get the connector's own normalised keys
   (folded e-mail, E.164 phone, company without legal form, corporate domain,
   kana reading) beside the raw first and last names, so both models start from
   the same normalisation and differ only in the model. FEBRL gets its columns.
2. run ``bench/splink_runner.py`` with splink's interpreter;
3. score its clusters with :func:`bench.eval_score.pairwise_scores`.

    .venv/bin/python -m bench.eval_splink --sources ours,blind --size 100000 \\
        --splink-python /tmp/splink-venv/bin/python

Prints one JSON line per source and a Markdown table. The held-out source is
refused here: it is scored once, by ``bench/dedupe_eval.py``.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from bench.eval_score import pairwise_scores
from bench.eval_sources import LOADERS, Dataset
from connector.matching import load_match_rules
from connector.matching.keys import person_keys

ROOT = Path(__file__).resolve().parent.parent
LEAD_COLUMNS = (
    "unique_id",
    "email",
    "phone",
    "first_name",
    "last_name",
    "reading",
    "company",
    "domain",
)
FEBRL_COLUMNS = (
    "unique_id",
    "first_name",
    "last_name",
    "date_of_birth",
    "soc_sec_id",
    "postcode",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "state",
)


def _fold(text: str | None) -> str:
    return " ".join((text or "").casefold().split())


def export(data: Dataset, folder: Path) -> None:
    """Write ``records.csv`` and ``spec.json`` for the runner."""
    rules = load_match_rules(ROOT / "mappings" / "matching.toml")
    columns = FEBRL_COLUMNS if data.kind == "febrl" else LEAD_COLUMNS
    with (folder / "records.csv").open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(columns)
        for number, (_, person) in enumerate(data.people):
            if data.kind == "febrl":
                values = person.attributes
                out.writerow(
                    [
                        number,
                        _fold(person.first_name),
                        _fold(person.last_name),
                        *(str(values.get(c) or "").strip() for c in columns[3:]),
                    ]
                )
                continue
            keys = person_keys(person, rules)
            out.writerow(
                [
                    number,
                    keys.email or "",
                    keys.phone or "",
                    _fold(person.first_name),
                    _fold(person.last_name),
                    keys.reading or "",
                    keys.company or "",
                    keys.domain if keys.corporate else "",
                ]
            )
    spec = {"kind": data.kind, "source": data.source}
    (folder / "spec.json").write_text(json.dumps(spec))


THRESHOLDS = (0.5, 0.9, 0.99)
"""The runner's clustering thresholds (``bench/splink_runner.py``)."""


def labels(folder: Path, size: int, threshold: float) -> list[str]:
    """Cluster id per record number, from the runner's clusters at ``threshold``."""
    found = [f"alone-{number}" for number in range(size)]  # unless splink says
    with (folder / f"clusters-{threshold}.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            found[int(row["unique_id"])] = f"c-{row['cluster_id']}"
    return found


def evaluate(source: str, size: int, splink_python: str) -> list[dict[str, Any]]:
    """Export, run splink in its own process, score; a row per threshold."""
    if source == "heldout":
        raise SystemExit("the held-out source is scored once, by bench.dedupe_eval")
    data = LOADERS[source](size)
    with tempfile.TemporaryDirectory(prefix="splink-") as tmp:
        folder = Path(tmp)
        export(data, folder)
        subprocess.run(  # noqa: S603 - splink's interpreter, our runner
            [splink_python, str(ROOT / "bench" / "splink_runner.py"), str(folder)],
            check=True,
        )
        run = json.loads((folder / "run.json").read_text())
        rows = []
        for threshold in THRESHOLDS:
            found = labels(folder, len(data.people), threshold)
            scores = pairwise_scores(found, data.truth, data.groups)
            rows.append(
                {
                    "source": source,
                    "n": len(data.people),
                    "threshold": threshold,
                    **run,
                    **scores.as_dict(),
                }
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", default="ours,blind,febrl1,febrl3,febrl4")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--splink-python", default="/tmp/splink-venv/bin/python")  # noqa: S108
    args = parser.parse_args()
    rows = []
    for source in args.sources.split(","):
        for row in evaluate(source, args.size, args.splink_python):
            print(json.dumps(row), flush=True)
            rows.append(row)
    print(
        "\n| source | n | threshold | precision | recall | F1 | CPU s | wall s"
        " | peak RSS MB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['source']} | {r['n']:,} | {r['threshold']} | {r['precision']:.4f}"
            f" | {r['recall']:.4f}"
            f" | {r['f1']:.4f} | {r['cpu_s']:.1f} | {r['wall_s']:.1f}"
            f" | {r['rss_mb']:,.0f} |"
        )


if __name__ == "__main__":
    main()
