"""The three program courses: they validate, they hang together as courses, and their pages are
accessible and self-contained (the SCORM packages must work with no network)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from support.browser import axe_violations

from builder.course import load_course

ROOT = Path(__file__).resolve().parents[2]
COURSES = ["conflict_resolution", "facilitation", "cultural_competency"]
SCORED_TAGS = ("reflection_journal", "scenario_roleplay", "facilitation_rubric", "problem")
REMOTE = re.compile(r"^\s*(https?:)?//", re.I)


def _course(name):
    course, problems = load_course(ROOT / "courses" / name)
    assert course is not None and not problems, "\n".join(map(str, problems))
    return course


def _units(course):
    for chapter in course.chapters:
        for subsection in chapter.subsections:
            for unit in subsection.units:
                yield chapter, subsection, unit


@pytest.mark.parametrize("name", COURSES)
def test_course_validates_clean(name):
    course = _course(name)
    assert course.display_name and course.language == "en"


@pytest.mark.parametrize("name", COURSES)
def test_every_chapter_has_a_reflection_and_every_unit_content(name):
    course = _course(name)
    assert len(course.chapters) >= 4
    for chapter in course.chapters:
        kinds = [c.category for s in chapter.subsections for u in s.units for c in u.components]
        assert "reflection_journal" in kinds, f"{chapter.display_name}: no Pause and reflect journal"
        assert "html" in kinds, f"{chapter.display_name}: no reading"
    for _chapter, _subsection, unit in _units(course):
        assert unit.components, f"unit {unit.url_name} is empty"


@pytest.mark.parametrize("name", COURSES)
def test_graded_subsections_match_the_grading_policy(name):
    """Each GRADER type counts exactly the graded subsections of that type, and each of those holds
    a block that publishes a grade; otherwise learners would carry phantom zeros."""
    course = _course(name)
    graded: dict[str, int] = {}
    for chapter in course.chapters:
        for subsection in chapter.subsections:
            if subsection.attrs.get("graded") != "true":
                continue
            kind = subsection.attrs["format"]
            graded[kind] = graded.get(kind, 0) + 1
            scored = [
                c
                for u in subsection.units
                for c in u.components
                if c.category in SCORED_TAGS
                and not (c.category == "reflection_journal" and c.block.points == 0)
                and not (c.category == "facilitation_rubric" and c.block.mode == "self")
            ]
            assert scored, f"graded subsection {subsection.url_name} has nothing that publishes a grade"
    grader = {entry["type"]: entry["min_count"] for entry in course.grading_policy["GRADER"]}
    assert grader == graded


def test_self_assessment_and_calibration_use_the_same_rubric():
    """Raters calibrate on the rubric facilitators assess themselves with (and trainers later observe with)."""
    course = _course("facilitation")
    rubrics = {
        c.block.mode: c.block
        for _ch, _s, u in _units(course)
        for c in u.components
        if c.category == "facilitation_rubric"
    }
    assert set(rubrics) == {"self", "calibration", "trainer"}
    assert rubrics["self"].levels == rubrics["calibration"].levels == rubrics["trainer"].levels
    assert rubrics["self"].criteria == rubrics["calibration"].criteria == rubrics["trainer"].criteria
    key_levels = {rating.level for sample in rubrics["calibration"].samples for rating in sample.key}
    assert len(key_levels) >= 3, "a calibration sample rated at one or two levels teaches little about the scale"


def test_ms_perez_role_play_is_placed_after_the_five_dimensions():
    course = _course("cultural_competency")
    order = [(c.category, c.url_name) for _ch, _s, u in _units(course) for c in u.components]
    assert ("scenario_roleplay", "ms_perez") in order
    roleplay_at = order.index(("scenario_roleplay", "ms_perez"))
    for dimension in ("equity", "respect", "communication", "advocacy", "commitment"):
        assert order.index(("html", f"cc_dim_{dimension}")) < roleplay_at


class _PageFacts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.headings: list[int] = []
        self.remote: list[str] = []
        self.images_without_alt = 0

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        for name in ("src", "href", "data", "poster", "srcset"):
            if values.get(name) and REMOTE.match(values[name]):
                self.remote.append(values[name])
        if tag == "img" and not (values.get("alt") or "").strip():
            self.images_without_alt += 1
        if tag in ("script", "iframe", "link", "object", "embed"):
            self.remote.append(f"<{tag}>")


def _html_components():
    for name in COURSES:
        course = _course(name)
        for _chapter, _subsection, unit in _units(course):
            for component in unit.components:
                if component.category == "html":
                    yield name, unit, component


@pytest.mark.parametrize("name", COURSES)
def test_html_is_self_contained_with_ordered_headings_and_alt_text(name):
    for course_name, _unit, component in _html_components():
        if course_name != name:
            continue
        facts = _PageFacts()
        facts.feed(component.html)
        where = f"html/{component.url_name}.html"
        assert not facts.remote, f"{where} loads or links outside the course: {facts.remote}"
        assert facts.images_without_alt == 0, f"{where}: an image has no alt text"
        # The unit title is the page's h2 (Open edX and the SCORM player alike): content starts at h3.
        assert facts.headings and facts.headings[0] == 3, f"{where}: the first heading must be <h3>"
        for before, after in zip(facts.headings, facts.headings[1:]):
            assert after <= before + 1, f"{where}: heading jumps from h{before} to h{after}"


def test_every_html_page_passes_axe(page, static_server):
    """Each html component as a learner sees it: under the course title (h1) and unit title (h2)."""
    server = static_server(ROOT / "courses")
    failures = []
    for course_name, unit, component in _html_components():
        body = component.html.replace('src="/static/', f'src="{server.url}/{course_name}/static/')
        page.set_content(
            f'<!doctype html><html lang="en"><head><title>{unit.display_name}</title></head>'
            f"<body><main><h1>Course</h1><h2>{unit.display_name}</h2>{body}</main></body></html>"
        )
        violations = axe_violations(page)
        if violations:
            failures.append((course_name, component.url_name, violations))
    assert not failures, failures
