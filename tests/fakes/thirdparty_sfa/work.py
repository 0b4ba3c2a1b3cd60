"""Admin "salesperson" actions: what a human does in AcmeSFA's own UI.

End-to-end tests need the SFA side to move on its own (appointments, quotes,
wins, losses) so that closed-loop outcomes can flow back to the marketing
system. Each action goes through the same write paths as the public API, so
it stamps ``updated_at`` exactly like a real edit would. A script of actions
is all-or-nothing: a typo in action 3 must not leave actions 1 and 2 applied.
"""

from __future__ import annotations

from typing import Any

from .clock import format_date
from .records import DEAL_RULES, LEAD_RULES, RecordError, clean_fields
from .store import Store

ACTION_KEYS: dict[str, frozenset[str]] = {
    "appointment": frozenset({"lead_id", "name"}),
    "propose": frozenset({"lead_id", "deal_id"}),
    "quote": frozenset({"lead_id", "deal_id", "amount"}),
    "won": frozenset({"lead_id", "deal_id", "amount", "close_date"}),
    "lost": frozenset({"lead_id", "deal_id", "reason", "close_date"}),
    "reject": frozenset({"lead_id", "reason"}),
    "edit_lead": frozenset({"lead_id", "fields"}),
    "edit_deal": frozenset({"lead_id", "deal_id", "fields"}),
}


class WorkError(Exception):
    """An action could not be applied; the whole script is rolled back."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index
        self.message = message


def _lead(store: Store, index: int, action: dict[str, Any]) -> dict[str, Any]:
    lead_id = action.get("lead_id")
    row = store.leads.rows.get(lead_id) if isinstance(lead_id, str) else None
    if row is None:
        raise WorkError(index, f"no lead {lead_id!r}")
    return row


def _deal(store: Store, index: int, action: dict[str, Any]) -> dict[str, Any]:
    """The deal named by ``deal_id``, else the newest deal of ``lead_id``."""
    deal_id = action.get("deal_id")
    if deal_id is not None:
        row = store.deals.rows.get(deal_id) if isinstance(deal_id, str) else None
        if row is None:
            raise WorkError(index, f"no deal {deal_id!r}")
        return row
    lead_id = _lead(store, index, action)["id"]
    mine = [d for d in store.deals.rows.values() if d["lead_id"] == lead_id]
    if not mine:
        raise WorkError(index, f"lead {lead_id} has no deal; book an appointment first")
    return max(mine, key=lambda d: store.deals.number(d["id"]))


def _deal_changes(index: int, fields: dict[str, Any]) -> dict[str, Any]:
    try:
        return clean_fields(fields, DEAL_RULES, keys=())
    except RecordError as err:
        raise WorkError(index, f"{err.field}: {err.message}") from err


def _lead_changes(index: int, fields: dict[str, Any]) -> dict[str, Any]:
    try:
        return clean_fields(fields, LEAD_RULES, keys=())
    except RecordError as err:
        raise WorkError(index, f"{err.field}: {err.message}") from err


def _apply(store: Store, index: int, action: Any) -> dict[str, Any]:
    if not isinstance(action, dict) or action.get("action") not in ACTION_KEYS:
        raise WorkError(index, f"action must be one of {sorted(ACTION_KEYS)}")
    kind = action["action"]
    extra = set(action) - ACTION_KEYS[kind] - {"action"}
    if extra:
        raise WorkError(index, f"unexpected keys for {kind}: {sorted(extra)}")
    today = format_date(store.clock.now())
    done: dict[str, Any] = {"index": index, "action": kind}
    if kind in ("appointment", "reject", "edit_lead"):
        lead = _lead(store, index, action)
        if kind == "appointment":
            store.write_lead(lead["id"], {"status": "アポ獲得"})
            name = action.get("name") or f"{lead['company'] or lead['last_name']} 商談"
            changes = _deal_changes(
                index, {"lead_id": lead["id"], "name": name, "stage": "アポ獲得"}
            )
            done["deal_id"] = store.write_deal(None, changes)
        elif kind == "reject":
            reason = action.get("reason")
            changes = _lead_changes(
                index, {"status": "対象外", "rejected_reason": reason}
            )
            store.write_lead(lead["id"], changes)
        else:
            given = action.get("fields")
            if not isinstance(given, dict):
                raise WorkError(index, "edit_lead needs an object 'fields'")
            try:
                store.write_lead(lead["id"], _lead_changes(index, given))
            except RecordError as err:
                raise WorkError(index, f"{err.field}: {err.message}") from err
        done["lead_id"] = lead["id"]
        return done
    deal = _deal(store, index, action)
    store.write_deal(
        deal["id"], _deal_changes(index, _deal_fields(index, action, today))
    )
    done.update(lead_id=deal["lead_id"], deal_id=deal["id"])
    return done


def _deal_fields(index: int, action: dict[str, Any], today: str) -> dict[str, Any]:
    """The deal fields a deal action writes (validated by the caller)."""
    kind = action["action"]
    if kind == "edit_deal":
        given = action.get("fields")
        if not isinstance(given, dict):
            raise WorkError(index, "edit_deal needs an object 'fields'")
        return given
    stage = {"propose": "提案", "quote": "見積", "won": "受注", "lost": "失注"}[kind]
    fields: dict[str, Any] = {"stage": stage}
    if "amount" in action:
        fields["amount"] = action["amount"]
    if kind in ("won", "lost"):
        fields["close_date"] = action.get("close_date") or today
    if kind == "lost":
        fields["lost_reason"] = action.get("reason")
    return fields


def run_script(store: Store, actions: list[Any]) -> list[dict[str, Any]]:
    """Apply actions in order, atomically; one summary per action."""
    with store.transaction():
        return [_apply(store, index, action) for index, action in enumerate(actions)]
