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
from urllib.parse import unquote

from builder.course import Component, Course
from xblocks.common.problems import Problem
from xblocks.common.sanitize import sanitize

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
