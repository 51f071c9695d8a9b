"""`courses/pathways.xml`: the trainer-of-trainers levels, what each requires, and their checks.

    <pathways>
      <certificate>
        <signatory name="..." title="..." organization="..."/>
      </certificate>
      <level id="participant" title="Participant" pd_hours="8">
        <course ref="conflict_resolution" min_grade="0.70"/>
      </level>
      <level id="facilitator" title="Facilitator" builds_on="participant" pd_hours="6">
        <course ref="facilitation" min_grade="0.80"/>
        <rubric course="facilitation" block="fac_calibration"/>
      </level>
    </pathways>

Levels form one chain (each `builds_on` the one below it), so "this level and the levels below it"
is always defined: a level's packages hold content tagged `audience` for it or any lower level.
A `<course>` requirement's `min_grade` is the mastery score of that course at that level; a
`<rubric>` requirement is met when the rubric's own rule is (its `<pass>`, or a calibration's
`<agreement>`). `<certificate>` names who signs every certificate of the pathway (1 to 4
`<signatory>`, within the lengths Studio allows). Errors are data: `load_pathways` returns the model and every problem, located.
"""

from __future__ import annotations

import copy
import json
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lxml.html
from lxml import etree

from builder.course import Chapter, Component, Course, Subsection, Unit
from xblocks.common.i18n import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, _, gettext, normalize_language
from xblocks.common.kind import kind, known
from xblocks.common.problems import Problem, located

Node = Chapter | Subsection | Unit | Component  # what an audience can be tagged on
Texts = dict[str, str]  # field -> text: a signatory's or a level's words in one language

PATHWAYS_FILE = "pathways.xml"
LEVEL_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


@dataclass(frozen=True)
class CourseRequirement:
    course: str  # the course folder name
    min_grade: float  # 0..1, the course grade (by its grading policy) the level needs
    line: int | None = field(default=None, compare=False)
    # The level's PD hours this course's certificate grants; needed when the level requires several
    # courses (each course's certificate states its own share), else the level's pd_hours.
    pd_hours: float | None = None


@dataclass(frozen=True)
class RubricRequirement:
    course: str
    block: str  # the rubric's url_name in that course
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Signatory:
    """Who signs the pathway's certificates: shown on the SCORM certificate and written into the
    Open edX certificate configuration (a signatory as Studio stores it)."""

    name: str
    title: str
    organization: str
    line: int | None = field(default=None, compare=False)
    # lang -> {"name"|"title"|"organization": text}: what a certificate in that language shows instead.
    translations: dict[str, Texts] = field(default_factory=dict, compare=False)

    def shown(self, lang: str) -> Texts:
        values = {"name": self.name, "title": self.title, "organization": self.organization}
        return {**values, **self.translations.get(normalize_language(lang), {})}


# Studio's signatory form refuses longer values (cms/static/js/certificates/models/signatory.js):
# a name and an organization of 40 characters, a title of two lines of 40; and at most 4 signatories.
SIGNATORY_LIMIT = 40
MAXIMUM_SIGNATORIES = 4


@dataclass(frozen=True)
class Level:
    id: str
    title: str
    builds_on: str | None
    pd_hours: float
    courses: tuple[CourseRequirement, ...]
    rubrics: tuple[RubricRequirement, ...]
    line: int | None = field(default=None, compare=False)
    translations: dict[str, Texts] = field(default_factory=dict, compare=False)  # lang -> {"title": text}

    def title_in(self, lang: str) -> str:
        """The level's title as a certificate in `lang` shows it (learners see it)."""
        return self.translations.get(normalize_language(lang), {}).get("title", self.title)


