from __future__ import annotations

import connector.matching
import connector.store.identity


def test_matching_public_names_are_pinned() -> None:
    """The names the handoff flow imports stay exported (and nothing else leaks)."""
    assert set(connector.matching.__all__) == {
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
    }
    for name in connector.matching.__all__:
        assert hasattr(connector.matching, name)


def test_identity_public_names_are_pinned() -> None:
    """The identity map's query functions stay exported."""
    assert {
        "link",
        "resolve",
        "ids_for",
        "record_merge",
        "record_conversion",
        "new_canonical_id",
        "survivor_of",
        "links_for",
        "save_match_keys",
        "load_match_keys",
        "find_by_key",
    } <= set(connector.store.identity.__all__)
