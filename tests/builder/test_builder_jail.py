"""A course folder is a jail: the loader reads only files inside it, every url_name follows one
rule, a build writes only inside --out (and nothing at all when it fails), and hostile sources —
pointer cycles, bytes that are not UTF-8, huge or deep files — are located problems, never tracebacks."""

import os
import shutil
import tarfile
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from builder_helpers import SAMPLE_COURSE
from click.testing import CliRunner

from builder import course as course_module
from builder.archive import write_tar_gz, write_zip
from builder.cli import main
from builder.course import load_course

SECRET = "TOP-SECRET-SERVER-FILE"


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def world(tmp_path):
    """A copy of the sample course, with a file outside it that must never reach a package."""
    outside = tmp_path / "server"
    outside.mkdir()
    (outside / "secret.html").write_text(f"<p>{SECRET}</p>")
    (outside / "secret.txt").write_text(SECRET)
    (outside / "page.html").write_text(f"<p>{SECRET}</p>")
    folder = tmp_path / "courses" / "sample"
    shutil.copytree(SAMPLE_COURSE, folder)
    return folder, outside


def messages(folder: Path) -> list[str]:
    _course, problems = load_course(folder)
    return [str(p) for p in problems]


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


def packages_hold_secret(out: Path) -> bool:
    for path in out.glob("*"):
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                if any(SECRET.encode() in archive.read(name) for name in archive.namelist()):
                    return True
        elif path.name.endswith(".tar.gz"):
            with tarfile.open(path) as archive:
                for member in archive.getmembers():
                    if member.isfile() and SECRET.encode() in archive.extractfile(member).read():
                        return True
    return False


def assert_refused(folder: Path, tmp_path: Path, *expected: str) -> None:
    """validate and build both refuse the course with the expected located messages; nothing is written."""
    code, out, _ = run("validate", folder)
    assert code == 1, out
    for text in expected:
        assert text in out, out
    dist = tmp_path / "dist"
    code, _, err = run("build", folder, "--out", dist)
    assert code == 1 and "nothing written" in err
    assert not dist.exists()


def test_html_filename_with_dot_dot_is_refused(world, tmp_path):
    folder, outside = world
    (folder / "html" / "continuum_text.xml").write_text('<html filename="../../../server/page"/>')
    assert_refused(
        folder,
        tmp_path,
        f'{folder}/html/continuum_text.xml:1: <html filename="../../../server/page"> names a file outside html/',
    )


def test_absolute_html_filename_is_refused(world, tmp_path):
    folder, outside = world
    (folder / "html" / "continuum_text.xml").write_text(f'<html filename="{outside}/page"/>')
    assert_refused(folder, tmp_path, f"{folder}/html/continuum_text.xml:1: <html filename=")


def test_html_file_symlinked_outside_is_refused(world, tmp_path):
    folder, outside = world
    (folder / "html" / "continuum_text.html").unlink()
    (folder / "html" / "continuum_text.html").symlink_to(outside / "secret.html")
    assert_refused(
        folder,
        tmp_path,
        f"{folder}/html/continuum_text.xml:1: html/continuum_text.html leads outside the course folder",
    )


def test_static_file_symlinked_outside_is_refused(world, tmp_path):
    folder, outside = world
    (folder / "static" / "notes.txt").symlink_to(outside / "secret.txt")
    assert_refused(folder, tmp_path, f"{folder}/static/notes.txt: static/notes.txt leads outside the course folder")


def test_symlinked_static_folder_is_refused(world, tmp_path):
    folder, outside = world
    (folder / "static" / "docs").symlink_to(outside)
    assert_refused(folder, tmp_path, f"{folder}/static/docs: static/docs leads outside the course folder")


def test_static_folder_itself_symlinked_outside_is_refused(world, tmp_path):
    folder, outside = world
    shutil.copytree(folder / "static", outside / "static")
    shutil.rmtree(folder / "static")
    (folder / "static").symlink_to(outside / "static")
    assert_refused(folder, tmp_path, f"{folder}/static: static leads outside the course folder")


def test_about_file_symlinked_outside_is_refused(world, tmp_path):
    folder, outside = world
    (folder / "about" / "effort.html").symlink_to(outside / "secret.html")
    assert_refused(folder, tmp_path, f"{folder}/about/effort.html: about/effort.html leads outside the course folder")