@dataclass(frozen=True)
class Pathways:
    file: str
    levels: tuple[Level, ...]  # lowest first: each level builds on the one before it
    signatories: tuple[Signatory, ...] = ()

    def level(self, level_id: str) -> Level | None:
        return next((level for level in self.levels if level.id == level_id), None)

    def rank(self, level_id: str) -> int:
        """0 for the lowest level; a level's build holds content of every rank up to its own."""
        return [level.id for level in self.levels].index(level_id)

    def includes(self, level_id: str, audience: str | None) -> bool:
        """Whether content tagged `audience` (None: everyone) belongs in `level_id`'s build."""
        return audience is None or self.rank(audience) <= self.rank(level_id)

    def mastery(self, level_id: str, course: str) -> float | None:
        """The grade `course` must reach at `level_id` (the highest asked at this level or below), or None."""
        grades = [
            requirement.min_grade
            for level in self.levels[: self.rank(level_id) + 1]
            for requirement in level.courses
            if requirement.course == course
        ]
        return max(grades) if grades else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "levels": [
                {
                    "id": level.id,
                    "title": level.title,
                    "builds_on": level.builds_on,
                    "pd_hours": level.pd_hours,
                    "courses": [
                        {"course": r.course, "min_grade": r.min_grade, "pd_hours": pd_hours(self, level.id, r.course)}
                        for r in level.courses
                    ],
                    "rubrics": [{"course": r.course, "block": r.block} for r in level.rubrics],
                    "translations": level.translations,
                }
                for level in self.levels
            ],
            "signatories": [
                {"name": s.name, "title": s.title, "organization": s.organization, "translations": s.translations}
                for s in self.signatories
            ],
        }


def _number(checker: _Checker, element: Any, name: str, low: float, high: float, fix: str) -> float | None:
    text = (element.get(name) or "").strip()
    if not text:
        checker.add(element, f"<{element.tag}> has no {name}", fix)
        return None
    try:
        value = float(text)
    except ValueError:
        checker.add(element, f"{name}={text!r} is not a number", fix)
        return None
    if not low <= value <= high:
        checker.add(element, f"{name}={text} is outside {low:g}..{high:g}", fix)
        return None
    return value


class _Checker:
    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def add(self, element: Any, message: str, fix: str) -> None:
        self.problems.append(located(self.file, element, message, fix))


def parse_pathways(root: Any, file: str) -> tuple[Pathways | None, list[Problem]]:
    """The levels of a <pathways> element, in chain order, and every problem of its own (no courses needed)."""
    checker = _Checker(file)
    if root.tag != "pathways":
        checker.add(root, f"the root element is <{root.tag}>", "make <pathways> the root, with <level> children")
        return None, checker.problems
    levels: list[Level] = []
    signatories: tuple[Signatory, ...] = ()
    certificates = [element for element in root if element.tag == "certificate"]
    for extra in certificates[1:]:
        checker.add(extra, "a second <certificate>", "keep one <certificate> for the pathway")
    if certificates:
        signatories = _parse_signatories(checker, certificates[0])
    for element in root:
        if not isinstance(element.tag, str) or element.tag == "certificate":
            continue
        if element.tag != "level":
            checker.add(element, f"<{element.tag}> is not allowed in <pathways>", "use <level> and <certificate> only")
            continue
        level = _parse_level(checker, element)
        if level is None:
            continue
        if any(other.id == level.id for other in levels):
            checker.add(element, f"level id {level.id!r} is used twice", "give every level its own id")
            continue
        levels.append(level)
    if not levels and not checker.problems:
        checker.add(root, "no levels", 'add <level id="participant" title="Participant" pd_hours="...">')
    ordered = _chain(checker, levels)
    if checker.problems:
        return None, checker.problems
    return Pathways(file, tuple(ordered), signatories), []


def _signatory_values(checker: _Checker, element: Any, required: bool) -> Texts | None:
    """A signatory's name, title and organization (or a translation's), checked against what Studio's
    signatory form accepts; None when one is refused."""
    values = {name: " ".join((element.get(name) or "").split()) for name in ("name", "organization")}
    # A title may take two lines (Studio's form is a text area); "\n" in the attribute breaks it.
    title_lines = [" ".join(line.split()) for line in (element.get("title") or "").replace("\\n", "\n").split("\n")]
    values["title"] = "\n".join(line for line in title_lines if line)
    fine = True
    for name in ("name", "title", "organization"):
        if required and not values[name]:
            checker.add(element, f"<signatory> has no {name}", f'give the signatory\'s {name}: {name}="..."')
            fine = False
    for name in ("name", "organization"):
        if len(values[name]) > SIGNATORY_LIMIT:
            checker.add(
                element,
                f"signatory {name} {values[name]!r} is {len(values[name])} characters; Studio accepts {SIGNATORY_LIMIT}",
                f"shorten the {name} to {SIGNATORY_LIMIT} characters",
            )
            fine = False
    lines = values["title"].split("\n")
    if len(lines) > 2 or any(len(line) > SIGNATORY_LIMIT for line in lines):
        checker.add(
            element,
            f"signatory title {values['title']!r} is not two lines of at most {SIGNATORY_LIMIT} characters,"
            " as Studio asks",
            'shorten it, or break it in two with "\\n" (e.g. title="Director\\nSpecial Education")',
        )
        fine = False
    return values if fine else None


