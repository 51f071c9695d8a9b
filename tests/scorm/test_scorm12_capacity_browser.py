"""SCORM 1.2's 4,096 characters never block learning: the issue's learner (every journal prompt of
a real course answered with 1,000 characters, the role-plays and rubrics done) completes the
course with the stand-in LMS refusing any suspend_data over 4,096 whole, as Moodle's strict 1.2
mode does. The course is played by the same script the real-Moodle check uses
(tests/moodle/play_course.js)."""

import json
import re
from pathlib import Path

import pytest
from scorm_helpers import DATA, build, calls, launch, lms_folder, stop, varied_text

ROOT = Path(__file__).resolve().parents[2]
PLAY = (ROOT / "tests" / "moodle" / "play_course.js").read_text(encoding="utf-8")
HELPERS = (DATA / "play_helpers.js").read_text(encoding="utf-8")


def play(sco, settings: dict) -> dict:
    return sco.evaluate(f"async () => {{ {HELPERS}\nvar PLAY = {json.dumps(settings)};\n{PLAY}\n}}")


@pytest.mark.parametrize("course", ["cultural_competency", "facilitation"])
def test_thousand_character_entries_complete_the_course(page, tmp_path, static_server, course):
    package = build(ROOT / "courses" / course, "scorm12", tmp_path / "build")
    url = static_server(lms_folder(package, tmp_path / "lms")).url
    sco = launch(page, url, "scorm12")
    page.set_default_timeout(60000)
    texts = [varied_text(1000, seed=n) for n in range(20)]  # prose no compressor shrinks much
    result = play(sco, {"chars": 1000, "roleplay": "best", "texts": texts})
    assert result["error"] == "" and result["progress"] == "100%", result
    assert not any("Not saved" in line for line in result["done"]), result["done"]
    assert "kept in full only in this browser" in sco.locator("#p2p-room-status").inner_text()
    writes = [value for element, value in calls(page)["setValue"] if element == "cmi.suspend_data"]
    assert writes and max(len(value) for value in writes) <= 4096
    cmi = stop(page)  # nothing refused (405 over 4,096, as Moodle's strict mode)
    assert cmi["core"]["lesson_status"] in ("passed", "failed")
    shown = int(re.search(r"(\d+)%", result["grade"]).group(1))  # the result page's course grade
    assert round(float(cmi["core"]["score"]["raw"])) == shown

    # Relaunched in the same browser: every entry comes back whole, the role-plays finished.
    again = page.context.new_page()
    sco = launch(again, url, "scorm12", persisted=cmi)
    lengths = sco.evaluate("Array.from(document.querySelectorAll('.p2p-journal__text'), t => t.value.length)")
    assert lengths and min(lengths) >= 999, lengths
    assert sco.locator("#p2p-progress-text").inner_text() == "100%"
    assert sco.locator(".p2p-rp-debrief").count() >= 1
    stop(again)
