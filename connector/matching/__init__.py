"""Lead deduplication and identity resolution.

"Sales gets the same person twice" is what this package prevents. People from either
system are reduced to normalised keys (:mod:`~connector.matching.normalise`),
compared under the admin's rules in ``mappings/matching.toml``
(:mod:`~connector.matching.config`), and either matched one at a time against an
index (:class:`Matcher`, for the handoff) or clustered in bulk (:func:`cluster`, for
``connector dedupe scan``). Links are stored by :mod:`connector.store.identity`.
"""

from __future__ import annotations

from connector.matching.batch import Cluster, Link, cluster
from connector.matching.compare import Match, evaluate
from connector.matching.config import (
    MatchRules,
    Rule,
    load_match_rules,
    parse_match_rules,
)
from connector.matching.keys import Keys, person_keys
from connector.matching.matcher import Matcher
from connector.matching.model_batch import model_cluster
from connector.matching.persist import forget_person, load_matcher, save_person
from connector.matching.survivorship import survive

__all__ = [
    "Cluster",
    "Keys",
    "Link",
    "Match",
    "MatchRules",
    "Matcher",
    "Rule",
    "cluster",
    "evaluate",
    "forget_person",
    "load_match_rules",
    "load_matcher",
    "model_cluster",
    "parse_match_rules",
    "person_keys",
    "save_person",
    "survive",
]
