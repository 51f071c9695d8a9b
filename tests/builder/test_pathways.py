"""courses/pathways.xml: the levels, their checks with file:line, and `p2p pathway` as an author runs it."""

import json
import shutil
import tarfile
import zipfile
from pathlib import Path

import lxml.html
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


LEVEL = '<level id="a" title="A" pd_hours="1"><course ref="x" min_grade=".5"/></level>'


def test_a_signatory_title_may_take_two_lines():
    pathways, problems = parsed(
        f'<pathways>{LEVEL}<certificate><signatory name=" Ana  Ruiz " title="Director\\nSpecial Education"'
        ' organization="North SELPA"/></certificate></pathways>'
    )
    assert problems == []
    (signatory,) = pathways.signatories
    assert (signatory.name, signatory.title, signatory.organization) == (
        "Ana Ruiz",
        "Director\nSpecial Education",
        "North SELPA",
    )


def test_what_a_certificate_shows_is_translated_where_pathways_xml_says():
    pathways, problems = parsed(
        '<pathways><level id="a" title="Participant" pd_hours="1"><course ref="x" min_grade=".5"/>'
        '<translation lang="es" title="Participante"/></level><certificate>'
        '<signatory name="Ana Ruiz" title="Director" organization="North SELPA">'
        '<translation lang="es" title="Directora"/></signatory></certificate></pathways>'
    )
    assert problems == []
    (level,) = pathways.levels
    assert (level.title_in("es-419"), level.title_in("en"), level.title_in("fr")) == (
        "Participante",
        "Participant",
        "Participant",
    )
    (signatory,) = pathways.signatories
    assert signatory.shown("es") == {"name": "Ana Ruiz", "title": "Directora", "organization": "North SELPA"}
    assert signatory.shown("en")["title"] == "Director"


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
        # Who signs the certificates: what Studio's signatory form accepts.
        (f"<pathways>{LEVEL}\n<certificate/></pathways>", 2, "<certificate> has no <signatory>"),
        (
            f'<pathways>{LEVEL}<certificate>\n<signatory name="Ana Ruiz" organization="SELPA"/></certificate></pathways>',
            2,
            "<signatory> has no title",
        ),
        (
            f'<pathways>{LEVEL}<certificate>\n<signatory name="{"A" * 41}" title="Director" organization="SELPA"/>'
            "</certificate></pathways>",
            2,
            "is 41 characters; Studio accepts 40",
        ),
        (
            f'<pathways>{LEVEL}<certificate>\n<signatory name="Ana Ruiz" title="Director\\nSpecial\\nEducation"'
            ' organization="SELPA"/></certificate></pathways>',
            2,
            "is not two lines of at most 40 characters",
        ),
        (
            f"<pathways>{LEVEL}\n<certificate>"
            + '<signatory name="A" title="T" organization="O"/>' * 5
            + "</certificate></pathways>",
            2,
            "5 signatories; an Open edX certificate shows at most 4",
        ),
        (
            f'<pathways>{LEVEL}<certificate><signatory name="A" title="T" organization="O"/></certificate>\n'
            '<certificate><signatory name="B" title="T" organization="O"/></certificate></pathways>',
            2,
            "a second <certificate>",
        ),
        # Translations of what learners read on a certificate: a level's title, a signatory's fields.
        (
            '<pathways><level id="a" title="A" pd_hours="1"><course ref="x" min_grade=".5"/>\n'
            '<translation lang="fr" title="Participant"/></level></pathways>',
            2,
            "translation lang='fr' is not a language courses use",
        ),
        (
            '<pathways><level id="a" title="A" pd_hours="1"><course ref="x" min_grade=".5"/>\n'
            '<translation lang="es" name="Participante"/></level></pathways>',
            2,
            "<translation> has name",
        ),
        (
            f'<pathways>{LEVEL}<certificate><signatory name="A" title="T" organization="O">\n'
            f'<translation lang="es" organization="{"O" * 41}"/></signatory></certificate></pathways>',
            2,
            "is 41 characters; Studio accepts 40",
        ),
        (
            f'<pathways>{LEVEL}<certificate><signatory name="A" title="T" organization="O">'
            '<translation lang="es" title="Directora"/>\n<translation lang="es" title="Jefa"/>'
            "</signatory></certificate></pathways>",
            2,
            "translation lang='es' is given twice",
        ),
        (
            '<pathways>\n<level id="a" title="A" pd_hours="3">\n<course ref="x" min_grade=".5" pd_hours="1"/>'
            '<course ref="y" min_grade=".5"/></level></pathways>',
            2,
            "level 'a' requires 2 courses, so each course's certificate needs its share",
        ),
        (
            '<pathways>\n<level id="a" title="A" pd_hours="3">\n<course ref="x" min_grade=".5" pd_hours="1"/>'
            '<course ref="y" min_grade=".5" pd_hours="1.5"/></level></pathways>',
            2,
            "the courses' pd_hours add up to 2.5, not the level's 3",
        ),
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
    <course ref="conflict_resolution" min_grade="0.80" pd_hours="1.5"/>
    <course ref="no_such_course" min_grade="0.80" pd_hours="1.5"/>
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
    # p2p validate and p2p build check the pathway too, with the same located problems.
    code, out, _ = run("validate", "--courses", root)
    assert code == 1 and f"{where}:4: level 'participant' requires unknown course 'no_such_course'" in out
    code, out, _ = run("validate", "--courses", root, "--format", "json")
    found = {(Path(p["file"]).name, p["line"]) for p in json.loads(out)["pathway_problems"]}
    # (this pathway has no trainer level, so the facilitation course's trainer sequential is flagged too)
    assert code == 1 and found == {*(("pathways.xml", line) for line in (4, 5, 8, 9)), ("fac_seq_coaching.xml", 1)}
    code, _, err = run("build", "--courses", root, "--out", tmp_path / "dist")
    assert code == 1 and f"{where}:5: rubric 'fac_calibration'" in err and not (tmp_path / "dist").exists()


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
    assert lines[1].startswith("participant ") and "conflict_resolution ≥ 80% (3 h)" in lines[1]
    assert lines[2].startswith("facilitator ") and "fac_calibration (facilitation) met" in lines[2]
    assert lines[-1] == (
        "certificates signed by: Pathways to Partnership, Trainer-of-trainers program, Statewide consortium, California"
    )
    code, out, _ = run("pathway", "--courses", COURSES_DIR, "--format", "json")
    document = json.loads(out)
    assert [level["id"] for level in document["levels"]] == ["participant", "facilitator", "trainer"]
    participant = document["levels"][0]
    assert participant["courses"][0] == {"course": "conflict_resolution", "min_grade": 0.8, "pd_hours": 3}
    assert document["levels"][1]["courses"] == [{"course": "facilitation", "min_grade": 0.7, "pd_hours": 3}]
    assert [s["name"] for s in document["signatories"]] == ["Pathways to Partnership"]
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
    # The certificate configuration comes back with the policy, as the platform's importer reads it.
    assert reloaded.course_policy()["certificates"] == grouped.course_policy()["certificates"]
    assert {c.url_name: c.attrs.get("group_access") for c in reloaded.components()}["fac_calibration_intro"] == (
        page.get("group_access")
    )
    # Ids come from the level ids: a second build gives the same partition and groups.
    again = pathways_module.with_content_groups(course, pathways)
    assert again.policy[f"course/{course.run}"]["user_partitions"] == [partition]


