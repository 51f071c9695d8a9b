"""A trainer-mode rubric in a course: the Open edX export keeps it, a SCORM build is refused with
the rubric's file and line, and nothing is written."""

import shutil
from pathlib import Path

from click.testing import CliRunner

from builder.cli import main

SAMPLE_COURSE = Path(__file__).resolve().parents[1] / "scorm" / "data" / "sample_course"
OPENING = '<facilitation_rubric url_name="r_self" display_name="Rate your own practice" mode="self">'


def course_with_trainer_rubric(tmp_path: Path) -> tuple[Path, int]:
    course = tmp_path / "sample_course"
    shutil.copytree(SAMPLE_COURSE, course)
    outline = course / "course" / "2026.xml"
    text = outline.read_text(encoding="utf-8")
    assert OPENING in text, "the sample course changed: update this test's rubric opening tag"
    line = text[: text.index(OPENING)].count("\n") + 1
    text = text.replace(OPENING, OPENING.replace('mode="self"', 'mode="trainer"'))
    text = text.replace("</facilitation_rubric>", '<pass min_total="2"/></facilitation_rubric>')
    outline.write_text(text, encoding="utf-8")
    return course, line


def test_scorm_build_refuses_a_trainer_rubric_with_its_place(tmp_path):
    course, line = course_with_trainer_rubric(tmp_path)
    for target in ("scorm12", "scorm2004"):
        out = tmp_path / f"dist-{target}"
        result = CliRunner().invoke(main, ["build", str(course), "--target", target, "--out", str(out)])
        assert result.exit_code != 0
        assert f"2026.xml:{line}: a trainer-mode facilitation_rubric needs Open edX" in result.output
        assert 'use mode="self" or mode="calibration"' in result.output
        assert not out.exists() or not any(out.iterdir())


def test_open_edx_export_keeps_a_trainer_rubric(tmp_path):
    course, _line = course_with_trainer_rubric(tmp_path)
    out = tmp_path / "dist"
    result = CliRunner().invoke(main, ["build", str(course), "--target", "olx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert any(out.glob("*.tar.gz"))
