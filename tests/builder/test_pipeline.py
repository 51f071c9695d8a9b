"""The builder's pipeline (select -> validate -> build -> report) and the target interface:
findings come back as data, targets print nothing, --strict fails on warnings."""

import json
import shutil

import pytest
from builder_helpers import REPO, SAMPLE_COURSE
from click.testing import CliRunner

from builder import pipeline
from builder.build import BuildOptions, BuildWarning
from builder.cli import main
from builder.targets import TARGETS


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def courses(tmp_path):
    """A courses/ folder with one course and one folder still being written (no course.xml)."""
    root = tmp_path / "courses"
    shutil.copytree(SAMPLE_COURSE, root / "sample")
    (root / "draft").mkdir()
    return root


def test_build_returns_artifacts_and_warnings_as_data_and_prints_nothing(tmp_path, capsys):
    report = pipeline.validate(pipeline.select([str(SAMPLE_COURSE)]))
    assert (report.problems, report.warnings) == ([], [])
    workdir = tmp_path / "work"
    workdir.mkdir()
    targets = [TARGETS["olx"], TARGETS["scorm12"]]
    built = pipeline.build(report, targets, workdir, BuildOptions(sco_per="chapter"))
    assert built.problems == []
    assert sorted(a.path.name for a in built.artifacts) == ["sample_course-olx.tar.gz", "sample_course-scorm12.zip"]
    assert all(a.path.is_file() and built.sources[a.path] == SAMPLE_COURSE for a in built.artifacts)
    assert [w.where for w in built.warnings] == ["sample_course-scorm12"]
    assert "one SCO per chapter" in built.warnings[0].message
    assert built.failed() is False and built.failed(strict=True) is True
    assert capsys.readouterr() == ("", "")  # the CLI prints; the pipeline and the targets never do


def test_a_course_with_problems_is_not_built(tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(SAMPLE_COURSE, broken)
    (broken / "course.xml").write_text("<course", encoding="utf-8")
    report = pipeline.validate(pipeline.select([str(broken)]))
    assert report.problems and report.failed()
    assert pipeline.build(report, list(TARGETS.values()), tmp_path, BuildOptions()) is report
    assert [p.name for p in tmp_path.iterdir()] == ["broken"]


def test_selection_finds_courses_and_names_the_folders_it_skips(courses):
    selection = pipeline.select([], courses)
    assert selection.folders == [courses / "sample"]
    assert selection.skipped_warnings == [
        BuildWarning(str(courses / "draft"), "skipped — no course.xml yet (add one to include this course)")
    ]
    with pytest.raises(pipeline.SelectionError, match="course folder 'nowhere' not found"):
        pipeline.select(["nowhere"], courses)


def test_build_strict_fails_on_a_warning_and_writes_nothing(tmp_path):
    out = tmp_path / "dist"
    args = ("build", "--target", "scorm12", "--sco-per", "chapter", "--out", out, SAMPLE_COURSE)
    code, stdout, err = run(*args, "--strict")
    assert (code, stdout) == (1, "")
    assert err.splitlines() == [
        "warning: sample_course-scorm12: one SCO per chapter; some LMSs (Tovuti, Rise Up among them) accept only"
        " single-SCO packages — build with --sco-per course for those",
        f"p2p: 1 warning and --strict — nothing written to {out}/",
    ]
    assert not out.exists()
    code, stdout, err = run(*args)
    assert code == 0 and "warning: sample_course-scorm12: one SCO per chapter" in err
    assert [p.name for p in out.iterdir()] == ["sample_course-scorm12.zip"]


def test_validate_strict_fails_on_a_skipped_course_folder(courses):
    assert run("validate", "--courses", courses)[0] == 0
    code, out, err = run("validate", "--courses", courses, "--strict")
    assert code == 1
    assert out == f"{courses}/sample: OK (4 units)\n"
    assert err.splitlines() == [
        f"{courses}/draft: skipped — no course.xml yet (add one to include this course)",
        "p2p: 1 warning and --strict — fix them",
    ]
    code, out, _ = run("validate", "--courses", courses, "--strict", "--format", "json")
    document = json.loads(out)
    assert (code, document["ok"]) == (1, False)
    assert document["warnings"] == [
        {"where": str(courses / "draft"), "message": "skipped — no course.xml yet (add one to include this course)"}
    ]


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_every_target_names_its_artifacts_as_its_suffix_and_the_readme_say(name, tmp_path):
    target = TARGETS[name]
    assert target.name == name
    report = pipeline.validate(pipeline.select([str(SAMPLE_COURSE)]))
    built = pipeline.build(report, [target], tmp_path, BuildOptions())
    assert [a.path.name for a in built.artifacts] == [f"sample_course{target.suffix}"]
    assert f"`dist/<course>{target.suffix}`" in (REPO / "README.md").read_text(encoding="utf-8")
