"""The Open edX target: the course written back in Studio's export layout, as one .tar.gz.

The archive holds one top-level folder `course/` (what Studio's import expects): `course.xml`,
`course/<run>.xml`, one file per chapter, sequential, vertical and component, `html/` as `.xml` +
`.html`, `policies/<run>/`, `static/`, and every other file of the source (about/, info/...) as is.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from lxml import etree

from builder.archive import tree_entries, write_tar_gz
from builder.build import Artifact, BuildOptions
from builder.course import Component, Course
from xblocks.common.kind import known

TOP_FOLDER = "course"


def _element(tag: str, attrs: dict[str, str]) -> Any:
    element = etree.Element(tag)
    for name, value in attrs.items():
        element.set(name, value)
    return element


def _pointer(parent: Any, tag: str, url_name: str) -> None:
    etree.SubElement(parent, tag).set("url_name", url_name)


def _write_xml(path: Path, element: Any, indent: bool = True) -> None:
    """Structure files are indented; component definitions are written exactly as produced,
    because indenting would change the whitespace inside their content."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if indent:
        etree.indent(element, space="  ")
    path.write_bytes(etree.tostring(element, encoding="utf-8") + b"\n")


def _one_child_a_line(element: Any) -> None:
    """Lay children out one a line without touching the whitespace inside them."""
    children = list(element)
    if children:
        element.text = "\n  "
        for child in children:
            child.tail = "\n  "
        children[-1].tail = "\n"


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=4, ensure_ascii=False) + "\n", encoding="utf-8")


def _component_element(component: Component) -> Any:
    """The component's definition element, without its url_name."""
    if component.block is not None:
        element = known(component.category).model.serialize(component.block)
        for name, value in component.attrs.items():  # keep what the model does not own (audience, group_access...)
            if name not in element.attrib:
                element.set(name, value)
        element.attrib.pop("url_name", None)
        return element
    if component.xml is not None:
        return etree.fromstring(component.xml)
    raise ValueError(f"{component.file}:{component.line}: <{component.category}> has nothing to export")


def _write_component(vertical: Any, component: Component, dest: Path) -> None:
    """Studio's own export forms: html as a pointer to html/<x>.xml + .html; our blocks inline in
    the vertical (pure XBlocks do not read pointers on import); other types as they came."""
    if component.category == "html":
        _pointer(vertical, "html", component.url_name)
        html = _element("html", {"filename": component.url_name, **component.attrs})
        _write_xml(dest / "html" / f"{component.url_name}.xml", html)
        (dest / "html" / f"{component.url_name}.html").write_text(component.html or "", encoding="utf-8")
        return
    element = _component_element(component)
    platform_block = component.block is None or known(component.category).rendered_by_platform
    if platform_block and component.own_file:  # Open edX's own blocks (problems...) read pointers
        _pointer(vertical, component.category, component.url_name)
        _write_xml(dest / component.category / f"{component.url_name}.xml", element, indent=False)
    else:
        element.set("url_name", component.url_name)
        vertical.append(element)


def export_folder(course: Course, dest: Path) -> None:
    """Write the course in Studio's export layout into `dest` (which must not exist or be empty)."""
    dest.mkdir(parents=True, exist_ok=True)
    # Files copied through go first, so a stray source file can never overwrite a generated one.
    for name in course.other_files:
        _copy(course.folder / name, dest / name)
    for name in course.static_files:
        _copy(course.folder / "static" / name, dest / "static" / name)
    pointer = etree.Element("course")
    pointer.set("url_name", course.run)
    pointer.set("org", course.org)
    pointer.set("course", course.course)
    _write_xml(dest / "course.xml", pointer)

    root = _element("course", course.attrs)
    for chapter in course.chapters:
        _pointer(root, "chapter", chapter.url_name)
        chapter_element = _element("chapter", chapter.attrs)
        for subsection in chapter.subsections:
            _pointer(chapter_element, "sequential", subsection.url_name)
            sequential = _element("sequential", subsection.attrs)
            for unit in subsection.units:
                _pointer(sequential, "vertical", unit.url_name)
                vertical = _element("vertical", unit.attrs)
                for component in unit.components:
                    _write_component(vertical, component, dest)
                _one_child_a_line(vertical)
                _write_xml(dest / "vertical" / f"{unit.url_name}.xml", vertical, indent=False)
            _write_xml(dest / "sequential" / f"{subsection.url_name}.xml", sequential)
        _write_xml(dest / "chapter" / f"{chapter.url_name}.xml", chapter_element)
    for extra in course.course_extras:
        root.append(etree.fromstring(extra))
    _write_xml(dest / "course" / f"{course.run}.xml", root)

    _write_json(dest / "policies" / course.run / "policy.json", course.policy)
    _write_json(dest / "policies" / course.run / "grading_policy.json", course.grading_policy)


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def build(course: Course, workdir: Path, options: BuildOptions) -> list[Artifact]:
    """`<course>-olx.tar.gz`: the export under one top-level folder `course/`."""
    staging = workdir / f"{course.name}-olx"
    export_folder(course, staging)
    archive = workdir / f"{course.name}-olx.tar.gz"
    write_tar_gz(archive, tree_entries(staging, prefix=TOP_FOLDER), options.mtime)
    shutil.rmtree(staging)
    return [Artifact.of(archive, units=sum(1 for _ in course.units()))]