def _translations(
    checker: _Checker,
    element: Any,
    fields: tuple[str, ...],
    check: Callable[[_Checker, Any, bool], Texts | None] | None = None,
) -> dict[str, Texts]:
    """The <translation lang="es" .../> children of a level or signatory: lang -> {field: text}."""
    found: dict[str, Texts] = {}
    for child in element:
        if not isinstance(child.tag, str) or child.tag != "translation":
            continue
        lang = (child.get("lang") or "").strip()
        others = [lang for lang in SUPPORTED_LANGUAGES if lang != DEFAULT_LANGUAGE]
        if lang not in others or lang in found:
            checker.add(
                child,
                f"translation lang={lang!r} is " + ("given twice" if lang in found else "not a language courses use"),
                f"give one <translation> per language: lang={' or '.join(repr(o) for o in others)}",
            )
            continue
        unknown = sorted(set(child.attrib) - {"lang", *fields})
        if unknown:
            checker.add(child, f"<translation> has {', '.join(unknown)}", f"translate only: {', '.join(fields)}")
            continue
        values: Texts | None
        if check is not None:
            values = check(checker, child, False)
            if values is None:
                continue
        else:
            values = {name: " ".join((child.get(name) or "").split()) for name in fields}
        values = {name: value for name, value in values.items() if value}
        if not values:
            checker.add(child, "<translation> translates nothing", f"give the translated {' or '.join(fields)}")
            continue
        found[lang] = values
    return found


def _parse_signatories(checker: _Checker, element: Any) -> tuple[Signatory, ...]:
    """The <certificate>'s signatories, each checked against what Studio's signatory form accepts."""
    signatories = []
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag != "signatory":
            checker.add(child, f"<{child.tag}> is not allowed in <certificate>", "use <signatory> elements only")
            continue
        for grandchild in child:
            if isinstance(grandchild.tag, str) and grandchild.tag != "translation":
                checker.add(grandchild, f"<{grandchild.tag}> is not allowed in <signatory>", "use <translation> only")
        values = _signatory_values(checker, child, True)
        translated = _translations(checker, child, ("name", "title", "organization"), _signatory_values)
        if values is not None:
            signatories.append(
                Signatory(values["name"], values["title"], values["organization"], child.sourceline, translated)
            )
    if not any(child.tag == "signatory" for child in element):
        checker.add(
            element,
            "<certificate> has no <signatory>",
            'add who signs the certificates: <signatory name="..." title="..." organization="..."/>',
        )
    if len(signatories) > MAXIMUM_SIGNATORIES:
        checker.add(
            element,
            f"{len(signatories)} signatories; an Open edX certificate shows at most {MAXIMUM_SIGNATORIES}",
            f"keep {MAXIMUM_SIGNATORIES} <signatory> elements or fewer",
        )
    return tuple(signatories)


