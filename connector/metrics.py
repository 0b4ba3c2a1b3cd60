"""Prometheus metrics of the connector, in one registry served at ``/metrics``.

Every module counts through these objects instead of creating its own, so the
names stay consistent and tests can read one registry.
"""

from __future__ import annotations

import platform

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)

from connector import __version__

__all__ = [
    "BUILD_INFO",
    "CURSOR_LAG",
    "DEAD_LETTERED",
    "DEAD_LETTERS",
    "HTTP_REQUESTS",
    "HTTP_RETRIES",
    "LAST_SUCCESS",
    "RATE_LIMIT_WAIT",
    "RECORDS_PULLED",
    "RECORDS_PUSHED",
    "REGISTRY",
    "RUN_DURATION",
    "SLA_ATTAINMENT",
    "UNMAPPED_VALUES",
]

REGISTRY = CollectorRegistry(auto_describe=True)
"""The connector's own registry (not the process-global default).

Counters are exposed with the ``_total`` suffix Prometheus adds
(``connector_records_pulled_total``); README's table lists the exposed names.
"""

ProcessCollector(registry=REGISTRY)  # process_cpu_seconds_total, memory, fds...
PlatformCollector(registry=REGISTRY)  # python_info

BUILD_INFO = Gauge(
    "connector_build_info",
    "Always 1; the labels say which connector and Python this process runs.",
    ["version", "python"],
    registry=REGISTRY,
)
BUILD_INFO.labels(__version__, platform.python_version()).set(1)

RECORDS_PULLED = Counter(
    "connector_records_pulled",
    "Records read from a source system.",
    ["flow", "adapter", "entity"],
    registry=REGISTRY,
)
RECORDS_PUSHED = Counter(
    "connector_records_pushed",
    "Records written to a target system (created or updated).",
    ["flow", "adapter", "entity", "action"],
    registry=REGISTRY,
)
DEAD_LETTERED = Counter(
    "connector_records_dead_lettered",
    "Records sent to the dead-letter store, by kind and reason.",
    ["flow", "adapter", "kind", "reason"],
    registry=REGISTRY,
)
UNMAPPED_VALUES = Counter(
    "connector_unmapped_stage_values",
    "Records whose stage value has no mapping.",
    ["system", "field"],
    registry=REGISTRY,
)
RUN_DURATION = Histogram(
    "connector_run_duration_seconds",
    "Wall time of flow runs.",
    ["flow", "status"],
    registry=REGISTRY,
    buckets=(1, 5, 15, 60, 300, 900, 3600, 4 * 3600),
)
HTTP_REQUESTS = Counter(
    "connector_http_requests",
    "HTTP requests sent per adapter and response status (0 = no response).",
    ["adapter", "status"],
    registry=REGISTRY,
)
HTTP_RETRIES = Counter(
    "connector_http_retries",
    "HTTP requests retried, per adapter and reason.",
    ["adapter", "reason"],
    registry=REGISTRY,
)
RATE_LIMIT_WAIT = Counter(
    "connector_rate_limit_wait_seconds",
    "Seconds spent waiting for a rate limiter or a Retry-After.",
    ["adapter"],
    registry=REGISTRY,
)
CURSOR_LAG = Gauge(
    "connector_cursor_lag_seconds",
    "Age of each flow's committed cursor.",
    ["flow", "source"],
    registry=REGISTRY,
)
DEAD_LETTERS = Gauge(
    "connector_dead_letters",
    "Dead letters waiting in the store, per flow and status (pending, parked).",
    ["flow", "status"],
    registry=REGISTRY,
)
LAST_SUCCESS = Gauge(
    "connector_last_success_timestamp_seconds",
    "Unix time the last run of a flow ended ok or partial (any replica).",
    ["flow"],
    registry=REGISTRY,
)
SLA_ATTAINMENT = Gauge(
    "connector_sla_attainment_ratio",
    "SLA attainment of the current month (1.0 = met), per commitment; absent "
    "while nothing of the month can be judged yet.",
    ["commitment"],
    registry=REGISTRY,
)
