"""connector: sync leads from marketing automation to sales and outcomes back."""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
