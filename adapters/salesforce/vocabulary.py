"""Live stage vocabularies: opportunity stages, lead statuses, other picklists (§10).

Mappings name Salesforce's API values (``Closed Won``, ``Working - Contacted``),
never the labels an org translates (``成立``, ``対応中``), so ``connector
mappings check --live`` compares them with what the org has now:

- ``StageName``: the active ``OpportunityStage`` rows' ``ApiName``, in the
  org's sort order; :meth:`Vocabulary.stages` adds ``IsClosed`` / ``IsWon``,
  which say won or lost whatever a stage is called.
- ``Status``: the ``LeadStatus`` rows' ``ApiName`` (:meth:`Vocabulary.lead_statuses`
  says which ones conversion sets).
- any other picklist of Lead, Contact or Opportunity: its active values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from adapters.salesforce.client import SalesforceClient
from adapters.salesforce.describe import Describer
from adapters.salesforce.query import run_query
from adapters.salesforce.records import flatten
from adapters.salesforce.soql import select
from connector.errors import ConfigError

__all__ = ["LeadStatusInfo", "StageInfo", "Vocabulary"]


@dataclass(frozen=True, slots=True)
class StageInfo:
    """One opportunity stage: what is written, what users see, what it means."""

    api_name: str
    label: str
    closed: bool
    won: bool
    active: bool
    sort_order: int


@dataclass(frozen=True, slots=True)
class LeadStatusInfo:
    """One lead status; ``converted`` ones are set only by conversion."""

    api_name: str
    label: str
    converted: bool
    default: bool


class Vocabulary:
    """Reads and caches (per adapter instance) stages, statuses and picklists.

    Args:
        client: the session.
        describer: describe answers, for other picklists.
        objects: the objects searched for a picklist, in order.
    """

    def __init__(
        self, client: SalesforceClient, describer: Describer, objects: Sequence[str]
    ) -> None:
        self.client = client
        self.describer = describer
        self.objects = tuple(objects)
        self._stages: list[StageInfo] | None = None
        self._statuses: list[LeadStatusInfo] | None = None

    def _rows(self, soql: str, what: str) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = []
        for batch in run_query(self.client, soql, what=what, deleted=False):
            rows.extend(flatten(r) for r in batch.rows)
        return rows

    def stages(self) -> list[StageInfo]:
        """Every opportunity stage, active or not, in sort order (cached)."""
        if self._stages is None:
            soql = select(
                (
                    "ApiName",
                    "MasterLabel",
                    "IsActive",
                    "IsClosed",
                    "IsWon",
                    "SortOrder",
                ),
                "OpportunityStage",
                order="SortOrder",
            )
            self._stages = [
                StageInfo(
                    str(r.get("ApiName") or r.get("MasterLabel")),
                    str(r.get("MasterLabel")),
                    bool(r.get("IsClosed")),
                    bool(r.get("IsWon")),
                    bool(r.get("IsActive")),
                    int(str(r.get("SortOrder") or 0)),
                )
                for r in self._rows(soql, "read opportunity stages")
            ]
        return self._stages

    def lead_statuses(self) -> list[LeadStatusInfo]:
        """Every lead status in sort order (cached)."""
        if self._statuses is None:
            soql = select(
                ("ApiName", "MasterLabel", "IsConverted", "IsDefault", "SortOrder"),
                "LeadStatus",
                order="SortOrder",
            )
            self._statuses = [
                LeadStatusInfo(
                    str(r.get("ApiName") or r.get("MasterLabel")),
                    str(r.get("MasterLabel")),
                    bool(r.get("IsConverted")),
                    bool(r.get("IsDefault")),
                )
                for r in self._rows(soql, "read lead statuses")
            ]
        return self._statuses

    def values(self, field: str) -> list[str]:
        """The live values of ``field`` (see the module docstring).

        Raises:
            ConfigError: no object has that field, or it is not a picklist.
        """
        if field == "StageName":
            return [s.api_name for s in self.stages() if s.active]
        if field == "Status" and "Lead" in self.objects:
            return [s.api_name for s in self.lead_statuses()]
        for sobject in self.objects:
            spec = self.describer.describe(sobject).fields.get(field)
            if spec is None:
                continue
            if spec.type not in ("picklist", "multipicklist"):
                raise ConfigError(
                    f"Salesforce field {sobject}.{field} is a {spec.type}, not a "
                    "picklist",
                    hint="vocabulary checks apply to picklist fields (StageName, "
                    "Status, ...)",
                    context={"field": field},
                )
            return [p.value for p in spec.picklist if p.active]
        raise ConfigError(
            f"Salesforce has no field {field!r} on {', '.join(self.objects)}",
            hint="use the field's API name (Setup > Object Manager > Fields)",
            context={"field": field},
        )
