"""max_attempts honoured in both runtimes, including the course-wide value Open edX lets a problem
inherit (Advanced Settings "Maximum Attempts" in policy.json, or an attribute on a chapter, subsection
or unit): the Open edX export carries it for the platform to apply, and the SCORM player applies it
the same way, refusing a submission once the attempts are used."""

import json
import shutil
import sys
from pathlib import Path

import pytest
from lxml import etree

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "scorm"))
from scorm_helpers import build, launch, lms_folder, load, unpack  # noqa: E402

from builder.build import BuildError  # noqa: E402
from builder.player.blocks import inherited_problem_settings  # noqa: E402
from builder.targets import olx  # noqa: E402

COURSE = HERE / "data" / "problem_course"


def course_with(tmp_path: Path, policy_settings: dict, sequential_attrs: str = "") -> Path:
    """The fixture course with course-wide settings in policy.json and attributes on its subsection."""
    folder = tmp_path / "problem_course"
    shutil.copytree(COURSE, folder)
    policy_path = folder / "policies" / "2026" / "policy.json"
    policy = json.loads(policy_path.read_text(encoding="utf-8"))
    policy["course/2026"].update(policy_settings)
    policy_path.write_text(json.dumps(policy, indent=2), encoding="utf-8")
    if sequential_attrs:
        course_xml = folder / "course" / "2026.xml"
        text = course_xml.read_text(encoding="utf-8")
        course_xml.write_text(
            text.replace('<sequential url_name="seq_check"', f'<sequential url_name="seq_check" {sequential_attrs}')
        )
    return folder


def problem_contents(package: Path, tmp_path: Path) -> dict:
    page = unpack(package, tmp_path / "unpacked") / "index.html"
    html = etree.HTML(page.read_bytes())
    data = json.loads(html.xpath("//script[@id='p2p-data']")[0].text)
    return {block["id"]: block["content"] for block in data["blocks"] if block["global"] == "P2PProblem"}


def test_the_player_applies_the_inherited_maximum_and_the_problems_own_wins(tmp_path):
    folder = course_with(tmp_path, {"max_attempts": 1}, 'showanswer="answered"')
    contents = problem_contents(build(folder, "scorm2004", tmp_path / "out"), tmp_path)
    # own attributes: first_step max_attempts="2" (showanswer its own), terms max_attempts="3" showanswer="attempted"
    assert contents["first_step"]["max_attempts"] == 2
    assert (contents["terms"]["max_attempts"], contents["terms"]["showanswer"]) == (3, "attempted")
    # signs sets showanswer only: it inherits the course's maximum; timelines sets neither
    assert (contents["signs"]["max_attempts"], contents["signs"]["showanswer"]) == (1, "always")
    assert (contents["timelines"]["max_attempts"], contents["timelines"]["showanswer"]) == (1, "answered")


def test_the_nearest_setting_wins_and_null_means_unlimited(tmp_path):
    folder = course_with(tmp_path, {"max_attempts": 1}, 'max_attempts="null"')
    course = load(folder)
    timelines = next(c for c in course.components() if c.url_name == "timelines")
    problems = []
    assert inherited_problem_settings(course, timelines, problems) == {"max_attempts": None}
    assert problems == []


@pytest.mark.parametrize(
    "settings, message",
    [
        (
            {"max_attempts": 0},
            "the max_attempts that problem 'signs' inherits is \"0\", not a whole number of 1 or more",
        ),
        (
            {"showanswer": "past_due"},
            "the showanswer that problem 'timelines' inherits is \"past_due\", which the offline player cannot apply",
        ),
    ],
)
def test_an_inherited_value_the_player_cannot_apply_stops_the_build_at_its_line(tmp_path, settings, message):
    folder = course_with(tmp_path, settings)
    with pytest.raises(BuildError) as refused:
        build(folder, "scorm12", tmp_path / "out")
    found = [p for p in refused.value.problems if message in p.message]
    assert found, [str(p) for p in refused.value.problems]
    policy = folder / "policies" / "2026" / "policy.json"
    name = next(iter(settings))
    line = next(n for n, text in enumerate(policy.read_text().splitlines(), 1) if f'"{name}"' in text)
    assert (found[0].file, found[0].line) == (str(policy), line)


def test_the_open_edx_export_carries_the_course_wide_maximum_for_the_platform(tmp_path):
    folder = course_with(tmp_path, {"max_attempts": 1})
    olx.export_folder(load(folder), tmp_path / "export")
    policy = json.loads((tmp_path / "export" / "policies" / "2026" / "policy.json").read_text(encoding="utf-8"))
    assert policy["course/2026"]["max_attempts"] == 1  # Open edX's InheritanceMixin applies it to every problem
    exported = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "export").rglob("*.xml"))
    assert 'max_attempts="2"' in exported and 'max_attempts="3"' in exported  # own values kept, so they win there too


@pytest.mark.parametrize("version", ("scorm12", "scorm2004"))
def test_the_player_refuses_a_submission_once_the_inherited_attempts_are_used(page, tmp_path, static_server, version):
    folder = course_with(tmp_path, {"max_attempts": 1})
    package = build(folder, version, tmp_path / "out")
    sco = launch(page, static_server(lms_folder(package, tmp_path / "lms")).url, version)
    sco.locator(".p2p-toc a", has_text="More questions").click()
    box = sco.locator(".p2p-problem[data-block-id='patterns']")
    box.locator("[data-part='p1'] input[type='text']").fill("IEP")
    box.locator("[data-part='p2'] input[type='text']").fill("150")
    box.locator(".p2p-problem__submit").click()
    box.locator(".p2p-problem__status", has_text="Your score").wait_for()
    assert box.locator(".p2p-problem__attempts").inner_text() == "You have used 1 of 1 attempts."
    assert box.locator(".p2p-problem__submit").is_disabled()
    # The rules refuse a second submission even when the button is bypassed, and nothing changes.
    refusal = sco.evaluate(
        """() => {
          const data = JSON.parse(document.getElementById('p2p-data').textContent);
          const block = data.blocks.find((b) => b.id === 'patterns');
          const state = P2PProblem.rules.restore({attempts: 1, answers: {p1: 'IEP', p2: '150'}}, block.content);
          try { P2PProblem.rules.apply('submit', state, {answers: {p1: 'IEP', p2: '1'}}, block.content); return 'accepted'; }
          catch (error) { return [error.status, error.message]; }
        }"""
    )
    assert refusal == [409, "You have used every attempt for this problem."]
