"""A course folder in Open edX OLX (the layout Studio exports) -> the Course model.

The model keeps where every element came from (`file`, `line`) so each problem can be located,
and enough of the source to write the course back out (`builder.targets.olx`). Source locations
are left out of equality: a course loaded from its own export compares equal to the original.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Component:
    """A leaf in a unit: html, one of our custom blocks, or another Open edX type."""

    category: str
    url_name: str
    display_name: str
    attrs: dict[str, str]  # the element's attributes, url_name excluded
    file: str = field(compare=False)
    line: int = field(compare=False)
    html: str | None = None  # for category 'html': the HTML body (from html/<x>.html or inline)
    block: object | None = None  # for our custom blocks: the parsed model from xblocks.registry
    xml: str | None = None  # for other Open edX types: the element, pointers inlined, written back as is


@dataclass
class Unit:
    """A vertical: what a learner sees on one page."""

    url_name: str
    display_name: str
    attrs: dict[str, str]
    components: list[Component]
    file: str = field(compare=False)
    line: int = field(compare=False)


@dataclass
class Subsection:
    """A sequential."""

    url_name: str
    display_name: str
    attrs: dict[str, str]
    units: list[Unit]
    file: str = field(compare=False)
    line: int = field(compare=False)


@dataclass
class Chapter:
    url_name: str
    display_name: str
    attrs: dict[str, str]
    subsections: list[Subsection]
    file: str = field(compare=False)
    line: int = field(compare=False)


@dataclass
class Course:
    name: str = field(compare=False)  # the folder name; an export unpacks into `course/`
    folder: Path = field(compare=False)
    org: str
    course: str
    run: str  # the url_name of course.xml's pointer: course/<run>.xml, policies/<run>/
    display_name: str
    language: str
    attrs: dict[str, str]  # attributes of course/<run>.xml's root, url_name excluded
    chapters: list[Chapter]
    policy: dict  # policies/<run>/policy.json, the whole document
    grading_policy: dict  # policies/<run>/grading_policy.json
    static_files: list[str]  # paths under static/, sorted, '/'-separated
    course_extras: list[str] = field(default_factory=list)  # non-chapter children of <course> (wiki...), as XML
    other_files: list[str] = field(default_factory=list)  # about/, info/, tabs/... copied through unchanged

    def units(self) -> Iterator[tuple[Chapter, Subsection, Unit]]:
        for chapter in self.chapters:
            for subsection in chapter.subsections:
                for unit in subsection.units:
                    yield chapter, subsection, unit

    def components(self) -> Iterator[Component]:
        for _chapter, _subsection, unit in self.units():
            yield from unit.components

    def course_policy(self) -> dict:
        """The `course/<run>` entry of policy.json (course-wide settings), or {}."""
        entry = self.policy.get(f"course/{self.run}") if isinstance(self.policy, dict) else None
        return entry if isinstance(entry, dict) else {}

    def setting(self, name: str, default=None):
        """A course setting as Studio resolves it: policy.json overrides the XML attribute."""
        policy = self.course_policy()
        if name in policy:
            return policy[name]
        return self.attrs.get(name, default)

    def block_types(self) -> list[str]:
        """Our custom block tags used in this course, sorted."""
        return sorted({c.category for c in self.components() if c.block is not None})