def test_pointer_file_symlinked_outside_is_refused(world, tmp_path):
    folder, outside = world
    (outside / "v.xml").write_text(f'<vertical display_name="x"><html url_name="leak">{SECRET}</html></vertical>')
    (folder / "vertical" / "first_contact.xml").unlink()
    (folder / "vertical" / "first_contact.xml").symlink_to(outside / "v.xml")
    assert_refused(
        folder,
        tmp_path,
        f"{folder}/sequential/why_reach_out_early.xml:2: vertical/first_contact.xml leads outside the course folder",
    )


def test_symlink_inside_the_course_is_allowed(world, tmp_path):
    folder, _ = world
    (folder / "static" / "card-copy.svg").symlink_to(folder / "static" / "course_card.svg")
    course, problems = load_course(folder)
    assert problems == []
    assert "card-copy.svg" in course.static_files


def test_static_reference_with_dot_dot_is_not_a_static_file(world, tmp_path):
    folder, outside = world
    (outside / "secret.png").write_bytes(b"\x89PNG" + SECRET.encode())
    (folder / "html" / "first_contact_text.html").write_text(
        '<p><img src="/static/../../../server/secret.png" alt=""></p>'
    )
    assert_refused(folder, tmp_path, "refers to /static/../../../server/secret.png, which does not exist in static/")


@pytest.mark.parametrize("url_name", ["../../../../../x", "..", ".hidden", "a/b", "/etc"])
def test_course_xml_url_name_follows_the_url_name_rule(world, tmp_path, url_name):
    folder, _ = world
    (folder / "course.xml").write_text(f'<course url_name="{url_name}" org="P2P" course="SAMPLE101"/>')
    before = files_under(tmp_path)
    code, out, _ = run("validate", folder)
    assert code == 1
    assert f"{folder}/course.xml:1: <course> url_name {url_name!r} has characters Open edX refuses" in out
    code, _, err = run("build", folder, "--out", tmp_path / "dist")
    assert code == 1 and "nothing written" in err
    assert files_under(tmp_path) == before  # nothing written anywhere, --out included


def test_a_build_that_fails_late_leaves_no_folder_behind(world, tmp_path, monkeypatch):
    """--out is created for the build; when a target fails, it is removed again with its parents."""
    from builder.build import BuildError
    from builder.targets import TARGETS
    from xblocks.common.problems import Problem

    class RefusingTarget:
        name = "refusing"
        suffix = "-refusing.zip"

        def build(self, course, workdir, options):
            (workdir / "half.zip").write_bytes(b"PK")
            raise BuildError([Problem(str(course.folder / "course.xml"), 1, "cannot package", "fix it")])

    monkeypatch.setitem(TARGETS, "refusing", RefusingTarget())
    folder, _ = world
    before = files_under(tmp_path)
    code, _, err = run("build", folder, "--target", "refusing", "--out", tmp_path / "new" / "dist")
    assert code == 1 and "nothing written" in err
    assert files_under(tmp_path) == before


def test_a_build_writes_only_inside_out(world, tmp_path):
    folder, _ = world
    before = files_under(tmp_path)
    code, _, _ = run("build", folder, "--out", tmp_path / "dist")
    assert code == 0
    assert {name for name in files_under(tmp_path) - before if not name.startswith("dist")} == set()


def test_pointer_cycle_is_a_located_problem(world, tmp_path):
    folder, _ = world
    (folder / "vertical" / "first_contact.xml").write_text(
        '<vertical display_name="Loop">\n  <conditional url_name="loop"/>\n</vertical>\n'
    )
    (folder / "conditional").mkdir()
    (folder / "conditional" / "loop.xml").write_text(
        '<conditional display_name="Loop">\n  <conditional url_name="loop"/>\n</conditional>\n'
    )
    assert_refused(
        folder,
        tmp_path,
        f'{folder}/conditional/loop.xml:2: <conditional url_name="loop"> points back to a file that contains it',
    )


def test_pointers_nested_too_deep_are_a_located_problem(world, tmp_path):
    folder, _ = world
    depth = course_module.MAX_POINTER_DEPTH + 5
    (folder / "vertical" / "first_contact.xml").write_text(
        '<vertical display_name="Deep">\n<conditional url_name="c0"/>\n</vertical>'
    )
    (folder / "conditional").mkdir()
    for level in range(depth):
        (folder / "conditional" / f"c{level}.xml").write_text(
            f'<conditional display_name="c">\n<conditional url_name="c{level + 1}"/>\n</conditional>'
        )
    (folder / "conditional" / f"c{depth}.xml").write_text('<conditional display_name="end"/>')
    assert_refused(folder, tmp_path, f"pointers nest more than {course_module.MAX_POINTER_DEPTH} deep here")


