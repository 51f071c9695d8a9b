"""Test helpers for the builder: the broken-course corpus and fixture paths."""

from __future__ import annotations

import shutil
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SAMPLE_COURSE = FIXTURES / "sample_course"
BROKEN = FIXTURES / "broken"
BROKEN_BASE = BROKEN / "_base"
REPO = FIXTURES.parent.parent
# The sample course and every real course that has a course.xml so far.
COURSES = [SAMPLE_COURSE, *sorted(p for p in (REPO / "courses").glob("*") if (p / "course.xml").is_file())]
COURSE_IDS = [p.name for p in COURSES]


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
