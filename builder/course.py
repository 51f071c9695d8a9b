"""A course folder in Open edX OLX (the layout Studio exports) -> the Course model.

The model keeps where every element came from (`file`, `line`) so each problem can be located,
and enough of the source to write the course back out (`builder.targets.olx`). Source locations
are left out of equality: a course loaded from its own export compares equal to the original.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote

from lxml import etree

from xblocks.common.kind import kind
from xblocks.common.problems import Problem
from xblocks.common.sanitize import removals


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
    block: object | None = None  # for our custom blocks: the parsed model (xblocks.common.kind)
    xml: str | None = None  # for other Open edX types: the element, pointers inlined, written back as is
    # For other Open edX types: the source kept the element in <category>/<url_name>.xml. The export
    # keeps each block in the form it came in, because blocks without Open edX's XmlMixin (pure
    # XBlocks) read only the inline form; a pointer to them imports as an empty block.
    own_file: bool = field(default=False, compare=False)
    # For category 'html': where the body's text starts (html/<x>.html line 1, or the inline element),
    # so a problem found later in the body (by a build target) names its own line.
    html_file: str | None = field(default=None, compare=False)
    html_line: int = field(default=1, compare=False)


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
    policy: dict[str, Any]  # policies/<run>/policy.json, the whole document
    grading_policy: dict[str, Any]  # policies/<run>/grading_policy.json
    static_files: list[str]  # paths under static/, sorted, '/'-separated
    course_extras: list[str] = field(default_factory=list)  # non-chapter children of <course> (wiki...), as XML
    other_files: list[str] = field(default_factory=list)  # about/, info/, tabs/... copied through unchanged
    # What an author should know that does not stop a build: what the HTML sanitizer takes out of
    # html components (xblocks.common.sanitize), located.
    warnings: list[Problem] = field(default_factory=list, compare=False)
    # A pathway level's build only: its certificate's terms (builder.pathways.certificate_terms).
    certificate: dict[str, Any] | None = field(default=None, compare=False)

    def units(self) -> Iterator[tuple[Chapter, Subsection, Unit]]:
        for chapter in self.chapters:
            for subsection in chapter.subsections:
                for unit in subsection.units:
                    yield chapter, subsection, unit

    def components(self) -> Iterator[Component]:
        for _chapter, _subsection, unit in self.units():
            yield from unit.components

    def course_policy(self) -> dict[str, Any]:
        """The `course/<run>` entry of policy.json (course-wide settings), or {}."""
        entry = self.policy.get(f"course/{self.run}") if isinstance(self.policy, dict) else None
        return entry if isinstance(entry, dict) else {}

    def setting(self, name: str, default: Any = None) -> Any:
        """A course setting as Studio resolves it: policy.json overrides the XML attribute."""
        policy = self.course_policy()
        if name in policy:
            return policy[name]
        value = self.attrs.get(name, default)
        if isinstance(value, str) and value[:1] in ('"', "[", "{"):  # Studio writes non-string fields as JSON
            try:
                return json.loads(value)
            except ValueError:
                pass
        return value

    def block_types(self) -> list[str]:
        """Our custom block tags used in this course, sorted."""
        return sorted({c.category for c in self.components() if c.block is not None})


# Component types an Open edX site offers without listing them in advanced_modules.
BUILT_IN_COMPONENTS = frozenset(
    {
        "html",
        "problem",
        "video",
        "discussion",
        "library_content",
        "itembank",
        "split_test",
        "conditional",
        "openassessment",
        "drag-and-drop-v2",
    }
)
# Attributes the XBlock runtime writes on export (Studio's `xblock-family="xblock.v1"`).
RUNTIME_ATTRIBUTES = ("xblock-family",)
# One rule for every url_name, course.xml's included: it names files (chapter/<url_name>.xml,
# policies/<run>/), so it may not start with a dot ("." and ".." would leave the folder).
URL_NAME = re.compile(r"^[A-Za-z0-9_:-][A-Za-z0-9_.:-]*$")
URL_NAME_FIX = "use only letters, digits and _ . : - (not starting with a dot)"
# Sources are read whole; a larger XML, HTML or JSON file is a mistake (a pasted data dump), not a course.
MAX_SOURCE_BYTES = 10 * 2**20
# Static files are streamed into the packages; Studio (as Tutor sets it up) refuses bigger uploads,
# and a package that size is too slow on a phone. Video belongs on a video service.
MAX_STATIC_BYTES = 100 * 2**20
# How many pointers may lead into each other below one component (Open edX's own blocks nest a few).
MAX_POINTER_DEPTH = 32
# Folders in a course (static/img/..., about/...) nest a few levels; deeper is a generated or hostile tree.
MAX_FOLDER_DEPTH = 16


def _parser() -> etree.XMLParser:
    return etree.XMLParser(remove_comments=True, remove_pis=True, resolve_entities=False)


def attrs_of(element: Any) -> dict[str, str]:
    """An element's attributes without its url_name (that is where it lives, not what it is)."""
    return {k: v for k, v in element.attrib.items() if k != "url_name"}