def test_deep_folder_tree_is_a_located_problem(world, tmp_path):
    folder, _ = world
    deep = str(folder / "info")
    for _ in range(200):  # a generated tree; deeper ones would trouble the temporary folder's clean-up
        os.mkdir(deep)
        deep += "/d"
    Path(deep).with_name("note.html").write_text("<p>deep</p>")
    limit = course_module.MAX_FOLDER_DEPTH
    first_too_deep = "/".join(["info", *["d"] * limit])
    assert_refused(folder, tmp_path, f"{folder}/{first_too_deep}: folders nest more than {limit} deep here")


def test_html_that_is_not_utf8_is_located_to_line_and_column(world, tmp_path):
    folder, _ = world
    (folder / "html" / "first_contact_text.html").write_bytes("<p>one</p>\n<p>caf\u00e9 ".encode() + b"\xe9t\xe9</p>\n")
    assert_refused(
        folder,
        tmp_path,
        f"{folder}/html/first_contact_text.html:2: column 9: byte 0xe9 is not UTF-8 — save the file as UTF-8",
    )


def test_policy_that_is_not_utf8_is_located(world, tmp_path):
    folder, _ = world
    policy = folder / "policies" / "2026" / "policy.json"
    text = policy.read_bytes()
    policy.write_bytes(
        text.replace(b"Reaching", b"Reach\xffing", 1) if b"Reaching" in text else text[:20] + b"\xff" + text[20:]
    )
    code, out, _ = run("validate", folder)
    assert code == 1
    assert f"{folder}/policies/2026/policy.json:" in out and "is not UTF-8" in out


def test_xml_that_is_not_utf8_is_located(world, tmp_path):
    folder, _ = world
    (folder / "vertical" / "first_contact.xml").write_bytes(b'<vertical display_name="caf\xe9">\n</vertical>')
    assert_refused(folder, tmp_path, f"{folder}/vertical/first_contact.xml:1: malformed XML:")


def test_huge_static_file_is_refused_with_the_limit(world, tmp_path):
    folder, _ = world
    with open(folder / "static" / "lecture.mp4", "wb") as handle:  # sparse: no disk used
        handle.truncate(course_module.MAX_STATIC_BYTES + 1)
    assert_refused(
        folder, tmp_path, f"{folder}/static/lecture.mp4: the file is 100.0 MB; a static file may be at most 100 MB"
    )


def test_huge_source_file_is_refused_before_it_is_read(world, tmp_path):
    folder, _ = world
    with open(folder / "html" / "first_contact_text.html", "r+b") as handle:
        handle.truncate(course_module.MAX_SOURCE_BYTES + 1)
    assert_refused(
        folder,
        tmp_path,
        f"{folder}/html/first_contact_text.html: the file is 10.0 MB; a course source may be at most 10 MB",
    )


@pytest.mark.parametrize("write", [write_tar_gz, write_zip])
def test_archives_stream_files_instead_of_reading_them_whole(tmp_path, write):
    big = tmp_path / "big.bin"
    size = 16 * 2**20
    with open(big, "wb") as handle:  # zeros: quick to compress; memory use does not depend on the bytes
        handle.truncate(size)
    tracemalloc.start()
    try:
        write(tmp_path / "out.archive", [("static/big.bin", big), ("index.html", b"<p>hi</p>")], 315532800)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < size / 4, f"peak {peak} bytes while archiving a {size}-byte file"


def test_the_trainers_kit_inlines_only_the_courses_own_images(world):
    """The kit turns course images into data: URLs; a 'static/../..' name must not reach outside."""
    from builder import kit

    folder, outside = world
    (outside / "secret.png").write_bytes(b"\x89PNG" + SECRET.encode())
    course, problems = load_course(folder)
    assert problems == []
    escaped = kit._inline_images('<img src="static/../../../server/secret.png" alt="">', course)
    assert "data:" not in escaped
    own = kit._inline_images('<img src="static/course_card.svg" alt="">', course)
    assert 'src="data:image/svg+xml;base64,' in own
