"""Detecting the encoding of CSV exports: UTF-8, UTF-8 with BOM, or CP932.

Japanese tools export Shift_JIS (in practice Microsoft's CP932 superset) as often as
UTF-8, and rarely say which. Only a sample is read, so detection costs the same for
any file size.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from charset_normalizer import from_bytes

__all__ = ["SAMPLE_BYTES", "detect_encoding"]

SAMPLE_BYTES = 256 * 1024
"""How much of the file detection looks at."""


def detect_encoding(path: Path) -> str:
    """Return ``utf-8-sig``, ``utf-8`` or ``cp932`` for the file at ``path``.

    A BOM decides at once. Otherwise a sample that decodes as strict UTF-8 (a
    multi-byte character cut at the sample's end is fine) is UTF-8; anything else is
    handed to charset-normalizer restricted to the encodings Japanese exports use.
    """
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
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
