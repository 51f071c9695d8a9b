"""The shared resources every course carries (references, glossary, family handouts) and the legal
citations that point into them: one text in every course, and no citation without an entry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from builder.course import load_course

ROOT = Path(__file__).resolve().parents[2]
COURSES = ["conflict_resolution", "facilitation", "cultural_competency"]
SHARED = [
    "references.html",
    "glossary.html",
    "handout_fiep_en.html",
    "handout_fiep_es.html",
    "handout_options_en.html",
    "handout_options_es.html",
]
# A citation as the course text writes it: "34 CFR 300.322(d)", "300.504(d)", "Education Code 56343.5", "EC 56500.3".
CFR_CITATION = re.compile(r"\b(?:34 CFR )?(300\.\d{1,3})(?:\([a-z0-9]+\))*")
EC_CITATION = re.compile(r"\b(?:Education Code|EC) (56\d{3}(?:\.\d+)?)")
LINK = re.compile(r"""href=["']/static/(references|glossary)\.html#([\w-]+)["']""")


def _text_files(course: str):
    folder = ROOT / "courses" / course
    for kind in ("html", "scenario_roleplay", "facilitation_rubric", "reflection_journal", "problem"):
        yield from sorted((folder / kind).glob("*.htm*" if kind == "html" else "*.xml"))


def _ids(name: str) -> set[str]:
    return set(re.findall(r'\bid="([\w-]+)"', (ROOT / "courses" / COURSES[0] / "static" / name).read_text()))


@pytest.mark.parametrize("name", SHARED)
def test_shared_files_are_the_same_in_every_course(name):
    texts = {course: (ROOT / "courses" / course / "static" / name).read_bytes() for course in COURSES}
    first = texts[COURSES[0]]
    differing = [course for course, text in texts.items() if text != first]
    assert not differing, f"static/{name} differs from {COURSES[0]}'s copy in: {differing} (copy it over)"


@pytest.mark.parametrize("course", COURSES)
def test_every_link_into_references_or_glossary_has_its_entry(course):
    anchors = {"references": _ids("references.html"), "glossary": _ids("glossary.html")}
    for path in _text_files(course):
        for page, anchor in LINK.findall(path.read_text()):
            assert anchor in anchors[page], f"{path.relative_to(ROOT)}: #{anchor} is not an entry of {page}.html"


@pytest.mark.parametrize("course", COURSES)
def test_every_cited_section_is_on_the_references_page(course):
    """A section cited anywhere (pages, role-play feedback, rubric keys) is explained on the references page."""
    references = (ROOT / "courses" / course / "static" / "references.html").read_text()
    listed = set(CFR_CITATION.findall(references)) | set(EC_CITATION.findall(references))
    listed |= {m for m in re.findall(r"\b(56\d{3}(?:\.\d+)?)", references)}
    for path in _text_files(course):
        text = path.read_text()
        cited = set(CFR_CITATION.findall(text)) | set(EC_CITATION.findall(text))
        missing = sorted(cited - listed)
        assert not missing, f"{path.relative_to(ROOT)} cites {missing}, which the references page does not explain"


@pytest.mark.parametrize("course", COURSES)
def test_each_course_opens_with_links_to_the_shared_resources(course):
    welcome = next((ROOT / "courses" / course / "html").glob("*_welcome.html")).read_text()
    for name in SHARED:
        assert f"/static/{name}" in welcome, f"{course}'s welcome page does not link static/{name}"


def test_spanish_handouts_are_marked_spanish_and_link_back():
    for topic in ("fiep", "options"):
        spanish = (ROOT / "courses" / COURSES[0] / "static" / f"handout_{topic}_es.html").read_text()
        assert '<html lang="es">' in spanish
        assert f'href="handout_{topic}_en.html"' in spanish


# Where a term is "used": text outside links, headings and other labels, in the html pages in course order.
_NOT_USE = {"a", "h1", "h2", "h3", "h4", "h5", "h6", "summary", "caption", "th", "title", "button", "label", "code"}
_VOID = {"br", "img", "hr", "meta", "link", "input", "wbr", "source"}
_TOKEN = re.compile(r"<!--.*?-->|<[^>]+>", re.S)


def _term_pattern(term_id: str, label: str) -> re.Pattern:
    """The words that use a glossary term: its name and its abbreviation ("Family Empowerment Center
    (FEC)"), plurals included, abbreviations in capitals only. An interest is the term only where a
    position is named in the same sentence (elsewhere it is the everyday word)."""
    if term_id == "interest":
        return re.compile(r"\binterests?\b(?=[^.]*\bpositions?\b)|\bpositions?\b[^.]*?\binterests?\b", re.I)
    name, _, abbreviation = label.partition(" (")
    words = [name] + ([abbreviation.rstrip(")")] if abbreviation and not abbreviation.startswith("and ") else [])
    if term_id == "interpreter":
        words = ["interpreter"]
    parts = [("(?-i:" if w.isupper() else "(?:") + re.escape(w).replace(r"\ ", r"\s+") + ")s?" for w in words]
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.I)


def _used(html: str, pattern: re.Pattern) -> str | None:
    """The first use of the term in text outside _NOT_USE elements, or None."""
    open_tags: list[str] = []
    position = 0
    for token in [*_TOKEN.finditer(html), None]:
        end = token.start() if token else len(html)
        if end > position and not _NOT_USE & set(open_tags):
            found = pattern.search(html[position:end])
            if found:
                return found.group(0)
        if token is None:
            return None
        tag = re.match(r"<(/?)([a-zA-Z0-9]+)", token.group(0))
        if tag and not token.group(0).endswith("/>"):
            name = tag.group(2).lower()
            if tag.group(1) and name in open_tags:
                del open_tags[len(open_tags) - 1 - open_tags[::-1].index(name) :]
            elif not tag.group(1) and name not in _VOID:
                open_tags.append(name)
        position = token.end()
    return None


@pytest.mark.parametrize("course", COURSES)
def test_each_glossary_term_is_linked_where_the_course_first_uses_it(course):
    loaded, problems = load_course(ROOT / "courses" / course)
    assert loaded is not None, problems
    pages = [
        c
        for ch in loaded.chapters
        for s in ch.subsections
        for u in s.units
        for c in u.components
        if c.category == "html"
    ]
    glossary = (ROOT / "courses" / course / "static" / "glossary.html").read_text()
    unlinked = []
    for term_id, label in re.findall(r'<dt id="([\w-]+)">([^<]*)</dt>', glossary):
        pattern = _term_pattern(term_id, label)
        for page in pages:
            if f"/static/glossary.html#{term_id}" in page.html:
                break
            word = _used(page.html, pattern)
            if word:
                unlinked.append(
                    f"html/{page.url_name}.html: '{word}' (first use) has no link to glossary.html#{term_id}"
                )
                break
    assert not unlinked, "\n".join(unlinked)
