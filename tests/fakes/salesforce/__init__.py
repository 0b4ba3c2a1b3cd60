"""A strict, stateful fake of the Salesforce REST API, to judge an adapter.

It is built from the vendor's contract (the fact sheet), not from any adapter.

See README.md in this folder for what is modelled, the switches for unconfirmed
behaviour, and what is not modelled.
"""

from __future__ import annotations

from tests.fakes.hubspot.clock import FakeClock, RealClock
from tests.fakes.salesforce.app import FakeSalesforce, RequestLog
from tests.fakes.salesforce.faults import Fault
from tests.fakes.salesforce.metadata import LeadStatusDef, StageDef
from tests.fakes.salesforce.options import Options
from tests.fakes.salesforce.platform_ops import Conversion
from tests.fakes.salesforce.rules import ValidationRule
from tests.fakes.salesforce.schema import FieldDef, PicklistValue

__all__ = [
    "Conversion",
    "FakeClock",
    "FakeSalesforce",
    "Fault",
    "FieldDef",
    "LeadStatusDef",
    "Options",
    "PicklistValue",
    "RealClock",
    "RequestLog",
    "StageDef",
    "ValidationRule",
]
