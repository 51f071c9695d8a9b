"""What the OLX export holds for our blocks is what the XBlocks themselves load: each inline block
element of an exported vertical is parsed by the xblock-sdk workbench runtime and rendered."""

import tarfile

import pytest
from builder_helpers import COURSE_IDS, COURSES
from lxml import etree
from workbench.runtime import WorkbenchRuntime

from builder.build import BuildOptions
from builder.course import load_course
from builder.targets import olx
from xblocks.common.kind import block_tags


@pytest.mark.parametrize("folder", COURSES, ids=COURSE_IDS)
def test_exported_blocks_load_in_the_xblock_runtime(folder, tmp_path):
    course, problems = load_course(folder)
    assert problems == []
    [artifact] = olx.build(course, tmp_path, BuildOptions())
    with tarfile.open(artifact.path) as archive:
        archive.extractall(tmp_path / "x", filter="data")
    # our XBlocks only: problems are rendered by the platform's own ProblemBlock
    expected = {c.url_name: c for c in course.components() if c.block is not None and c.category in block_tags()}
    runtime = WorkbenchRuntime("builder-test")
    seen = {}
    for vertical in sorted((tmp_path / "x" / "course" / "vertical").glob("*.xml")):
        for element in etree.parse(str(vertical)).getroot():
            if element.tag not in block_tags():
                continue
            block = runtime.get_block(runtime.parse_xml_string(etree.tostring(element, encoding="unicode")))
            seen[element.get("url_name")] = block
            assert block.display_name == expected[element.get("url_name")].display_name
            assert block.render("student_view").body_html().strip()
    assert sorted(seen) == sorted(expected)
