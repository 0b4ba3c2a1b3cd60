"""Fault tests log warnings only: thousands of retried requests log a lot."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
import structlog

from connector.logging import configure_logging


@pytest.fixture(autouse=True)
def quiet_logs() -> Iterator[io.StringIO]:
    """Warnings and errors go to a buffer the test may read; debug is dropped."""
    buffer = io.StringIO()
    configure_logging(level="warning", fmt="json", stream=buffer)
    yield buffer
    structlog.reset_defaults()
