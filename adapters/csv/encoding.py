"""Detecting the encoding of CSV exports: UTF-8 (with or without BOM), CP932, UTF-16.

Japanese tools export Shift_JIS (in practice Microsoft's CP932 superset) as often as
UTF-8, and rarely say which. Only a sample is read, so detection costs the same for
any file size. Excel's "Unicode text" is UTF-16 (little-endian, with a BOM):
read as anything else it shows NUL bytes and no column matches, so it is
recognised by its BOM, or without one by the NUL byte beside every ASCII letter.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from charset_normalizer import from_bytes

__all__ = ["SAMPLE_BYTES", "detect_encoding"]

SAMPLE_BYTES = 256 * 1024
"""How much of the file detection looks at."""


def detect_encoding(path: Path) -> str:
    """Return ``utf-8-sig``, ``utf-8``, ``cp932`` or a UTF-16 for ``path``.

    A BOM decides at once. Otherwise a sample that decodes as strict UTF-8 (a
    multi-byte character cut at the sample's end is fine) is UTF-8; anything else is
    handed to charset-normalizer restricted to the encodings Japanese exports use.
    """
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    unbom = _utf16_without_bom(sample)
    if unbom is not None:
        return unbom
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    best = from_bytes(sample, cp_isolation=["cp932", "shift_jis", "euc_jp"]).best()
    if best is not None and best.encoding == "euc_jp":
        return "euc_jp"
    # CP932 is a superset of Shift_JIS (NEC/IBM extensions like ①, ㈱, 髙), so it is
    # the safe reading of anything Shift_JIS-like; bad bytes surface per row later.
    return "cp932"


def _utf16_without_bom(sample: bytes) -> str | None:
    """``utf-16-le``/``-be`` when most even (odd) bytes are NUL, as in ASCII text."""
    head = sample[:4096]
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None