def is_pointer(element: Any) -> bool:
    """Studio's pointer form: only a url_name, no content; the definition is <tag>/<url_name>.xml."""
    return set(element.attrib) == {"url_name"} and len(element) == 0 and not (element.text or "").strip()


def json_line(text: str, key: str, within: str | None = None) -> int:
    """The line where `"key"` first appears in a JSON text, after `"within"` if given (1 if absent)."""
    start = max(text.find(json.dumps(within)), 0) if within else 0
    at = text.find(json.dumps(key), start)
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


_Item = TypeVar("_Item")
Where = Path | str  # a file a problem is reported at


class _Loader:
    def __init__(self, folder: Path):
        self.folder = folder
        self.root = Path(os.path.realpath(folder))
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.url_names: dict[tuple[str, str], tuple[str, int]] = {}
        self.consumed: set[Path] = set()
        self.static: list[str] = []  # files under static/ that passed the checks, '/'-separated
        self.pointers: list[tuple[str, str]] = []  # the pointers being followed, outermost first

    # -- helpers --
    def problem(self, file: Where, line: int | None, message: str, fix: str) -> None:
        self.problems.append(Problem(str(file), line, message, fix))

    def inside(self, path: Path, file: Where, line: int | None) -> bool:
        """Whether `path` is inside the course folder once symlinks are followed (a problem at file:line if not).

        Every file the loader reads or lists passes here: a contributed course must never pull the
        build machine's own files into a package.
        """
        try:
            real = Path(os.path.realpath(path, strict=False))
        except (OSError, RuntimeError):  # a symlink loop
            real = None
        if real is not None and (real == self.root or self.root in real.parents):
            return True
        self.problem(
            file,
            line,
            f"{self.relative(path)} leads outside the course folder (a symlink, an absolute path or ..)",
            "put the file itself inside the course folder; a course may use only its own files",
        )
        return False

    def relative(self, path: Path) -> str:
        try:
            return path.relative_to(self.folder).as_posix()
        except ValueError:
            return str(path)

    def too_big(self, path: Path, limit: int, what: str, fix: str) -> bool:
        """Whether a file is over its size limit (a problem at the file if so)."""
        size = path.stat().st_size
        if size > limit:
            self.problem(
                path, None, f"the file is {size / 2**20:.1f} MB; {what} may be at most {limit // 2**20} MB", fix
            )
        return size > limit

    def read_bytes(self, path: Path, file: Where | None = None, line: int | None = None) -> bytes | None:
        """A source file's bytes, or None (the problem recorded at file:line, or at the file itself)."""
        self.consumed.add(path)
        file = path if file is None else file
        if not self.inside(path, file, line):
            return None
        try:
            if self.too_big(path, MAX_SOURCE_BYTES, "a course source", "split the content into several files"):
                return None
            with open(path, "rb") as handle:
                return handle.read(MAX_SOURCE_BYTES + 1)
        except OSError as error:
            self.problem(path, None, f"cannot read the file: {error.strerror}", "check that it exists and is readable")
            return None

    def read_text(self, path: Path, file: Where | None = None, line: int | None = None) -> str | None:
        """A UTF-8 source file's text, or None: bytes that are not UTF-8 are located (line:column), never replaced."""
        data = self.read_bytes(path, file, line)
        if data is None:
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as error:
            before = data[: error.start]
            line_number = before.count(b"\n") + 1
            column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
            self.problem(
                path,
                line_number,
                f"column {column}: byte 0x{data[error.start]:02x} is not UTF-8",
                "save the file as UTF-8 (your editor's 'Save with encoding' or 'Reopen with encoding')",
            )
            return None

    def parse_file(self, path: Path, file: Where | None = None, line: int | None = None) -> Any:
        """The root element of an XML file, or None (the problem recorded)."""
        data = self.read_bytes(path, file, line)
        if data is None:
            return None
        try:
            return etree.fromstring(data, _parser(), base_url=str(path))
        except etree.XMLSyntaxError as error:
            line = error.lineno or (error.position[0] if error.position else None)
            message = (error.msg or str(error)).split(f", line {line}")[0]
            column = error.position[1] if error.position and error.position[1] else None
            self.problem(
                path,
                line,
                f"malformed XML: {message}{f' (column {column})' if column else ''}",
                "fix the markup so every tag is closed and attributes are quoted",
            )
        return None

    def read_json(self, path: Path) -> tuple[dict[str, Any] | None, str]:
        self.consumed.add(path)
        if not path.is_file() and not path.is_symlink():
            self.problem(
                path, None, "file is missing", f"create {path.name} (a Studio export has one in policies/<run>/)"
            )
            return None, ""
        text = self.read_text(path)
        if text is None:
            return None, ""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            self.problem(
                path,
                error.lineno,
                f"JSON does not parse: {error.msg}",
                "fix the syntax (quotes around keys, commas between entries, no trailing comma)",
            )
            return None, text
        if not isinstance(data, dict):
            self.problem(path, 1, "the document is not a JSON object", "wrap the settings in { ... }")
            return None, text
        return data, text

    def resolve(self, element: Any, file: Path, category: str) -> tuple[Any, Path, str] | None:
        """(definition element, its file, url_name) for an inline or pointer element, or None."""
        url_name = element.get("url_name")
        if url_name is None:
            self.problem(
                file,
                element.sourceline,
                f"<{category}> has no url_name",
                'add url_name="..." (letters, digits, _ . : -), unique among its kind',
            )
            return None
        if not URL_NAME.match(url_name):
            self.problem(
                file,
                element.sourceline,
                f"<{category}> url_name {url_name!r} has characters Open edX refuses",
                URL_NAME_FIX,
            )
            return None
        if not is_pointer(element):
            return element, file, url_name
        target = self.folder / category / f"{url_name}.xml"
        if not target.is_file() and not target.is_symlink():
            self.problem(
                file,
                element.sourceline,
                f'<{category} url_name="{url_name}"> points to {category}/{url_name}.xml, which does not exist',
                "create that file or correct the url_name",
            )
            return None
        root = self.parse_file(target, file, element.sourceline)
        if root is None:
            return None
        if root.tag != category:
            self.problem(
                target,
                root.sourceline,
                f"root element is <{root.tag}>, expected <{category}>",
                f"make the file's root element <{category}>",
            )
            return None
        return root, target, url_name

    def register(self, category: str, url_name: str, file: Path, line: int) -> None:
        """Note where a url_name is used (the pointer or inline element), reporting a second use."""
        first = self.url_names.setdefault((category, url_name), (str(file), line))
        if first != (str(file), line):
            self.problem(
                file,
                line,
                f'duplicate url_name "{url_name}" for <{category}> (first used at {first[0]}:{first[1]})',
                "give each one a unique url_name",
            )

    def display_name(self, element: Any, file: Path, category: str) -> str:
        name = (element.get("display_name") or "").strip()
        if not name:
            self.problem(
                file,
                element.sourceline,
                f"<{category}> has no display_name",
                'add display_name="..." (learners see it in the navigation and as the heading)',
            )
        return name

    def children(
        self, element: Any, file: Path, expected: str, parent: str, load: Callable[[Any, Path, str], _Item]
    ) -> list[_Item]:
        items = []
        for child in element:
            if not isinstance(child.tag, str):
                continue
            if child.tag != expected:
                self.problem(
                    file,
                    child.sourceline,
                    f"<{child.tag}> is not allowed inside <{parent}>",
                    f"a <{parent}> holds only <{expected}> elements; move it into the right level",
                )
                continue
            resolved = self.resolve(child, file, expected)
            if resolved is not None:
                definition, def_file, url_name = resolved
                self.register(expected, url_name, file, child.sourceline)
                items.append(load(definition, def_file, url_name))
        return items

    # -- structure --
    def chapter(self, element: Any, file: Path, url_name: str) -> Chapter:
        return Chapter(
            url_name,
            self.display_name(element, file, "chapter"),
            attrs_of(element),
            self.children(element, file, "sequential", "chapter", self.subsection),
            str(file),
            element.sourceline,
        )

    def subsection(self, element: Any, file: Path, url_name: str) -> Subsection:
        return Subsection(
            url_name,
            self.display_name(element, file, "sequential"),
            attrs_of(element),
            self.children(element, file, "vertical", "sequential", self.unit),
            str(file),
            element.sourceline,
        )

    def unit(self, element: Any, file: Path, url_name: str) -> Unit:
        components = []
        for child in element:
            if not isinstance(child.tag, str):
                continue
            if child.tag in ("course", "chapter", "sequential", "vertical"):
                self.problem(
                    file,
                    child.sourceline,
                    f"<{child.tag}> is not allowed inside <vertical>",
                    "a <vertical> holds components (html, our blocks...); move it to its own level",
                )
                continue
            resolved = self.resolve(child, file, child.tag)
            if resolved is None:
                continue
            definition, def_file, child_url_name = resolved
            self.register(child.tag, child_url_name, file, child.sourceline)
            component = self.component(definition, def_file, child_url_name)
            if component is not None:
                component.own_file = definition is not child
                components.append(component)
        return Unit(
            url_name,
            self.display_name(element, file, "vertical"),
            attrs_of(element),
            components,
            str(file),
            element.sourceline,
        )

    def component(self, element: Any, file: Path, url_name: str) -> Component | None:
        category = element.tag
        for name in RUNTIME_ATTRIBUTES:  # what Studio's export says about the runtime, not the content
            element.attrib.pop(name, None)
        # Components may go without a display_name: Open edX shows its default for the type.
        component = Component(
            category,
            url_name,
            " ".join(element.get("display_name", "").split()),
            attrs_of(element),
            str(file),
            element.sourceline,
        )
        if category == "html":
            self.html_component(component, element, file)
            return component
        try:
            block_kind = kind(category)
            module = block_kind.model if block_kind else None
        except ImportError as error:
            self.problem(
                file,
                element.sourceline,
                f"<{category}> cannot be checked: its model does not import ({error})",
                "fix the block's model.py (or reinstall the package)",
            )
            return None
        if module is not None:
            # The definition file of Studio's pointer form has no url_name; give the model the same
            # element either way, so a course and its export load equal.
            element.set("url_name", url_name)
            model, problems = module.parse(element, str(file))
            self.problems.extend(problems)
            component.block = model
            if model is not None:  # attributes as the model writes them (defaults included), so an export reloads equal
                component.attrs.update(attrs_of(module.serialize(model)))
            for name in module.static_files(model) if model is not None else []:
                if name not in self.static:
                    self.problem(
                        file,
                        element.sourceline,
                        f"<{category}> refers to static/{name}, which does not exist",
                        "add the file under static/ or correct the name",
                    )
            return component if model is not None else None
        self.pointers.append((category, url_name))
        try:
            component.xml = etree.tostring(self.inlined(element, file), encoding="unicode")
        finally:
            self.pointers.pop()
        return component

    def inlined(self, element: Any, file: Path) -> Any:
        """A copy of an element with every pointer below it replaced by its definition.

        A pointer that leads back to one being followed (a cycle), or pointers nested deeper than
        MAX_POINTER_DEPTH, are problems at the pointer, not an endless recursion.
        """
        copy = etree.fromstring(etree.tostring(element))
        copy.attrib.pop("url_name", None)
        for original, duplicate in zip(element, copy):
            if not isinstance(original.tag, str):
                continue
            if is_pointer(original):
                key = (original.tag, original.get("url_name"))
                if key in self.pointers:
                    chain = " -> ".join(f"{tag}/{name}.xml" for tag, name in self.pointers[self.pointers.index(key) :])
                    self.problem(
                        file,
                        original.sourceline,
                        f'<{key[0]} url_name="{key[1]}"> points back to a file that contains it ({chain} -> {key[0]}/{key[1]}.xml)',
                        "break the cycle: a block cannot contain itself",
                    )
                    continue
                if len(self.pointers) >= MAX_POINTER_DEPTH:
                    self.problem(
                        file,
                        original.sourceline,
                        f"pointers nest more than {MAX_POINTER_DEPTH} deep here",
                        "flatten the structure: write the nested blocks inline or side by side",
                    )
                    continue
                resolved = self.resolve(original, file, original.tag)
                if resolved is None:
                    continue
                definition, def_file, url_name = resolved
                self.pointers.append(key)
                try:
                    replacement = self.inlined(definition, def_file)
                finally:
                    self.pointers.pop()
                replacement.set("url_name", url_name)
                replacement.tail = duplicate.tail
                copy.replace(duplicate, replacement)
        return copy

    def html_component(self, component: Component, element: Any, file: Path) -> None:
        filename = element.get("filename")
        if filename is not None:
            component.attrs.pop("filename")
            component.html = ""
            if not URL_NAME.match(filename):  # the file is html/<filename>.html: the url_name rule keeps it there
                self.problem(
                    file,
                    element.sourceline,
                    f'<html filename="{filename}"> names a file outside html/ or with characters Open edX refuses',
                    f"give the name of a file in html/ without folders; {URL_NAME_FIX}",
                )
                return
            path = self.folder / "html" / (filename if filename.endswith(".html") else f"{filename}.html")
            if not path.is_file() and not path.is_symlink():
                self.problem(
                    file,
                    element.sourceline,
                    f'<html filename="{filename}"> needs html/{path.name}, which does not exist',
                    "create that file or correct the filename",
                )
                return
            text = self.read_text(path, file, element.sourceline)
            if text is None:
                return
            component.html = text
            component.html_file, component.html_line = str(path), 1
            self.problems.extend(check_html(component.html, str(path), 1))
            self.problems.extend(self.check_static_refs(component.html, path, 1))
        else:
            inner = (element.text or "") + "".join(etree.tostring(child, encoding="unicode") for child in element)
            component.html = inner
            component.html_file, component.html_line = str(file), element.sourceline or 1
            self.problems.extend(self.check_static_refs(inner, file, element.sourceline))
        self.warnings.extend(sanitizer_warnings(component.html, component.html_file, component.html_line))

    def check_static_refs(self, html: str, file: Path, first_line: int) -> list[Problem]:
        problems = []
        for match in STATIC_REF.finditer(html):
            name = unquote(match.group(1))
            if name not in self.static:
                line = first_line + html.count("\n", 0, match.start())
                problems.append(
                    Problem(
                        str(file),
                        line,
                        f"refers to /static/{name}, which does not exist in static/",
                        "add the file under static/ or correct the path",
                    )
                )
        return problems

    # -- course --
    def load(self) -> Course | None:
        folder = self.folder
        if not folder.is_dir():
            self.problem(
                folder,
                None,
                "course folder not found",
                "give the path of a folder that holds course.xml (for example courses/<name>)",
            )
            return None
        pointer_file = folder / "course.xml"
        if not pointer_file.is_file():
            self.problem(
                pointer_file,
                None,
                "course.xml is missing",
                'add course.xml: <course url_name="RUN" org="ORG" course="NUMBER"/>',
            )
            return None
        pointer = self.parse_file(pointer_file)
        if pointer is None:
            return None
        if pointer.tag != "course":
            self.problem(
                pointer_file,
                pointer.sourceline,
                f"root element is <{pointer.tag}>, expected <course>",
                'write <course url_name="RUN" org="ORG" course="NUMBER"/>',
            )
            return None
        values = {}
        for name in ("url_name", "org", "course"):
            values[name] = pointer.get(name, "")
            if not values[name]:
                self.problem(
                    pointer_file,
                    pointer.sourceline,
                    f"<course> has no {name}",
                    f'add {name}="..." to the <course> element of course.xml',
                )
        run = values["url_name"]
        if not run:
            return None
        if not URL_NAME.match(run):
            self.problem(
                pointer_file,
                pointer.sourceline,
                f"<course> url_name {run!r} has characters Open edX refuses",
                URL_NAME_FIX,
            )
            return None
        self.static = self.static_files()
        if len(pointer) == 0:
            definition_file = folder / "course" / f"{run}.xml"
            if not definition_file.is_file() and not definition_file.is_symlink():
                self.problem(
                    pointer_file,
                    pointer.sourceline,
                    f'<course url_name="{run}"> points to course/{run}.xml, which does not exist',
                    "create that file or correct the url_name",
                )
                return None
            definition = self.parse_file(definition_file, pointer_file, pointer.sourceline)
            if definition is None:
                return None
            if definition.tag != "course":
                self.problem(
                    definition_file,
                    definition.sourceline,
                    f"root element is <{definition.tag}>, expected <course>",
                    "make the file's root element <course>",
                )
                return None
        else:
            definition, definition_file = pointer, pointer_file

        policy_dir = folder / "policies" / run
        policy, policy_text = self.read_json(policy_dir / "policy.json")
        grading, grading_text = self.read_json(policy_dir / "grading_policy.json")

        chapters, extras = [], []
        for child in definition:
            if not isinstance(child.tag, str):
                continue
            if child.tag == "chapter":
                resolved = self.resolve(child, definition_file, "chapter")
                if resolved is not None:
                    element, file, url_name = resolved
                    self.register("chapter", url_name, definition_file, child.sourceline)
                    chapters.append(self.chapter(element, file, url_name))
            elif child.tag == "wiki":
                extras.append(etree.tostring(child, encoding="unicode", with_tail=False))
            else:
                self.problem(
                    definition_file,
                    child.sourceline,
                    f"<{child.tag}> is not allowed inside <course>",
                    "a <course> holds <chapter> elements (and Studio's <wiki>); move it into a unit",
                )

        attrs = attrs_of(definition)
        if definition is pointer:  # an inline course.xml: org and course are the model's own fields
            attrs.pop("org", None)
            attrs.pop("course", None)
        course = Course(
            name=folder.name,
            folder=folder,
            org=values["org"],
            course=values["course"],
            run=run,
            display_name=attrs.get("display_name", ""),
            language=attrs.get("language", ""),
            attrs=attrs,
            chapters=chapters,
            policy=policy or {},
            grading_policy=grading or {},
            static_files=self.static,
            course_extras=extras,
        )
        course.display_name = str(course.setting("display_name", "") or "")
        course.language = str(course.setting("language", "") or "")
        if policy is not None:
            self.check_policy(course, policy_dir / "policy.json", policy_text, definition_file, definition)
        if grading is not None:
            self.check_grading(course, policy_dir / "grading_policy.json", grading_text)
        course.other_files = self.other_files()
        return course

    def walk(self, top: Path) -> Iterator[Path]:
        """Every file under `top`, sorted, hidden ones left out. Symlinked folders are not followed (a
        problem); a symlink that leaves the course folder is a problem. Iterative: any depth is fine."""
        if not top.is_dir() or not self.inside(top, top, None):
            return
        stack = [top]
        while stack:
            here = stack.pop()
            try:
                entries = sorted(os.scandir(here), key=lambda entry: entry.name, reverse=True)
            except OSError as error:
                self.problem(here, None, f"cannot read the folder: {error.strerror}", "check its permissions")
                continue
            for entry in entries:
                path = here / entry.name
                if entry.name.startswith(".") or entry.name == "__pycache__" or not self.inside(path, path, None):
                    continue
                if entry.is_dir():
                    if entry.is_symlink():
                        self.problem(
                            path, None, "a symlinked folder is not followed", "replace the link with the folder itself"
                        )
                    elif len(path.relative_to(self.folder).parts) > MAX_FOLDER_DEPTH:
                        self.problem(
                            path,
                            None,
                            f"folders nest more than {MAX_FOLDER_DEPTH} deep here; nothing below is read",
                            "flatten the folder structure",
                        )
                    else:
                        stack.append(path)
                elif entry.is_file():
                    yield path

    def static_files(self) -> list[str]:
        """The files under static/, checked: inside the course folder, and not too big to package."""
        names = []
        for path in self.walk(self.folder / "static"):
            fix = "make it smaller (compress images, shorten audio), or host video on a video service and link to it"
            if path.is_file() and not self.too_big(path, MAX_STATIC_BYTES, "a static file", fix):
                names.append(path.relative_to(self.folder / "static").as_posix())
        return sorted(names)

    def other_files(self) -> list[str]:
        files = []
        for path in self.walk(self.folder):
            relative = path.relative_to(self.folder)
            if path in self.consumed or relative.parts[0] == "static" or not path.is_file():
                continue
            if not self.too_big(path, MAX_SOURCE_BYTES, "a course source", "move large files into static/"):
                files.append(relative.as_posix())
        return sorted(files)

    def check_policy(self, course: Course, path: Path, text: str, definition_file: Path, definition: Any) -> None:
        key = f"course/{course.run}"

        def where(name: str) -> tuple[Path, int]:
            """Where a course setting is written: policy.json wins over the <course> attribute."""
            if name in course.course_policy():
                return path, json_line(text, name, within=key)
            if name in course.attrs:
                return definition_file, definition.sourceline
            return path, json_line(text, key)

        if not isinstance(course.policy.get(key), dict):
            self.problem(
                path,
                json_line(text, key) if key in course.policy else 1,
                f'policy.json lacks the object "{key}"',
                f'add "{key}": {{"start": ..., "end": ..., "course_image": ..., "advanced_modules": [...]}}',
            )
        if not course.display_name:
            self.problem(
                definition_file,
                definition.sourceline,
                "the course has no display_name",
                f'add display_name="..." to <course> or to "{key}" in policy.json',
            )
        dates = {}
        for name in ("start", "end"):
            value = course.setting(name)
            if value in (None, ""):
                self.problem(
                    *where(name),
                    f'the course has no "{name}" date',
                    f'add "{name}": "2026-01-01T00:00:00Z" to "{key}" in policy.json',
                )
                continue
            dates[name] = parse_date(str(value))
            if dates[name] is None:
                self.problem(*where(name), f'"{name}" is not a date: {value!r}', 'write it as "2026-01-01T00:00:00Z"')
        start, end = dates.get("start"), dates.get("end")
        if start and end and start >= end:
            self.problem(*where("end"), "the course ends before it starts", 'make "end" later than "start"')
        image = course.setting("course_image")
        if not image:
            self.problem(
                *where("course_image"),
                'the course has no "course_image"',
                f'add "course_image": "<file in static/>" to "{key}" (Studio shows it on the course card)',
            )
        elif str(image) not in course.static_files:
            self.problem(
                *where("course_image"),
                f'"course_image" {image!r} is not in static/',
                "add the image under static/ or correct the name",
            )
        modules = course.setting("advanced_modules", [])
        if not isinstance(modules, list) or not all(isinstance(m, str) for m in modules):
            self.problem(
                *where("advanced_modules"),
                '"advanced_modules" is not a list of block types',
                'write it as ["scenario_roleplay", ...]',
            )
            modules = []
        used: dict[str, Component] = {}
        for component in course.components():
            used.setdefault(component.category, component)
        for category, first in sorted(used.items()):
            if category in BUILT_IN_COMPONENTS or category in modules:
                continue
            what = (
                "our custom block"
                if kind(category) is not None
                else "a block type Open edX does not provide by default"
            )
            self.problem(
                *where("advanced_modules"),
                f'<{category}> ({what}, first used at {first.file}:{first.line}) is not listed in "advanced_modules"',
                f'add "{category}" to "advanced_modules" in "{key}", or correct the tag if it is a typo',
            )

    def check_grading(self, course: Course, path: Path, text: str) -> None:
        policy = course.grading_policy
        grader = policy.get("GRADER")
        types: set[str] = set()
        if not isinstance(grader, list) or not grader:
            self.problem(
                path,
                json_line(text, "GRADER"),
                '"GRADER" is missing or empty',
                'add "GRADER": [{"type": "...", "min_count": 1, "drop_count": 0, "weight": 1.0}]',
            )
        else:
            total = 0.0
            for number, entry in enumerate(grader, 1):
                line = json_line(text, "GRADER")
                if isinstance(entry, dict) and isinstance(entry.get("type"), str):
                    at = text.find(json.dumps(entry["type"]), text.find('"GRADER"'))
                    line = text.count("\n", 0, at) + 1 if at >= 0 else line
                if not isinstance(entry, dict):
                    self.problem(path, line, f"GRADER entry {number} is not an object", "write it as {...}")
                    continue
                kind = entry.get("type")
                if not isinstance(kind, str) or not kind:
                    self.problem(path, line, f'GRADER entry {number} has no "type"', 'add "type": "<assignment type>"')
                elif kind in types:
                    self.problem(
                        path, line, f'assignment type "{kind}" appears twice in GRADER', "merge the two entries"
                    )
                else:
                    types.add(kind)
                for name, least in (("min_count", 1), ("drop_count", 0)):
                    value = entry.get(name)
                    if not isinstance(value, int) or isinstance(value, bool) or value < least:
                        self.problem(
                            path,
                            line,
                            f'GRADER entry {number}: "{name}" must be a whole number >= {least}',
                            f'write "{name}": {least}',
                        )
                weight = entry.get("weight")
                if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 <= weight <= 1:
                    self.problem(
                        path,
                        line,
                        f'GRADER entry {number}: "weight" must be a number from 0 to 1',
                        'write it as a fraction, for example "weight": 0.5',
                    )
                else:
                    total += weight
            if abs(total - 1) > 1e-8 and all(isinstance(e, dict) for e in grader):
                self.problem(
                    path,
                    json_line(text, "GRADER"),
                    f"GRADER weights add up to {total:g}, not 1",
                    "change the weights so they add up to 1",
                )
        cutoffs = policy.get("GRADE_CUTOFFS")
        if not isinstance(cutoffs, dict) or not cutoffs:
            self.problem(
                path,
                json_line(text, "GRADE_CUTOFFS"),
                '"GRADE_CUTOFFS" is missing or empty',
                'add "GRADE_CUTOFFS": {"Pass": 0.7}',
            )
        else:
            for grade, value in cutoffs.items():
                if grade not in ("Pass", "A", "B", "C", "D"):
                    self.problem(
                        path,
                        json_line(text, grade),
                        f'GRADE_CUTOFFS has an unknown grade "{grade}"',
                        'use "Pass" (or "A" to "D")',
                    )
                elif isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                    self.problem(
                        path,
                        json_line(text, grade),
                        f'GRADE_CUTOFFS "{grade}" must be a number from 0 to 1',
                        f'write "{grade}": 0.7',
                    )
        for _chapter in course.chapters:
            for subsection in _chapter.subsections:
                kind = subsection.attrs.get("format")
                graded = subsection.attrs.get("graded", "false").lower() == "true"
                if kind and isinstance(grader, list) and kind not in types:
                    self.problem(
                        subsection.file,
                        subsection.line,
                        f'assignment type "{kind}" is not in grading_policy.json\'s GRADER',
                        f'use one of {sorted(types)} or add a GRADER entry for "{kind}"',
                    )
                elif graded and not kind:
                    self.problem(
                        subsection.file,
                        subsection.line,
                        'graded="true" but no format (assignment type)',
                        'add format="<a GRADER type>" or remove graded="true"',
                    )
        from builder.grading import pretest_problems  # grading reads this module's Course

        for found in pretest_problems(course):
            self.problem(*found)


