"""courses/pathways.xml: the levels, their checks with file:line, and `p2p pathway` as an author runs it."""

import json
import shutil
from pathlib import Path

import pytest
from builder_helpers import REPO
from click.testing import CliRunner
from lxml import etree

from builder import pathways as pathways_module
from builder.cli import main
from builder.course import load_course
from builder.pathways import check_pathways, parse_pathways
from builder.targets import olx

COURSES_DIR = REPO / "courses"


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def parsed(xml: str):
    return parse_pathways(etree.fromstring(xml.strip().encode()), "pathways.xml")


def loaded_courses() -> dict:
    return {
        folder.name: load_course(folder)[0]
        for folder in sorted(COURSES_DIR.iterdir())
        if (folder / "course.xml").is_file()
    }


def test_the_programs_pathway_checks_clean_against_the_courses():
    pathways, problems = check_pathways(COURSES_DIR, loaded_courses())
    assert problems == []
    assert [level.id for level in pathways.levels] == ["participant", "facilitator", "trainer"]
    # Content for a level is in its build and every build above it, never below.
    assert pathways.includes("participant", None) and pathways.includes("trainer", "facilitator")
    assert not pathways.includes("participant", "facilitator")
    # A course's mastery at a level is the highest grade asked for it at that level or below.
    assert pathways.mastery("participant", "facilitation") is None
    assert pathways.mastery("facilitator", "facilitation") == 0.70
    assert pathways.mastery("trainer", "facilitation") == 0.85


def test_levels_are_ordered_by_builds_on_not_by_position():
    pathways, problems = parsed("""
        <pathways>
          <level id="b" title="B" builds_on="a" pd_hours="1"><course ref="x" min_grade="0.5"/></level>
          <level id="a" title="A" pd_hours="1"><course ref="x" min_grade="0.5"/></level>
        </pathways>""")
    assert problems == [] and [level.id for level in pathways.levels] == ["a", "b"]


@pytest.mark.parametrize(
    ("xml", "line", "message"),
    [
        (
            '<pathways><level id="a" title="A" pd_hours="1" builds_on="zz"><course ref="x" min_grade=".5"/></level>'
            "</pathways>",
            1,
            "builds on unknown level 'zz'",
        ),
        (
            '<pathways>\n<level id="a" title="A" pd_hours="1" builds_on="b"><course ref="x" min_grade=".5"/></level>\n'
            '<level id="b" title="B" pd_hours="1" builds_on="a"><course ref="x" min_grade=".5"/></level></pathways>',
            2,
            "(the levels form a cycle)",
        ),
        (
            '<pathways>\n<level id="a" title="A" pd_hours="1"><course ref="x" min_grade=".5"/></level>\n'
            '<level id="b" title="B" pd_hours="1" builds_on="a"><course ref="x" min_grade=".5"/></level>\n'
            '<level id="c" title="C" pd_hours="1" builds_on="a"><course ref="x" min_grade=".5"/></level></pathways>',
            4,
            "levels 'b' and 'c' both build on 'a'",
        ),
        (
            '<pathways>\n<level id="a" title="A" pd_hours="1"><course ref="x" min_grade="1.5"/></level></pathways>',
            2,
            "min_grade=1.5 is outside 0.01..1",
        ),
        (
            '<pathways>\n<level id="a" title="A"><course ref="x" min_grade="0.5"/></level></pathways>',
            2,
            "<level> has no pd_hours",
        ),
        ('<pathways>\n<level id="Level One" title="A" pd_hours="1"/></pathways>', 2, "not lowercase letters"),
        ('<pathways>\n<level id="a" title="A" pd_hours="1"/></pathways>', 2, "level 'a' requires nothing"),
        (
            '<pathways>\n<level id="a" title="A" pd_hours="1"><course ref="x" min_grade=".5"/></level>\n'
            '<level id="a" title="A2" pd_hours="1"><course ref="x" min_grade=".5"/></level></pathways>',
            3,
            "level id 'a' is used twice",
        ),
        ('<pathways>\n<level id="a" title="A" pd_hours="1"><badge/></level></pathways>', 2, "<badge> is not allowed"),
    ],
)
def test_each_fault_in_the_file_is_located(xml, line, message):
    pathways, problems = parsed(xml)
    assert pathways is None
    assert any(p.line == line and message in p.message and p.fix for p in problems), problems


