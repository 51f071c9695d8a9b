"""Fuzzing the loader (hypothesis): whatever a course folder or a block's XML holds, the result is a
course or located problems (`file:line: what — how to fix`), never a traceback.

Two fuzzers, each bounded for CI by `max_examples` (P2P_FUZZ_EXAMPLES raises it for a longer run)
and with no per-example deadline (a slow machine is not a failure):
- course folders: a fixture course with every block kind, changed by a few edits drawn from what
  breaks loaders (bytes that are not UTF-8, markup cut short, entities, deep nesting, attribute
  values of every shape, elements dropped or repeated, files removed, pointers that loop or leave
  the folder, symlinks); what still loads is built into a SCORM package, or refused, located;
- each block's XML: elements built from the tags and attributes the block's own course files use,
  with values of every shape, parsed by the block's model (`parse`, and `serialize` of what parses).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from builder.build import BuildError, BuildOptions
from builder.course import load_course
from builder.targets.scorm import build_package
from xblocks.common.kind import kind
from xblocks.common.problems import Problem

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "scorm" / "data" / "sample_course"
EXAMPLES = int(os.environ.get("P2P_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("P2P_FUZZ_RANDOM") is None,  # CI runs the same examples every time
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)

# Pieces that break XML readers and course loaders.
NASTY_TEXT = [
    "",
    " ",
    "<",
    "&",
    "&amp",
    "&nosuch;",
    "]]>",
    "<!--",
    "<?pi x?>",
    '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    "&e;",
    "<a>" * 300,
    "</vertical>",
    "\u00e9\u4e2d\U0001f600",
    "\u202e",
    "0",
    "-1",
    "1e309",
    "NaN",
    "99999999999999999999",
    "true",
    "yes",
    "../../../../etc/passwd",
    "/etc/passwd",
    "a/b",
    ".hidden",
    "x" * 300,
    "con",
    "a b",
    '"',
    "'",
]
NASTY_BYTES = [b"\xff\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"\x00", b"\x1b[31m", b"\xef\xbb\xbf"]

attribute_values = st.one_of(st.sampled_from(NASTY_TEXT), st.text(max_size=40))


def _xml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".xml", ".json", ".html"))


@st.composite
def edits(draw):
    """A few edits, as data: (kind, which file (index), position (0..1), argument)."""
    kinds = st.sampled_from(
        [
            "insert_text",
            "insert_bytes",
            "truncate",
            "set_attribute",
            "drop_element",
            "repeat_element",
            "remove_file",
            "pointer",
            "symlink",
        ]
    )
    count = draw(st.integers(min_value=1, max_value=4))
    return [
        (
            draw(kinds),
            draw(st.integers(min_value=0, max_value=10_000)),
            draw(st.floats(min_value=0, max_value=1)),
            draw(st.one_of(attribute_values, st.sampled_from(NASTY_BYTES))),
            draw(
                st.sampled_from(
                    [
                        "url_name",
                        "display_name",
                        "filename",
                        "points",
                        "min_words",
                        "mode",
                        "start",
                        "id",
                        "next",
                        "level",
                        "weight",
                        "shared_with_staff",
                        "graded",
                        "format",
                        "x",
                    ]
                )
            ),
        )
        for _ in range(count)
    ]


def apply_edit(folder: Path, edit) -> None:
    what, index, position, argument, attribute = edit
    files = _xml_files(folder)
    if not files:
        return
    path = files[index % len(files)]
    data = path.read_bytes()
    cut = int(len(data) * position)
    raw = argument if isinstance(argument, bytes) else argument.encode("utf-8", "surrogatepass")
    if what == "insert_text" or what == "insert_bytes":
        path.write_bytes(data[:cut] + raw + data[cut:])
    elif what == "truncate":
        path.write_bytes(data[:cut])
    elif what == "remove_file":
        path.unlink()
    elif what == "symlink":  # a course file replaced by a link out of the folder
        path.unlink()
        path.symlink_to("/etc/hostname" if position < 0.5 else str(folder.parent))
    elif what in ("set_attribute", "drop_element", "repeat_element", "pointer") and path.suffix == ".xml":
        try:
            tree = etree.parse(str(path))
        except (etree.XMLSyntaxError, OSError):  # an earlier edit broke it: the loader's to report
            return
        elements = [e for e in tree.iter() if isinstance(e.tag, str)]
        element = elements[int(position * (len(elements) - 1))]
        value = argument.decode("latin-1") if isinstance(argument, bytes) else argument
        try:
            if what == "set_attribute":
                element.set(attribute, value)
            elif what == "drop_element" and element.getparent() is not None:
                element.getparent().remove(element)
            elif what == "repeat_element" and element.getparent() is not None:
                element.addnext(etree.fromstring(etree.tostring(element)))
            elif what == "pointer":  # the element becomes a pointer: to itself, or to a name of every shape
                for child in list(element):
                    element.remove(child)
                element.attrib.clear()
                element.set("url_name", path.stem if position < 0.5 else value)
        except ValueError:  # lxml refuses the value (control characters): nothing to write
            return
        tree.write(str(path))


def assert_located(folder: Path, course, problems: list[Problem]) -> None:
    """A course, or problems that each name a file of the folder (and a line in it, when there is one)."""
    assert problems or course is not None
    base = Path(os.path.realpath(folder))
    for problem in problems:
        assert isinstance(problem, Problem) and problem.message and problem.file, problem
        where = Path(os.path.realpath(problem.file)) if Path(problem.file).exists() else Path(problem.file)
        inside = where == base or base in where.parents or str(problem.file).startswith(str(folder))
        assert inside, f"{problem} is not located in the course folder"
        assert problem.line is None or (isinstance(problem.line, int) and problem.line >= 1), problem
        str(problem)  # prints as file:line: what — how to fix


@FUZZ
@given(edits())
# Found by this fuzzer: course/<run>.xml emptied to a pointer to itself left a package-time problem
# located at the folder's name only.
@example([("pointer", 0, 0.0, "", "url_name")])
def test_any_course_folder_loads_or_gives_located_problems(course_edits):
    with tempfile.TemporaryDirectory(dir=os.environ.get("PYTEST_DEBUG_TEMPROOT")) as scratch:
        folder = Path(scratch) / "course"
        shutil.copytree(FIXTURE, folder)
        for edit in course_edits:
            apply_edit(folder, edit)
        course, problems = load_course(folder)
        assert_located(folder, course, problems)
        if course is not None and not problems:  # what loads also builds, or says where it cannot
            out = Path(scratch) / "out"
            out.mkdir()
            try:
                build_package(course, out, BuildOptions(), "scorm2004")
            except BuildError as refused:
                assert_located(folder, None, refused.problems)


# ---------------------------------------------------------------- each block's XML


def _vocabulary(tag: str) -> tuple[list[str], list[str], list[str]]:
    """Tags, attribute names and attribute values the block's elements use in the courses and fixtures."""
    tags, names, values = {tag}, set(), set()
    for path in [*ROOT.glob("courses/*/**/*.xml"), *ROOT.glob("tests/scorm/data/*/course/*.xml")]:
        try:
            tree = etree.parse(str(path))
        except (etree.XMLSyntaxError, OSError):
            continue
        for block in tree.iter(tag):
            for element in block.iter():
                if isinstance(element.tag, str):
                    tags.add(element.tag)
                    names.update(element.attrib)
                    values.update(element.attrib.values())
    return sorted(tags), sorted(names), sorted(values)[:400]


