"""Opt-in: the courses' packages in a real Moodle (a development check, not for CI).

Runs only with P2P_MOODLE_URL set (the site's wwwroot), P2P_MOODLE_TOOL (the folder holding the
Moodle check tool, check.py) and P2P_MOODLE_DIR (the site's code directory, with config.php);
database settings through P2P_MOODLE_DB_PORT (default 55432) and P2P_MOODLE_ADMIN_PASS. Each
package is imported, played by play_course.js as the issue's learners (1,000-character journal
entries, role-play best or at 20 points, calibration by the key, self-assessment at the lowest
level), left with Moodle's "Exit activity", relaunched, and Moodle's stored tracks read back.
A package with one SCO per chapter is played chapter by chapter, moving on by Moodle's own ">", its
contents, or the player's Next at each chapter's end (chapters.py), with the activity's grading
method "Sum of grades" (what docs/scorm.md tells administrators to choose).
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from chapters import HOW, play
from support.journal_text import varied_text

from builder import pipeline
from builder.build import BuildOptions
from builder.targets import TARGETS

HERE = Path(__file__).resolve().parent
COURSES = HERE.parents[1] / "courses"
URL = os.environ.get("P2P_MOODLE_URL")
TOOL = os.environ.get("P2P_MOODLE_TOOL")
SITE = os.environ.get("P2P_MOODLE_DIR")

pytestmark = pytest.mark.skipif(
    not (URL and TOOL and SITE),
    reason="set P2P_MOODLE_URL, P2P_MOODLE_TOOL (the folder of check.py) and P2P_MOODLE_DIR to run against a real Moodle",
)

# (course, the pathway level whose package is played, the role-play's points). The grade Moodle
# must show is the one the player's result page shows (the course's policy, as Open edX grades).
LEARNERS = {"facilitation": ("facilitator", "best"), "cultural_competency": ("participant", 20)}


def shown_grade(played: dict) -> float:
    """The course grade the player's result page showed after the first sitting, in percent."""
    return float(re.search(r"(\d+)%", played["grade"]).group(1))


def level_package(tmp_path, course: str, version: str) -> Path:
    """The package of the course's learner level (as `p2p build` makes it)."""
    level = LEARNERS[course][0]
    report = pipeline.validate(pipeline.select([course], COURSES))
    built = pipeline.build(report, [TARGETS[version]], tmp_path, BuildOptions(), levels=[level])
    assert not built.problems
    (package,) = [artifact.path for artifact in built.artifacts]
    return package


