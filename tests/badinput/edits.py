"""Ways to spoil the example project: cells, lines, bytes and whole files.

Each function returns a ``mutate(project)`` callable for a :class:`Case`, so the
case list reads as a table of what is spoiled where.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable
from pathlib import Path

from tests.badinput.corpus import ROOT, Target

Mutate = Callable[[Path], None]

MA = "examples/ma_contacts.csv"
LEADS = "examples/sfa_leads.csv"
DEALS = "examples/sfa_deals.csv"
ENCODING = {MA: "utf-8-sig", LEADS: "cp932", DEALS: "cp932"}
ID_COLUMN = {MA: "hs_object_id", LEADS: "リードID", DEALS: "商談ID"}
EMAIL_COLUMN = {MA: "email", LEADS: "メールアドレス", DEALS: "メールアドレス"}


def _lines(project: Path, name: str) -> list[str]:
    text = (project / name).read_text(encoding=ENCODING[name])
    return text.splitlines(keepends=True)


def _write(project: Path, name: str, lines: list[str]) -> None:
    (project / name).write_text("".join(lines), encoding=ENCODING[name])


def _cells(line: str) -> list[str]:
    return next(csv.reader([line.rstrip("\r\n")]))


def _joined(cells: list[str], ending: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator=ending).writerow(cells)
    return out.getvalue()


def original_cells(name: str, line: int) -> dict[str, str]:
    """The cells of ``line`` (1 = header) of an unspoiled example file."""
    lines = _lines(ROOT, name)
    return dict(zip(_cells(lines[0]), _cells(lines[line - 1]), strict=True))


def targets_of(name: str, line: int) -> tuple[Target, ...]:
    """The records a spoiled line may touch: itself and everyone with its email."""
    cells = original_cells(name, line)
    kind = {MA: "ma", LEADS: "sfa", DEALS: "deal"}[name]
    found: list[Target] = [(kind, cells[ID_COLUMN[name]])]
    email = _fold(cells[EMAIL_COLUMN[name]])
    for other, other_kind in ((MA, "ma"), (LEADS, "sfa")):
        lines = _lines(ROOT, other)
        header = _cells(lines[0])
        for text in lines[1:]:
            row = dict(zip(header, _cells(text), strict=True))
            if _fold(row[EMAIL_COLUMN[other]]) == email:
                found.append((other_kind, row[ID_COLUMN[other]]))
    return tuple(found)


def _fold(email: str) -> str:
    return unicodedata.normalize("NFKC", email).strip().lower()


def set_cell(name: str, line: int, column: str, value: str) -> Mutate:
    """Replace one cell (quoted as CSV needs)."""

    def mutate(project: Path) -> None:
        lines = _lines(project, name)
        header = _cells(lines[0])
        cells = _cells(lines[line - 1])
        cells[header.index(column)] = value
        ending = lines[line - 1][len(lines[line - 1].rstrip("\r\n")) :]
        lines[line - 1] = _joined(cells, ending or "\n")
        _write(project, name, lines)

    return mutate


def edit_line(name: str, line: int, change: Callable[[str], str]) -> Mutate:
    """Rewrite one physical line's text as it is (quotes and all)."""

    def mutate(project: Path) -> None:
        lines = _lines(project, name)
        lines[line - 1] = change(lines[line - 1])
        _write(project, name, lines)

    return mutate


def edit_text(name: str, change: Callable[[str], str]) -> Mutate:
    """Rewrite a whole file's text (kept in its encoding)."""

    def mutate(project: Path) -> None:
        path = project / name
        enc = ENCODING.get(name, "utf-8")
        path.write_text(change(path.read_text(encoding=enc)), encoding=enc)

    return mutate


def edit_bytes(name: str, change: Callable[[bytes], bytes]) -> Mutate:
    """Rewrite a whole file's bytes."""

    def mutate(project: Path) -> None:
        path = project / name
        path.write_bytes(change(path.read_bytes()))

    return mutate


def reencode(name: str, encoding: str, change: Callable[[str], str] = str) -> Mutate:
    """Save a file's text in another encoding (optionally changed first)."""

    def mutate(project: Path) -> None:
        path = project / name
        text = change(path.read_text(encoding=ENCODING[name]))
        path.write_bytes(text.encode(encoding))

    return mutate


def line_bytes(name: str, line: int, change: Callable[[bytes], bytes]) -> Mutate:
    """Rewrite one physical line's bytes (for encoding damage inside a row)."""

    def mutate(project: Path) -> None:
        path = project / name
        lines = path.read_bytes().splitlines(keepends=True)
        lines[line - 1] = change(lines[line - 1])
        path.write_bytes(b"".join(lines))

    return mutate


def append_text(path: str, text: str) -> Mutate:
    """Append text to a mapping or config file."""

    def mutate(project: Path) -> None:
        target = project / path
        target.write_text(target.read_text(encoding="utf-8") + text, encoding="utf-8")

    return mutate


def write_file(path: str, content: bytes) -> Mutate:
    """Replace (or create) a file with these bytes."""

    def mutate(project: Path) -> None:
        target = project / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)

    return mutate


def both(*steps: Mutate) -> Mutate:
    """Apply several spoilers in order."""

    def mutate(project: Path) -> None:
        for step in steps:
            step(project)

    return mutate
