"""The package's public names are a curated list."""

from __future__ import annotations

import tests.fakes.salesforce as package


def test_public_names_are_pinned() -> None:
    """Adding or removing a public name is a deliberate change to this list."""
    assert sorted(package.__all__) == [
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
    for name in package.__all__:
        assert getattr(package, name) is not None
