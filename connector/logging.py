"""Structured logging: JSON lines in containers, readable lines on a terminal.

Every line of a run carries ``run_id`` and ``flow`` (bound with
``structlog.contextvars.bound_contextvars``). One processor masks secrets: values of
keys that look secret, and every registered secret value wherever it appears.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import sys
from collections.abc import Iterable, MutableMapping
from typing import Any, TextIO
from urllib.parse import quote, quote_plus

import structlog
from structlog.typing import EventDict, WrappedLogger

__all__ = [
    "MASK",
    "configure_logging",
    "mask_secrets",
    "register_basic_auth",
    "register_secret",
    "scrub",
    "secret_encodings",
]

MASK = "**********"
"""What a secret is replaced with."""

_SECRET_KEY = re.compile(r"(token|password|passwd|secret|authorization|api_?key)", re.I)
_URL_PASSWORD = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://[^:/@\s]+:)[^@\s]+@", re.I)
_secrets: set[str] = set()


_pattern: re.Pattern[str] | None = None


def secret_encodings(value: str) -> set[str]:
    """Every form in which ``value`` may come back inside a response or error.

    A server that echoes a request puts the secret back as it was *sent*: in a
    query string URL-encoded (``%2B``, and ``%2b`` from some), in a JSON body
    escaped, in a header base64-encoded. Masking only the raw value missed all
    of those.
    """
    forms = {
        value,
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
    }
    for quoted in (quote(value, safe=""), quote_plus(value, safe="")):
        forms.add(quoted)
        forms.add(re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), quoted))
    raw = value.encode()
    forms.add(base64.b64encode(raw).decode())
    forms.add(base64.urlsafe_b64encode(raw).decode())
    forms.add(base64.b64encode(raw).decode().rstrip("="))
    return {form for form in forms if len(form) >= 4}


def register_secret(value: str | None) -> None:
    """Remember a secret value so it is masked wherever it shows up in output.

    Its encodings (see :func:`secret_encodings`) are masked too.
    """
    global _pattern
    if value and len(value) >= 4:
        before = len(_secrets)
        _secrets.update(secret_encodings(value))
        if len(_secrets) != before:
            _pattern = None


def register_basic_auth(username: str, password: str) -> None:
    """Register a password and the ``Authorization: Basic`` value built from it.

    The header holds base64 of ``user:password``, which contains no encoding of
    the password alone, so it must be registered whole.
    """
    register_secret(password)
    register_secret(base64.b64encode(f"{username}:{password}".encode()).decode())


def _secret_pattern() -> re.Pattern[str] | None:
    global _pattern
    if _pattern is None and _secrets:
        ordered = sorted(_secrets, key=len, reverse=True)
        _pattern = re.compile("|".join(re.escape(s) for s in ordered))
    return _pattern


def scrub(text: str) -> str:
    """Mask registered secrets (in any encoding) and passwords inside URLs."""
    pattern = _secret_pattern()
    if pattern is not None:
        text = pattern.sub(MASK, text)
    return _URL_PASSWORD.sub(lambda m: f"{m.group('scheme')}{MASK}@", text)


def _mask_value(key: str, value: Any) -> Any:
    if _SECRET_KEY.search(key) and value not in (None, ""):
        return MASK
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, MutableMapping):
        return {k: _mask_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_mask_value(key, v) for v in value]
    return value


def mask_secrets(_logger: WrappedLogger, _name: str, event: EventDict) -> EventDict:
    """Structlog processor: mask secret-looking keys and registered secret values."""
    return {key: _mask_value(key, value) for key, value in event.items()}


class _CurrentStderr:
    """Writes to whatever ``sys.stderr`` is at the time of writing.

    Binding the stream at configuration time breaks when it is swapped later (test
    capture, daemonisation): writes would go to a closed file.
    """

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()

    def isatty(self) -> bool:
        return sys.stderr.isatty()


def configure_logging(
    level: str = "info", fmt: str = "auto", stream: TextIO | None = None
) -> None:
    """Set up structlog for the process (call once, at CLI start)."""
    out: Any = stream or _CurrentStderr()
    use_json = fmt == "json" or (fmt == "auto" and not out.isatty())
    processors: Iterable[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        mask_secrets,
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if use_json
        else structlog.dev.ConsoleRenderer(colors=out.isatty()),
    ]
    structlog.configure(
        processors=list(processors),
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping()[level.upper()]
        ),
        logger_factory=structlog.PrintLoggerFactory(file=out),
        cache_logger_on_first_use=False,
    )
