"""Every course assesses what it teaches (issue: pre/post tests and chapter checks): an ungraded pre-test
and a graded post-test of 10-15 problems each, parallel (the same number, the same kinds of question), a
knowledge check of 3-5 problems closing each chapter, and feedback on every option, so a wrong answer
teaches."""

import re
import shutil
from pathlib import Path

import pytest

from builder.course import load_course
from builder.grading import course_grade, grading_outline, grading_policy
from xblocks.problem import model

COURSES = ["conflict_resolution", "cultural_competency", "facilitation"]
ROOT = Path(__file__).resolve().parents[2]


def _problems(subsection) -> list:
    return [c for unit in subsection.units for c in unit.components if c.category == "problem"]


def _assessments(course):
    pre, post, checks = [], [], {}
    for chapter in course.chapters:
        for subsection in chapter.subsections:
            graded = subsection.attrs.get("graded", "false").lower() == "true"
            kind = subsection.attrs.get("format", "")
            if kind == "Post-test" and graded:
                post.append(subsection)
            elif kind == "Knowledge check" and graded:
                checks.setdefault(chapter.display_name, []).append(subsection)
            elif not graded and _problems(subsection):
                pre.append(subsection)
    return pre, post, checks


@pytest.mark.parametrize("name", COURSES)
def test_pre_and_post_tests_are_parallel_and_each_chapter_closes_with_a_check(name):
    course, problems = load_course(ROOT / "courses" / name)
    assert problems == []
    pre, post, checks = _assessments(course)
    assert len(pre) == 1 and len(post) == 1, "one ungraded pre-test and one graded post-test"
    assert pre[0].attrs.get("pretest_for") == post[0].url_name  # the result page compares the two
    pre_items, post_items = _problems(pre[0]), _problems(post[0])
    assert 10 <= len(pre_items) == len(post_items) <= 15
    kinds = [[p["kind"] for p in model.parts(model.view_content(c.block))] for c in pre_items]
    assert kinds == [[p["kind"] for p in model.parts(model.view_content(c.block))] for c in post_items]
    # The pre-test opens the course, the post-test closes it, and each chapter ends with its check
    # (the last chapter's check comes just before the post-test).
    assert course.chapters[0].subsections[0] is pre[0] and course.chapters[-1].subsections[-1] is post[0]
    for chapter in course.chapters:
        closing = [s for s in chapter.subsections if s is not post[0]][-1]
        assert checks.get(chapter.display_name) == [closing], chapter.display_name
        assert 3 <= len(_problems(closing)) <= 5, chapter.display_name


@pytest.mark.parametrize("name", COURSES)
def test_every_option_has_feedback_that_teaches(name):
    course, _ = load_course(ROOT / "courses" / name)
    for component in (c for c in course.components() if c.category == "problem"):
        content = model.view_content(component.block)
        where = f"{name}/problem/{component.url_name}.xml"
        assert content["max_attempts"] in (1, 2), where  # a test or check is not answered until right
        for part in model.parts(content):
            if part["kind"] == "single":
                assert len(part["choices"]) >= 3, where
                for choice in part["choices"]:
                    assert len(choice["hint"].split()) >= 6, (where, choice["html"])
            elif part["kind"] == "multiple":
                for choice in part["choices"]:
                    assert choice["hint_selected"] and choice["hint_unselected"], (where, choice["html"])
            elif part["kind"] == "dropdown":
                assert all(option["hint"] for option in part["options"]), where
            elif part["kind"] == "numeric":
                assert part["correct_hint"], where
            else:
                pytest.fail(
                    f"{where}: {part['kind']} — the courses' assessments use choice, dropdown and numeric questions"
                )


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda root: _replace(root / "sequential/cr_seq_pretest.xml", "cr_seq_posttest", "cr_seq_nowhere"),
         'pretest_for="cr_seq_nowhere" names no other subsection of this course'),
        (lambda root: _replace(root / "vertical/cr_u_pretest.xml", '  <problem url_name="cr_pre_10"/>\n', ""),
         'the pre-test holds 9 problems and its post-test "cr_seq_posttest" 10'),
        (lambda root: _replace(root / "sequential/cr_seq_pretest.xml", '">', '" graded="true" format="Post-test">'),
         "a pre-test is ungraded and its post-test graded"),
    ],
)  # fmt: skip
def test_a_broken_pre_post_pairing_is_reported_with_its_line(tmp_path, edit, message):
    root = tmp_path / "conflict_resolution"
    shutil.copytree(ROOT / "courses" / "conflict_resolution", root)
    edit(root)
    _, problems = load_course(root)
    [found] = [p for p in problems if message in p.message]
    assert (Path(found.file).name, found.line) == ("cr_seq_pretest.xml", 1) and found.fix


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


@pytest.mark.parametrize("name", COURSES)
def test_picking_the_longest_option_gives_nothing_away(name):
    """Test-wise guessing does not pass: the right option is the longest in at most a third of the
    single-choice questions, and a learner who always picks the longest (with every other question,
    journal, role-play and rubric at full marks) stays below the pass mark."""
    course, _ = load_course(ROOT / "courses" / name)
    kinds = {c.url_name: c for c in course.components()}
    singles = longest_right = 0
    raw = {}
    for url_name, component in kinds.items():
        if component.category != "problem":
            continue
        content = model.view_content(component.block)
        earned = 0.0
        for part in model.parts(content):
            if part["kind"] != "single":
                earned += 1
                continue
            singles += 1
            pick = max(part["choices"], key=lambda choice: len(_text(choice["html"])))
            longest_right += pick["correct"] == "true"
            earned += model.grade(content, {part["id"]: pick["id"]})["parts"][part["id"]]["points"]
        raw[url_name] = earned
    assert longest_right <= singles / 3, f"{longest_right} of {singles}: lengthen wrong options or shorten right ones"
    sheet = [
        dict(s, scores=[{**b, "earned": raw.get(b["id"], b["possible"])} for b in s["blocks"]])
        for s in grading_outline(course)
    ]
    assert course_grade(grading_policy(course), sheet)["passed"] is False