BLOCK_TAGS = ["scenario_roleplay", "reflection_journal", "facilitation_rubric", "problem"]


@st.composite
def block_element(draw, tag: str, vocabulary):
    tags, names, values = vocabulary
    value = st.one_of(st.sampled_from(values or [""]), attribute_values)

    def grow(depth: int):
        element = etree.Element(draw(st.sampled_from(tags)) if depth else tag)
        for name in draw(st.lists(st.sampled_from(names or ["id"]), max_size=5, unique=True)):
            with contextlib.suppress(ValueError):
                element.set(name, draw(value))
        with contextlib.suppress(ValueError):
            element.text = draw(st.one_of(st.none(), st.sampled_from(values or [""]), attribute_values))
        if depth < 4:
            for _ in range(draw(st.integers(min_value=0, max_value=4 if depth < 2 else 2))):
                element.append(grow(depth + 1))
        return element

    return grow(0)


@pytest.mark.parametrize("tag", BLOCK_TAGS)
def test_any_block_xml_parses_or_gives_located_problems(tag):
    module = kind(tag).model
    vocabulary = _vocabulary(tag)

    @FUZZ
    @given(block_element(tag, vocabulary))
    def parse_any(element):
        # As the loader hands it over: parsed from a file, so every element has a line.
        element = etree.fromstring(etree.tostring(element))
        parsed, problems = module.parse(element, f"{tag}/x.xml")
        assert problems or parsed is not None
        for problem in problems:
            assert isinstance(problem, Problem) and problem.file == f"{tag}/x.xml" and problem.message, problem
            str(problem)
        if parsed is not None and not problems and hasattr(module, "serialize"):
            again, again_problems = module.parse(module.serialize(parsed), f"{tag}/x.xml")
            assert again_problems == [] and again == parsed

    parse_any()
