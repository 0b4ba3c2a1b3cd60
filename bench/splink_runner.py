"""splink beside the connector's model, in splink's own virtualenv (not the project's).

Reads the flat table ``bench/eval_splink.py export`` wrote (one row per record,
the connector's normalised keys for lead data, FEBRL's own columns for FEBRL),
fits a splink model the way splink's documentation trains one (u by random
sampling, the match prior from deterministic rules, m by EM on two blocking
rules), predicts on the same blocking the connector's model uses, clusters at a
match probability of 0.5 (the connector's threshold) and at 0.9 and 0.99, and
writes ``clusters-{threshold}.csv`` (unique_id, cluster_id) and ``run.json``
(CPU seconds, wall seconds, peak RSS of this process, versions) beside the input.

Nothing here was tuned on any score: the comparisons are splink's library
comparisons for each column's meaning, with splink's default thresholds.

    python3 -m venv /tmp/splink-venv && /tmp/splink-venv/bin/pip install splink
    /tmp/splink-venv/bin/python bench/splink_runner.py DIR
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

THRESHOLDS = (0.5, 0.9, 0.99)
"""0.5 is the connector's threshold; the higher two are what a splink user would
try when 0.5 chains clusters together. Picking the best of them afterwards is
choosing on the scored set, so the report shows all three."""


def _lead_settings(cl: Any, block_on: Any) -> dict[str, Any]:
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "comparisons": [
            cl.EmailComparison("email").configure(term_frequency_adjustments=True),
            cl.ExactMatch("phone").configure(term_frequency_adjustments=True),
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("last_name").configure(term_frequency_adjustments=True),
            cl.ExactMatch("reading").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("company", [0.9, 0.8]).configure(
                term_frequency_adjustments=True
            ),
            cl.ExactMatch("domain").configure(term_frequency_adjustments=True),
        ],
        "blocking": [
            block_on("email"),
            block_on("phone"),
            block_on("last_name", "first_name"),
            block_on("reading"),
            block_on("last_name", "company"),
        ],
        "deterministic": [block_on("email"), block_on("phone")],
        "em": [block_on("last_name", "first_name"), block_on("email")],
    }


def _febrl_settings(cl: Any, block_on: Any) -> dict[str, Any]:
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "comparisons": [
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("last_name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.ExactMatch("soc_sec_id"),
            cl.ExactMatch("postcode"),  # Australian 4-digit codes
            cl.ExactMatch("street_number"),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.8]),
            cl.JaroWinklerAtThresholds("address_2", [0.9, 0.8]),
            cl.JaroWinklerAtThresholds("suburb", [0.9, 0.8]),
            cl.ExactMatch("state"),
        ],
        "blocking": [
            block_on("last_name", "first_name"),
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("postcode"),
        ],
        "deterministic": [
            block_on("soc_sec_id"),
            block_on("date_of_birth", "last_name"),
        ],
        "em": [block_on("date_of_birth"), block_on("postcode")],
    }


def main(folder: Path) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    import duckdb
    import pandas as pd
    import splink
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    spec = json.loads((folder / "spec.json").read_text())
    frame = pd.read_csv(
        folder / "records.csv", dtype=str, keep_default_na=False, na_values=[""]
    )
    chosen = (_febrl_settings if spec["kind"] == "febrl" else _lead_settings)(
        cl, block_on
    )
    db_api = DuckDBAPI()
    table = db_api.register(frame)
    settings = SettingsCreator(
        link_type=chosen["link_type"],
        unique_id_column_name=chosen["unique_id_column_name"],
        comparisons=chosen["comparisons"],
        blocking_rules_to_generate_predictions=chosen["blocking"],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(table, settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        chosen["deterministic"], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    for rule in chosen["em"]:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    for threshold in THRESHOLDS:
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold
        ).as_pandas_dataframe()
        clusters[["unique_id", "cluster_id"]].to_csv(
            folder / f"clusters-{threshold}.csv", index=False
        )
    run = {
        "cpu_s": time.process_time() - cpu,
        "wall_s": time.perf_counter() - wall,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "splink": splink.__version__,
        "duckdb": duckdb.__version__,
        "records": len(frame),
    }
    (folder / "run.json").write_text(json.dumps(run))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