def package_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def page_data(package: Path, page_name: str = "index.html") -> dict:
    page = lxml.html.fromstring(zipfile.ZipFile(package).read(page_name))
    return json.loads(page.get_element_by_id("p2p-data").text)


def test_p2p_build_writes_one_package_per_level_with_its_content_and_mastery(tmp_path):
    code, out, err = run("build", "facilitation", "--courses", COURSES_DIR, "--out", tmp_path)
    assert code == 0, err
    built = sorted(p.name for p in tmp_path.iterdir())
    assert built == [
        "facilitation-facilitator-scorm12.zip",
        "facilitation-facilitator-scorm2004.zip",
        "facilitation-olx.tar.gz",
        "facilitation-trainer-scorm12.zip",
        "facilitation-trainer-scorm2004.zip",
    ]  # no participant package: participants do not take this course
    assert (
        "note: facilitation-trainer-scorm12: fac_trainer_assessment left out (a component only Open edX can play;"
        " the Open edX export keeps it)" in err
    )
    # Read in the built files: the coaching unit is for trainers only; the trainer-mode rubric is Open edX only.
    coaching = "Two trainers watching the same meeting should reach the same ratings"
    for version in ("scorm12", "scorm2004"):
        facilitator = package_text(tmp_path / f"facilitation-facilitator-{version}.zip")
        trainer = package_text(tmp_path / f"facilitation-trainer-{version}.zip")
        assert coaching not in facilitator and coaching in trainer
        # (the trainer package's certificate names it, as done with a trainer in Open edX)
        assert "A certified trainer observes the candidate" not in facilitator + trainer
        assert "Rater calibration: a sample meeting" in facilitator
    manifest = lambda name: etree.fromstring(zipfile.ZipFile(tmp_path / name).read("imsmanifest.xml"))  # noqa: E731
    assert [e.text for e in manifest("facilitation-facilitator-scorm12.zip").iter("{*}masteryscore")] == ["70"]
    assert [e.text for e in manifest("facilitation-trainer-scorm12.zip").iter("{*}masteryscore")] == ["85"]
    measures = [e.text for e in manifest("facilitation-trainer-scorm2004.zip").iter("{*}minNormalizedMeasure")]
    assert measures and set(measures) == {"0.85"}
    # The player grades by the level's pass mark too (its page data, as the LMS and the learner see it).
    for level, mark in (("facilitator", 0.7), ("trainer", 0.85)):
        data = page_data(tmp_path / f"facilitation-{level}-scorm2004.zip")
        assert data["mastery"] == mark and data["grading"]["policy"]["GRADE_CUTOFFS"] == {"Pass": mark}
        assert data["units"][0]["title"] and all("coaching" not in u["id"] for u in data["units"]) == (
            level == "facilitator"
        )
        assert "fac_trainer_assessment" not in [block["id"] for block in data["blocks"]]
        # Its certificate: the level's grade and rubrics; the trainer's assessment is Open edX's to record.
        rubrics = {r["id"]: r["here"] for r in data["certificate"]["rubrics"]}
        assert rubrics == (
            {"fac_calibration": True}
            if level == "facilitator"
            else {"fac_calibration": True, "fac_trainer_assessment": False}
        )
        assert (data["certificate"]["min_grade"], data["certificate"]["hours"]) == (
            mark,
            3 if level == "facilitator" else 2,
        )
    # One Open edX course for every level: the trainer sequential is in it, behind the trainer group.
    with tarfile.open(tmp_path / "facilitation-olx.tar.gz") as archive:
        sequential = etree.fromstring(archive.extractfile("course/sequential/fac_seq_coaching.xml").read())
        policy = json.loads(archive.extractfile("course/policies/2026/policy.json").read())
    (partition,) = policy["course/2026"]["user_partitions"]
    trainer_group = next(g["id"] for g in partition["groups"] if g["name"] == "Trainer")
    assert json.loads(sequential.get("group_access")) == {str(partition["id"]): [trainer_group]}
    # The certificate configuration as Studio stores it (CertificateManager, schema version 1), with
    # the SCORM certificate's statement; Open edX awards it at the pass mark, the first level's.
    (certificate,) = policy["course/2026"]["certificates"]["certificates"]
    assert certificate["version"] == 1 and certificate["is_active"] is True and certificate["id"] >= 100
    assert certificate["name"] == "Certificate of completion"
    # Its signatory as Studio stores one: every key the LMS's certificate page reads, an id of its own.
    (signatory,) = certificate["signatories"]
    assert signatory == {
        "id": signatory["id"],
        "name": "Pathways to Partnership",
        "title": "Trainer-of-trainers program",
        "organization": "Statewide consortium, California",
        "signature_image_path": "",
    }
    assert signatory["id"] >= 100 and signatory["id"] != certificate["id"]
    assert certificate["course_title"] == "Facilitating IEP Meetings"
    assert certificate["description"] == (
        "The learner has completed Facilitating IEP Meetings at the Facilitator level of the P2P"
        " trainer-of-trainers pathway, for 3 professional-development hours."
    )
    assert policy["course/2026"]["cert_html_view_enabled"] is True
    with tarfile.open(tmp_path / "facilitation-olx.tar.gz") as archive:
        grading = json.loads(archive.extractfile("course/policies/2026/grading_policy.json").read())
    assert grading["GRADE_CUTOFFS"] == {"Pass": 0.7}


