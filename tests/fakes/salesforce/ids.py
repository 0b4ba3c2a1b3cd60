"""Salesforce record ids: 15 case-sensitive characters, or 18 case-insensitive ones.

The 18-character form appends three characters that encode which letters of the
15-character form are upper case (fact sheet §3), so an id survives tools that
fold case. The fake stores and answers the 18-character form and accepts both.
Ids are issued in ASCII order (``0-9A-Za-z``), so ``ORDER BY Id`` and ``Id > x``
agree, and two ids may differ only in the case of one letter.
"""

from __future__ import annotations

import itertools
import threading

__all__ = ["IdFactory", "canonical_id", "key_prefix", "suffix"]

_SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_INSTANCE = "RO"
"""Characters 4-5 of an id (the pod); fixed in the fake."""


def suffix(id15: str) -> str:
    """The three checksum characters that turn a 15-character id into 18."""
    out = []
    for chunk in range(3):
        flags = 0
        for bit, char in enumerate(id15[chunk * 5 : chunk * 5 + 5]):
            if "A" <= char <= "Z":
                flags |= 1 << bit
        out.append(_SUFFIX_ALPHABET[flags])
    return "".join(out)


def canonical_id(text: str) -> str | None:
    """The 18-character form of a 15- or 18-character id, or None if it is none.

    A 15-character id is taken as written (case matters); an 18-character one in
    any case, its case restored from the suffix (a suffix that does not fit the
    letters makes it no id at all).
    """
    if not text.isascii() or not text.isalnum():
        return None
    if len(text) == 15:
        return text + suffix(text)
    if len(text) != 18:
        return None
    tail = text[15:].upper()
    restored = []
    for chunk in range(3):
        flags = _SUFFIX_ALPHABET.find(tail[chunk])
        if flags < 0:
            return None
        for bit, char in enumerate(text[chunk * 5 : chunk * 5 + 5]):
            upper = bool(flags & (1 << bit))
            if char.isdigit():
                if upper:
                    return None
                restored.append(char)
            else:
                restored.append(char.upper() if upper else char.lower())
    id15 = "".join(restored)
    return id15 + suffix(id15)


def key_prefix(record_id: str) -> str:
    """The first three characters, which name the object (``00Q`` for Lead)."""
    return record_id[:3]


class IdFactory:
    """Issues fresh 18-character ids per key prefix, in ascending ASCII order."""

    def __init__(self, start: int = 1) -> None:
        self._counter = itertools.count(start)
        self._lock = threading.Lock()

    def new(self, prefix: str) -> str:
        """A new id with this key prefix (three characters)."""
        with self._lock:
            number = next(self._counter)
        digits = []
        for _ in range(10):
            number, rest = divmod(number, 62)
            digits.append(_BASE62[rest])
        id15 = prefix + _INSTANCE + "".join(reversed(digits))
        return id15 + suffix(id15)
