"""AcmeSFA's fixed vocabularies: lead statuses and deal stages.

They live in one module because three places must agree on them: record
validation, the ``/api/v1/meta/*`` endpoints that publish them, and the admin
"salesperson" actions that move records through them.
"""

from __future__ import annotations

from typing import Any

# (value, closed, won). A lead is "closed" once its lifecycle is over: it
# became a deal (商談化, the successful end) or was ruled out (対象外).
LEAD_STATUSES: tuple[tuple[str, bool, bool], ...] = (
    ("新規", False, False),
    ("アプローチ中", False, False),
    ("アポ獲得", False, False),
    ("商談化", True, True),
    ("対象外", True, False),
)

DEAL_STAGES: tuple[tuple[str, bool, bool], ...] = (
    ("アポ獲得", False, False),
    ("提案", False, False),
    ("見積", False, False),
    ("受注", True, True),
    ("失注", True, False),
)

LEAD_STATUS_VALUES = frozenset(value for value, _, _ in LEAD_STATUSES)
DEAL_STAGE_VALUES = frozenset(value for value, _, _ in DEAL_STAGES)

DEFAULT_LEAD_STATUS = "新規"
DEFAULT_DEAL_STAGE = "アポ獲得"


def meta_payload(entries: tuple[tuple[str, bool, bool], ...]) -> dict[str, Any]:
    """The JSON body of a meta endpoint; the label equals the value in AcmeSFA."""
    return {
        "data": [
            {"value": value, "label": value, "closed": closed, "won": won}
            for value, closed, won in entries
        ]
    }
