"""Open edX problems in SCORM packages, in Chromium, with scorm-again as the LMS (both versions): the
questions drawn accessibly (fieldset/legend, labels, axe), answered by keyboard, graded offline with the
score model.py gives on the same answers, max_attempts honoured, feedback announced, each question
reported as an interaction, and the answers kept over a relaunch; in Spanish the interface is Spanish."""

import json
import shutil
import sys
from pathlib import Path

import pytest
from lxml import etree
from support.browser import axe_violations
from support.problem_page import answer as answer_box
from support.problem_page import package_grade

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "scorm"))
from scorm_helpers import build, calls, launch, lms_folder, stop  # noqa: E402

from builder.grading import course_grade  # noqa: E402
from xblocks.problem import model  # noqa: E402

COURSE = HERE / "data" / "problem_course"
VERSIONS = ("scorm12", "scorm2004")
# The answers a learner gives, and what model.py says each problem earns for them.
ANSWERS = {
    "first_step": {"p1": "choice_2"},
    "signs": {"p1": ["choice_0", "choice_1"]},
    "terms": {"p1": "An independent educational evaluation", "p2": "individualized education program"},
    "timelines": {"p1": "27", "p2": "31", "p3": "0.3"},
    "patterns": {"p1": "IEP", "p2": "150"},
}


def python_grades() -> dict:
    """Each problem's grade by the Python grader, from the fixture course's own OLX: (earned, possible)
    after the weight, and the raw (earned, possible) the course grader rescales."""
    grades = {}
    root = etree.parse(str(COURSE / "course" / "2026.xml")).getroot()
    elements = {p.get("url_name"): p for p in root.iter("problem")}
    elements["first_step"] = etree.parse(str(COURSE / "problem" / "first_step.xml")).getroot()
    for url_name, answers in ANSWERS.items():
        element = elements[url_name]
        element.set("url_name", url_name)
        parsed, problems = model.parse(element, url_name)
        assert problems == []
        content = model.view_content(parsed)
        graded = model.grade(content, answers)
        raw = sum(part["points"] for part in graded["parts"].values())
        grades[url_name] = {
            "weighted": (graded["earned"], graded["possible"]),
            "score": {"earned": raw, "possible": model.max_score(content)["possible"], "weight": content["weight"]},
        }
    return grades


def course_percent(grades: dict) -> float:
    """The course grade builder/grading.py gives these answers (the fixture's one graded subsection)."""
    policy = json.loads((COURSE / "policies" / "2026" / "grading_policy.json").read_text())
    subsection = {
        "id": "seq_check",
        "title": "Knowledge check",
        "format": "Knowledge check",
        "graded": True,
        "scores": [grades[url_name]["score"] for url_name in ANSWERS],
    }
    return course_grade(policy, [subsection])["percent"]


@pytest.fixture
def serve(tmp_path, static_server):
    def start(version, course=COURSE):
        package = build(course, version, tmp_path / f"build-{version}")
        return static_server(lms_folder(package, tmp_path / f"lms-{version}")).url

    return start


def go_to(sco, unit_title):
    sco.locator(".p2p-toc a", has_text=unit_title).click()
    sco.locator(".p2p-unit:not([hidden]) .p2p-unit-title", has_text=unit_title).wait_for()


def problem(sco, url_name):
    return sco.locator(f".p2p-problem[data-block-id='{url_name}']")


def answer(sco, url_name, answers):
    answer_box(problem(sco, url_name), answers)


