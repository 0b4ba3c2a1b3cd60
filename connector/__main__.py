"""``python -m connector``: the same entry point as the console script."""

from __future__ import annotations

import sys

from connector.cli import main

__all__: list[str] = []

if __name__ == "__main__":
    sys.exit(main())
