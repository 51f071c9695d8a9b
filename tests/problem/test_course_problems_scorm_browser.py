"""Every problem of every course plays in its SCORM package (Chromium, scorm-again as the LMS, both
versions) with the score the Python grader gives the same answers; the package's course grade is the
one builder/grading.py computes; and the result page shows the pre-test beside the post-test, question by
question, as builder/grading.py's compare() does."""

import sys
from pathlib import Path

import pytest
from support.browser import axe_violations
from support.problem_page import answer, package_grade

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "scorm"))
from scorm_helpers import build, launch, lms_folder, packaged, stop  # noqa: E402

from builder.grading import compare, course_grade, grading_outline, grading_policy  # noqa: E402
from xblocks.problem import model  # noqa: E402

COURSES_DIR = HERE.parents[1] / "courses"
COURSES = ["conflict_resolution", "cultural_competency", "facilitation"]


def learner_answers(content: dict, number: int) -> dict:
    """A learner who gets two questions in three right: the key, or else the first wrong option."""
    right = number % 3 != 2
    answers = {}
    for part in model.parts(content):
        if part["kind"] == "single":
            pick = [c for c in part["choices"] if (c["correct"] == "true") == right]
            answers[part["id"]] = pick[0]["id"]
        elif part["kind"] == "multiple":
            key = [c["id"] for c in part["choices"] if c["correct"] == "true"]
            answers[part["id"]] = key if right else [part["choices"][0]["id"]]
        elif part["kind"] == "dropdown":
            pick = [o for o in part["options"] if (o["correct"] == "true") == right]
            answers[part["id"]] = pick[0]["text"]
        elif part["kind"] == "numeric":
            answers[part["id"]] = part["answer"] if right else "1000"
        else:
            answers[part["id"]] = part["answers"][0] if right else "not this"
    return answers


def cell(value) -> str:
    if value is None:
        return "Not answered"
    if value == 1:
        return "Correct"
    return "Not correct" if value == 0 else f"Partly correct ({round(value * 1000) / 10:g}%)"


@pytest.mark.parametrize("version", ["scorm12", "scorm2004"])
@pytest.mark.parametrize("name", COURSES)
def test_every_problem_plays_with_the_python_score_and_the_result_compares(
    page, tmp_path, static_server, name, version
):
    course = packaged(COURSES_DIR / name)
    package = build(COURSES_DIR / name, version, tmp_path / "build")
    sco = launch(page, static_server(lms_folder(package, tmp_path / "lms")).url, version)
    raw_scores, number = {}, 0
    for index, (_, _, unit) in enumerate(course.units()):
        problems = [c for c in unit.components if c.category == "problem"]
        if not problems:
            continue
        sco.locator(f".p2p-toc a[data-unit='{index}']").click()
        for component in problems:
            content = model.view_content(component.block)
            answers = learner_answers(content, number)
            number += 1
            box = sco.locator(f".p2p-problem[data-block-id='{component.url_name}']")
            answer(box, answers)
            box.locator(".p2p-problem__status", has_text="Your score").wait_for()
            graded = model.grade(content, answers)
            assert package_grade(sco, component.url_name) == [graded["earned"], graded["possible"]], component.url_name
            raw_scores[component.url_name] = sum(part["points"] for part in graded["parts"].values())
    assert number == sum(1 for c in course.components() if c.category == "problem") >= 32

    # The course grade and the comparison Python computes for these answers (nothing else attempted).
    sheet = [
        dict(s, scores=[{**b, "earned": raw_scores.get(b["id"])} for b in s["blocks"]]) for s in grading_outline(course)
    ]
    expected = course_grade(grading_policy(course), sheet)
    [pair] = compare(sheet)

    sco.locator("#p2p-result-link").click()
    result = sco.locator("#p2p-result-body")
    table = result.locator("table.p2p-result-compare")
    assert table.locator("caption").inner_text().startswith("Question by question")
    rows = table.locator("tbody tr")
    assert rows.count() == len(pair["questions"])
    for n, question in enumerate(pair["questions"]):
        cells = rows.nth(n).locator("th, td").all_inner_texts()
        assert cells == [f"Question {n + 1}", cell(question["pre"]), cell(question["post"])]
    totals = f"{pair['pre']['earned']:g} of {pair['pre']['possible']:g} ({pair['pre']['percent'] * 100:g}%)"
    assert f"Pre-test: {totals}." in result.inner_text()
    assert axe_violations(sco) == []

    # The package's grader gives the course grade builder/grading.py gives (the LMS receives it once the
    # course is complete: a part-way score would fail an unfinished learner, see scorm-runtime.js).
    assert f"Your course grade: {round(expected['percent'] * 100)}%." in result.inner_text()
    assert expected["percent"] > 0
    stop(page)  # nothing the package sent was refused
