"""The versions list, a version's resource list, and ``/limits`` (§1, §11).

``GET /services/data/`` needs no token and carries no ``Sforce-Limit-Info``.
Release names follow Salesforce's three releases a year from v31.0 (Summer '14);
v62.0 is Winter '25 and v66.0 Spring '26, as the sheet lists.
"""

from __future__ import annotations

from typing import Any

__all__ = ["limits_body", "release_name", "resources", "versions"]


def release_name(major: int) -> str:
    """``Summer '14`` for 31, ``Winter '25`` for 62."""
    index = major - 31
    season = ("Summer", "Winter", "Spring")[index % 3]
    year = 14 + (index + 2) // 3
    return f"{season} '{year:02d}"


def versions(oldest: int, latest: int) -> list[dict[str, str]]:
    """Every supported version, oldest first."""
    return [
        {
            "label": release_name(major),
            "url": f"/services/data/v{major}.0",
            "version": f"{major}.0",
        }
        for major in range(oldest, latest + 1)
    ]


def resources(version: str) -> dict[str, str]:
    """What ``GET /services/data/vXX.X/`` lists (the resources the fake serves)."""
    base = f"/services/data/v{version}"
    return {
        "sobjects": f"{base}/sobjects",
        "query": f"{base}/query",
        "queryAll": f"{base}/queryAll",
        "composite": f"{base}/composite",
        "jobs": f"{base}/jobs",
        "limits": f"{base}/limits",
    }


def limits_body(
    *, api_max: int, api_used: int, bulk_jobs_max: int, bulk_jobs_used: int
) -> dict[str, Any]:
    """The ``/limits`` answer: DailyApiRequests and the Bulk 2.0 query jobs."""
    return {
        "DailyApiRequests": {"Max": api_max, "Remaining": max(api_max - api_used, 0)},
        "DailyBulkV2QueryJobs": {
            "Max": bulk_jobs_max,
            "Remaining": max(bulk_jobs_max - bulk_jobs_used, 0),
        },
        "DailyBulkV2QueryFileStorageMB": {"Max": 976562, "Remaining": 976562},
    }