def _parse_level(checker: _Checker, element: Any) -> Level | None:
    level_id = (element.get("id") or "").strip()
    if not level_id or not set(level_id) <= LEVEL_ID_CHARS:
        checker.add(
            element,
            f"level id {level_id!r} is missing or not lowercase letters, digits and _"
            if level_id
            else "level has no id",
            'use an id such as id="facilitator" (it names the packages: <course>-<id>-scorm12.zip)',
        )
        return None
    title = (element.get("title") or "").strip()
    if not title:
        checker.add(element, f"level {level_id!r} has no title", 'add title="..." (learners see it on certificates)')
    hours = _number(
        checker, element, "pd_hours", 0.25, 200, 'give the professional-development hours, e.g. pd_hours="6"'
    )
    courses: list[CourseRequirement] = []
    rubrics: list[RubricRequirement] = []
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "course":
            ref = (child.get("ref") or "").strip()
            if not ref:
                checker.add(child, "<course> has no ref", 'name the course folder: <course ref="facilitation" .../>')
            grade = _number(
                checker, child, "min_grade", 0.01, 1, 'give the grade as a fraction of 1, e.g. min_grade="0.80"'
            )
            course_hours = None
            if child.get("pd_hours") is not None:
                course_hours = _number(
                    checker, child, "pd_hours", 0.25, 200, "give this course's share of the level's hours"
                )
            if ref and grade is not None:
                if any(r.course == ref for r in courses):
                    checker.add(child, f"course {ref!r} is required twice by level {level_id!r}", "keep one <course>")
                courses.append(CourseRequirement(ref, grade, child.sourceline, course_hours))
        elif child.tag == "rubric":
            course, block = (child.get("course") or "").strip(), (child.get("block") or "").strip()
            if not course or not block:
                checker.add(
                    child,
                    "<rubric> needs course and block",
                    'name the rubric: <rubric course="facilitation" block="fac_calibration"/>',
                )
            else:
                rubrics.append(RubricRequirement(course, block, child.sourceline))
        elif child.tag != "translation":
            checker.add(
                child,
                f"<{child.tag}> is not allowed in a <level>",
                "use <course> and <rubric> requirements (and <translation> of the title)",
            )
    if not courses and not rubrics:
        checker.add(element, f"level {level_id!r} requires nothing", "add the <course> (and <rubric>) it requires")
    shares = [r.pd_hours for r in courses]
    if hours is not None and (len(courses) > 1 or any(share is not None for share in shares)):
        if any(share is None for share in shares):
            checker.add(
                element,
                f"level {level_id!r} requires {len(courses)} courses, so each course's certificate needs its"
                " share of the level's PD hours",
                'give every <course> of the level pd_hours="..." adding up to the level\'s pd_hours',
            )
        elif abs(sum(s for s in shares if s is not None) - hours) > 1e-9:
            checker.add(
                element,
                f"the courses' pd_hours add up to {sum(s for s in shares if s is not None):g},"
                f" not the level's {hours:g}",
                "make the courses' shares add up to the level's pd_hours",
            )
    translated = _translations(checker, element, ("title",))
    if not title or hours is None:
        return None
    return Level(
        level_id,
        title,
        (element.get("builds_on") or "").strip() or None,
        hours,
        tuple(courses),
        tuple(rubrics),
        element.sourceline,
        translated,
    )


def _chain(checker: _Checker, levels: list[Level]) -> list[Level]:
    """The levels from the lowest up; unknown `builds_on`, forks and cycles reported."""
    ids = {level.id for level in levels}
    above: dict[str, Level] = {}
    roots = []
    for level in levels:
        if level.builds_on is None:
            roots.append(level)
        elif level.builds_on not in ids:
            checker.problems.append(
                Problem(
                    checker.file,
                    level.line,
                    f"level {level.id!r} builds on unknown level {level.builds_on!r}",
                    f"use one of: {', '.join(sorted(ids - {level.id}))}",
                )
            )
        elif level.builds_on in above:
            checker.problems.append(
                Problem(
                    checker.file,
                    level.line,
                    f"levels {above[level.builds_on].id!r} and {level.id!r} both build on {level.builds_on!r}",
                    "pathways are one chain: make one of them build on the other",
                )
            )
        else:
            above[level.builds_on] = level
    if checker.problems:
        return []
    if len(roots) != 1:
        first = levels[0] if levels else None
        checker.problems.append(
            Problem(
                checker.file,
                first.line if first else None,
                f"{len(roots)} levels build on nothing; a pathway has one first level"
                + (" (the levels form a cycle)" if not roots else ""),
                'give every level but the first a builds_on="..." naming the level below it',
            )
        )
        return []
    ordered = [roots[0]]
    while ordered[-1].id in above:
        ordered.append(above[ordered[-1].id])
    if len(ordered) != len(levels):
        stuck = sorted(level.id for level in levels if level not in ordered)
        checker.problems.append(
            Problem(
                checker.file,
                levels[0].line,
                f"levels {', '.join(stuck)} form a cycle of builds_on",
                "break the cycle: each level builds on the one below it, the first on nothing",
            )
        )
        return []
    return ordered


