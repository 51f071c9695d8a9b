"""Each built course export goes through Open edX's import and export calls and comes back the same.

The archive is the one `p2p build` writes to dist/ (`<course>-olx.tar.gz`), with our blocks written
inline in the verticals (Sumac and Teak import add-on XBlocks only inline). Every block element is
parsed as the platform's importer does (`parse_xml(node, runtime, keys)`), exported as its exporter
does (`add_xml_to_node` on a child carrying the block's url_name), and compared with the original;
the export imports again to the same XML.
"""

import tarfile
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from lxml import etree
from support.studio import StudioRuntime, canonical

from builder.build import BuildOptions
from builder.course import load_course
from builder.targets import olx

REPO = Path(__file__).resolve().parents[2]
# Our blocks, as Open edX finds them: by their xblock.v1 entry points.
OUR_TAGS = {ep.name for ep in entry_points(group="xblock.v1") if ep.value.startswith("xblocks.")}
COURSES = sorted(p for p in (REPO / "courses").glob("*") if (p / "course.xml").is_file())


def _built_archive(folder, tmp_path):
    course, problems = load_course(folder)
    assert problems == []
    [artifact] = olx.build(course, tmp_path, BuildOptions())
    assert artifact.path.name.endswith("-olx.tar.gz")
    return artifact.path


def _inline_blocks(archive_path, tmp_path):
    """(file, element) for every one of our blocks in the archive's verticals, as the importer reads them."""
    with tarfile.open(archive_path) as archive:
        archive.extractall(tmp_path / "x", filter="data")
    for vertical in sorted((tmp_path / "x" / "course" / "vertical").glob("*.xml")):
        for element in etree.parse(str(vertical)).getroot():
            if element.tag in OUR_TAGS:
                yield vertical.name, element


@pytest.mark.parametrize("folder", COURSES, ids=lambda p: p.name)
def test_built_export_round_trips_through_the_platform_import_and_export(folder, tmp_path):
    runtime = StudioRuntime()
    seen = 0
    for vertical, element in _inline_blocks(_built_archive(folder, tmp_path), tmp_path):
        original = canonical(element)
        block = runtime.import_block(element)
        assert block.url_name == element.get("url_name")
        exported = runtime.export_block(block)
        assert canonical(exported) == original, f"{vertical}: {element.tag} {element.get('url_name')} changed"
        again = runtime.export_block(StudioRuntime().import_block(exported))
        assert canonical(again) == original
        seen += 1
    assert seen > 0


def test_sources_with_pointer_tags_are_not_what_studio_imports(tmp_path):
    """The course sources may keep a block in its own file behind a pointer tag; the built archive never
    does, because Sumac and Teak do not follow pointer tags for add-on XBlocks."""
    for folder in COURSES:
        for _, element in _inline_blocks(_built_archive(folder, tmp_path / folder.name), tmp_path / folder.name):
            assert len(element) or set(element.attrib) - {"url_name"}, (
                f"{folder.name}: {element.tag} {element.get('url_name')} is a pointer tag"
            )
