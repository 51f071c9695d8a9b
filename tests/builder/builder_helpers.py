"""Test helpers for the builder: the broken-course corpus and fixture paths."""
from __future__ import annotations

import shutil
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SAMPLE_COURSE = FIXTURES / "sample_course"
BROKEN = FIXTURES / "broken"
BROKEN_BASE = BROKEN / "_base"


def broken_course(fault: str, dest: Path) -> Path:
    """The corpus base with one fault's files laid over it (and the files its DELETE lists removed)."""
    course = dest / fault
    shutil.copytree(BROKEN_BASE, course)
    shutil.copytree(BROKEN / fault, course, dirs_exist_ok=True)
    delete = course / "DELETE"
    if delete.exists():
        for name in delete.read_text().split():
            (course / name).unlink()
        delete.unlink()
    return course


def faults() -> list[str]:
    return sorted(p.name for p in BROKEN.iterdir() if p.is_dir() and p.name != "_base")