def check_against_courses(pathways: Pathways, courses: dict[str, Course]) -> list[Problem]:
    """Requirements no build can satisfy: unknown courses, rubrics that are absent, hidden above the
    level, or have no rule to meet, and grades above what the course can give."""
    from xblocks.rubric.model import Rubric  # the rubric's own model: the same rules the block applies

    problems = []
    for level in pathways.levels:
        for requirement in level.courses:
            if requirement.course not in courses:
                problems.append(
                    Problem(
                        pathways.file,
                        requirement.line,
                        f"level {level.id!r} requires unknown course {requirement.course!r}",
                        f"use a course folder name: {', '.join(sorted(courses))}",
                    )
                )
        for needed in level.rubrics:
            course = courses.get(needed.course)
            if course is None:
                problems.append(
                    Problem(
                        pathways.file,
                        needed.line,
                        f"level {level.id!r} requires a rubric in unknown course {needed.course!r}",
                        f"use a course folder name: {', '.join(sorted(courses))}",
                    )
                )
                continue
            found = [(c, audience) for c, audience in audiences(course, pathways) if c.url_name == needed.block]
            if not found or not isinstance(found[0][0].block, Rubric):
                problems.append(
                    Problem(
                        pathways.file,
                        needed.line,
                        f"course {needed.course!r} has no facilitation_rubric with url_name {needed.block!r}",
                        "name a rubric of that course by its url_name",
                    )
                )
                continue
            component, audience = found[0]
            rubric = component.block
            assert isinstance(rubric, Rubric)  # checked above
            if rubric.pass_rule is None and rubric.agreement is None:
                problems.append(
                    Problem(
                        pathways.file,
                        needed.line,
                        f"rubric {needed.block!r} has no <pass> or <agreement> rule, so no learner can meet it",
                        "add the rule to the rubric, or drop the needed",
                    )
                )
            if audience is not None and pathways.level(audience) and not pathways.includes(level.id, audience):
                problems.append(
                    Problem(
                        pathways.file,
                        needed.line,
                        f"rubric {needed.block!r} is for audience "
                        f"{audience!r}, above level {level.id!r}: that level's packages do not hold it",
                        f"require it at level {audience!r} or above, or lower the rubric's audience",
                    )
                )
    return problems


def audiences(course: Course, pathways: Pathways) -> list[tuple[Component, str | None]]:
    """Every component of a course with its effective audience: the highest level tagged on it or
    on any unit, sequential or chapter above it (None: everyone). Unknown levels are left to
    `check_audiences`."""

    def highest(*nodes: Node) -> str | None:
        tags = [node.attrs["audience"] for node in nodes if pathways.level(node.attrs.get("audience") or "")]
        return max(tags, key=pathways.rank) if tags else None

    return [
        (component, highest(chapter, subsection, unit, component))
        for chapter in course.chapters
        for subsection in chapter.subsections
        for unit in subsection.units
        for component in unit.components
    ]


def load_pathways(courses_dir: Path) -> tuple[Pathways | None, list[Problem]]:
    """`courses_dir/pathways.xml` parsed and checked on its own; (None, []) when there is none."""
    path = courses_dir / PATHWAYS_FILE
    if not path.is_file():
        return None, []
    parser = etree.XMLParser(remove_comments=True, remove_pis=True, resolve_entities=False, no_network=True)
    try:
        root = etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError as error:
        return None, [Problem(str(path), error.lineno, f"malformed XML: {error.msg}", "fix the markup")]
    return parse_pathways(root, str(path))


def check_audiences(pathways: Pathways, course: Course) -> list[Problem]:
    """Every `audience` in a course names a level of the pathway."""
    problems = []
    for chapter in course.chapters:
        nodes: list[Node] = [chapter]
        for subsection in chapter.subsections:
            nodes.append(subsection)
            for unit in subsection.units:
                nodes += [unit, *unit.components]
        for node in nodes:
            audience = node.attrs.get("audience")
            if audience is not None and pathways.level(audience) is None:
                problems.append(
                    Problem(
                        node.file,
                        node.line,
                        f"audience {audience!r} is not a level of {pathways.file}",
                        f"use one of: {', '.join(level.id for level in pathways.levels)}",
                    )
                )
    return problems


# Self-paced study pace for the seat-time estimate: careful reading, and reflective writing.
READING_WORDS_PER_MINUTE = 150
WRITING_WORDS_PER_MINUTE = 15


