"""SCORM 1.2 and SCORM 2004 4th edition packages: the player shell, the blocks, the manifest.

One SCO per course by default (the shape every LMS accepts) or one per chapter. Each SCO is one
page (`index.html`, or `chapter-NN.html`) holding its units; block templates are rendered with the
blocks' own Jinja templates and mounted in the browser with `P2PStore.offline`, so the learner's
state goes through the SCORM runtime (`player/static/scorm-runtime.js`) into `cmi.suspend_data`.
The package holds the scripts and stylesheets bundled and minified, one file each.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import click
import rcssmin
import rjsmin

from builder.archive import write_zip
from builder.build import Artifact, BuildError, BuildOptions
from builder.course import Chapter, Component, Course
from builder.targets.scorm_manifest import PackageSpec, Sco, manifest_xml, schema_files, schema_path, validate_manifest
from xblocks.common.i18n import normalize_language, script_catalogue
from xblocks.common.problems import Problem
from xblocks.common.rendering import XBLOCKS_DIR, render
from xblocks.registry import BLOCK_MODEL_MODULES, model_module

PLAYER_DIR = Path(__file__).resolve().parent.parent / "player"
PLAYER_STATIC = PLAYER_DIR / "static"
STORE_SCRIPT = XBLOCKS_DIR / "common" / "static" / "p2p-store.js"

# Scripts in load order: the codec and the store first, the player last (it mounts the blocks).
RUNTIME_SCRIPTS = ("state-codec.js", "p2p-store.js", "scorm-runtime.js")
PLAYER_SCRIPT = "player.js"
PLAYER_STYLE = "player.css"
# What a package holds of them: everything bundled and minified.
PLAYER_BUNDLE_SCRIPT = "player/p2p-player.js"
PLAYER_BUNDLE_STYLE = "player/p2p-player.css"

# The standard's capacity of cmi.suspend_data, in JavaScript string units.
SUSPEND_DATA_CAPACITY = {"scorm12": 4096, "scorm2004": 64000}
SCO_PER = ("course", "chapter")

_NOT_A_NAME = re.compile(r"[^A-Za-z0-9_.-]")
# Package paths every LMS importer takes: ASCII letters, digits, '-', '_', '.', '/' as separator.
_SAFE_NAME = re.compile(r"[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*")
# src/href/poster/data attributes of author HTML that point into the course's static folder.
_STATIC_REF = re.compile(r"""(\b(?:src|href|poster|data)\s*=\s*["'])/?static/([^"'?#]+)""", re.I)
# ... and the course-absolute ones left after that (srcset lists, url() in style attributes): in a
# package /static/ would point at the LMS's own server. Not after a host name or a path.
_ABSOLUTE_STATIC_REF = re.compile(r"""(?<![\w/.:-])()/static/([^"'\s)?#<>,]+)""")
# ... and those that would make the package reach the network (links a learner follows are fine).
_REMOTE_EMBED = re.compile(
    r"""<(?:img|script|iframe|link|video|audio|source|embed|object)\b[^>]*?"""
    r"""\b(?:src|href|data)\s*=\s*["']((?:https?:)?//[^"']+)"""
    r"""|\bsrcset\s*=\s*["'][^"']*?((?:https?:)?//[^"'\s,]+)"""
    r"""|\burl\(\s*["']?((?:https?:)?//[^"'\s)]+)""",
    re.I,
)


# Author HTML that would run its own code inside the player (which owns the page and the LMS API).
_ACTIVE_HTML = re.compile(r"""<script\b|\son[a-z]+\s*=|(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


@dataclass(frozen=True)
class BlockPlayer:
    """What the player needs of a block kind: its folder under xblocks/ and its script's global."""

    tag: str
    folder: str

    @property
    def global_name(self) -> str:
        return f"P2P{self.folder.capitalize()}"

    @property
    def script(self) -> Path:
        return XBLOCKS_DIR / self.folder / "static" / f"{self.folder}.js"

    @property
    def style(self) -> Path:
        return XBLOCKS_DIR / self.folder / "static" / f"{self.folder}.css"

    @property
    def template(self) -> str:
        return f"{self.folder}/templates/student_view.html"


BLOCK_PLAYERS = {tag: BlockPlayer(tag, module.split(".")[1]) for tag, module in BLOCK_MODEL_MODULES.items()}


def build_scorm12(course: Course, workdir: Path, options: BuildOptions) -> list[Artifact]:
    return [build_package(course, workdir, options, "scorm12")]


def build_scorm2004(course: Course, workdir: Path, options: BuildOptions) -> list[Artifact]:
    return [build_package(course, workdir, options, "scorm2004")]


def mastery_score(course: Course) -> float | None:
    """The lowest passing grade of the grading policy (GRADE_CUTOFFS), as a fraction 0..1."""
    cutoffs = (course.grading_policy or {}).get("GRADE_CUTOFFS") or {}
    values = [float(v) for v in cutoffs.values() if isinstance(v, (int, float)) and 0 < float(v) <= 1]
    return min(values) if values else None


def chapters_in_order(course: Course) -> bool:
    """The author asks chapters to unlock in order with `chapters_in_order="true"` on the course."""
    return str(course.setting("chapters_in_order", "false")).lower() in ("true", "1", "yes")


def sco_warnings(course: Course, version: str, sco_per: str) -> list[str]:
    """Things an author should know about a build that still succeeds."""
    if sco_per != "chapter":
        return []
    found = [
        f"{course.name}-{version}: one SCO per chapter; some LMSs (Tovuti, Rise Up among them) "
        "accept only single-SCO packages — build with --sco-per course for those"
    ]
    if version == "scorm2004" and chapters_in_order(course):
        found.append(
            f"{course.name}-{version}: chapters unlock in order through SCORM 2004 sequencing; "
            "some LMSs (Moodle among them) ignore 2004 sequencing and open every chapter at once"
        )
    elif version == "scorm12" and chapters_in_order(course):
        found.append(
            f"{course.name}-{version}: SCORM 1.2 has no sequencing, so chapters_in_order is not "
            "enforced in this package; build SCORM 2004 to unlock chapters in order"
        )
    return found


def build_package(
    course: Course, workdir: Path, options: BuildOptions, version: str, sco_per: str | None = None
) -> Artifact:
    """Write `<course>-<version>.zip` into workdir; raise BuildError listing every problem."""
    sco_per = sco_per or options.sco_per
    if sco_per not in SCO_PER:
        raise BuildError(
            [Problem(course.name, None, f"--sco-per {sco_per!r} is not known", f"use one of {', '.join(SCO_PER)}")]
        )
    problems = playability_problems(course)
    lang = normalize_language(course.language)
    files: dict[str, Path | bytes] = {}
    scos: list[Sco] = []
    playable = [c for c in course.chapters if any(s.units for s in c.subsections)]  # a SCO needs a unit
    if not playable:
        raise BuildError(
            [
                Problem(
                    course.name,
                    None,
                    "the course has no units, so a package would be empty",
                    "add a vertical with content to a sequential of a chapter",
                )
            ]
        )
    groups = (
        [(course.display_name, playable)]
        if sco_per == "course"
        else [(chapter.display_name, [chapter]) for chapter in playable]
    )
    package_id = _ncname(f"p2p-{course.name}-{version}")
    kinds = sorted({c.category for c in course.components() if c.category in BLOCK_PLAYERS})
    shared = _player_files(kinds, problems)
    for index, (title, chapters) in enumerate(groups, start=1):
        href = "index.html" if sco_per == "course" else f"chapter-{index:02d}.html"
        page, statics = _render_sco(course, chapters, title, href, version, package_id, lang, problems)
        files[href] = page.encode("utf-8")
        sco_files = [href]
        for name in statics:
            files[f"static/{name}"] = course.folder / "static" / name
            sco_files.append(f"static/{name}")
        scos.append(Sco(_ncname(f"sco-{index:02d}"), title, href, tuple(sco_files)))
    if problems:
        raise BuildError(sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.message)))
    files.update(shared)
    spec = PackageSpec(
        version,
        package_id,
        course.display_name,
        tuple(scos),
        mastery_score(course),
        chapters_in_order(course),
        tuple(sorted(shared)),
    )
    manifest = manifest_xml(spec)
    errors = validate_manifest(manifest, version)
    if errors:  # a bug of ours, not the author's: say so plainly
        raise BuildError([Problem("imsmanifest.xml", None, e, "report this as a builder bug") for e in errors])
    files["imsmanifest.xml"] = manifest
    for name in schema_files(version):
        files[name] = schema_path(version, name)
    _check_names(files)
    dest = Path(workdir) / f"{course.name}-{version}.zip"
    write_zip(dest, files.items(), options.mtime)
    for warning in sco_warnings(course, version, sco_per):
        click.echo(f"warning: {warning}", err=True)
    return Artifact.of(dest, sum(1 for _ in course.units()))


def playability_problems(course: Course) -> list[Problem]:
    """Every component the player cannot play, located, with how to fix it."""
    problems = []
    for component in course.components():
        if component.category == "html":
            continue
        module = model_module(component.category) if component.block is not None else None
        if module is None:
            problems.append(
                Problem(
                    component.file,
                    component.line,
                    f"<{component.category}> cannot be played in a SCORM package",
                    "replace it with an html component or one of our blocks "
                    f"({', '.join(sorted(BLOCK_PLAYERS))}), or remove it",
                )
            )
            continue
        refusal = getattr(module, "scorm_refusal", None)
        message = refusal(component.block) if refusal else None
        if message:
            problems.append(
                Problem(
                    component.file,
                    component.line,
                    message,
                    "change the block so it can run without a server, or remove it from this course",
                )
            )
    return problems


def _player_files(kinds: list[str], problems: list[Problem]) -> dict[str, bytes]:
    """One minified script and one stylesheet for every SCO of the package: fewer requests, and
    gzip shares one dictionary across the codec, the store, the runtime, the blocks and the shell."""
    scripts = [STORE_SCRIPT if name == "p2p-store.js" else PLAYER_STATIC / name for name in RUNTIME_SCRIPTS]
    styles = [PLAYER_STATIC / PLAYER_STYLE]
    for tag in kinds:
        block = BLOCK_PLAYERS[tag]
        if not block.script.is_file():
            problems.append(
                Problem(
                    str(block.script.relative_to(XBLOCKS_DIR.parent)),
                    None,
                    f"the {tag} block has no script",
                    "add the block's static script",
                )
            )
        else:
            scripts.append(block.script)
        if block.style.is_file():
            styles.append(block.style)
    scripts.append(PLAYER_STATIC / PLAYER_SCRIPT)
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
    script = f"/* {names} (minified) */\n" + "\n;\n".join(rjsmin.jsmin(p.read_text(encoding="utf-8")) for p in scripts)
    style = "\n".join(rcssmin.cssmin(p.read_text(encoding="utf-8")) for p in styles)
    return {PLAYER_BUNDLE_SCRIPT: script.encode("utf-8"), PLAYER_BUNDLE_STYLE: style.encode("utf-8")}


def _render_sco(
    course: Course,
    chapters: list[Chapter],
    title: str,
    href: str,
    version: str,
    package_id: str,
    lang: str,
    problems: list[Problem],
) -> tuple[str, list[str]]:
    statics: set[str] = set()
    toc, units, blocks = [], [], []
    for chapter in chapters:
        entry = {"title": chapter.display_name, "units": []}
        for subsection in chapter.subsections:
            for unit in subsection.units:
                number = len(units)
                components = []
                for component in unit.components:
                    if component.category == "html":
                        components.append({"kind": "html", "html": _html(course, component, statics, problems)})
                    elif component.category in BLOCK_PLAYERS and component.block is not None:
                        block = _block(course, component, number, lang, statics, problems)
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
                entry["units"].append(number)
        toc.append(entry)
    scripts = [PLAYER_BUNDLE_SCRIPT]
    styles = [PLAYER_BUNDLE_STYLE]
    script_paths = [PLAYER_STATIC / PLAYER_SCRIPT, PLAYER_STATIC / "scorm-runtime.js"]
    data = {
        "version": version,
        "package": package_id,
        "sco": href,
        "capacity": SUSPEND_DATA_CAPACITY[version],
        "mastery": mastery_score(course),
        "lang": lang,
        "i18n": script_catalogue(lang, *script_paths),
        "units": [{"id": u["id"], "title": u["title"]} for u in units],
        "blocks": blocks,
    }
    page = render(
        "templates/sco.html",
        lang,
        title=title,
        course_title=course.display_name,
        toc=toc,
        units=units,
        scripts=scripts,
        styles=styles,
        data=data,
    )
    return page, sorted(statics)


def _block(
    course: Course, component: Component, unit_number: int, lang: str, statics: set[str], problems: list[Problem]
) -> dict | None:
    player = BLOCK_PLAYERS[component.category]
    module = model_module(component.category)
    block_id = component.url_name
    content = module.view_content(component.block)
    for name in module.static_files(component.block):
        _use_static(course, name, component, statics, problems)
    try:
        html = render(
            player.template, lang, block_id=block_id, content=content, asset_url=lambda name: f"static/{name}"
        )
    except Exception as error:  # the template is the block's: point at the component that failed
        problems.append(
            Problem(
                component.file,
                component.line,
                f"the {component.category} block could not be rendered: {error}",
                "fix the block's content (run `p2p validate`)",
            )
        )
        return None
    return {
        "html": html,
        "data": {
            "id": block_id,
            "unit": unit_number,
            "global": player.global_name,
            "content": content,
            "i18n": script_catalogue(lang, player.script) if player.script.is_file() else {},
        },
    }


def _html(course: Course, component: Component, statics: set[str], problems: list[Problem]) -> str:
    text = component.html or ""

    def where(match: re.Match) -> tuple[str, int]:  # the line in the html file that holds the match
        if component.html_file is None:
            return component.file, component.line
        return component.html_file, component.html_line + text.count("\n", 0, match.start())

    for match in _REMOTE_EMBED.finditer(text):
        problems.append(
            Problem(
                *where(match),
                f"html embeds {match.group(1) or match.group(2) or match.group(3)},"
                " which a package cannot load offline",
                "put the file in the course's static/ folder and refer to it as /static/<name>",
            )
        )

    for match in _ACTIVE_HTML.finditer(text):
        problems.append(
            Problem(
                *where(match),
                f"html runs code of its own ({match.group(0).strip()!r}), which a package does not allow",
                "remove the script or event handler; interactive parts belong in one of our blocks",
            )
        )

    def local(match: re.Match) -> str:
        name = _use_static(course, match.group(2), component, statics, problems, where(match))
        return f"{match.group(1)}static/{name}"

    text = _STATIC_REF.sub(local, text)  # lines stay where they were: where() still holds
    return _ABSOLUTE_STATIC_REF.sub(local, text)


def _use_static(
    course: Course,
    name: str,
    component: Component,
    statics: set[str],
    problems: list[Problem],
    where: tuple[str, int] | None = None,
) -> str:
    # An html reference is a URL ("My%20photo.png"); the file is named without the escapes.
    clean = posixpath.normpath(unquote(name).lstrip("/"))
    if clean.startswith("static/"):
        clean = clean[len("static/") :]
    if clean.startswith("..") or not (course.folder / "static" / clean).is_file():
        problems.append(
            Problem(
                *(where or (component.file, component.line)),
                f"static file {name!r} is not in static/",
                "add the file to the course's static/ folder or fix the name",
            )
        )
        return clean
    statics.add(clean)
    return clean


def _check_names(files: dict) -> None:
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


def _ncname(text: str) -> str:
    name = _NOT_A_NAME.sub("-", text)
    return name if name[:1].isalpha() or name[:1] == "_" else f"p2p-{name}"