def run_check(tmp_path, package, settings: dict, *extra: str) -> dict:
    """Import, play with play_course.js (settings as PLAY), exit, relaunch: check.py's JSON."""
    script = tmp_path / "play.js"
    play = f"var PLAY = {json.dumps(settings)};\n"
    script.write_text(play + (HERE / "play_course.js").read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "result.json"
    command = [
        sys.executable, str(Path(TOOL) / "check.py"), "--url", URL, "--moodle-dir", SITE,
        "--db-port", os.environ.get("P2P_MOODLE_DB_PORT", "55432"),
        "--admin-pass", os.environ.get("P2P_MOODLE_ADMIN_PASS", "Admin#12345"),
        "--package", str(package), "--script", str(script), "--script2", str(HERE / "relaunch_check.js"),
        "--workdir", str(tmp_path / "work"), "--json-out", str(out), *extra,
    ]  # fmt: skip
    run = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    summary = result["summary"]
    figures = ("scorm_version", "first_sco", "suspend_data_lengths_stored", "grade_after_first", "relaunch_entry")
    print(package.name, json.dumps({key: summary.get(key) for key in figures}))  # shown with pytest -s
    return result


@pytest.mark.parametrize("version", ["scorm12", "scorm2004"])
@pytest.mark.parametrize("course", sorted(LEARNERS))
def test_package_in_moodle(tmp_path, course, version):
    _, roleplay = LEARNERS[course]
    package = level_package(tmp_path, course, version)
    result = run_check(tmp_path, package, {"chars": 1000, "roleplay": roleplay}, "--scormstandard", "0")
    summary = result["summary"]
    assert summary["first_initialized"] and summary["rejected_set_calls"] == []
    played = result["first_launch"]["action_script"]["value"]
    assert played["error"] == "" and played["progress"] == "100%", played
    assert [round(g["finalgrade"]) for g in summary["grade_after_first"]] == [shown_grade(played)]
    assert summary["relaunch_entry"] == "resume"
    back = result["relaunch"]["action_script"]["value"]
    assert back["error"] == "" and back["progress"] == "100%" and back["roleplays"]
    assert back["journals"] and all(length >= 999 for length in back["journals"])


# Moodle's grading methods (mod/scorm/locallib.php): GRADESUM is "Sum of grades".
GRADESUM = 3


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("version", ["scorm12", "scorm2004"])
def test_chapter_package_in_moodle(tmp_path, version, how):
    report = pipeline.validate(pipeline.select(["facilitation"], COURSES))
    options = BuildOptions(sco_per="chapter")
    built = pipeline.build(report, [TARGETS[version]], tmp_path, options, levels=["facilitator"])
    assert not built.problems
    (package,) = [artifact.path for artifact in built.artifacts]
    script = tmp_path / "play.js"
    settings = f"var PLAY = {json.dumps({'chars': 1000, 'roleplay': 'best'})};\n"
    script.write_text(settings + (HERE / "play_course.js").read_text(encoding="utf-8"), encoding="utf-8")
    result = play(package, how, tmp_path / "work", script, {"grademethod": GRADESUM})
    chapters = result["chapters"]
    assert len(chapters) == 5
    for seen in chapters:  # every chapter connected and played to its end, no LMS error on the page
        assert seen["error"] == "" and seen["played"]["value"]["progress"] == "100%", seen
    starts = [call for call in result["session"] if call[0] in ("Initialize", "LMSInitialize")]
    # 2004: the first chapter's session is handed on (Moodle answers 103 with the next chapter's data).
    assert [call[2] for call in starts] == ["true"] + ["true" if version == "scorm12" else "false"] * 4
    assert not [call for call in result["session"] if call[0] in ("SetValue", "LMSSetValue") and call[2] != "true"]
    (attempt,) = result["stored"].values()
    assert len(attempt) == 5  # every chapter stored its tracks
    status = "cmi.core.lesson_status" if version == "scorm12" else "cmi.success_status"
    for sco, tracks in attempt.items():
        assert tracks[status] == "passed" and tracks["cmi.suspend_data"], sco
    # Each chapter reports its share of the course grade; "Sum of grades" adds them up to the course grade.
    assert [grade["finalgrade"] for grade in result["grade"]] == [100.0]


@pytest.mark.parametrize("course", sorted(LEARNERS))
def test_scorm12_strict_mode_thousand_character_entries_complete(tmp_path, course):
    """Moodle's strict SCORM 1.2 limits (suspend_data over 4,096 refused whole): every entry of
    1,000 characters of varied prose is saved, the course completes with the policy's grade, and
    the relaunch in the same browser brings every entry back whole."""
    _, roleplay = LEARNERS[course]
    package = level_package(tmp_path, course, "scorm12")
    texts = [varied_text(1000, seed=n) for n in range(20)]
    settings = {"chars": 1000, "roleplay": roleplay, "texts": texts}
    result = run_check(tmp_path, package, settings, "--scormstandard", "1")
    summary = result["summary"]
    assert summary["first_initialized"] and summary["rejected_set_calls"] == []
    played = result["first_launch"]["action_script"]["value"]
    assert played["error"] == "" and played["progress"] == "100%", played
    assert not any("Not saved" in line for line in played["done"]), played["done"]
    assert [round(g["finalgrade"]) for g in summary["grade_after_first"]] == [shown_grade(played)]
    assert summary["relaunch_entry"] == "resume"
    back = result["relaunch"]["action_script"]["value"]
    assert back["error"] == "" and back["progress"] == "100%" and back["roleplays"]
    assert back["journals"] and all(length >= 999 for length in back["journals"])
