"""Manifests for both SCORM versions are valid against the official schemas, and the check bites."""

import hashlib

import pytest
from lxml import etree

from builder.targets.scorm_manifest import SCHEMAS_DIR, VERSIONS, PackageSpec, Sco, manifest_xml, validate_manifest

SCOS = (
    Sco("ch1", "Chapter one: Ms. Pérez & the IEP", "ch1.html", ("ch1.html", "static/a.png")),
    Sco("ch2", "Chapter <two>", "ch2.html", ("ch2.html",)),
)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("mastery", [None, 0.8])
@pytest.mark.parametrize("in_order", [False, True])
def test_manifest_is_schema_valid(version, mastery, in_order):
    spec = PackageSpec(version, "p2p-demo", "Demo & <course>", SCOS, mastery, in_order, ("player/player.js",))
    xml = manifest_xml(spec)
    assert validate_manifest(xml, version) == []
    root = etree.fromstring(xml)
    assert root.findtext("{*}organizations/{*}organization/{*}title") == "Demo & <course>"
    assert "hideLMSUI" not in xml.decode()


def test_mastery_score_per_version():
    xml12 = manifest_xml(PackageSpec("scorm12", "m", "t", SCOS[:1], 0.75))
    assert etree.fromstring(xml12).findtext(".//{http://www.adlnet.org/xsd/adlcp_rootv1p2}masteryscore") == "75"
    xml04 = manifest_xml(PackageSpec("scorm2004", "m", "t", SCOS[:1], 0.75))
    found = etree.fromstring(xml04).find(".//{http://www.imsglobal.org/xsd/imsss}primaryObjective")
    assert found.get("satisfiedByMeasure") == "true"
    assert found.findtext("{http://www.imsglobal.org/xsd/imsss}minNormalizedMeasure") == "0.75"


def test_a_chapter_sco_of_scorm12_carries_no_mastery_score():
    # A chapter's SCO reports its share of the course grade as raw; an LMS judging that raw by the
    # course's pass mark failed every chapter (Moodle 5.1's 1.2 player at LMSFinish, measured).
    assert len(SCOS) > 1
    xml12 = manifest_xml(PackageSpec("scorm12", "m", "t", SCOS, 0.75))
    assert validate_manifest(xml12, "scorm12") == []
    assert etree.fromstring(xml12).find(".//{http://www.adlnet.org/xsd/adlcp_rootv1p2}masteryscore") is None


@pytest.mark.parametrize("version", VERSIONS)
def test_an_invalid_manifest_is_reported_with_its_line(version):
    xml = manifest_xml(PackageSpec(version, "p2p-demo", "t", SCOS))
    root = etree.fromstring(xml)
    resource = root.find("{*}resources/{*}resource")
    resource.attrib.pop("identifier")
    errors = validate_manifest(etree.tostring(root), version)
    assert errors and errors[0].startswith("imsmanifest.xml:") and "identifier" in " ".join(errors)


def test_schema_copies_are_the_pinned_originals():
    for line in (SCHEMAS_DIR / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        data = (SCHEMAS_DIR / name.lstrip("*")).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, name


def test_chapters_in_order_unlock_by_the_status_each_chapter_reports():
    # A chapter of reading sets no score; judged by measure it would stay "unknown" and keep the
    # next chapter locked for good. In order, the SCO's success_status decides; the mastery score
    # is still written, for the record.
    xml = manifest_xml(PackageSpec("scorm2004", "m", "t", SCOS, 0.75, True))
    assert validate_manifest(xml, "scorm2004") == []
    primaries = etree.fromstring(xml).findall(".//{http://www.imsglobal.org/xsd/imsss}primaryObjective")
    assert [p.get("satisfiedByMeasure") for p in primaries] == ["false", "false"]
    assert [p.findtext("{http://www.imsglobal.org/xsd/imsss}minNormalizedMeasure") for p in primaries] == [
        "0.75",
        "0.75",
    ]
