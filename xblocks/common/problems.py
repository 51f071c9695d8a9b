"""Errors as data: every check returns a list of located problems, never raises from deep inside."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input, where it is, and how to fix it."""

    file: str
    line: int | None
    message: str
    fix: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.message}"
        return f"{text} — {self.fix}" if self.fix else text

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def located(file: str, element: Any, message: str, fix: str = "") -> Problem:
    """A problem at an lxml element's source line (None when the element came from a string)."""
    line = getattr(element, "sourceline", None) if element is not None else None
    return Problem(file, line, message, fix)
