"""`p2p validate` and `p2p build` as a user runs them: exit codes, one-line errors, every problem
at once, and nothing in --out unless the whole build succeeded."""

import json
import shutil
from pathlib import Path

import pytest
from builder_helpers import BROKEN_BASE, SAMPLE_COURSE, broken_course
from click.testing import CliRunner

from builder.build import BuildError
from builder.cli import main
from builder.targets import TARGETS
from xblocks.common.problems import Problem


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def courses(tmp_path):
    """A courses/ folder with two good courses and one still being written (no course.xml)."""
    root = tmp_path / "courses"
    shutil.copytree(SAMPLE_COURSE, root / "sample")
    shutil.copytree(BROKEN_BASE, root / "listening")
    (root / "draft" / "chapter").mkdir(parents=True)
    return root


def listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) if folder.exists() else []


def test_validate_clean_course_exits_0():
    code, out, err = run("validate", SAMPLE_COURSE)
    assert (code, out, err) == (0, f"{SAMPLE_COURSE}: OK (4 units)\n", "")


def test_validate_reports_every_problem_with_file_and_line_and_exits_1(tmp_path):
    first = broken_course("missing_pointer", tmp_path)
    second = broken_course("grading_weights", tmp_path)
    code, out, _ = run("validate", first, second)
    assert code == 1
    assert out.splitlines() == [
        f'{first}/sequential/s1.xml:3: <vertical url_name="v2"> points to vertical/v2.xml, which does not exist'
        " — create that file or correct the url_name",
        f"{first}: 1 problem",
        f"{second}/policies/run1/grading_policy.json:2: GRADER weights add up to 0.8, not 1"
        " — change the weights so they add up to 1",
        f"{second}: 1 problem",
    ]


def test_validate_json_for_machines(tmp_path):
    folder = broken_course("html_missing_static", tmp_path)
    code, out, _ = run("validate", "--format", "json", folder, SAMPLE_COURSE)
    assert code == 1
    document = json.loads(out)
    assert document["ok"] is False
    assert [c["course"] for c in document["courses"]] == ["html_missing_static", "sample_course"]
    [problem] = document["courses"][0]["problems"]
    assert problem == {
        "file": f"{folder}/html/h1.html",
        "line": 3,
        "message": "refers to /static/family_table.jpg, which does not exist in static/",
        "fix": "add the file under static/ or correct the path",
    }
    assert document["courses"][1] == {
        "course": "sample_course",
        "folder": str(SAMPLE_COURSE),
        "units": 4,
        "problems": [],
    }


def test_validate_defaults_to_every_course_and_names_the_unfinished_ones(courses):
    code, out, err = run("validate", "--courses", courses)
    assert code == 0
    assert out.splitlines() == [f"{courses}/listening: OK (1 unit)", f"{courses}/sample: OK (4 units)"]
    assert err == f"{courses}/draft: skipped — no course.xml yet (add one to include this course)\n"


def test_a_course_can_be_named_by_its_folder_in_courses(courses):
    code, out, _ = run("validate", "--courses", courses, "sample")
    assert (code, out) == (0, f"{courses}/sample: OK (4 units)\n")


@pytest.mark.parametrize("command", ["validate", "build"])
def test_missing_course_folder_is_a_one_line_usage_error(command, courses, tmp_path):
    code, out, err = run(command, "--courses", courses, "mediation")
    assert code == 2 and out == ""
    assert err == (
        f"p2p: course folder 'mediation' not found (looked for mediation and {courses}/mediation)"
        f" — give a course folder path or the name of a folder in {courses}/\n"
    )


def test_build_every_course_writes_one_archive_each_with_a_summary_line(courses, tmp_path):
    out_dir = tmp_path / "dist"
    code, out, _ = run("build", "--courses", courses, "--target", "olx", "--out", out_dir)
    assert code == 0
    assert listing(out_dir) == ["listening-olx.tar.gz", "sample-olx.tar.gz"]
    lines = out.splitlines()
    assert len(lines) == 2
    size = (out_dir / "sample-olx.tar.gz").stat().st_size
    assert lines[1] == f"{out_dir}/sample-olx.tar.gz  {size / 1024:.1f} KB  4 units"
    assert lines[0].startswith(f"{out_dir}/listening-olx.tar.gz  ") and lines[0].endswith("  1 unit")


