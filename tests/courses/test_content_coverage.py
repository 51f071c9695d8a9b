"""docs/content-coverage.md maps every seed section to the units that teach, practise and reflect on
it. A unit named there must exist, every section must be taught somewhere, and a missing stage must
say why."""

from __future__ import annotations

import re
from pathlib import Path

from builder.course import load_course

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "docs" / "content-coverage.md"


def _rows() -> list[tuple[int, list[str]]]:
    rows = []
    for number, line in enumerate(TABLE.read_text().splitlines(), start=1):
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 4 and cells[0] != "Seed section" and not set(cells[0]) <= {"-"}:
            rows.append((number, cells))
    return rows


def _units(course: str) -> set[str]:
    loaded, problems = load_course(ROOT / "courses" / course)
    assert loaded is not None and not problems, problems
    return {u.url_name for ch in loaded.chapters for s in ch.subsections for u in s.units}


def test_every_seed_section_is_taught_and_every_named_unit_exists():
    rows = _rows()
    assert len(rows) >= 20, "the coverage table lost its rows"
    units: dict[str, set[str]] = {}
    for number, (section, taught, practised, reflected) in rows:
        where = f"docs/content-coverage.md:{number}"
        assert taught and not taught.startswith("none"), f"{where}: '{section}' is taught by no unit"
        for stage, cell in (("taught", taught), ("practised", practised), ("reflected", reflected)):
            if cell.startswith("none:"):
                assert len(cell) > len("none: ") + 10, f"{where}: say why '{section}' is not {stage}"
                continue
            for ref in re.split(r",\s*", cell):
                course, _, unit = ref.partition("/")
                if course not in units:
                    units[course] = _units(course)
                assert unit in units[course], f"{where}: {ref} is not a unit of {course} (rename it in the table)"
