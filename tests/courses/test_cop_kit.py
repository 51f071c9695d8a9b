"""The community-of-practice starter kit (CR101, 'Practice: Plan a Community of Practice'): every
template is linked from the planning page and is in the course, the data template's columns are each
explained there, the needs survey asks the same questions in English and Spanish, and every
standalone page the courses ship (kit, handouts, references, glossary) opens on its own and passes
axe."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from support.browser import axe_violations

from builder.course import load_course

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "courses" / "conflict_resolution"
KIT = [
    "cop_agenda_template.html",
    "cop_norms_template.html",
    "cop_needs_survey.html",
    "cop_needs_survey_es.html",
    "cop_data_template.csv",
]
PLAN = (COURSE / "html" / "cr_cop_plan.html").read_text(encoding="utf-8")


def test_the_planning_page_links_every_kit_file_and_the_course_ships_it():
    course, problems = load_course(COURSE)
    assert course is not None and not problems, "\n".join(map(str, problems))
    for name in KIT:
        assert f'href="/static/{name}"' in PLAN, f"cr_cop_plan.html does not link {name}"
        assert name in course.static_files, f"static/{name} is not in the course"
    units = [c.url_name for ch in course.chapters for s in ch.subsections for u in s.units for c in u.components]
    assert units.index("cr_cop_plan") + 1 == units.index("cr_reflect_cop_plan"), "the plan's journal follows it"


def test_each_column_of_the_data_template_is_explained_on_the_planning_page():
    with (COURSE / "static" / "cop_data_template.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, quarters = rows[0], rows[1:]
    assert len(quarters) == 4 and all(re.fullmatch(r"\d{4}-Q[1-4]", row[0]) for row in quarters)
    assert all(len(row) == len(header) for row in quarters)
    explained = re.findall(r"<dt><code>([a-z_]+)</code></dt>", PLAN)
    assert explained == header


def test_the_needs_survey_asks_the_same_questions_in_english_and_spanish():
    english = (COURSE / "static" / "cop_needs_survey.html").read_text(encoding="utf-8")
    spanish = (COURSE / "static" / "cop_needs_survey_es.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in english and '<html lang="es">' in spanish
    assert english.count("<li>") == spanish.count("<li>") == 11
    assert "Eleven questions" in english and "Once preguntas" in spanish
    assert 'href="cop_needs_survey_es.html"' in english and 'href="cop_needs_survey.html"' in spanish
    assert "interpretation" in english and "interpretación" in spanish  # access needs asked of every member


STANDALONE = sorted(p for p in ROOT.glob("courses/*/static/*.html"))


@pytest.mark.parametrize("path", STANDALONE, ids=lambda p: f"{p.parents[1].name}/{p.name}")
def test_every_standalone_page_passes_axe(page, static_server, path):
    server = static_server(path.parent)
    page.goto(f"{server.url}/{path.name}")
    assert page.title() and page.locator("h1").count() == 1
    assert page.evaluate("document.documentElement.lang") in ("en", "es")
    violations = axe_violations(page)
    assert violations == [], violations
