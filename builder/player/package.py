"""The generic offline player's share of a package: its pages, one script and one stylesheet, and
the course static files the pages use. A run-time adapter (`Runtime`) adds its binding to the LMS;
its target adds the manifest and writes the archive.

A page holds whole chapters (the course, or one chapter). Units are rendered at build time: html
components with their static references made local, our blocks with their own templates; the
blocks' scripts are mounted in the browser by `static/player.js` with `P2PStore.offline`, whose
slot is the adapter's runtime.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rcssmin
import rjsmin
from calmjs.parse import es5
from calmjs.parse.exceptions import ECMASyntaxError
from calmjs.parse.unparsers.es5 import minify_print

from builder.build import BuildError
from builder.course import Chapter, Course
from builder.grading import grading_outline, grading_policy
from builder.player.blocks import playability_problems, render_block
from builder.player.html import PLAYER_CSP, offline_html, packaged_static
from xblocks.common.i18n import normalize_language, script_catalogue
from xblocks.common.kind import kind, known, template_name
from xblocks.common.problems import Problem
from xblocks.common.rendering import XBLOCKS_DIR, render

PLAYER_STATIC = Path(__file__).resolve().parent / "static"
STORE_SCRIPT = XBLOCKS_DIR / "common" / "static" / "p2p-store.js"
PAGE_TEMPLATE = "templates/sco.html"

# Scripts in load order: the codec and the store (and the certificate, in a package that has one),
# then the adapter's, then the blocks', and the shell last (it starts the adapter's runtime and
# mounts the blocks).
CERTIFICATE_SCRIPT = PLAYER_STATIC / "certificate.js"
CORE_SCRIPTS = (
    PLAYER_STATIC / "state-codec.js",
    STORE_SCRIPT,
    PLAYER_STATIC / "grader.js",
    PLAYER_STATIC / "course-state.js",
)
SHELL_SCRIPT = PLAYER_STATIC / "player.js"
SHELL_STYLE = PLAYER_STATIC / "player.css"
# What a package holds of them: everything bundled and minified.
BUNDLE_SCRIPT = "player/p2p-player.js"
BUNDLE_STYLE = "player/p2p-player.css"

# Package paths every LMS importer takes: ASCII letters, digits, '-', '_', '.', '/' as separator.
_SAFE_NAME = re.compile(r"[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*")


@dataclass(frozen=True)
class Runtime:
    """A run-time adapter: what one LMS standard adds to the generic player.

    The adapter's scripts define `global_name` with `start(data, ui) -> runtime` (the interface is
    described in `static/player.js`); `data` is the page's p2p-data, which holds `page_data`.
    """

    name: str  # e.g. "scorm12"
    global_name: str  # e.g. "P2PScorm"
    scripts: tuple[Path, ...]
    page_data: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Page:
    """One player page: `href` in the package, its title, and the chapters it holds."""

    href: str
    title: str
    chapters: tuple[Chapter, ...]


@dataclass(frozen=True)
class PlayerFiles:
    """The player's files of a package: `files` maps package paths to bytes or a course file;
    `page_files` lists, per page href, the files that page alone uses (the page first);
    `shared` are the files every page uses."""

    files: dict[str, Path | bytes]
    page_files: dict[str, tuple[str, ...]]
    shared: tuple[str, ...]


def pages_of(course: Course, per: str) -> list[Page]:
    """One page for the whole course (`per="course"`, `index.html`) or one per chapter
    (`chapter-NN.html`), chapters without units left out; BuildError if no unit is left."""
    playable = [c for c in course.chapters if any(s.units for s in c.subsections)]  # a page needs a unit
    if not playable:
        raise BuildError(
            [
                Problem(
                    str(course.folder / "course" / f"{course.run}.xml"),  # where chapters are written
                    None,
                    "the course has no units, so a package would be empty",
                    "add a vertical with content to a sequential of a chapter",
                )
            ]
        )
    if per == "course":
        return [Page("index.html", course.display_name, tuple(playable))]
    return [
        Page(f"chapter-{index:02d}.html", chapter.display_name, (chapter,))
        for index, chapter in enumerate(playable, start=1)
    ]


def build_player(course: Course, runtime: Runtime, pages: list[Page], package_id: str) -> PlayerFiles:
    """Render every page and bundle the scripts; BuildError listing every problem found (components
    the player cannot play, html that cannot play offline, missing files, unsafe file names)."""
    problems = playability_problems(course)
    lang = normalize_language(course.language)
    kinds = sorted({c.category for c in course.components() if kind(c.category)})
    shared = bundle(kinds, runtime, problems)
    files: dict[str, Path | bytes] = {}
    page_files: dict[str, tuple[str, ...]] = {}
    for index, page in enumerate(pages):
        following = pages[index + 1] if index + 1 < len(pages) else None
        html, statics = _render_page(course, page, runtime, package_id, lang, problems, following)
        files[page.href] = html.encode("utf-8")
        for name in statics:
            files[f"static/{name}"] = packaged_static(course, name, problems)
        page_files[page.href] = (page.href, *(f"static/{name}" for name in statics))
    if problems:
        raise BuildError(sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.message)))
    files.update(shared)
    check_names(files)
    return PlayerFiles(files, page_files, tuple(sorted(shared)))


def bundle(kinds: list[str], runtime: Runtime, problems: list[Problem]) -> dict[str, bytes]:
    """One minified script and one stylesheet for every page of the package: fewer requests, and
    gzip shares one dictionary across the codec, the store, the runtime, the blocks and the shell."""
    scripts = [*CORE_SCRIPTS, *runtime.scripts]
    if runtime.page_data.get("certificate") is not None:  # only a level's single-SCO package has one
        scripts.insert(len(CORE_SCRIPTS) - 1, CERTIFICATE_SCRIPT)
    styles = [SHELL_STYLE]
    for tag in kinds:
        block = known(tag)
        if not block.script.is_file():
            problems.append(
                Problem(
                    template_name(block.script),
                    None,
                    f"the {tag} block has no script",
                    "add the block's static script",
                )
            )
        else:
            scripts.append(block.script)
        if block.style.is_file():
            styles.append(block.style)
    scripts.append(SHELL_SCRIPT)
    for path in scripts + styles:
        if not path.is_file():
            problems.append(
                Problem(
                    path.name,
                    None,
                    "a player file is missing from the builder",
                    "reinstall the project from a complete checkout",
                )
            )
    if problems:
        return {}
    names = ", ".join(p.name for p in scripts)
    script = f"/* {names} (minified) */\n" + "\n;\n".join(
        minified_script(p.read_text(encoding="utf-8")) for p in scripts
    )
    style = "\n".join(rcssmin.cssmin(p.read_text(encoding="utf-8")) for p in styles)
    return {BUNDLE_SCRIPT: script.encode("utf-8"), BUNDLE_STYLE: style.encode("utf-8")}


@functools.lru_cache(maxsize=64)
def minified_script(source: str) -> str:
    """A script as the package carries it: comments and spaces gone, and each function's local names
    shortened (the scripts keep their names in one closure each; globals and properties are kept).
    Our scripts are ES5 (tests/scorm/test_player_size.py); a script the ES5 parser cannot read, from
    a block installed from elsewhere, is only stripped of comments and spaces."""
    try:
        tree = es5(source)
    except ECMASyntaxError:
        return str(rjsmin.jsmin(source))
    return str(minify_print(tree, obfuscate=True, obfuscate_globals=False, drop_semi=True))


def _render_page(
    course: Course,
    page: Page,
    runtime: Runtime,
    package_id: str,
    lang: str,
    problems: list[Problem],
    following: Page | None = None,
) -> tuple[str, list[str]]:
    statics: set[str] = set()
    toc: list[dict[str, Any]] = []
    units: list[dict[str, Any]] = []
    blocks: list[dict[str, Any]] = []
    for chapter in page.chapters:
        unit_numbers: list[int] = []
        entry = {"title": chapter.display_name, "units": unit_numbers}
        for subsection in chapter.subsections:
            for unit in subsection.units:
                number = len(units)
                components: list[dict[str, Any]] = []
                for component in unit.components:
                    if component.category == "html":
                        components.append({"kind": "html", "html": offline_html(course, component, statics, problems)})
                    elif component.block is not None and kind(component.category):
                        block = render_block(course, component, number, lang, statics, problems)
                        if block:
                            blocks.append(block["data"])
                            components.append({"kind": "block", "html": block["html"], "id": block["data"]["id"]})
                units.append(
                    {
                        "id": unit.url_name,
                        "title": unit.display_name,
                        "chapter": chapter.display_name,
                        "subsection": subsection.display_name,
                        "components": components,
                        "anchor": f"unit-{number + 1}",
                    }
                )
                unit_numbers.append(number)
        toc.append(entry)
    data = {
        **runtime.page_data,
        "runtime": runtime.global_name,
        "package": package_id,
        "sco": page.href,
        # The page after this one (a chapter's SCO): the player's Next can ask the LMS to open it.
        "next_page": {"title": following.title} if following else None,
        "lang": lang,
        "i18n": script_catalogue(lang, SHELL_SCRIPT, CERTIFICATE_SCRIPT, *runtime.scripts),
        "units": [{"id": u["id"], "title": u["title"]} for u in units],
        "blocks": blocks,
        # The course grade, as Open edX computes it (grader.js): the whole course's outline, so a
        # chapter page counts the other chapters' subsections as not attempted here.
        "grading": {"policy": grading_policy(course), "subsections": grading_outline(course)},
    }
    html = render(
        PAGE_TEMPLATE,
        lang,
        title=page.title,
        course_title=course.display_name,
        toc=toc,
        units=units,
        scripts=[BUNDLE_SCRIPT],
        styles=[BUNDLE_STYLE],
        data=data,
        content_security_policy=PLAYER_CSP,
    )
    return html, sorted(statics)


def check_names(files: Mapping[str, Path | bytes]) -> None:
    """BuildError naming every file whose package path an LMS importer could break on."""
    bad = [n for n in files if n.startswith("/") or ".." in n.split("/") or not _SAFE_NAME.fullmatch(n)]
    if bad:  # name the file where the author keeps it
        raise BuildError(
            [
                Problem(
                    str(files[n]) if isinstance(files[n], Path) else n,
                    None,
                    "file name cannot go into a package safely (some LMS importers break on"
                    " spaces, accents and symbols)",
                    "rename it with ASCII letters, digits, '-', '_' and '.' only, and update the references to it",
                )
                for n in bad
            ]
        )
