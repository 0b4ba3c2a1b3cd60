"""Stage vocabularies and the rules for moving along the canonical funnel.

Each system names its stages its own way (HubSpot ``marketingqualifiedlead``, a
Japanese SFA ``アポ取得``); a :class:`Vocabulary` translates one system's field to
:class:`~connector.records.Stage` and back. :class:`StageRules` decides whether a
move is allowed: forward always, into ``lost``/``rejected`` always, and anything
else (a move back down the funnel, into ``recycled``, out of a side state) only
when ``stages.toml`` declares it, with the reason it gives.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from connector.records import Stage

__all__ = [
    "StageMove",
    "StageRules",
    "Transition",
    "Vocabulary",
    "normalise_value",
]


def normalise_value(value: object) -> str:
    """The form stage values are compared in: NFKC, trimmed, case-folded.

    Admins type ``提案･見積`` or ``Lead `` as often as ``提案・見積``/``lead``; the
    comparison must not depend on width, stray spaces or case.
    """
    return unicodedata.normalize("NFKC", str(value)).strip().casefold()


@dataclass(frozen=True, slots=True)
class StageMove:
    """The verdict on one stage change.

    Attributes:
        allowed: the move may be made.
        backward: it goes against the funnel order (targets such as HubSpot may
            need to be told, e.g. to clear ``lifecyclestage`` first).
        reason: the declared reason for a backward move, or why it was refused.
    """

    allowed: bool
    backward: bool
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Transition:
    """One declared move against the funnel order, with the reason it is made."""

    source: Stage
    target: Stage
    reason: str


@dataclass(frozen=True, slots=True)
class StageRules:
    """The handoff point and the declared transitions of ``stages.toml``."""

    handoff_stage: Stage = Stage.MQL
    transitions: tuple[Transition, ...] = ()

    def _declared(self, source: Stage, target: Stage) -> Transition | None:
        for item in self.transitions:
            if item.source is source and item.target is target:
                return item
        return None

    def _reentry(self, source: Stage, target: Stage) -> Transition | None:
        """A declared way back onto the main line at or below ``target``.

        Declaring ``recycled -> nurturing`` lets a recycled lead re-enter at
        nurturing *or further on*: reaching mql from there is a forward move.
        """
        rank = target.rank
        if rank is None:
            return None
        for item in self.transitions:
            entry = item.target.rank
            if item.source is source and entry is not None and entry <= rank:
                return item
        return None

    def check_move(self, current: Stage | None, new: Stage) -> StageMove:
        """Whether a record at ``current`` may move to ``new``, and why."""
        if current is None or current is new:
            return StageMove(allowed=True, backward=False)
        backward = new.is_backward_from(current)
        if new in (Stage.LOST, Stage.REJECTED):
            declared = self._declared(current, new)
            return StageMove(True, False, declared.reason if declared else None)
        if not backward and not current.is_side_state and new is not Stage.RECYCLED:
            return StageMove(allowed=True, backward=False)
        declared = self._declared(current, new)
        if declared is None and current.is_side_state:
            declared = self._reentry(current, new)
        if declared is not None:
            return StageMove(True, backward, declared.reason)
        return StageMove(
            allowed=False,
            backward=True,
            reason=f"{current.value} -> {new.value} is not declared in "
            "stages.toml [[transitions]]",
        )


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """One system's stage field and how its values map to canonical stages.

    Attributes:
        system: ``ma`` or ``sfa``.
        entity: ``persons`` or ``deals``.
        field: the native field that holds the stage.
        values: normalised native value -> stage (no pipelines).
        pipeline_field: the native field naming the pipeline, when stage ids
            differ per pipeline (HubSpot deals).
        pipelines: pipeline id -> (normalised native value -> stage).
        native: normalised value -> the value as the admin wrote it.
        write: stage -> native value to write (no pipelines only).
    """

    system: str
    entity: str
    field: str
    values: Mapping[str, Stage] = dataclasses.field(default_factory=dict)
    pipeline_field: str | None = None
    pipelines: Mapping[str, Mapping[str, Stage]] = dataclasses.field(
        default_factory=dict
    )
    native: Mapping[str, str] = dataclasses.field(default_factory=dict)
    write: Mapping[Stage, str] = dataclasses.field(default_factory=dict)

    def lookup(self, value: object, pipeline: object = None) -> Stage | None:
        """The canonical stage of a native value, None if it is not mapped."""
        key = normalise_value(value)
        if self.pipeline_field is None:
            return self.values.get(key)
        table = self.pipelines.get(str(pipeline).strip() if pipeline else "")
        return None if table is None else table.get(key)

    def to_native(self, stage: Stage) -> str | None:
        """The native value to write for ``stage``, None when there is none."""
        return self.write.get(stage)

    def known_values(self) -> set[str]:
        """Every mapped value as the live vocabulary spells it.

        Pipeline vocabularies use ``"<pipeline>:<stage>"`` like HubSpot's.
        """
        if self.pipeline_field is None:
            return {self.native.get(k, k) for k in self.values}
        return {
            f"{pid}:{self.native.get(f'{pid}:{k}', k)}"
            for pid, table in self.pipelines.items()
            for k in table
        }
