"""imsmanifest.xml for SCORM 1.2 and SCORM 2004 4th edition, written with lxml and checked
against the official schemas kept in `builder/schemas/` (no network: every import is local).

A package is described by `PackageSpec` (what the manifest needs, nothing about rendering), so the
manifest can be written and validated on its own.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

SCHEMAS_DIR = Path(__file__).resolve().parent.parent / "schemas"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

VERSIONS = ("scorm12", "scorm2004")

# Namespaces and the schema file (relative to the version's schema folder) that defines each.
_NAMESPACES = {
    "scorm12": {
        None: ("http://www.imsproject.org/xsd/imscp_rootv1p1p2", "imscp_rootv1p1p2.xsd"),
        "adlcp": ("http://www.adlnet.org/xsd/adlcp_rootv1p2", "adlcp_rootv1p2.xsd"),
    },
    "scorm2004": {
        None: ("http://www.imsglobal.org/xsd/imscp_v1p1", "imscp_v1p1.xsd"),
        "adlcp": ("http://www.adlnet.org/xsd/adlcp_v1p3", "adlcp_v1p3.xsd"),
        "adlseq": ("http://www.adlnet.org/xsd/adlseq_v1p3", "adlseq_v1p3.xsd"),
        "adlnav": ("http://www.adlnet.org/xsd/adlnav_v1p3", "adlnav_v1p3.xsd"),
        "imsss": ("http://www.imsglobal.org/xsd/imsss", "imsss_v1p0.xsd"),
    },
}
_SCHEMA_FOLDER = {"scorm12": "scorm12", "scorm2004": "scorm2004_4th"}
_SCHEMA_VERSION_TEXT = {"scorm12": "1.2", "scorm2004": "2004 4th Edition"}


@dataclass(frozen=True)
class Sco:
    """One launchable page (a whole course, or one chapter) and the files it uses."""

    identifier: str  # an XML NCName, unique in the manifest
    title: str
    href: str  # the launch page, relative to the package root
    files: tuple[str, ...]  # every file the SCO uses, the launch page included


@dataclass(frozen=True)
class PackageSpec:
    version: str  # "scorm12" | "scorm2004"
    identifier: str  # manifest identifier (NCName)
    title: str
    scos: tuple[Sco, ...]
    mastery_score: float | None = None  # 0..1 (fraction of points), None = no pass/fail
    chapters_in_order: bool = False  # 2004 with several SCOs: a chapter unlocks when the previous is passed
    shared_files: tuple[str, ...] = field(default=())  # files every SCO uses (player scripts, styles)


def schema_files(version: str) -> list[str]:
    """The schema files shipped at a package's root (named by xsi:schemaLocation)."""
    folder = SCHEMAS_DIR / _SCHEMA_FOLDER[version]
    return sorted(p.name for p in folder.iterdir() if p.suffix in (".xsd", ".dtd"))


def schema_path(version: str, name: str) -> Path:
    return SCHEMAS_DIR / _SCHEMA_FOLDER[version] / name


def _q(version: str, prefix: str | None, local: str) -> str:
    return f"{{{_NAMESPACES[version][prefix][0]}}}{local}"


def manifest_xml(spec: PackageSpec) -> bytes:
    """The manifest, serialised deterministically (UTF-8, declaration, fixed attribute order)."""
    v = spec.version
    if v not in VERSIONS:
        raise ValueError(f"unknown SCORM version {v!r}; expected one of {VERSIONS}")
    q = functools.partial(_q, v)
    nsmap = {prefix: uri for prefix, (uri, _) in _NAMESPACES[v].items()}
    nsmap["xsi"] = XSI
    root = etree.Element(q(None, "manifest"), nsmap=nsmap)
    root.set("identifier", spec.identifier)
    root.set("version", "1.0")
    root.set(f"{{{XSI}}}schemaLocation", " ".join(f"{uri} {xsd}" for uri, xsd in _NAMESPACES[v].values()))

    metadata = etree.SubElement(root, q(None, "metadata"))
    etree.SubElement(metadata, q(None, "schema")).text = "ADL SCORM"
    etree.SubElement(metadata, q(None, "schemaversion")).text = _SCHEMA_VERSION_TEXT[v]

    organizations = etree.SubElement(root, q(None, "organizations"), default="org")
    organization = etree.SubElement(organizations, q(None, "organization"), identifier="org")
    if v == "scorm2004":
        # Chapter unlocking uses global objectives; keep them inside this course.
        organization.set(q("adlseq", "objectivesGlobalToSystem"), "false")
    etree.SubElement(organization, q(None, "title")).text = spec.title

    for index, sco in enumerate(spec.scos):
        item = etree.SubElement(
            organization, q(None, "item"), identifier=f"item-{sco.identifier}", identifierref=f"res-{sco.identifier}"
        )
        etree.SubElement(item, q(None, "title")).text = sco.title
        if v == "scorm12":
            # 1.2 wants an integer percentage; an LMS then reports passed/failed by score.raw. Not for
            # a chapter's SCO: its raw is its share of the course grade (the chapters add up under the
            # LMS's "Sum of grades"), so an LMS judging it by the course's pass mark would fail every
            # chapter (Moodle's 1.2 player does at LMSFinish); the SCO judges its chapter itself.
            if spec.mastery_score is not None and len(spec.scos) == 1:
                etree.SubElement(item, q("adlcp", "masteryscore")).text = str(round(spec.mastery_score * 100))
        else:
            _item_sequencing_2004(item, spec, index)
    if v == "scorm2004":
        sequencing = etree.SubElement(organization, q("imsss", "sequencing"))
        etree.SubElement(sequencing, q("imsss", "controlMode"), choice="true", flow="true")

    resources = etree.SubElement(root, q(None, "resources"))
    shared_id = "res-player"
    scorm_type = q("adlcp", "scormtype" if v == "scorm12" else "scormType")
    for sco in spec.scos:
        resource = etree.SubElement(
            resources, q(None, "resource"), identifier=f"res-{sco.identifier}", type="webcontent", href=sco.href
        )
        resource.set(scorm_type, "sco")
        for name in sorted(set(sco.files)):
            etree.SubElement(resource, q(None, "file"), href=name)
        etree.SubElement(resource, q(None, "dependency"), identifierref=shared_id)
    shared = etree.SubElement(resources, q(None, "resource"), identifier=shared_id, type="webcontent")
    shared.set(scorm_type, "asset")
    for name in sorted(set(spec.shared_files) | set(schema_files(v))):
        etree.SubElement(shared, q(None, "file"), href=name)
    manifest: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return manifest


