"""Every course in courses/ builds to both SCORM versions with a schema-valid manifest, and every
unit of every package plays in Chromium against scorm-again with no error and no axe violation."""

import zipfile
from pathlib import Path

import pytest
from lxml import etree
from scorm_helpers import build, launch, lms_folder, packaged, stop
from support.browser import ROOT, axe_violations

from builder.targets.scorm_manifest import validate_manifest

COURSES = sorted(p.parent for p in (ROOT / "courses").glob("*/course.xml"))


@pytest.mark.parametrize("course", COURSES, ids=lambda p: p.name)
@pytest.mark.parametrize("version", ["scorm12", "scorm2004"])
@pytest.mark.parametrize("sco_per", ["course", "chapter"])
def test_course_builds_with_a_valid_manifest(tmp_path, course, version, sco_per):
    package = build(course, version, tmp_path, sco_per)
    with zipfile.ZipFile(package) as archive:
        manifest = archive.read("imsmanifest.xml")
        names = set(archive.namelist())
    assert validate_manifest(manifest, version) == []
    listed = {f.get("href") for f in etree.fromstring(manifest).iter("{*}file")}
    assert listed == names - {"imsmanifest.xml"}


@pytest.mark.parametrize("course", COURSES, ids=lambda p: p.name)
def test_every_unit_plays_and_passes_axe(page, tmp_path, static_server, course):
    package = build(course, "scorm2004", tmp_path / "build")
    url = static_server(lms_folder(package, tmp_path / "lms")).url
    sco = launch(page, url, "scorm2004")
    units = sco.locator(".p2p-unit").count()
    for number in range(units):
        assert sco.locator(f"#unit-{number + 1}").is_visible()
        assert sco.locator("#p2p-error").inner_text() == "", number
        broken = sco.evaluate(
            """n => Array.from(document.querySelectorAll('#unit-' + n + ' img'))
            .filter(img => !img.complete || img.naturalWidth === 0).map(img => img.getAttribute('src'))""",
            number + 1,
        )
        assert broken == [], (Path(course).name, number + 1, broken)  # every image is in the package
        violations = axe_violations(sco)
        assert violations == [], (Path(course).name, number + 1, violations)
        if number < units - 1:
            sco.locator("#p2p-next").click()
    cmi = stop(page)
    last_unit = list(packaged(course).units())[-1][2]
    assert cmi["location"] == last_unit.url_name
