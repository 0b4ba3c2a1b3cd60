"""recordlinkage's unsupervised Fellegi-Sunter (ECM) as an outside baseline.

Why this method: it is what a careful engineer gets from an off-the-shelf
toolkit in an afternoon, with no knowledge of our rules. To keep it that, the
configuration below was fixed before the first run and is not tuned after
seeing scores; every choice follows recordlinkage's own documentation and
examples rather than our data.

Configuration (fixed 2026-12-03, before any run):

- Values are NFKC-folded, trimmed and lower-cased; blanks are missing (NaN), so
  recordlinkage's blocking drops them and its comparisons score them 0 (the
  documented ``missing_value=0``).
- Leads (``ours``, ``blind``, ``heldout``): blocking by ``Index().block`` on
  three plain keys, their candidate pairs united: the normalised e-mail; the
  phone's digits (no E.164: a plain key, as a toolkit user would write it);
  surname + company. Features: exact e-mail, exact phone digits, given name and
  surname by Jaro-Winkler at 0.85 (the method and threshold of the docs' name
  examples), company by the default string method (Levenshtein) at 0.85, and
  exact city (``attributes["city"]``).
- FEBRL: the blocking and features of recordlinkage's own FEBRL 3 example
  (``examples/dedup_deterministic.py``): blocks on given name, surname and
  social-security id; exact given name, surname by Jaro-Winkler at 0.85, exact
  date of birth, suburb and state, address 1 and 2 by Levenshtein at 0.85.
- ``ECMClassifier()`` with its defaults (``init="jaro"``, binary features given,
  100 iterations); predicted links are joined into clusters by connected
  components (scipy), as a dedupe of one file needs transitive clusters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import recordlinkage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from bench.eval_methods import Labels, Outcome, Records


def _fold(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    folded = unicodedata.normalize("NFKC", value).strip().lower()
    return folded or None


def _digits(value: Any) -> str | None:
    folded = _fold(value)
    if folded is None:
        return None
    digits = "".join(ch for ch in folded if ch.isascii() and ch.isdigit())
    return digits or None


def lead_frame(data: Records) -> pd.DataFrame:
    """One row per record: the normalised lead fields ECM compares."""
    rows = [
        {
            "email": _fold(p.email),
            "phone": _digits(p.phone),
            "first_name": _fold(p.first_name),
            "last_name": _fold(p.last_name),
            "company": _fold(p.company),
            "city": _fold(p.attributes.get("city")),
        }
        for _, p in data.people
    ]
    return pd.DataFrame(rows, columns=list(rows[0]) if rows else None)


_FEBRL_FIELDS = (
    "street_number", "address_1", "address_2", "suburb", "postcode", "state",
    "date_of_birth", "soc_sec_id",
)  # fmt: skip


def febrl_frame(data: Records) -> pd.DataFrame:
    """One row per record: FEBRL's fields under their own names."""
    rows = [
        {
            "given_name": _fold(p.first_name),
            "surname": _fold(p.last_name),
            **{f: _fold(p.attributes.get(f)) for f in _FEBRL_FIELDS},
        }
        for _, p in data.people
    ]
    return pd.DataFrame(rows)


def _lead_model() -> tuple[recordlinkage.Index, recordlinkage.Compare]:
    index = recordlinkage.Index()
    index.block("email")
    index.block("phone")
    index.block(["last_name", "company"])
    compare = recordlinkage.Compare()
    compare.exact("email", "email", label="email")
    compare.exact("phone", "phone", label="phone")
    compare.string(
        "first_name", "first_name", method="jarowinkler", threshold=0.85, label="first"
    )
    compare.string(
        "last_name", "last_name", method="jarowinkler", threshold=0.85, label="last"
    )
    compare.string("company", "company", threshold=0.85, label="company")
    compare.exact("city", "city", label="city")
    return index, compare


def _febrl_model() -> tuple[recordlinkage.Index, recordlinkage.Compare]:
    index = recordlinkage.Index()
    index.block("given_name")
    index.block("surname")
    index.block("soc_sec_id")
    compare = recordlinkage.Compare()
    compare.exact("given_name", "given_name", label="given_name")
    compare.string(
        "surname", "surname", method="jarowinkler", threshold=0.85, label="surname"
    )
    compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    compare.exact("suburb", "suburb", label="suburb")
    compare.exact("state", "state", label="state")
    compare.string("address_1", "address_1", threshold=0.85, label="address_1")
    compare.string("address_2", "address_2", threshold=0.85, label="address_2")
    return index, compare


def components(size: int, left: Sequence[int], right: Sequence[int]) -> Labels:
    """Connected components of the predicted links: one label per record."""
    graph = coo_matrix(
        (np.ones(len(left), dtype=np.int8), (left, right)), shape=(size, size)
    )
    _, labels = connected_components(graph, directed=False)
    return [int(label) for label in labels]


def ecm_outcome(data: Records) -> Outcome:
    """Block, compare, fit ECM on the candidate pairs, cluster its links."""
    size = len(data.people)
    frame = febrl_frame(data) if data.kind == "febrl" else lead_frame(data)
    index, compare = _febrl_model() if data.kind == "febrl" else _lead_model()
    candidates = index.index(frame)
    if len(candidates) == 0:
        return Outcome(list(range(size)))
    features = compare.compute(candidates, frame)
    links = recordlinkage.ECMClassifier().fit_predict(features)
    left = links.get_level_values(0).to_numpy()
    right = links.get_level_values(1).to_numpy()
    keys = [key for key, _ in data.people]
    pairs = [(keys[a], keys[b], "ecm") for a, b in zip(left, right, strict=True)]
    return Outcome(components(size, left, right), pairs)