def estimated_minutes(
    course: Course, pathways: Pathways, counts: Callable[[str | None], bool] = lambda audience: True
) -> int:
    """Reading every page and block text, and writing each journal prompt's minimum, for the
    components whose audience `counts`: the floor of a learner's time, to set PD hours by."""
    words = writing = 0
    for component, audience in audiences(course, pathways):
        if not counts(audience):
            continue
        if component.html is not None and component.html.strip():
            words += len(lxml.html.fromstring(component.html).text_content().split())
        elif component.block is not None:
            content = known(component.category).model.view_content(component.block)
            words += sum(len(text.split()) for text in _strings(content))
            if isinstance(content.get("min_words"), int) and isinstance(content.get("prompts"), list):
                writing += content["min_words"] * len(content["prompts"])
    return round(words / READING_WORDS_PER_MINUTE + writing / WRITING_WORDS_PER_MINUTE)


def level_minutes(pathways: Pathways, level_id: str, courses: dict[str, Course]) -> int:
    """The estimated self-paced time of a level's own work: content tagged for it, and the untagged
    content of courses it is the first to require."""
    first_required: dict[str, str] = {}  # course -> the first level requiring it
    for level in pathways.levels:
        for requirement in level.courses:
            first_required.setdefault(requirement.course, level.id)

    def own_work(first: str) -> Callable[[str | None], bool]:  # untagged content counts for `first`
        return lambda audience: (audience or first) == level_id

    return sum(
        estimated_minutes(course, pathways, own_work(first))
        for name, course in courses.items()
        if (first := first_required.get(name)) is not None
    )


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() if key not in ("id", "lang") for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def check_pathways(courses_dir: Path, courses: dict[str, Course]) -> tuple[Pathways | None, list[Problem]]:
    """pathways.xml parsed and checked against the loaded courses (name -> Course) and their audiences."""
    pathways, problems = load_pathways(courses_dir)
    if pathways is None:
        return None, problems
    problems = check_against_courses(pathways, courses)
    for course in courses.values():
        problems += check_audiences(pathways, course)
    return (pathways if not problems else None), problems


# -- A level's content: per-level SCORM packages and Open edX content groups --------------------

# Open edX reserves partition ids below 100 (50: enrollment tracks, 51: content type gating) and
# creates content groups from 100 up; group ids follow the same rule. Ids come from the level ids
# (not their order), so a re-published course keeps the links a course team made to its cohorts.
MINIMUM_PARTITION_ID = 100
MAXIMUM_ID = 2**31 - 1  # a MySQL int: what the platform stores
PARTITION_KEY = "p2p-pathway-levels"
PARTITION_NAME = "Pathway levels"
PARTITION_DESCRIPTION = (
    "The trainer-of-trainers levels of courses/pathways.xml. Map each group to the cohort of learners at that"
    " level (Instructor Dashboard > Cohorts); learners in no cohort see the content for everyone."
)


def stable_id(text: str) -> int:
    return MINIMUM_PARTITION_ID + zlib.crc32(text.encode("utf-8")) % (MAXIMUM_ID - MINIMUM_PARTITION_ID)


def group_id(level_id: str) -> int:
    return stable_id(f"{PARTITION_KEY}:{level_id}")


def partition_json(pathways: Pathways, partition_id: int) -> dict[str, Any]:
    """The cohort user partition as `UserPartition.to_json` writes it into policy.json."""
    return {
        "id": partition_id,
        "name": PARTITION_NAME,
        "scheme": "cohort",
        "description": PARTITION_DESCRIPTION,
        "parameters": {},
        "groups": [{"id": group_id(level.id), "name": level.title, "version": 1} for level in pathways.levels],
        "active": True,
        "version": 3,
    }


def _nodes(course: Course) -> Iterator[tuple[Node, Node | None]]:
    """Every chapter, sequential, vertical and component with its parent (None for chapters)."""
    for chapter in course.chapters:
        yield chapter, None
        for subsection in chapter.subsections:
            yield subsection, chapter
            for unit in subsection.units:
                yield unit, subsection
                for component in unit.components:
                    yield component, unit


