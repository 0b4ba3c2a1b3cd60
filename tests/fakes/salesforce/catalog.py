"""The fake org's objects, built from the options (fact sheet §8, §10, §13)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tests.fakes.salesforce.campaign_objects import (
    campaign_member_object,
    campaign_object,
    member_status_object,
)
from tests.fakes.salesforce.metadata import LeadStatusDef, StageDef
from tests.fakes.salesforce.sales_objects import (
    account_object,
    contact_object,
    contact_role_object,
    lead_object,
    lead_status_object,
    opportunity_object,
    stage_object,
    user_object,
)
from tests.fakes.salesforce.schema import FieldDef, ObjectDef

__all__ = ["build_catalog"]


def build_catalog(
    stages: Sequence[StageDef],
    lead_statuses: Sequence[LeadStatusDef],
    custom_fields: Mapping[str, Sequence[FieldDef]],
    *,
    unique_external_ids: bool,
) -> dict[str, ObjectDef]:
    """Every object of the fake org, keyed by API name, with the extra fields."""
    unique = unique_external_ids
    objects = [
        user_object(),
        lead_object(lead_statuses, unique),
        contact_object(unique),
        account_object(unique),
        opportunity_object(stages, unique),
        contact_role_object(),
        stage_object(),
        lead_status_object(),
        campaign_object(unique),
        campaign_member_object(),
        member_status_object(),
    ]
    catalog = {o.name: o for o in objects}
    for name, extra in custom_fields.items():
        if name not in catalog:
            raise ValueError(f"custom_fields: unknown object {name!r}")
        catalog[name].add_fields(list(extra))
    return catalog