def _item_sequencing_2004(item: Any, spec: PackageSpec, index: int) -> None:
    q = functools.partial(_q, "scorm2004")
    ordered = spec.chapters_in_order and len(spec.scos) > 1
    if spec.mastery_score is None and not ordered:
        return
    own = f"obj-{spec.scos[index].identifier}"
    sequencing = etree.SubElement(item, q("imsss", "sequencing"))
    if ordered and index > 0:
        # Disabled until the previous chapter's objective (read from a global) is satisfied.
        rules = etree.SubElement(sequencing, q("imsss", "sequencingRules"))
        rule = etree.SubElement(rules, q("imsss", "preConditionRule"))
        conditions = etree.SubElement(rule, q("imsss", "ruleConditions"))
        etree.SubElement(
            conditions,
            q("imsss", "ruleCondition"),
            referencedObjective="previous",
            operator="not",
            condition="satisfied",
        )
        etree.SubElement(rule, q("imsss", "ruleAction"), action="disabled")
    objectives = etree.SubElement(sequencing, q("imsss", "objectives"))
    primary = etree.SubElement(objectives, q("imsss", "primaryObjective"), objectiveID=own)
    if spec.mastery_score is not None:
        # With satisfiedByMeasure the LMS judges success by cmi.score.scaled alone, and a SCO that
        # sets no score (a chapter of reading) stays "unknown": in order, every later chapter would
        # stay locked. Chapters in order are satisfied by the success_status the SCO reports,
        # judged against the same mastery score it carries.
        primary.set("satisfiedByMeasure", "false" if ordered else "true")
        etree.SubElement(primary, q("imsss", "minNormalizedMeasure")).text = _decimal(spec.mastery_score)
    if ordered:
        if index < len(spec.scos) - 1:
            etree.SubElement(
                primary,
                q("imsss", "mapInfo"),
                targetObjectiveID=f"global-{own}",
                readSatisfiedStatus="false",
                writeSatisfiedStatus="true",
            )
        if index > 0:
            previous = etree.SubElement(objectives, q("imsss", "objective"), objectiveID="previous")
            etree.SubElement(
                previous,
                q("imsss", "mapInfo"),
                targetObjectiveID=f"global-obj-{spec.scos[index - 1].identifier}",
                readSatisfiedStatus="true",
                writeSatisfiedStatus="false",
            )


def _decimal(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text or "0"


# --- validation --------------------------------------------------------------------------------


class _LocalOnly(etree.Resolver):  # type: ignore[misc]  # lxml's classes are untyped (Any) here
    """Resolve schema imports inside the version's folder; the W3C xml.xsd URL maps to the local copy."""

    def __init__(self, folder: Path):
        super().__init__()
        self.folder = folder

    def resolve(self, url: str, pubid: str | None, context: Any) -> Any:
        name = url.rsplit("/", 1)[-1]
        if url.startswith(("http://www.w3.org/2001/xml.xsd", "http://www.w3.org/XML/1998/namespace")):
            name = "xml.xsd"
        local = self.folder / name
        if local.is_file():
            return self.resolve_string(_schema_text(local), context)
        raise OSError(f"schema import {url!r} is not in {self.folder.name}/: nothing is fetched")


def _schema_text(path: Path) -> bytes:
    data = path.read_bytes()
    if path.name == "ims_xml.xsd":
        # libxml2 refuses a default namespace bound to the xml namespace; the declaration is unused.
        data = data.replace(b'xmlns="http://www.w3.org/XML/1998/namespace"', b"", 1)
    return data


@functools.cache
def _schema(version: str) -> etree.XMLSchema:
    folder = SCHEMAS_DIR / _SCHEMA_FOLDER[version]
    imports = "".join(
        f'<xs:import namespace="{uri}" schemaLocation="{xsd}"/>' for uri, xsd in _NAMESPACES[version].values()
    )
    wrapper = (
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        f'targetNamespace="urn:p2p:manifest-wrapper">{imports}</xs:schema>'
    )
    parser = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)
    parser.resolvers.add(_LocalOnly(folder))
    document = etree.fromstring(wrapper.encode(), parser, base_url=str(folder / "wrapper.xsd"))
    return etree.XMLSchema(etree.ElementTree(document))


def validate_manifest(xml: bytes, version: str) -> list[str]:
    """Schema errors as 'imsmanifest.xml:line: message' (empty when valid)."""
    document = etree.fromstring(xml, etree.XMLParser(no_network=True, resolve_entities=False))
    schema = _schema(version)
    if schema.validate(document):
        return []
    return [f"imsmanifest.xml:{error.line}: {error.message}" for error in schema.error_log]
