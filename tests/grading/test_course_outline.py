"""The builder reads each course's grading outline (subsection format/graded, scored blocks with
their possible points and weight) as Open edX would, and the grader gives the issue's learners the
grade the policy gives."""

from pathlib import Path

import pytest

from builder.course import load_course
from builder.grading import course_grade, grading_outline, grading_policy

COURSES = Path(__file__).resolve().parents[2] / "courses"


def _learner(outline, earned_of):
    return [
        dict(subsection, scores=[{**block, "earned": earned_of(subsection, block)} for block in subsection["blocks"]])
        for subsection in outline
    ]


def test_facilitation_learner_with_an_honest_self_assessment_passes_with_100():
    course, problems = load_course(COURSES / "facilitation")
    assert not problems
    outline = grading_outline(course)
    ungraded = [s for s in outline if not s["graded"]]
    assert any(s["blocks"] for s in ungraded), "the self-assessment rubric scores but sits in an ungraded subsection"

    def earned(subsection, block):  # everything full, except the self-assessment rated at the lowest level
        return 0 if not subsection["graded"] else block["possible"]

    result = course_grade(grading_policy(course), _learner(outline, earned))
    assert (result["percent"], result["passed"]) == (1.0, True)
    assert [t["type"] for t in result["types"]] == [
        "Knowledge check",
        "Post-test",
        "Calibration",
        "Role-play",
        "Reflection",
    ]


def test_cultural_competency_learner_with_role_play_20_of_35_passes_with_94():
    course, problems = load_course(COURSES / "cultural_competency")
    assert not problems
    outline = grading_outline(course)
    roleplays = [b for s in outline for b in s["blocks"] if s["format"] == "Role-play"]
    assert roleplays and all(b["possible"] == 35 and b["weight"] == 1.0 for b in roleplays)

    def earned(subsection, block):
        return 20 if subsection["format"] == "Role-play" else block["possible"]

    result = course_grade(grading_policy(course), _learner(outline, earned))
    assert (result["percent"], result["passed"]) == (0.94, True)  # 0.35 + 0.35 + 0.15 + 0.15 * 20/35


def test_nothing_done_is_zero_and_lists_every_item_as_not_attempted():
    course, _ = load_course(COURSES / "conflict_resolution")
    result = course_grade(grading_policy(course), _learner(grading_outline(course), lambda s, b: None))
    assert result["percent"] == 0.0 and result["passed"] is False
    items = [i for t in result["types"] for i in t["items"]]
    assert items and not any(i["attempted"] for i in items)


@pytest.mark.parametrize("name", ["conflict_resolution", "cultural_competency", "facilitation"])
def test_a_learner_who_only_writes_40_words_per_prompt_cannot_pass(name):
    """Every journal answered (a prompt counts when answered), every role-play, calibration and rubric at
    full marks, and no problem answered correctly: the course grade by its policy stays below the pass
    mark. Writing and clicking through cannot pass a course; its knowledge checks and post-test decide."""
    course, problems = load_course(COURSES / name)
    assert not problems
    outline = grading_outline(course)
    kinds = {c.url_name: c.category for c in course.components()}
    assert any(kinds[b["id"]] == "problem" for s in outline if s["graded"] for b in s["blocks"])

    def earned(subsection, block):
        return 0 if kinds[block["id"]] == "problem" else block["possible"]

    result = course_grade(grading_policy(course), _learner(outline, earned))
    assert result["passed"] is False and result["percent"] < result["pass_mark"]
    reflection = next(t for t in result["types"] if t["type"] == "Reflection")
    assert reflection["weight"] <= 0.2, "reflection counts for completion, not as most of the grade"