def test_p2p_build_level_option(tmp_path):
    code, _, err = run(
        "build", "--courses", COURSES_DIR, "--target", "scorm12", "--level", "participant", "--out", tmp_path
    )
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "conflict_resolution-participant-scorm12.zip",
        "cultural_competency-participant-scorm12.zip",
    ]
    code, _, err = run("build", "--courses", COURSES_DIR, "--level", "director", "--out", tmp_path / "x")
    assert code == 2 and "unknown level 'director'" in err and not (tmp_path / "x").exists()
    # A component left to Open edX is the author's choice, not a fault: --strict builds. (SCORM
    # 2004: the course's journals outgrow SCORM 1.2's room, which is a warning.)
    args = ("build", "facilitation", "--courses", COURSES_DIR, "--target", "scorm2004", "--level", "trainer")
    code, _, err = run(*args, "--strict", "--out", tmp_path / "strict")
    assert code == 0 and "note: facilitation-trainer-scorm2004: fac_trainer_assessment left out" in err, err
    # One SCO per chapter: no page sees the whole course, so no certificate, and the build says so.
    args12 = ("build", "facilitation", "--courses", COURSES_DIR, "--target", "scorm12", "--level", "trainer")
    code, _, err = run(*args12, "--sco-per", "chapter", "--out", tmp_path / "chapters")
    assert code == 0 and "warning: facilitation-trainer-scorm12: no certificate of completion" in err
    data = page_data(tmp_path / "chapters" / "facilitation-trainer-scorm12.zip", "chapter-01.html")
    assert data["certificate"] is None
    # A course from outside --courses is built whole, and --level is refused without a pathway.
    code, _, err = run(
        "build",
        "--courses",
        tmp_path / "none",
        "--level",
        "trainer",
        REPO / "tests" / "fixtures" / "sample_course",
        "--out",
        tmp_path / "y",
    )
    assert code == 2 and "--level needs" in err and not (tmp_path / "y").exists()