def with_content_groups(course: Course, pathways: Pathways) -> Course:
    """A copy of `course` whose tagged content carries `group_access` for its level and those above,
    and whose policy holds the pathway's cohort partition (the Open edX export of one course for all levels)."""
    course = copy.deepcopy(course)
    policy_entry = course.policy.setdefault(f"course/{course.run}", {})
    partitions = [p for p in policy_entry.get("user_partitions", []) if p.get("name") != PARTITION_NAME]
    used = {p.get("id") for p in partitions}
    partition_id = stable_id(PARTITION_KEY)
    while partition_id in used:  # the course's own partitions keep their ids
        partition_id = partition_id + 1 if partition_id < MAXIMUM_ID else MINIMUM_PARTITION_ID
    policy_entry["user_partitions"] = [*partitions, partition_json(pathways, partition_id)]
    first = levels_of(pathways, course.name)[:1]
    if first:
        # Open edX awards the certificate at the pass mark: the first level's, as in its packages.
        course.grading_policy = {
            **course.grading_policy,
            "GRADE_CUTOFFS": {"Pass": pathways.mastery(first[0], course.name)},
        }
        if "certificates" not in policy_entry:  # a course team's own configuration stays
            policy_entry["certificates"] = certificates_policy(course, pathways)
            policy_entry.setdefault("cert_html_view_enabled", True)
    inherited: dict[int, str | None] = {}
    for node, parent in _nodes(course):
        above = inherited.get(id(parent)) if parent is not None else None
        audience = node.attrs.get("audience") or None
        # A child is only ever as open as its parent: a tag lower than the parent's adds nothing.
        if audience is not None and (above is None or pathways.rank(audience) > pathways.rank(above)):
            groups = [group_id(level.id) for level in pathways.levels[pathways.rank(audience) :]]
            access = json.dumps({str(partition_id): groups})
            node.attrs["group_access"] = access
            if isinstance(node, Component) and node.xml is not None:  # other Open edX types are written from their XML
                element = etree.fromstring(node.xml)
                element.set("group_access", access)
                node.xml = etree.tostring(element, encoding="unicode")
            inherited[id(node)] = audience
        else:
            inherited[id(node)] = above
    return course


def for_level(course: Course, pathways: Pathways, level_id: str) -> Course:
    """A copy of `course` holding only the content for `level_id` and the levels below it; units,
    subsections and chapters left empty are dropped."""
    course = copy.deepcopy(course)

    def keeps(node: Node) -> bool:
        return pathways.includes(level_id, node.attrs.get("audience") or None)

    chapters = []
    for chapter in course.chapters:
        if not keeps(chapter):
            continue
        subsections = []
        for subsection in chapter.subsections:
            if not keeps(subsection):
                continue
            units = []
            for unit in subsection.units:
                if keeps(unit):
                    unit.components = [component for component in unit.components if keeps(component)]
                    if unit.components:
                        units.append(unit)
            subsection.units = units
            if units:
                subsections.append(subsection)
        chapter.subsections = subsections
        if subsections:
            chapters.append(chapter)
    course.chapters = chapters
    return course


def levels_of(pathways: Pathways, course_name: str) -> list[str]:
    """The levels whose learners take `course_name`: the first level requiring it and every level above."""
    ranks = [
        pathways.rank(level.id) for level in pathways.levels if any(r.course == course_name for r in level.courses)
    ]
    return [level.id for level in pathways.levels[min(ranks) :]] if ranks else []


def scorm_level_course(course: Course, pathways: Pathways, level_id: str) -> tuple[Course, list[str]]:
    """`course` as a SCORM target builds it for one level: only that level's content, named
    `<course>-<level>` (so the packages are `<course>-<level>-scorm12.zip`...), titled with the level,
    and passed at the level's mastery. Components SCORM cannot play that the author tagged for a
    level (a trainer-mode rubric) stay in the Open edX course only; their url_names are returned."""
    level = pathways.level(level_id)
    assert level is not None
    leveled = for_level(course, pathways, level_id)
    # Tagged on itself or on any unit, subsection or chapter above it.
    tagged = {id(component) for component, audience in audiences(leveled, pathways) if audience is not None}
    left_out = []
    for *_parents, unit in leveled.units():
        kept = []
        for component in unit.components:
            block_kind = kind(component.category) if component.block is not None else None
            if block_kind is not None and id(component) in tagged and block_kind.refuses_scorm(component.block):
                left_out.append(component.url_name)
            else:
                kept.append(component)
        unit.components = kept
    leveled = for_level(leveled, pathways, level_id)  # drops units the left-out components emptied
    leveled.certificate = certificate_terms(course, pathways, level_id, {c.url_name for c in leveled.components()})
    leveled.name = f"{course.name}-{level_id}"
    leveled.display_name = f"{course.display_name} ({level.title})"
    mastery = pathways.mastery(level_id, course.name)
    if mastery is not None:
        leveled.grading_policy = {**leveled.grading_policy, "GRADE_CUTOFFS": {"Pass": mastery}}
    return leveled, left_out


