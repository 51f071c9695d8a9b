"""`p2p kit`: a printable trainer's guide for delivering a course live, rendered from the course itself.

Nothing in the guide is written twice: sessions are the course's chapters, the pages are its html,
facilitator notes are the content tagged for the trainer level, discussion questions are the
journal prompts, the role-plays become scripts, the rubrics observation checklists, problems become
questions to ask the group (with the answer key and the feedback as debrief notes in the guide for
the pathway's top level only), and the handouts are the course's own downloadable files. The HTML is self-contained (images inlined) and
has a print stylesheet; the PDF is Chromium's print of that HTML.
"""

from __future__ import annotations

import base64
import mimetypes
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jinja2
import lxml.html
from markupsafe import Markup

from builder.course import Component, Course
from builder.pathways import Pathways, audiences, for_level
from xblocks.common.kind import kind as kind_of
from xblocks.common.sanitize import sanitize

KIT_TEMPLATES = Path(__file__).resolve().parent / "kit"

# Suggested live timings, in minutes: a page presented and discussed, each journal prompt as a
# discussion question, a role-play played as a group, a rubric used to observe a practice round.
SPEAKING_WORDS_PER_MINUTE = 130
MINUTES_PER_DISCUSSION_QUESTION = 10
MINUTES_PER_ROLEPLAY = 25
MINUTES_PER_OBSERVATION = 20
MINUTES_PER_QUESTION = 2  # asked, answered by show of hands, debriefed
MINIMUM_PAGE_MINUTES = 2

# Course files a trainer hands out: documents and printable pages, not the course's own images.
HANDOUT_SUFFIXES = (".pdf", ".docx", ".doc", ".odt", ".html", ".txt", ".csv", ".xlsx", ".rtf")


@dataclass
class Item:
    """One component of a unit as the guide shows it."""

    kind: str  # page | notes | discussion | roleplay | rubric | question
    title: str
    minutes: int
    content: object  # html Markup for pages and notes; the block's view content otherwise


@dataclass
class Segment:
    title: str
    items: list[Item]

    @property
    def minutes(self) -> int:
        return sum(item.minutes for item in self.items)


@dataclass
class Session:
    number: int
    title: str
    segments: list[Segment] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return sum(segment.minutes for segment in self.segments)


def _words(html: str) -> int:
    return len(lxml.html.fromstring(html).text_content().split()) if html.strip() else 0


_STATIC_IMAGE = re.compile(r"""(\bsrc\s*=\s*["'])/?static/([^"'?#]+)""", re.I)


def _inline_images(html: str, course: Course) -> str:
    """Course images as data: URLs, so the guide is one file that prints anywhere."""

    def data_url(match: re.Match[str]) -> str:
        name = unquote(match.group(2))
        path = course.folder / "static" / name
        kind = mimetypes.guess_type(path.name)[0]
        # Only the loader's checked list: a "static/../.." name would reach outside the course.
        if name not in course.static_files or kind is None or not kind.startswith("image/"):
            return match.group(0)
        return f"{match.group(1)}data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"

    return _STATIC_IMAGE.sub(data_url, html)


def sessions(course: Course, pathways: Pathways, level_id: str) -> list[Session]:
    """The course's chapters as live sessions, with what the level may see and suggested timings."""
    course = for_level(course, pathways, level_id)
    audience_of = {id(component): audience for component, audience in audiences(course, pathways)}
    trainer_only = {level.id for level in pathways.levels[pathways.rank(level_id) :]} - {pathways.levels[0].id}
    # The answer key would let a participant or facilitator pass the course's tests: top level only.
    with_key = level_id == pathways.levels[-1].id
    result = []
    for number, chapter in enumerate(course.chapters, start=1):
        session = Session(number, chapter.display_name)
        for subsection in chapter.subsections:
            items = []
            for unit in subsection.units:
                for component in unit.components:
                    items.append(
                        _item(course, component, unit.display_name, audience_of[id(component)], trainer_only, with_key)
                    )
            session.segments.append(Segment(subsection.display_name, items))
        result.append(session)
    return result


_HEADING = re.compile(r"<(/?)h([1-6])\b", re.I)


def _nested_headings(html: str, first: int = 5) -> str:
    """Author headings placed under the guide's own (h4 item titles): the page's top level becomes
    `first`, each level below it one more (at most h6), so no level is skipped."""
    levels = [int(level) for _, level in _HEADING.findall(html)]
    top = min(levels, default=1)
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, first + int(m.group(2)) - top)}", html)


