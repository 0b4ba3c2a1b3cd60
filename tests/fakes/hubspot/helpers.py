"""Test set-up helpers of the fake portal: seeding records, links and events.

They change the fake's state directly, without a request (so nothing is counted
against rate limits or checked against the contract): tests use them to build
the portal a scenario starts from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fakes.hubspot.objects import StoredObject, iso

if TYPE_CHECKING:
    from tests.fakes.hubspot.contract import ContractViolation
    from tests.fakes.hubspot.objects import CrmStore

__all__ = ["SetupHelpers"]


class SetupHelpers:
    """Mixed into :class:`FakeHubSpot`; needs ``store``, ``events``, ``log``..."""

    store: CrmStore
    events: list[dict[str, Any]]
    participations: list[dict[str, Any]]
    log: list[Any]
    contract_violations: list[ContractViolation]
    response_violations: list[ContractViolation]

    def assert_contract_clean(self) -> None:
        """Fail, listing each one, if any request or answer broke HubSpot's models."""
        lines = [
            f"{kind} {v.method} {v.path} ({v.model}): {problem}"
            for kind, found in (
                ("request", self.contract_violations),
                ("answer", self.response_violations),
            )
            for v in found
            for problem in v.problems
        ]
        assert not lines, "HubSpot contract violations:\n" + "\n".join(lines)

    def seed(
        self, type_: str, props: dict[str, str], *, at_ms: int | None = None
    ) -> str:
        """Create a record directly (no request counted); return its id."""
        return self.store.create(type_, props, at_ms=at_ms).id

    def get(self, type_: str, record_id: str) -> StoredObject:
        """The live record for an id (following merges); fails if absent."""
        obj = self.store.resolve(type_, record_id)
        assert obj is not None, f"no {type_} {record_id}"
        return obj

    def link(self, source: StoredObject, target: StoredObject) -> None:
        """Associate two records both ways."""
        source.associations.setdefault(target.type, set()).add(target.id)
        target.associations.setdefault(source.type, set()).add(source.id)

    def add_event(
        self, contact_id: str, event_type: str, at_ms: int, **properties: str
    ) -> None:
        """Record a behavioural event (page view, form submission...) of a contact."""
        self.events.append(
            {
                "id": f"ev-{len(self.events) + 1}",
                "eventType": event_type,
                "objectType": "contact",
                "objectId": contact_id,
                "occurredAt": iso(at_ms),
                "properties": properties,
            }
        )

    def add_participation(
        self, contact_id: str, name: str, at_ms: int, state: str = "ATTENDED"
    ) -> None:
        """Record that a contact registered for or attended a webinar."""
        self.participations.append(
            {
                "id": f"p-{len(self.participations) + 1}",
                "contactId": contact_id,
                "eventId": f"me-{len(self.participations) + 1}",
                "name": name,
                "occurredAt": iso(at_ms),
                "state": state,
            }
        )

    def statuses(self, status: int) -> int:
        """How many requests got this status."""
        return sum(1 for entry in self.log if entry.status == status)
