"""Headless Chromium for the HTML report test, and a small PNG reader.

In CI (env ``CI`` set) a missing Chromium fails the test: the report must be
proven to render in a real browser there. Locally it skips with the install line.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")


def chromium() -> str:
    """The browser executable, or fail (CI) / skip (locally) when there is none."""
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    message = "Chromium not found; install it with: apt-get install -y chromium"
    if os.environ.get("CI"):
        pytest.fail(f"{message} (required in CI)")
    pytest.skip(message)


def run(browser: str, page: Path, profile: Path, *extra: str) -> str:
    """Run headless Chromium on ``page`` and return its stdout."""
    args = [
        browser,
        "--headless",
        "--no-sandbox",  # tests run as root in containers
        "--disable-gpu",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        *extra,
        page.as_uri(),
    ]
    done = subprocess.run(  # noqa: S603 - fixed arguments, our own file
        args, capture_output=True, text=True, timeout=90, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def read_png(path: Path) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB/RGBA non-interlaced PNG into rows of pixels."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    width = height = channels = 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(
                ">IIBBBBB", body
            )
            assert (depth, interlace) == (8, 0)
            channels = {2: 3, 6: 4}[colour]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = previous[x]
            c = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + a) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + b) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pred) & 0xFF
        rows.append(bytes(line) if channels == 3 else _rgb(line))
        previous = line
    return width, height, rows


def _rgb(line: bytearray) -> bytes:
    return bytes(v for i, v in enumerate(line) if i % 4 != 3)


def count_colour(rows: list[bytes], rgb: tuple[int, int, int], slack: int = 6) -> int:
    """How many pixels are within ``slack`` of ``rgb`` on every channel."""
    total = 0
    for row in rows:
        for i in range(0, len(row), 3):
            if all(abs(row[i + k] - rgb[k]) <= slack for k in range(3)):
                total += 1
    return total
