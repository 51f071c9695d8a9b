"""Each course follows the IRIS Center cycle: it opens with a challenge case and the learner's initial
thoughts (before any teaching), every chapter states two to four measurable objectives on its first
page, and the course closes by returning to the challenge and to those initial thoughts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from builder.course import load_course

ROOT = Path(__file__).resolve().parents[2]
COURSES = ["conflict_resolution", "cultural_competency", "facilitation"]
OBJECTIVES = re.compile(r"^\s*<h3>In this chapter you will be able to</h3>\s*<ul>(.*?)</ul>", re.S)


def _course(name: str):
    loaded, problems = load_course(ROOT / "courses" / name)
    assert loaded is not None, problems
    return loaded


def _units(chapter):
    return [unit for subsection in chapter.subsections for unit in subsection.units]


def _journals(units):
    return [c.block for unit in units for c in unit.components if c.category == "reflection_journal"]


@pytest.mark.parametrize("name", COURSES)
def test_the_course_opens_with_a_challenge_and_the_learners_initial_thoughts(name):
    first = _units(_course(name).chapters[0])
    challenge = next((i for i, unit in enumerate(first) if unit.url_name.endswith("_u_challenge")), None)
    assert challenge is not None, f"{name}: chapter 1 has no challenge unit"
    before = [unit.url_name for unit in first[:challenge]]
    assert all(u.endswith(("_u_pretest", "_u_welcome")) for u in before), (
        f"{name}: taught before the challenge: {before}"
    )
    kinds = [c.category for c in first[challenge].components]
    assert kinds == ["html", "reflection_journal"], kinds
    [thoughts] = _journals([first[challenge]])
    assert thoughts.points == 0 and len(thoughts.prompts) == 1  # a first answer, never graded


@pytest.mark.parametrize("name", COURSES)
def test_every_chapter_opens_with_its_objectives(name):
    for chapter in _course(name).chapters:
        taught = [
            unit for unit in _units(chapter) if not unit.url_name.endswith("_u_pretest")
        ]  # a pre-test comes first
        page = next(c for unit in taught for c in unit.components if c.category == "html")
        found = OBJECTIVES.match(page.html)
        assert found, f"{name}/html/{page.url_name}.html: chapter '{chapter.display_name}' opens without its objectives"
        assert 2 <= found.group(1).count("<li>") <= 4, f"{name}/html/{page.url_name}.html: state two to four"


@pytest.mark.parametrize("name", COURSES)
def test_the_course_closes_by_returning_to_the_challenge_and_the_initial_thoughts(name):
    course = _course(name)
    challenge = next(u for u in _units(course.chapters[0]) if u.url_name.endswith("_u_challenge"))
    case = challenge.display_name.removeprefix("The Challenge: ")
    prompts = [p for journal in _journals(_units(course.chapters[-1])) for p in journal.prompts]
    returning = [p for p in prompts if "your initial thoughts" in p.text and p.text.startswith("Return to")]
    assert returning, f"{name}: the last chapter's journals never return to '{case}' and the initial thoughts"