def courses_copy(tmp_path: Path) -> Path:
    root = tmp_path / "courses"
    shutil.copytree(COURSES_DIR, root)
    return root


def test_requirements_no_build_can_satisfy_are_refused(tmp_path):
    root = courses_copy(tmp_path)
    (root / "pathways.xml").write_text(
        """<pathways>
  <level id="participant" title="Participant" pd_hours="3">
    <course ref="conflict_resolution" min_grade="0.80"/>
    <course ref="no_such_course" min_grade="0.80"/>
    <rubric course="facilitation" block="fac_calibration"/>
  </level>
  <level id="facilitator" title="Facilitator" builds_on="participant" pd_hours="2">
    <rubric course="facilitation" block="fac_self_assessment"/>
    <rubric course="facilitation" block="no_such_rubric"/>
  </level>
</pathways>"""
    )
    # The calibration rubric is for facilitators: a participant package never holds it.
    vertical = root / "facilitation" / "vertical" / "fac_u_calibration.xml"
    vertical.write_text(vertical.read_text().replace("<vertical ", '<vertical audience="facilitator" ', 1))
    code, out, err = run("pathway", "--courses", root)
    assert code == 1 and out == ""
    where = str(root / "pathways.xml")
    assert f"{where}:4: level 'participant' requires unknown course 'no_such_course'" in err
    assert f"{where}:5: rubric 'fac_calibration' is for audience 'facilitator', above level 'participant'" in err
    assert f"{where}:8: rubric 'fac_self_assessment' has no <pass> or <agreement> rule" in err
    assert f"{where}:9: course 'facilitation' has no facilitation_rubric with url_name 'no_such_rubric'" in err


def test_an_audience_that_names_no_level_is_located_in_the_course(tmp_path):
    root = courses_copy(tmp_path)
    vertical = root / "facilitation" / "vertical" / "fac_u_calibration.xml"
    vertical.write_text(vertical.read_text().replace("<vertical ", '<vertical audience="facilitators" ', 1))
    code, _, err = run("pathway", "--courses", root)
    assert code == 1
    assert f"{vertical}:1: audience 'facilitators' is not a level of" in err
    assert "use one of: participant, facilitator, trainer" in err


def test_p2p_pathway_prints_the_levels_as_a_table_and_as_json():
    code, out, err = run("pathway", "--courses", COURSES_DIR)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["level", "builds", "on"]
    assert lines[1].startswith("participant ") and "conflict_resolution ≥ 80%" in lines[1]
    assert lines[2].startswith("facilitator ") and "fac_calibration (facilitation) met" in lines[2]
    code, out, _ = run("pathway", "--courses", COURSES_DIR, "--format", "json")
    document = json.loads(out)
    assert [level["id"] for level in document["levels"]] == ["participant", "facilitator", "trainer"]
    participant = document["levels"][0]
    assert participant["courses"][0] == {"course": "conflict_resolution", "min_grade": 0.8}
    # The estimate counts the participant's two courses, read and written at a study pace.
    assert participant["estimated_minutes"] > 60


def test_p2p_pathway_without_a_pathways_file_says_what_to_do(tmp_path):
    code, _, err = run("pathway", "--courses", tmp_path)
    assert code == 2 and "no " in err and "pathways.xml" in err and "docs/pathways.md" in err


