"""The package's public names are a curated list."""

from __future__ import annotations

import adapters.salesforce as package


def test_public_names_are_pinned() -> None:
    """Adding or removing a public name is a deliberate change to this list."""
    assert sorted(package.__all__) == ["SalesforceAdapter", "SalesforceSettings"]
    for name in package.__all__:
        assert getattr(package, name) is not None