@pytest.mark.parametrize("version", VERSIONS)
def test_problems_play_offline_with_the_python_score(page, serve, version):
    expected = python_grades()
    sco = launch(page, serve(version), version)
    go_to(sco, "A first question")
    first = problem(sco, "first_step")
    assert first.locator("fieldset legend", has_text="What is the best first step?").count() == 1
    assert first.locator("fieldset").get_attribute("aria-describedby")
    assert axe_violations(sco) == []

    answer(sco, "first_step", {"p1": "choice_0"})
    status = first.locator(".p2p-problem__status[role='status']")
    status.filter(has_text="Incorrect").wait_for()
    assert "Parents may bring people who know the child." in first.locator(".p2p-problem__feedback").inner_text()
    assert first.locator(".p2p-problem__attempts").inner_text() == "You have used 1 of 2 attempts."
    assert first.locator(".p2p-problem__answer").is_hidden()  # showanswer="finished": not yet
    answer(sco, "first_step", ANSWERS["first_step"])
    status.filter(has_text="Partially correct").wait_for()
    assert first.locator(".p2p-problem__submit").is_disabled()  # max_attempts="2"
    assert first.locator(".p2p-problem__answer").inner_text().startswith("Answer: Thank her")
    assert first.locator(".p2p-problem__solution").is_visible()
    first.locator(".p2p-problem__hint-button").click()
    first.locator(".p2p-problem__hints li", has_text="Who does the meeting serve?").wait_for()
    assert axe_violations(sco) == []

    go_to(sco, "More questions")
    for url_name in ("signs", "terms", "timelines", "patterns"):
        answer(sco, url_name, ANSWERS[url_name])
        problem(sco, url_name).locator(".p2p-problem__status", has_text="Your score").wait_for()
    assert axe_violations(sco) == []

    for url_name, grades in expected.items():
        assert package_grade(sco, url_name) == list(grades["weighted"]), url_name

    cmi = stop(page)
    # The LMS holds the course grade builder/grading.py gives for the same answers, as a percentage.
    percent = course_percent(expected)
    raw = cmi["core"]["score"]["raw"] if version == "scorm12" else cmi["score"]["raw"]
    assert float(raw) == pytest.approx(percent * 100)
    ids = {}  # the latest record of each interaction (1.2 appends a record per change)
    for _, item in sorted(cmi["interactions"].items(), key=lambda pair: int(pair[0])):
        ids[item["id"]] = item
    assert sorted(ids) == sorted(f"{url_name}-{part}" for url_name, answers in ANSWERS.items() for part in answers)
    assert ids["signs-p1"]["type"] == "choice" and ids["terms-p2"]["type"] == "fill-in"
    assert ids["timelines-p1"]["type"] == "numeric"
    response = "student_response" if version == "scorm12" else "learner_response"
    assert ids["signs-p1"][response] == ("0,1" if version == "scorm12" else "choice_0[,]choice_1")
    assert ids["first_step-p1"][response] == ("2" if version == "scorm12" else "choice_2")
    assert ids["timelines-p1"][response] == "27"
    assert ids["terms-p1"]["result"] == "correct"
    assert ids["timelines-p2"]["result"] == ("wrong" if version == "scorm12" else "incorrect")
    assert ids["signs-p1"]["result"] == "neutral"  # partial credit

    # Relaunch: the answers, the attempts and the hint are still there; the third attempt is still refused.
    sco = launch(page, page.url.split("/lms.html")[0], version, persisted=cmi)
    go_to(sco, "A first question")
    first = problem(sco, "first_step")
    assert first.locator("input[value='choice_2']").is_checked()
    assert first.locator(".p2p-problem__submit").is_disabled()
    assert first.locator(".p2p-problem__hints li").count() == 1
    go_to(sco, "More questions")
    assert problem(sco, "timelines").locator("[data-part='p1'] input").input_value() == "27"


def test_a_formula_is_refused_and_uses_no_attempt(page, serve):
    sco = launch(page, serve("scorm2004"), "scorm2004")
    go_to(sco, "More questions")
    answer(sco, "timelines", {"p1": "2*15", "p2": "30", "p3": "0.3"})
    box = problem(sco, "timelines")
    box.locator(".p2p-problem__status", has_text="Write a number").wait_for()
    assert box.locator(".p2p-problem__attempts").inner_text() == ""
    assert box.locator(".p2p-problem__feedback").first.is_hidden()


def test_in_spanish_the_interface_is_spanish(page, serve, tmp_path):
    course = tmp_path / "es_course"
    shutil.copytree(COURSE, course)
    policy = course / "policies" / "2026" / "policy.json"
    data = json.loads(policy.read_text())
    data["course/2026"]["language"] = "es"
    policy.write_text(json.dumps(data))
    xml = course / "course" / "2026.xml"
    xml.write_text(xml.read_text().replace('language="en"', 'language="es"'))
    sco = launch(page, serve("scorm12", course), "scorm12")
    go_to(sco, "A first question")
    box = problem(sco, "first_step")
    assert box.locator(".p2p-problem__submit").inner_text() == "Enviar"
    answer(sco, "first_step", {"p1": "choice_1"})
    box.locator(".p2p-problem__status", has_text="Correcto").wait_for()
    assert box.locator(".p2p-problem__attempts").inner_text() == "Ha usado 1 de 2 intentos."
    assert calls(page)["setValue"]