# -- Certificates of completion: the same terms in a level's SCORM packages and the Open edX export ----

PROGRAM = _("P2P trainer-of-trainers pathway")
CERTIFICATE_NAME = _("Certificate of completion")
# The statement a certificate makes; the player shows it (certificate.js, translated) and the Open
# edX certificate configuration carries it, filled the same way, in the course's language.
CERTIFICATE_STATEMENT = _(
    "has completed {course} at the {level} level of the {program}, for {hours} professional-development hours."
)
# Open edX shows the description on its own, so it names who completed the course.
CERTIFICATE_DESCRIPTION = _("The learner {statement}")


def pd_hours(pathways: Pathways, level_id: str, course_name: str) -> float:
    """The PD hours a course's certificate grants at a level: its share when it declares one, else
    the level's own (a level requiring one course)."""
    level = pathways.level(level_id)
    assert level is not None
    share = next((r.pd_hours for r in level.courses if r.course == course_name), None)
    return share if share is not None else level.pd_hours


def certificate_terms(
    course: Course, pathways: Pathways, level_id: str, in_package: set[str] | None = None
) -> dict[str, Any]:
    """What a course's certificate at a level states and requires, as the player reads it: every unit
    done, the course grade at the level's mastery, and each rubric the level (or a level below it)
    requires in this course met — `here` says whether the package holds the rubric (one only Open edX
    can play is never met in SCORM, and the learner is told where it is done)."""
    level = pathways.level(level_id)
    assert level is not None
    titles = {component.url_name: component.display_name for component in course.components()}
    rubrics = [
        requirement.block
        for lower in pathways.levels[: pathways.rank(level_id) + 1]
        for requirement in lower.rubrics
        if requirement.course == course.name
    ]
    lang = course.language or DEFAULT_LANGUAGE
    return {
        "course": course.display_name,
        "level": level.title_in(lang),
        "hours": pd_hours(pathways, level_id, course.name),
        "min_grade": pathways.mastery(level_id, course.name),
        "signatories": [signatory.shown(lang) for signatory in pathways.signatories],
        "rubrics": [
            {
                "id": block,
                "title": titles.get(block) or block,
                "here": in_package is None or block in in_package,
            }
            for block in dict.fromkeys(rubrics)
        ],
    }


def certificates_policy(course: Course, pathways: Pathways) -> dict[str, Any]:
    """The course's certificate configuration as Studio stores it in policy.json (`certificates`:
    CertificateManager's version-1 dicts; the platform uses the first active one) with the wording
    of the SCORM certificates. Open edX awards it when the course is passed, so it states the first
    level that takes the course; the higher levels' own requirement (the trainer's assessment) is
    recorded by their assessment in the course. Signatories as Studio stores them (every key the LMS's
    certificate page reads); without one, Studio asks for a signatory before it activates the certificate."""
    level = pathways.level(levels_of(pathways, course.name)[0])
    assert level is not None
    lang = course.language or DEFAULT_LANGUAGE
    hours = f"{pd_hours(pathways, level.id, course.name):g}"
    statement = gettext(CERTIFICATE_STATEMENT, lang).format(
        course=course.display_name,
        level=level.title_in(lang),
        program=gettext(PROGRAM, lang),
        hours=hours if normalize_language(lang) == DEFAULT_LANGUAGE else hours.replace(".", ","),
    )
    return {
        "certificates": [
            {
                "id": stable_id(f"{PARTITION_KEY}:certificate:{course.name}"),
                "name": gettext(CERTIFICATE_NAME, lang),
                "description": gettext(CERTIFICATE_DESCRIPTION, lang).format(statement=statement),
                "course_title": course.display_name,
                "is_active": bool(pathways.signatories),
                "signatories": [
                    {
                        "id": stable_id(f"{PARTITION_KEY}:signatory:{course.name}:{number}"),
                        **signatory.shown(lang),
                        "signature_image_path": "",
                    }
                    for number, signatory in enumerate(pathways.signatories)
                ],
                "version": 1,
                "editing": False,
            }
        ]
    }
