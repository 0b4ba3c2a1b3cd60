"""The incremental cursor: the newest updated-at seen, plus the ids seen at it.

Remembering the ids at the boundary timestamp lets the next pull re-read that
timestamp inclusively (a record updated in the same second as the cursor but
listed later is not lost) without handing the flow the same records again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from adapters.rest.settings import TimestampFormat
from connector.errors import AdapterError

__all__ = ["IncrementalCursor", "format_since", "parse_timestamp"]

_MS_THRESHOLD = 100_000_000_000  # epoch seconds reach this only in the year 5138


@dataclass(slots=True)
class IncrementalCursor:
    """Resume point of one entity's pull."""

    since: datetime | None = None
    ids: set[str] = field(default_factory=set)

    @classmethod
    def decode(cls, text: str | None, *, system: str) -> IncrementalCursor:
        """Read a stored cursor.

        Raises:
            AdapterError: the stored text is not a cursor of this adapter.
        """
        if not text:
            return cls()
        try:
            data = json.loads(text)
            since = datetime.fromisoformat(data["since"]) if data.get("since") else None
            return cls(since, {str(i) for i in data.get("ids", [])})
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise AdapterError(
                f"{system}: stored cursor {text[:80]!r} is not a REST cursor",
                hint="run a full pull (--full) to start the cursor afresh",
                context={"system": system},
            ) from exc

    def encode(self) -> str:
        """The text the flow stores."""
        since = self.since.isoformat() if self.since else None
        return json.dumps({"since": since, "ids": sorted(self.ids)})

    def is_seen(self, record_id: str, updated: datetime | None) -> bool:
        """Whether a re-read record at the boundary was already handed out."""
        return updated is not None and updated == self.since and record_id in self.ids

    def advance(self, record_id: str, updated: datetime | None) -> None:
        """Move to ``updated`` if newer; remember the id if at the boundary."""
        if updated is None:
            return
        if self.since is None or updated > self.since:
            self.since, self.ids = updated, {record_id}
        elif updated == self.since:
            self.ids.add(record_id)

    def copy(self) -> IncrementalCursor:
        """An independent copy (pages snapshot the cursor as it was after them)."""
        return IncrementalCursor(self.since, set(self.ids))


def parse_timestamp(
    value: Any, fmt: TimestampFormat | str = "auto", zone: str = "UTC"
) -> datetime | None:
    """A timestamp from an API value: ISO text, or epoch seconds/milliseconds.

    Raises:
        ValueError: text that is not ISO 8601.
        TypeError: a value that is neither text nor a number.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise TypeError(f"{value!r} is not a timestamp")
    if isinstance(value, str) and value.strip().lstrip("-").replace(".", "").isdigit():
        value = float(value)
    if isinstance(value, int | float):
        millis = fmt == "epoch_ms" or (fmt == "auto" and abs(value) >= _MS_THRESHOLD)
        return datetime.fromtimestamp(value / 1000 if millis else value, UTC)
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not a timestamp")
    parsed = datetime.fromisoformat(value.strip())
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(zone))
    return parsed.astimezone(UTC)


def format_since(when: datetime, fmt: TimestampFormat, *, inclusive: bool) -> str:
    """The "updated since" parameter; one unit earlier when the API filters with >.

    Values are rounded down, never up: asking from a little earlier re-reads a few
    records (dropped again by the cursor), asking later would skip some.
    """
    if fmt == "epoch_s":
        seconds = int(when.timestamp() // 1)
        return str(seconds if inclusive else seconds - 1)
    if fmt == "epoch_ms":
        millis = int(when.timestamp() * 1000 // 1)
        return str(millis if inclusive else millis - 1)
    start = when if inclusive else when - timedelta(seconds=1)
    return start.astimezone(UTC).isoformat().replace("+00:00", "Z")
