"""Adapters: one module or package per system, all behind adapters.protocol."""

from __future__ import annotations
