"""The two flows, handoff (MA -> SFA) and outcomes (SFA -> MA), and how to run them."""

from __future__ import annotations

from connector.flows.runner import FLOWS, run_flow
from connector.flows.summary import RunSummary

__all__ = ["FLOWS", "RunSummary", "run_flow"]