STATIC_REF = re.compile(r"""/static/([^"'\s)?#<>]+)""")
VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)
# HTML lets these end without their closing tag.
OPTIONAL_END = frozenset(
    {
        "p",
        "li",
        "dt",
        "dd",
        "tr",
        "td",
        "th",
        "thead",
        "tbody",
        "tfoot",
        "option",
        "colgroup",
        "caption",
        "rb",
        "rt",
        "rp",
        "optgroup",
    }
)


class _TagBalance(HTMLParser):
    def __init__(self, file: str, first_line: int):
        super().__init__(convert_charrefs=True)
        self.file, self.first_line = file, first_line
        self.stack: list[tuple[str, int]] = []
        self.problems: list[Problem] = []

    def line(self) -> int:
        return self.first_line + self.getpos()[0] - 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, self.line()))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_ELEMENTS:
            return
        if not any(open_tag == tag for open_tag, _ in self.stack):
            self.problems.append(
                Problem(
                    self.file,
                    self.line(),
                    f"</{tag}> closes nothing: no <{tag}> is open",
                    f"remove </{tag}> or add the missing <{tag}>",
                )
            )
            return
        while self.stack:
            open_tag, line = self.stack.pop()
            if open_tag == tag:
                return
            if open_tag not in OPTIONAL_END:
                self.problems.append(
                    Problem(
                        self.file,
                        line,
                        f"<{open_tag}> is never closed (</{tag}> comes first)",
                        f"add </{open_tag}> before </{tag}>",
                    )
                )

    def close(self) -> None:
        super().close()
        for open_tag, line in self.stack:
            if open_tag not in OPTIONAL_END:
                self.problems.append(Problem(self.file, line, f"<{open_tag}> is never closed", f"add </{open_tag}>"))


