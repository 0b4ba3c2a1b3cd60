"""What the connector needs in a Salesforce org (``connector setup salesforce``).

Custom fields are metadata: the REST API the connector speaks cannot create
them, and an org's admin decides on field-level security and page layouts
anyway. So set-up only reports, one line per field, whether each exists as the
connector needs it, and says how to create what is missing; it changes nothing,
with or without ``--dry-run``.

Listed: the connector's external-id field on every person object (required on
the one new persons are created as, so upserts never make a second record),
and every field the settings and the mappings read or write.
"""

from __future__ import annotations

from collections.abc import Sequence

from adapters.salesforce.campaigns import DEAL_FIELDS, PERSON_FIELDS
from adapters.salesforce.describe import Describer
from adapters.salesforce.links import DEAL_LINK_FIELDS
from adapters.salesforce.records import TYPE_FIELD

__all__ = ["required_fields"]

_SYNTHETIC = {TYPE_FIELD, *DEAL_LINK_FIELDS, *DEAL_FIELDS}
"""Fields the adapter adds to records; Salesforce has none of these names."""
_PERSON_SYNTHETIC = {*_SYNTHETIC, *PERSON_FIELDS}
"""The same for persons (``CampaignId`` is Opportunity's own, not a Lead's)."""


def _where(sobject: str) -> str:
    return f"Setup > Object Manager > {sobject} > Fields & Relationships > New"


def required_fields(
    describer: Describer,
    *,
    persons: Sequence[str],
    create_as: str,
    external_id: str,
    person_fields: Sequence[str],
    deal_fields: Sequence[str],
) -> list[str]:
    """One line per needed field: ``exists``, or ``missing`` and how to fix it.

    Raises:
        AdapterError: an object cannot be described (no access).
    """
    lines: list[str] = []
    for sobject in persons:
        spec = describer.describe(sobject).fields.get(external_id)
        need = "required" if sobject == create_as else "recommended"
        label = f"{sobject}.{external_id} (Text(255) External ID, Unique; {need})"
        if spec is None:
            lines.append(
                f"{label}: missing: create it in {_where(sobject)}, tick External "
                "ID and Unique, and give the connector's user edit access"
            )
        elif not spec.external_id:
            lines.append(f"{label}: exists but is not an External ID: tick it")
        else:
            lines.append(f"{label}: exists")
    for name in dict.fromkeys(f for f in person_fields if f not in _PERSON_SYNTHETIC):
        having = [s for s in persons if describer.describe(s).has(name)]
        if having:
            lines.append(f"persons field {name}: exists on {', '.join(having)}")
        else:
            lines.append(
                f"persons field {name}: missing on {' and '.join(persons)}: "
                f"create it ({_where(persons[0])}) or drop it from the mappings "
                "and [sfa.persons] fields"
            )
    info = describer.describe("Opportunity")
    for name in dict.fromkeys(f for f in deal_fields if f not in _SYNTHETIC):
        if info.has(name):
            lines.append(f"Opportunity.{name}: exists")
        else:
            lines.append(
                f"Opportunity.{name}: missing: create it ({_where('Opportunity')}) "
                "or drop it from the mappings and [sfa.deals] fields"
            )
    return lines