def tagged_facilitation(tmp_path: Path):
    """The facilitation course with its calibration unit for facilitators and one page of it for trainers."""
    root = courses_copy(tmp_path)
    vertical = root / "facilitation" / "vertical" / "fac_u_calibration.xml"
    vertical.write_text(vertical.read_text().replace("<vertical ", '<vertical audience="facilitator" ', 1))
    intro = root / "facilitation" / "vertical" / "fac_u_calibration_intro.xml"
    intro.write_text(
        intro.read_text().replace(
            '<html url_name="fac_calibration_intro"/>', '<html url_name="fac_calibration_intro" audience="trainer"/>'
        )
    )
    course, problems = load_course(root / "facilitation")
    assert problems == []
    courses = loaded_courses()
    courses["facilitation"] = course
    pathways, problems = check_pathways(root, courses)
    assert problems == [], problems
    return root, course, pathways


def component_names(course) -> set[str]:
    return {component.url_name for component in course.components()}


def test_a_levels_course_holds_its_content_and_the_levels_below_nothing_above(tmp_path):
    _, course, pathways = tagged_facilitation(tmp_path)
    everything = component_names(course)
    participant = pathways_module.for_level(course, pathways, "participant")
    facilitator = pathways_module.for_level(course, pathways, "facilitator")
    trainer = pathways_module.for_level(course, pathways, "trainer")
    assert component_names(trainer) == everything
    trainer_only = {"fac_calibration_intro", "fac_coaching", "fac_trainer_assessment"}
    assert component_names(facilitator) == everything - trainer_only
    assert component_names(participant) == everything - trainer_only - {"fac_calibration"}
    # A unit left with nothing is dropped, not shown empty; the source model is untouched.
    assert "fac_u_calibration_intro" not in {unit.url_name for _, _, unit in facilitator.units()}
    assert component_names(course) == everything


def test_the_open_edx_export_maps_levels_to_a_cohort_content_group_partition(tmp_path):
    root, course, pathways = tagged_facilitation(tmp_path)
    grouped = pathways_module.with_content_groups(course, pathways)
    export = tmp_path / "export"
    olx.export_folder(grouped, export)
    policy = json.loads((export / "policies" / course.run / "policy.json").read_text())
    (partition,) = policy[f"course/{course.run}"]["user_partitions"]
    assert partition["scheme"] == "cohort" and partition["version"] == 3 and partition["active"] is True
    assert partition["id"] >= 100 and partition["parameters"] == {}
    assert [group["name"] for group in partition["groups"]] == ["Participant", "Facilitator", "Trainer"]
    assert all(group["id"] >= 100 and group["version"] == 1 for group in partition["groups"])
    ids = {group["name"]: group["id"] for group in partition["groups"]}
    # group_access as the platform writes it: a JSON object, partition id (a string) -> group ids.
    unit = etree.parse(str(export / "vertical" / "fac_u_calibration.xml")).getroot()
    assert json.loads(unit.get("group_access")) == {str(partition["id"]): [ids["Facilitator"], ids["Trainer"]]}
    page = etree.parse(str(export / "html" / "fac_calibration_intro.xml")).getroot()
    assert json.loads(page.get("group_access")) == {str(partition["id"]): [ids["Trainer"]]}
    # Untagged content is for everyone; the export loads back with the same tags.
    welcome = etree.parse(str(export / "vertical" / "fac_u_welcome.xml")).getroot()
    assert welcome.get("group_access") is None
    reloaded, problems = load_course(export)
    assert problems == []
    assert {c.url_name: c.attrs.get("group_access") for c in reloaded.components()}["fac_calibration_intro"] == (
        page.get("group_access")
    )
    # Ids come from the level ids: a second build gives the same partition and groups.
    again = pathways_module.with_content_groups(course, pathways)
    assert again.policy[f"course/{course.run}"]["user_partitions"] == [partition]


def test_trainers_assess_candidates_on_the_instrument_raters_calibrate_on():
    course = loaded_courses()["facilitation"]
    rubrics = {c.url_name: c.block for c in course.components() if c.category == "facilitation_rubric"}
    calibration, assessment = rubrics["fac_calibration"], rubrics["fac_trainer_assessment"]
    assert assessment.mode == "trainer" and assessment.pass_rule is not None
    assert (assessment.levels, assessment.criteria) == (calibration.levels, calibration.criteria)