def sanitizer_warnings(html: str, file: str, first_line: int = 1) -> list[Problem]:
    """What the HTML sanitizer takes out of an html component before a learner sees it (in the SCORM
    packages and the trainer's guide), one warning each, so the author can take it out of the source."""
    return [
        Problem(
            file,
            first_line + removal.line - 1,
            f"html: {removal.what} is removed from what learners see ({removal.why})",
            "take it out of the source; docs/authoring-courses.md lists the HTML a course page may use",
        )
        for removal in removals(html)
    ]


def check_html(html: str, file: str, first_line: int = 1) -> list[Problem]:
    """Tags that are opened and never closed, or closed and never opened (HTML's own rules)."""
    checker = _TagBalance(file, first_line)
    checker.feed(html)
    checker.close()
    return checker.problems


def parse_date(value: str) -> datetime | None:
    """A Studio date (ISO 8601, possibly JSON-quoted as Studio writes XML attributes), or None."""
    text = value.strip().strip('"')
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def load_course(folder: Path) -> tuple[Course | None, list[Problem]]:
    """Load a course folder; every problem found is returned, located, sorted by file and line."""
    loader = _Loader(Path(folder))
    course = loader.load()
    problems = sorted(set(loader.problems), key=lambda p: (p.file, p.line or 0, p.message))
    if course is not None:
        course.warnings = list(dict.fromkeys(loader.warnings))
    return course, problems
