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