_CLOSED_DETAILS = re.compile(r"<details(?![^>]*\bopen\b)", re.I)


def _opened(html: str) -> str:
    """Disclosures (a practice's possible answers, a situation's discussion) printed open: paper
    cannot be clicked, and Chromium prints a closed one as its summary alone."""
    return _CLOSED_DETAILS.sub("<details open", html)


_LEADING_HEADING = re.compile(r"^\s*<h([1-6])\b[^>]*>(.*?)</h\1>", re.I | re.S)


def _without_repeated_title(html: str, title: str) -> str:
    """A page that opens with its own title as a heading: the guide's item heading already says it.
    Kept when another heading of the page is at its level or above (the rest would skip a level)."""
    match = _LEADING_HEADING.match(html)
    if match is None or " ".join(re.sub(r"<[^>]+>", "", match.group(2)).split()).casefold() != title.casefold():
        return html
    rest = html[match.end() :]
    if any(int(level) <= int(match.group(1)) for closing, level in _HEADING.findall(rest) if not closing):
        return html
    return rest


# A handout is a page of its own: its landmarks would nest inside the guide's <main>.
_LANDMARKS = ("main", "header", "footer", "nav")


def _item(
    course: Course,
    component: Component,
    unit_title: str,
    audience: str | None,
    notes_levels: set[str],
    with_key: bool = False,
) -> Item:
    if component.category == "html":
        title = component.display_name or unit_title
        html = _without_repeated_title(sanitize(component.html or ""), title.strip())
        html = _opened(_nested_headings(_inline_images(html, course)))
        kind = "notes" if audience in notes_levels and audience is not None else "page"
        minutes = max(MINIMUM_PAGE_MINUTES, round(_words(html) / SPEAKING_WORDS_PER_MINUTE))
        return Item(kind, title, minutes, Markup(html))
    block_kind = kind_of(component.category) if component.block is not None else None
    module = block_kind.model if block_kind else None
    if module is None:
        raise KitError(
            f"{component.file}:{component.line}: <{component.category}> cannot be printed in a trainer's guide"
            " — give it audience above the guide's level, or use html, a journal, a role-play or a rubric"
        )
    content = module.view_content(component.block)
    if component.category == "reflection_journal":
        return Item(
            "discussion", content["display_name"], MINUTES_PER_DISCUSSION_QUESTION * len(content["prompts"]), content
        )
    if component.category == "scenario_roleplay":
        return Item("roleplay", content["title"], MINUTES_PER_ROLEPLAY, _script(content))
    if component.category == "facilitation_rubric":
        return Item("rubric", content["title"], MINUTES_PER_OBSERVATION, content)
    if component.category == "problem":
        sheet = _question(content, with_key)
        return Item(
            "question", content["display_name"] or unit_title, MINUTES_PER_QUESTION * len(sheet["parts"]), sheet
        )
    raise KitError(f"{component.file}:{component.line}: <{component.category}> has no trainer's-guide form")


def _script(content: dict[str, Any]) -> dict[str, Any]:
    """A role-play as a script: scenes in the author's order, each choice naming the scene it leads to."""
    titles = {scene["id"]: scene["title"] for scene in content["scenes"]}
    names = {persona["id"]: persona["name"] for persona in content["personas"]}
    scenes = []
    for number, scene in enumerate(content["scenes"], start=1):
        scenes.append(
            {
                **scene,
                "number": number,
                "beats": [{**beat, "name": names.get(beat["speaker"] or "", "")} for beat in scene["beats"]],
                "choices": [{**choice, "next_title": titles.get(choice["next"], "")} for choice in scene["choices"]],
            }
        )
    return {**content, "scenes": scenes}


