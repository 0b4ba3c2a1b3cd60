"""Record keys: how flows name a record in fingerprints, dead letters and logs.

Keys are stored, so their spelling is part of the state format: build them only
here. ``ma:<id>`` is an MA person, ``sfa:<id>`` an SFA person seen for identity,
``sfa:<entity>:<id>`` an SFA lead or deal read for outcomes, and
``<source>->ma:<id>`` the MA write an SFA record makes, and ``<system>:row:<where>``
a row that could not be read at all (it has no id to name it by).
"""

from __future__ import annotations

from adapters.protocol import Entity

__all__ = ["outcome_key", "record_key", "row_key", "source_of", "writeback_key"]


def record_key(system: str, record_id: str, entity: Entity | None = None) -> str:
    """The key of one source record: ``ma:42``, or ``sfa:deals:D1`` with entity."""
    if entity is None:
        return f"{system}:{record_id}"
    return f"{system}:{entity}:{record_id}"


def outcome_key(source: str, ma_id: str) -> str:
    """The key of the MA write that the record keyed ``source`` makes."""
    return f"{source}->{record_key('ma', ma_id)}"


def source_of(key: str) -> str:
    """The source record's key inside an :func:`outcome_key` (or the key itself)."""
    return key.split("->", 1)[0]


def writeback_key(key: str) -> str:
    """The key of the SFA-id write-back onto the MA person keyed ``key``."""
    return f"{key}:writeback"


def row_key(system: str, location: str) -> str:
    """The key of an unreadable row: ``sfa:row:sfa_leads.csv:4``."""
    return f"{system}:row:{location}"
