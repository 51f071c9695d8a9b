"""`p2p build --target scorm12|scorm2004 [--sco-per chapter]`: packages, names, warnings."""

import zipfile

from click.testing import CliRunner
from lxml import etree
from scorm_helpers import DATA, with_html_component

from builder.cli import main

IMSSS = "{http://www.imsglobal.org/xsd/imsss}"


def test_build_per_chapter_with_sequencing_and_its_warnings(tmp_path):
    out = tmp_path / "dist"
    result = CliRunner().invoke(
        main,
        [
            "build",
            "--courses",
            str(DATA),
            "--target",
            "scorm12",
            "--target",
            "scorm2004",
            "--sco-per",
            "chapter",
            "--out",
            str(out),
            "html_course",
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["html_course-scorm12.zip", "html_course-scorm2004.zip"]
    assert "Moodle among them" in result.output and "single-SCO" in result.output
    with zipfile.ZipFile(out / "html_course-scorm2004.zip") as archive:
        manifest = etree.fromstring(archive.read("imsmanifest.xml"))
        assert {"chapter-01.html", "chapter-02.html"} <= set(archive.namelist())
    items = manifest.findall(".//{*}organization/{*}item")
    assert len(items) == 2
    assert items[0].find(f".//{IMSSS}preConditionRule") is None
    rule = items[1].find(f".//{IMSSS}preConditionRule")
    assert rule.find(f"{IMSSS}ruleAction").get("action") == "disabled"
    assert rule.find(f".//{IMSSS}ruleCondition").get("condition") == "satisfied"


def test_default_is_one_sco_per_course_without_warnings(tmp_path):
    out = tmp_path / "dist"
    result = CliRunner().invoke(
        main, ["build", "--courses", str(DATA), "--target", "scorm12", "--out", str(out), "html_course"]
    )
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    with zipfile.ZipFile(out / "html_course-scorm12.zip") as archive:
        assert "index.html" in archive.namelist()
        assert not any(n.startswith("chapter-") for n in archive.namelist())


def test_a_script_in_an_html_file_is_named_by_its_line_once_and_nothing_is_written(tmp_path):
    import shutil

    folder = tmp_path / "courses" / "html_course"
    shutil.copytree(DATA / "html_course", folder)
    with_html_component(
        folder,
        "h_notes",
        '<p>Share the notes.</p>\n<p>Within two days.</p>\n<p><img src="https://example.org/chart.png" alt=""></p>\n',
    )
    out = tmp_path / "dist"
    out.mkdir()
    (out / "earlier.zip").write_bytes(b"an earlier build")
    result = CliRunner().invoke(
        main, ["build", "--courses", str(tmp_path / "courses"), "--target", "all", "--out", str(out)]
    )
    assert result.exit_code == 1, result.output
    expected = f"{folder / 'html' / 'h_notes.html'}:3: html embeds https://example.org/chart.png"
    lines = result.output.splitlines()
    assert sum(line.startswith(expected) for line in lines) == 1, result.output  # not once per target
    assert "p2p: 1 problem — nothing written" in result.output
    assert [p.name for p in out.iterdir()] == ["earlier.zip"]
    assert (out / "earlier.zip").read_bytes() == b"an earlier build"


def test_a_scorm12_course_whose_journals_cannot_fit_warns_the_author(tmp_path):
    """The 1.2 room warning is pipeline warning data: per SCO, for the journal prompts at a typical
    length; a chapter per SCO gives each chapter its own 4,096, and 2004 has room for all."""
    from pathlib import Path

    from builder import pipeline
    from builder.build import BuildOptions
    from builder.targets import TARGETS

    course = Path(__file__).resolve().parents[2] / "courses" / "facilitation"
    report = pipeline.validate(pipeline.select([str(course)]))
    for target, sco_per, warns in (
        ("scorm12", "course", True),
        ("scorm12", "chapter", False),
        ("scorm2004", "course", False),
    ):
        work = tmp_path / f"{target}-{sco_per}"
        work.mkdir()
        built = pipeline.build(report, [TARGETS[target]], work, BuildOptions(sco_per=sco_per))
        room = [w for w in built.warnings if "journal prompts" in w.message]
        packages = sorted(a.path.name.removesuffix(".zip") for a in built.artifacts)  # one per pathway level
        assert sorted(w.where for w in room) == (packages if warns else []), (target, sco_per, built.warnings)
        for warning in room:
            assert "journal prompts" in warning.message and "of SCORM 1.2's 4,096 characters" in warning.message
            assert "build SCORM 2004" in warning.message and "--sco-per chapter" in warning.message
        if warns:
            assert built.failed(strict=True) and not built.failed()
