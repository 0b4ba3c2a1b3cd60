"""One authenticated API request, parsed once for every route.

Path segments come from the raw path, each percent-decoded on its own, so an
external-id value containing ``/`` or ``+`` survives (§4, §7).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import httpx

from tests.fakes.salesforce.errors import RequestError
from tests.fakes.salesforce.writes import WriteContext

__all__ = ["Call", "raw_segments"]


def raw_segments(request: httpx.Request) -> list[str]:
    """The path split on ``/``, each part decoded (empty parts dropped)."""
    raw = request.url.raw_path.decode("ascii", "replace").split("?", 1)[0]
    return [unquote(part) for part in raw.split("/") if part]


@dataclass
class Call:
    """The request, its API version, the path after ``vXX.X`` and the caller."""

    request: httpx.Request
    version: str
    segments: list[str]
    ctx: WriteContext

    @property
    def method(self) -> str:
        """HTTP method."""
        return self.request.method

    def param(self, name: str) -> str | None:
        """A query-string parameter (the first, if repeated)."""
        value: str | None = self.request.url.params.get(name)
        return value

    def json(self) -> Any:
        """The body as JSON, or the 400 JSON_PARSER_ERROR Salesforce answers."""
        try:
            return json.loads(self.request.content or b"null")
        except json.JSONDecodeError as exc:
            raise RequestError.one(
                400,
                "JSON_PARSER_ERROR",
                f"Unexpected character: {exc.msg} at [line:{exc.lineno}, "
                f"column:{exc.colno}]",
            ) from exc
        except UnicodeDecodeError as exc:
            raise RequestError.one(
                400, "JSON_PARSER_ERROR", "Invalid UTF-8 middle byte"
            ) from exc

    def version_at_least(self, minimum: float) -> bool:
        """Whether the request's API version has a resource (e.g. 42.0)."""
        return float(self.version) >= minimum
