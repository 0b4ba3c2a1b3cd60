"""The mapping layer: admin-edited files that align both systems with one funnel.

``mappings/stages.toml`` maps each system's stage values to the canonical funnel
(and declares the moves allowed against it); ``mappings/fields.toml`` maps native
fields to canonical ones with transforms and a sync rule per field. Nothing is
guessed: a stage value with no mapping makes the record a dead letter with reason
``unmapped_stage``, and ``connector mappings check --live`` lists such values.

Public API::

    load_mappings(directory) -> Mappings      # MappingError(problems=[...])
    Mappings.to_person / to_deal / to_native / stage_field / native_fields / check_move
    MappingReloader(directory).current()      # hot reload, last good kept on error
"""

from __future__ import annotations

from connector.mapping.fields import SYNC_RULES, FieldRule, SyncRule
from connector.mapping.loader import MAPPING_FILES, content_version, load_mappings
from connector.mapping.mappings import Mappings
from connector.mapping.reload import MappingReloader
from connector.mapping.stages import StageMove, StageRules, Transition, Vocabulary
from connector.mapping.transforms import TRANSFORMS, TransformError

__all__ = [
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
