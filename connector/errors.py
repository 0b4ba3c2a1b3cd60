"""Every public exception of the connector, in one place.

The tree (domain bases crossed with recovery markers)::

    ConnectorError                   root: message + hint + context
    ├── ConfigError (Fatal)          a setting, a file or a mapping is wrong; exit 2
    │   └── MappingError             a mapping file under mappings/ is wrong
    ├── AdapterError                 a system we talk to failed
    │   ├── TransientAdapterError (Retriable)   5xx, timeouts, resets: retry later
    │   ├── RateLimitedError (Retriable)        429: wait `retry_after` seconds
    │   ├── AuthError (Fatal)                   401/403: fix the token or scopes
    │   ├── BudgetExhaustedError (Fatal)        the API budget for the window is used up
    │   │   └── RequestLimitExceededError        the system refused: over its own limit
    │   └── RecordRejectedError (RecordRejected) the target refused one record
    ├── RecordInvalidError (RecordRejected)     failed validation before sending
    ├── StateError (Fatal)           the state store is unreachable or inconsistent
    │   ├── CursorError              a stored cursor cannot be read: reset it
    │   └── LeaseLostError           another replica owns the flow now (fencing)
    └── UsageError (Fatal)           the CLI was called wrongly; exit 2

Recovery markers are mix-ins, so callers catch by *what to do* (``Retriable``,
``RecordRejected``) or by *where it came from* (``AdapterError``), whichever they can
act on. ``str(error)`` is the user-facing sentence; ``hint`` says how to fix it and
``context`` names the file, line, key or record it concerns.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "AdapterError",
    "AuthError",
    "BudgetExhaustedError",
    "ConfigError",
    "ConnectorError",
    "CursorError",
    "Fatal",
    "LeaseLostError",
    "MappingError",
    "RateLimitedError",
    "RecordInvalidError",
    "RecordRejected",
    "RecordRejectedError",
    "RequestLimitExceededError",
    "Retriable",
    "StateError",
    "TransientAdapterError",
    "UsageError",
]


class Retriable:
    """Marker: the same call may succeed later; retry with backoff."""


class Fatal:
    """Marker: retrying will not help until a human changes something."""


class RecordRejected:
    """Marker: one record failed; dead-letter it and carry on with the rest."""


class ConnectorError(Exception):
    """Root of every error the connector raises on purpose.

    Args:
        message: one sentence for the user, saying what went wrong.
        hint: what the user should do about it.
        context: where it happened (file, line, key, record, system, status...).
    """

    exit_code: int = 1

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.context: dict[str, Any] = dict(context or {})

    def one_line(self) -> str:
        """Return the error as one line: where, what, and the fix."""
        where = ", ".join(f"{k}={v}" for k, v in self.context.items())
        text = f"{where}: {self.message}" if where else self.message
        return f"{text} ({self.hint})" if self.hint else text


class ConfigError(ConnectorError, Fatal):
    """A setting, config file or mapping file is missing or wrong."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        context: Mapping[str, Any] | None = None,
        problems: list[str] | None = None,
    ) -> None:
        super().__init__(message, hint=hint, context=context)
        self.problems: list[str] = problems or []


class MappingError(ConfigError):
    """A file under ``mappings/`` is invalid; each problem names file and key."""


class UsageError(ConnectorError, Fatal):
    """The command line was used wrongly."""

    exit_code = 2


class AdapterError(ConnectorError):
    """A system behind an adapter failed or refused us."""

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        context: Mapping[str, Any] | None = None,
        status: int | None = None,
        body: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint, context=context)
        self.status = status
        self.body = body


class TransientAdapterError(AdapterError, Retriable):
    """A 5xx, timeout or connection reset: the same request may work later."""


class RateLimitedError(AdapterError, Retriable):
    """The system answered 429; ``retry_after`` is the wait it asked for, if any."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        hint: str | None = None,
        context: Mapping[str, Any] | None = None,
        status: int | None = 429,
        body: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint, context=context, status=status, body=body)
        self.retry_after = retry_after


class AuthError(AdapterError, Fatal):
    """401/403: the token is wrong, expired for good, or lacks a scope."""

    exit_code = 2


class BudgetExhaustedError(AdapterError, Fatal):
    """The request budget for this window is used up; the run stops cleanly."""


class RequestLimitExceededError(BudgetExhaustedError):
    """The system refused a request: its own quota is spent (403 over the limit).

    Salesforce answers 403 ``REQUEST_LIMIT_EXCEEDED`` once the org's rolling
    24 h allocation is used up. The allocation is shared by every integration
    of the org, so re-authenticating or retrying at once cannot help: the run
    stops after its last checkpoint and ``hint`` says when to try again
    (``context["retry_at"]``).
    """


class RecordRejectedError(AdapterError, RecordRejected):
    """The target refused one record (a record-level 4xx); it goes to dead letters."""


class RecordInvalidError(ConnectorError, RecordRejected):
    """A record failed validation before it was sent; it goes to dead letters."""


class StateError(ConnectorError, Fatal):
    """The state store is unreachable, too new, or inconsistent."""


class CursorError(StateError):
    """A stored cursor is damaged, another adapter's, or from a newer connector.

    Raised by every adapter through :func:`adapters.cursor.decode_cursor`, so the
    hint is always the same command (``connector cursors reset FLOW``).
    """

    exit_code = 2


class LeaseLostError(StateError):
    """The flow's lease moved to another replica; this one must not commit."""