def test_build_twice_gives_the_same_bytes(tmp_path):
    run("build", SAMPLE_COURSE, "--target", "olx", "--out", tmp_path / "a")
    run("build", SAMPLE_COURSE, "--target", "olx", "--out", tmp_path / "b")
    name = "sample_course-olx.tar.gz"
    assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_build_with_a_broken_course_writes_nothing(courses, tmp_path):
    shutil.copytree(broken_course("malformed_xml", tmp_path / "b"), courses / "broken")
    out_dir = tmp_path / "dist"
    code, out, err = run("build", "--courses", courses, "--target", "olx", "--out", out_dir)
    assert code == 1 and out == ""
    assert f"{courses}/broken/vertical/v1.xml:3: malformed XML" in err
    assert err.splitlines()[-1] == f"p2p: 1 problem — nothing written to {out_dir}/"
    assert not out_dir.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".p2p-build-")]  # no staging folder left


def test_a_target_failing_late_leaves_the_previous_dist_untouched(tmp_path, monkeypatch):
    """The OLX archive is finished before the second target fails: it must not be published either."""

    class RefusingTarget:
        name = "refusing"
        suffix = "-refusing.zip"

        def build(self, course, workdir, options):
            (workdir / "half-written.zip").write_bytes(b"PK")
            raise BuildError([Problem(str(course.folder / "course.xml"), 1, "cannot package this course", "fix it")])

    monkeypatch.setitem(TARGETS, "refusing", RefusingTarget())
    out_dir = tmp_path / "dist"
    out_dir.mkdir()
    (out_dir / "sample_course-olx.tar.gz").write_bytes(b"the previous build")
    code, _, err = run("build", SAMPLE_COURSE, "--target", "olx", "--target", "refusing", "--out", out_dir)
    assert code == 1
    assert f"{SAMPLE_COURSE}/course.xml:1: cannot package this course — fix it" in err
    assert listing(out_dir) == ["sample_course-olx.tar.gz"]
    assert (out_dir / "sample_course-olx.tar.gz").read_bytes() == b"the previous build"


def test_unknown_target_is_a_one_line_usage_error(tmp_path):
    code, out, err = run("build", SAMPLE_COURSE, "--target", "pdf", "--out", tmp_path / "dist")
    assert (code, out) == (2, "")
    assert err == f"p2p: unknown target 'pdf' — choose one of: {', '.join(TARGETS)}, all\n"
    assert not (tmp_path / "dist").exists()


def test_unknown_target_next_to_all_is_still_an_error(tmp_path):
    code, out, err = run("build", SAMPLE_COURSE, "--target", "all", "--target", "scorm3", "--out", tmp_path / "dist")
    assert (code, out) == (2, "")
    assert err.startswith("p2p: unknown target 'scorm3' — choose one of:")
    assert not (tmp_path / "dist").exists()


def test_out_that_is_a_file_is_a_one_line_usage_error(tmp_path):
    out_file = tmp_path / "dist"
    out_file.write_text("not a folder")
    code, out, err = run("build", SAMPLE_COURSE, "--target", "olx", "--out", out_file)
    assert (code, out) == (2, "")
    assert err == f"p2p: --out {out_file} is a file — give a folder path (it is created if missing)\n"
    assert out_file.read_text() == "not a folder"


def test_out_that_cannot_be_written_is_a_one_line_usage_error():
    # /proc refuses new files even to root, so this holds however the tests are run.
    code, out, err = run("build", SAMPLE_COURSE, "--target", "olx", "--out", "/proc/p2p-dist")
    assert (code, out) == (2, "")
    assert err.startswith("p2p: --out /proc/p2p-dist is not writable (") and err.count("\n") == 1
    assert err.rstrip().endswith("— choose a folder you can write to, or fix its permissions")


def test_no_courses_yet_is_a_clear_message_not_an_error(tmp_path):
    (tmp_path / "courses" / "facilitation").mkdir(parents=True)
    code, out, err = run("build", "--courses", tmp_path / "courses", "--out", tmp_path / "dist")
    assert code == 0
    assert out == f"No courses to build: no folder in {tmp_path}/courses/ has a course.xml yet. Nothing written.\n"
    assert "facilitation: skipped — no course.xml yet" in err
    assert not (tmp_path / "dist").exists()


def test_no_courses_folder_is_a_one_line_usage_error(tmp_path):
    code, out, err = run("validate", "--courses", tmp_path / "elsewhere")
    assert (code, out) == (2, "")
    assert err == (
        f"p2p: no {tmp_path}/elsewhere/ folder here — run p2p from the repository root, or pass --courses DIR\n"
    )