def _question(content: dict[str, Any], with_key: bool) -> dict[str, Any]:
    """A problem as the trainer asks it: the stem, each question's options in the author's order and,
    with the key, the right ones marked, every option's feedback as a debrief note, accepted answers
    and the explanation. Author HTML was checked by the problem model (no script)."""
    parts: list[dict[str, Any]] = []
    for part in content["items"]:
        if "kind" not in part:
            parts.append({"html": Markup(part["html"])})
            continue
        options: list[dict[str, Any]] = []
        answers: list[str] = []
        if part["kind"] in ("single", "multiple"):
            for choice in part["choices"]:
                notes = [choice["hint"]] if part["kind"] == "single" else [choice["hint_selected"]]
                if part["kind"] == "multiple" and choice["hint_unselected"]:
                    notes.append(choice["hint_unselected"])
                options.append(
                    {
                        "html": Markup(choice["html"]),
                        "correct": choice["correct"],
                        "notes": [Markup(n) for n in notes if n],
                    }
                )
        elif part["kind"] == "dropdown":
            for option in part["options"]:
                notes = [Markup(option["hint"])] if option["hint"] else []
                options.append({"html": option["text"], "correct": option["correct"], "notes": notes})
        elif part["kind"] == "text":
            answers = list(part["answers"])
        else:
            tolerance = f" (± {part['tolerance']})" if part["tolerance"] else ""
            answers = [part["answer"] + tolerance, *part["additional_answers"]]
        if not with_key:
            options = [{**option, "correct": None, "notes": []} for option in options]
        parts.append(
            {
                "label": Markup(part["label"]),
                "description": Markup(part["description"]),
                "kind": part["kind"],
                "options": options,
                "answers": answers if with_key else [],
                "regexp": part.get("regexp", False),
            }
        )
    return {
        "with_key": with_key,
        "blocks": parts,
        "parts": [part for part in parts if "kind" in part],
        "solution": Markup(content["solution"]) if with_key else "",
        "hints": [Markup(hint) for hint in content["demand_hints"]],
    }


def handouts(course: Course) -> list[dict[str, Any]]:
    """The course's downloadable documents; printable HTML handouts are included whole."""
    found = []
    for name in course.static_files:
        if not name.lower().endswith(HANDOUT_SUFFIXES):
            continue
        path = course.folder / "static" / name
        entry: dict[str, Any] = {"name": name, "size": path.stat().st_size, "html": None}
        if name.lower().endswith(".html"):
            body = lxml.html.fromstring(path.read_text(encoding="utf-8")).find(".//body")
            if body is not None:
                for landmark in body.xpath(" | ".join(f".//{tag}" for tag in _LANDMARKS)):
                    landmark.drop_tag()
                inner = "".join(lxml.html.tostring(child, encoding="unicode") for child in body)
                entry["html"] = Markup(_opened(_nested_headings(_inline_images(sanitize(inner), course), first=3)))
        found.append(entry)
    return found


class KitError(Exception):
    """The course holds something the guide cannot show; the message says where and what to do."""


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(KIT_TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(course: Course, pathways: Pathways, level_id: str) -> str:
    level = pathways.level(level_id)
    if level is None:
        raise KitError(f"unknown level {level_id!r} — choose one of: {', '.join(lv.id for lv in pathways.levels)}")
    planned = sessions(course, pathways, level_id)
    return (
        _environment()
        .get_template("kit.html")
        .render(
            course=course,
            level=level,
            sessions=planned,
            total_minutes=sum(session.minutes for session in planned),
            level_has_key=level.id == pathways.levels[-1].id,
            handouts=handouts(course),
            timings={
                "speaking": SPEAKING_WORDS_PER_MINUTE,
                "discussion": MINUTES_PER_DISCUSSION_QUESTION,
                "roleplay": MINUTES_PER_ROLEPLAY,
                "observation": MINUTES_PER_OBSERVATION,
                "question": MINUTES_PER_QUESTION,
            },
        )
    )


def chromium_path() -> str:
    """Debian's chromium, or the binary named by P2P_CHROMIUM."""
    return os.environ.get("P2P_CHROMIUM") or "/usr/bin/chromium"


def print_pdf(html_path: Path, pdf_path: Path, timeout: int = 120) -> None:
    """Chromium's print of the guide: the same engine learners' browsers use, the print stylesheet applied."""
    binary = chromium_path()
    if not Path(binary).is_file() and shutil.which(binary) is None:
        raise KitError(f"no Chromium at {binary} — install Debian's chromium or set P2P_CHROMIUM to a Chromium binary")
    with tempfile.TemporaryDirectory() as profile:
        command = [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf_path}",
            html_path.resolve().as_uri(),
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if result.returncode != 0 or not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        raise KitError(f"Chromium could not print {html_path.name} (exit {result.returncode}): {result.stderr[-300:]}")
