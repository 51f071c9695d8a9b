"""The Open edX target: a Studio-importable .tar.gz that reloads equal, passes olxcleaner, and is
byte-identical from one build to the next. Run on the sample course and on every real course."""

import os
import shutil
import tarfile

import pytest
from builder_helpers import COURSE_IDS as IDS
from builder_helpers import COURSES, SAMPLE_COURSE
from olxcleaner import validate as olxcleaner_validate

from builder.build import BuildOptions
from builder.course import load_course
from builder.targets import olx


def loaded(folder):
    course, problems = load_course(folder)
    assert problems == [], "\n".join(map(str, problems))
    return course


def build_and_unpack(course, tmp_path):
    workdir = tmp_path / "work"
    workdir.mkdir(parents=True)
    [artifact] = olx.build(course, workdir, BuildOptions())
    unpacked = tmp_path / "unpacked"
    with tarfile.open(artifact.path) as archive:
        archive.extractall(unpacked, filter="data")
    return artifact, unpacked


@pytest.mark.parametrize("folder", COURSES, ids=IDS)
def test_export_reloads_equal(folder, tmp_path):
    course = loaded(folder)
    artifact, unpacked = build_and_unpack(course, tmp_path)
    assert artifact.path.name == f"{folder.name}-olx.tar.gz"
    assert artifact.units == sum(1 for _ in course.units()) and artifact.size == artifact.path.stat().st_size
    assert [p.name for p in unpacked.iterdir()] == ["course"]  # one top-level folder, as Studio's import expects
    again = loaded(unpacked / "course")
    assert again == course
    # and once more: an export of the export is the same files, byte for byte
    second, unpacked_again = build_and_unpack(again, tmp_path / "second")
    assert second.path.read_bytes() == artifact.path.read_bytes()


@pytest.mark.parametrize("folder", COURSES, ids=IDS)
def test_olxcleaner_finds_no_error_but_our_custom_tags(folder, tmp_path):
    course = loaded(folder)
    _, unpacked = build_and_unpack(course, tmp_path)
    _, errors, _ = olxcleaner_validate(str(unpacked / "course"), steps=8)
    serious = [e for e in errors.errors if e.level_val >= 3]  # 3 = ERROR, 4 = CRITICAL
    ours = [
        e
        for e in serious
        if e.name == "UnexpectedTag" and any(f"<{tag}>" in e.description for tag in course.block_types())
    ]
    # olxcleaner cannot read our custom blocks; our own validator (the loader) has checked them instead.
    assert [f"{e.name} {e.filename}: {e.description}" for e in serious if e not in ours] == []
    # problems are Open edX's own: olxcleaner reads them
    assert len(ours) == sum(1 for c in course.components() if c.block is not None and c.category != "problem")


@pytest.mark.parametrize("folder", COURSES, ids=IDS)
def test_two_builds_are_byte_identical(folder, tmp_path):
    course = loaded(folder)
    first, _ = build_and_unpack(course, tmp_path / "a")
    # the same course from a copy with other file times and permissions gives the same bytes
    copy = tmp_path / "copy" / folder.name
    shutil.copytree(folder, copy)
    for path in copy.rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))
        if path.is_file():
            path.chmod(0o600)
    second, _ = build_and_unpack(loaded(copy), tmp_path / "b")
    assert first.path.read_bytes() == second.path.read_bytes()


def test_archive_entries_are_normalised(tmp_path):
    artifact, _ = build_and_unpack(loaded(SAMPLE_COURSE), tmp_path)
    with tarfile.open(artifact.path) as archive:
        members = archive.getmembers()
    names = [m.name for m in members]
    assert names == sorted(names) and names[0] == "course"
    assert {(m.uid, m.gid, m.uname, m.gname, m.mtime) for m in members} == {(0, 0, "", "", 315532800)}
    assert {m.mode for m in members if m.isfile()} == {0o644} and {m.mode for m in members if m.isdir()} == {0o755}
    assert "course/html/continuum_takeaway.html" in names  # inline html is written out as Studio does


def test_export_layout_is_studios(tmp_path):
    course = loaded(SAMPLE_COURSE)
    olx.export_folder(course, tmp_path / "export")
    export = tmp_path / "export"
    assert (export / "course.xml").read_text() == '<course url_name="2026" org="P2P" course="SAMPLE101"/>\n'
    assert (export / "course" / "2026.xml").read_text() == (
        '<course display_name="Before the Meeting: Reaching Out to Families" language="en">\n'
        '  <chapter url_name="before_the_meeting"/>\n'
        '  <wiki slug="P2P.SAMPLE101.2026"/>\n'
        "</course>\n"
    )
    assert (export / "html" / "continuum_takeaway.xml").read_text() == (
        '<html filename="continuum_takeaway" display_name="One thing to carry forward"/>\n'
    )
    # Our blocks are pure XBlocks, which read only the inline form on import: Studio writes them so too.
    vertical = (export / "vertical" / "practice_call.xml").read_text()
    assert vertical.startswith('<vertical display_name="Role-play: calling Mr. Tran">\n  <scenario_roleplay ')
    assert 'url_name="calling_mr_tran"' in vertical and '<scene id="the-call"' in vertical
    assert not (export / "scenario_roleplay").exists()
    assert (export / "static" / "engagement_continuum.svg").read_bytes() == (
        SAMPLE_COURSE / "static" / "engagement_continuum.svg"
    ).read_bytes()
