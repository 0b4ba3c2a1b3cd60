"""The mapping package's public names are deliberate: adding one is a choice."""

from __future__ import annotations

import connector.mapping


def test_public_api_is_pinned() -> None:
    """connector.mapping exports exactly the names flows and the daemon rely on."""
    assert sorted(connector.mapping.__all__) == sorted(
        [
            "MAPPING_FILES",
            "SYNC_RULES",
            "TRANSFORMS",
            "FieldRule",
            "MappingReloader",
            "Mappings",
            "StageMove",
            "StageRules",
            "SyncRule",
            "TransformError",
            "Transition",
            "Vocabulary",
            "content_version",
            "load_mappings",
        ]
    )
    for name in connector.mapping.__all__:
        assert getattr(connector.mapping, name) is not None
