"""Author HTML in an offline package: what it may not do, and its static references made local.

A package plays with no server: html that loads a file from the network would break offline, and
html that runs code of its own would fight the player (which owns the page and the LMS API): it is
sanitized (xblocks.common.sanitize), and the loader warns the author of what that takes out. Every
`/static/<name>` reference is rewritten to the package's `static/<name>` and the file is recorded,
so only the course static files the units use go into the package.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from builder.course import Component, Course
from xblocks.common.problems import Problem
from xblocks.common.sanitize import sanitize

# What the player page allows (a <meta> in sco.html): its own script file, nothing inline, no plugins,
# frames, <base> or form posts. 'file:' lets a package opened from disk (no LMS) run its script.
PLAYER_CSP = "script-src 'self' file:; object-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'"
# ... and what a course's own HTML document (a handout in static/) may do once packaged: no script at
# all. It opens in the LMS's frame or a tab of the same origin as the player, within reach of the LMS API.
DOCUMENT_CSP = "script-src 'none'; object-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'"
_HEAD = re.compile(rb"<head\b[^>]*>", re.I)
_DOCTYPE = re.compile(rb"\A\s*(?:\xef\xbb\xbf)?\s*<!doctype[^>]*>", re.I)

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


def offline_html(course: Course, component: Component, statics: set[str], problems: list[Problem]) -> str:
    """The component's html with its static references made local; problems for what cannot play offline."""
    text = component.html or ""

    def where(match: re.Match[str]) -> tuple[str, int]:  # the line in the html file that holds the match
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

    def local(match: re.Match[str]) -> str:
        name = use_static(course, match.group(2), component, statics, problems, where(match))
        return f"{match.group(1)}static/{name}"

    text = _STATIC_REF.sub(local, text)  # lines stay where they were: where() still holds
    # The page holds the LMS API: only what the sanitizer allows reaches it (the loader warned the
    # author, file:line, of what this takes out).
    return sanitize(_ABSOLUTE_STATIC_REF.sub(local, text))


def use_static(
    course: Course,
    name: str,
    component: Component,
    statics: set[str],
    problems: list[Problem],
    where: tuple[str, int] | None = None,
) -> str:
    """Record the course static file `name` as used (or a problem if it is missing); its package name."""
    # An html reference is a URL ("My%20photo.png"); the file is named without the escapes.
    clean = posixpath.normpath(unquote(name).lstrip("/"))
    if clean.startswith("static/"):
        clean = clean[len("static/") :]
    if clean not in course.static_files:  # the loader's list: checked to stay inside the course folder
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


def packaged_static(course: Course, name: str, problems: list[Problem]) -> Path | bytes:
    """A course static file as a package holds it. An HTML document gets a Content-Security-Policy that
    runs no script; an SVG that would run code (opened as a page, it can) is refused, located."""
    path = course.folder / "static" / name
    suffix = posixpath.splitext(name)[1].lower()
    if suffix in (".html", ".htm", ".xhtml"):
        data = path.read_bytes()
        meta = f'<meta http-equiv="Content-Security-Policy" content="{DOCUMENT_CSP}">'.encode()
        after = _HEAD.search(data) or _DOCTYPE.match(data)  # in <head>, or where the parser opens it
        at = after.end() if after else 0
        return data[:at] + meta + data[at:]
    if suffix == ".svg":
        problems.extend(svg_code(path, f"static/{name}"))
    return path


def svg_code(path: Path, name: str) -> list[Problem]:
    """What in an SVG file would run code when it is opened: <script>, handlers, javascript: links."""
    try:
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    except (etree.XMLSyntaxError, OSError) as error:
        return [Problem(str(path), None, f"{name} is not a readable SVG file ({error})", "export the SVG again")]
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        what = [f"<{local}>"] if local in ("script", "foreignObject", "iframe", "embed", "object") else []
        for attribute, value in element.attrib.items():
            attribute = etree.QName(attribute).localname
            if attribute.lower().startswith("on"):
                what.append(f"{attribute}=")
            elif attribute == "href" and re.sub(r"[\x00-\x20]", "", value).lower().startswith(("javascript:", "data:")):
                what.append(f'href="{value.strip()[:11]}..."')
        found += [
            Problem(
                str(path),
                element.sourceline,
                f"{name} holds {item}, which runs code when the SVG is opened; a package does not allow it",
                "remove it from the SVG (an image needs no script)",
            )
            for item in what
        ]
    return found
