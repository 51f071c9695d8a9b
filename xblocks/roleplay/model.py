"""The scenario_roleplay model: authoring format, validation, scoring and the learner rules.

lxml only (no XBlock import): the XBlock, the builder and the tests all use this module, and
`static/roleplay.js` implements the same rules (`restore`, `handle`, `report`) in JavaScript;
the shared vectors in tests/vectors/roleplay/ hold the two equal.

Authoring format (see docs/roleplay.md for a complete example):

    <scenario_roleplay display_name="..." start="scene-id" weight="1" max_attempts="0" keep="best">
      <dimension id="equity" label="Equity">What the dimension means.</dimension>
      <persona id="perez" name="Ms. Pérez" role="Alfredo's mother" lang="es"
               portrait="perez.jpg" portrait_alt="..."/>
      <scene id="..." title="...">
        <narration>What happens.</narration>
        <line speaker="perez">Spanish words
          <translation by="interpreter">The interpreter's English</translation></line>
        <choice id="..." next="scene-id" points="equity:2 respect:1">
          <text>What the learner does.</text>
          <feedback>Why it matters.</feedback>
        </choice>
      </scene>
      <ending id="..." title="..."> narration and lines ... <debrief>...</debrief></ending>
    </scenario_roleplay>

Scoring. A learner's *route* is the list of choices from the start scene to where they are.
When a choice leads back to a scene already on the route, the route is cut back to that scene:
a loop adds nothing and costs nothing, so points cannot be farmed by going round it. The score
of a route is the sum of its choices' points per dimension; `possible` is the best total any
route to an ending can reach, and each dimension's `best` the most that dimension can reach.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypedDict, TypeVar

from lxml import etree

from xblocks.common.problems import Problem, located
from xblocks.common.rules import Context, Refused

from . import conditions, scoring

TAG = "scenario_roleplay"
KEEP_CHOICES = ("best", "last", "first")  # which finished attempt's score is the grade
TIERS = ("poor", "mixed", "best")  # an ending's tier, lowest first
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_POINTS_ITEM = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*):([+-]?\d{1,3})$")
_SPACE = re.compile(r"\s+")


@dataclass
class Dimension:
    id: str
    label: str
    description: str = ""


@dataclass
class Persona:
    id: str
    name: str
    role: str = ""
    lang: str = "en"
    portrait: str = ""
    portrait_alt: str = ""


@dataclass
class Line:
    """A beat of a scene: a persona speaking (speaker set) or narration (speaker None)."""

    text: str
    speaker: str | None = None
    lang: str | None = None  # None: the speaker's language (narration: the scenario's)
    translation: str = ""
    translation_by: str | None = None  # the persona who interprets, if any
    translation_lang: str | None = None  # None: the scenario's language
    condition: str = ""  # said only when this condition holds ("" = always)


@dataclass
class Variable:
    """A flag (true/false, false at the start) or a counter (a whole number, `initial` at the start)."""

    id: str
    kind: str  # "flag" or "counter"
    initial: bool | int = False
    description: str = ""


@dataclass
class Branch:
    """One way on from a choice: to `to` when `condition` holds ("" = always)."""

    to: str
    condition: str = ""


@dataclass
class Choice:
    id: str
    text: str
    next: str  # the way on when no <branch> applies ("" = none: the choice needs a branch that holds)
    points: dict[str, int] = field(default_factory=dict)
    feedback: str = ""
    condition: str = ""  # offered only when this condition holds ("" = always)
    effects: str = ""  # what the choice sets, e.g. "interpreter=true trust+=1"
    branches: list[Branch] = field(default_factory=list)

    @property
    def targets(self) -> list[str]:
        """Every scene this choice may lead to, in the order they are tried."""
        return [b.to for b in self.branches] + ([self.next] if self.next else [])

    @property
    def total(self) -> int:
        return sum(self.points.values())


@dataclass
class Scene:
    id: str
    title: str
    beats: list[Line] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)
    ending: bool = False
    debrief: str = ""
    condition: str = ""  # an ending: entered only when this holds, else the choice tries its next way on
    tier: str = ""  # an ending's tier: best, mixed or poor ("" = none)


@dataclass
class Scenario:
    display_name: str
    start: str
    dimensions: list[Dimension]
    personas: list[Persona]
    scenes: list[Scene]
    lang: str = "en"
    weight: float = 1.0
    max_attempts: int = 0  # 0: unlimited
    keep: str = "best"
    variables: list[Variable] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # reported, but the scenario is usable

    def scene(self, scene_id: str) -> Scene | None:
        return self._index()[0].get(scene_id)

    def choice(self, choice_id: str) -> Choice | None:
        return self._index()[1].get(choice_id)

    def known_scene(self, scene_id: str) -> Scene:
        """A scene the caller knows is there (on a valid route, a validated target); KeyError if not."""
        return self._index()[0][scene_id]

    def known_choice(self, choice_id: str) -> Choice:
        """A choice the caller knows is there (on a valid route); KeyError if not."""
        return self._index()[1][choice_id]

    def _index(self) -> tuple[dict[str, Scene], dict[str, Choice]]:
        """Scenes and choices by id (the first of duplicates, which validation refuses)."""
        if "_ids" not in self.__dict__:
            scenes: dict[str, Scene] = {}
            choices: dict[str, Choice] = {}
            for scene in self.scenes:
                scenes.setdefault(scene.id, scene)
                for choice in scene.choices:
                    choices.setdefault(choice.id, choice)
            self.__dict__["_ids"] = (scenes, choices)
        ids: tuple[dict[str, Scene], dict[str, Choice]] = self.__dict__["_ids"]
        return ids

    def persona(self, persona_id: str) -> Persona | None:
        return next((p for p in self.personas if p.id == persona_id), None)


Guarded = Line | Scene | Choice | Branch  # what carries a condition (`condition`, if="...")
Values = conditions.Values  # the variables' values at a step: bool for a flag, int for a counter
Locate = Callable[[object], Any]  # a model object -> the lxml element it came from (for a located problem)
_Number = TypeVar("_Number", int, float)

# ---------------------------------------------------------------------------------------------
# Parsing and validation


def _text(element: Any) -> str:
    """An element's whole text (children's tails included), whitespace collapsed."""
    if element is None:
        return ""
    # Comments may sit inside text; their tails are still the element's text.
    parts = [element.text or ""] + [c.tail or "" for c in element if not isinstance(c.tag, str)]
    return _SPACE.sub(" ", "".join(parts)).strip()


class _Reader:
    """Collects located problems while building the model."""

    def __init__(self, source: str):
        self.source = source
        self.problems: list[Problem] = []
        self.lines: dict[int, object] = {}  # id(model object) -> element, for located problems later

    def problem(self, element: Any, message: str, fix: str = "") -> None:
        self.problems.append(located(self.source, element, message, fix))

    def attribute(self, element: Any, name: str, required: bool = True, default: str = "") -> str:
        value = element.get(name)
        if value is None or not value.strip():
            if required:
                self.problem(element, f"<{element.tag}> has no {name}", f'add {name}="..."')
            return default
        return _SPACE.sub(" ", value).strip()

    def allowed(
        self, element: Any, attributes: tuple[str, ...], children: tuple[str, ...], text: bool | None = None
    ) -> None:
        """Only these attributes and child elements; text only where `text` (default: in leaf elements)."""
        for name in element.attrib:
            if name not in attributes and not name.startswith("{"):
                self.problem(
                    element,
                    f"<{element.tag}> has an unknown attribute '{name}'",
                    f"use one of: {', '.join(attributes)}",
                )
        for child in element:
            if not isinstance(child.tag, str):
                continue  # comments and processing instructions
            if child.tag not in children:
                where = f"inside <{element.tag}>"
                hint = f"use one of: {', '.join(children)}" if children else "remove it"
                self.problem(child, f"unexpected <{child.tag}> {where}", hint)
        loose = _text(element) or any((c.tail or "").strip() for c in element if isinstance(c.tag, str))
        if loose and not (not children if text is None else text):
            self.problem(element, f"<{element.tag}> has loose text", "put the text inside one of its child elements")

    def nonempty(self, element: Any, value: str, what: str) -> str:
        if not value:
            self.problem(element, f"{what} is empty", "write the text")
        return value

    def identifier(self, element: Any, name: str = "id") -> str:
        value = self.attribute(element, name)
        if value and not _ID.match(value):
            self.problem(
                element,
                f"{name} '{value}' is not a valid identifier",
                "start with a letter; use letters, digits, '-' or '_' (at most 64)",
            )
        return value

    def language(self, element: Any, name: str) -> str | None:
        value: str | None = element.get(name)
        if value is None:
            return None
        if not _LANG.match(value):
            self.problem(element, f'{name}="{value}" is not a language code', "use a code such as en, es or es-MX")
        return value


ROOT_ATTRIBUTES = ("display_name", "start", "lang", "weight", "max_attempts", "keep", "url_name", "xblock-family")


def parse(element: Any, source: str) -> tuple[Scenario | None, list[Problem]]:
    """Parse and validate a <scenario_roleplay> element; every problem located by file and line."""
    reader = _Reader(source)
    if element is None or element.tag != TAG:
        tag = getattr(element, "tag", None)
        reader.problem(element, f"expected <{TAG}>, found <{tag}>", f"make <{TAG}> the root element")
        return None, reader.problems
    reader.allowed(element, ROOT_ATTRIBUTES, ("dimension", "flag", "counter", "persona", "scene", "ending"))
    scenario = Scenario(
        display_name=reader.attribute(element, "display_name"),
        start=element.get("start", "").strip(),
        lang=reader.language(element, "lang") or "en",
        weight=_number(reader, element, "weight", 1.0, float),
        max_attempts=_number(reader, element, "max_attempts", 0, int),
        keep=element.get("keep", "best").strip(),
        dimensions=[],
        personas=[],
        scenes=[],
    )
    if scenario.keep not in KEEP_CHOICES:
        reader.problem(
            element, f'keep="{scenario.keep}" is not allowed', 'use keep="best", keep="last" or keep="first"'
        )
    lines = reader.lines
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "dimension":
            reader.allowed(child, ("id", "label"), ())
            dimension = Dimension(reader.identifier(child), reader.attribute(child, "label"), _text(child))
            scenario.dimensions.append(dimension)
            lines[id(dimension)] = child
        elif child.tag == "persona":
            reader.allowed(child, ("id", "name", "role", "lang", "portrait", "portrait_alt"), ())
            persona = Persona(
                id=reader.identifier(child),
                name=reader.attribute(child, "name"),
                role=reader.attribute(child, "role", required=False),
                lang=reader.language(child, "lang") or scenario.lang,
                portrait=reader.attribute(child, "portrait", required=False),
                portrait_alt=reader.attribute(child, "portrait_alt", required=False),
            )
            if persona.portrait and not persona.portrait_alt:
                reader.problem(
                    child,
                    f"persona '{persona.id}' has a portrait without portrait_alt",
                    "describe the portrait in portrait_alt",
                )
            if persona.portrait and ("/" in persona.portrait.strip("/") or ".." in persona.portrait):
                reader.problem(
                    child,
                    f"portrait '{persona.portrait}' is not a file name",
                    'name a file of the course\'s static folder, e.g. portrait="perez.jpg"',
                )
            scenario.personas.append(persona)
            lines[id(persona)] = child
        elif child.tag in ("flag", "counter"):
            variable = _variable(reader, child)
            scenario.variables.append(variable)
            lines[id(variable)] = child
        elif child.tag in ("scene", "ending"):
            scene = _scene(reader, child, lines)
            scenario.scenes.append(scene)
            lines[id(scene)] = child
    if not scenario.start and scenario.scenes:
        scenario.start = scenario.scenes[0].id
    _validate(reader, element, scenario, lines)
    if reader.problems:
        return None, sorted(set(reader.problems), key=lambda p: (p.line or 0, p.message))
    return scenario, []


def _variable(reader: _Reader, element: Any) -> Variable:
    kind = element.tag
    reader.allowed(element, ("id", "initial") if kind == "counter" else ("id",), ())
    variable = Variable(reader.identifier(element), kind, False if kind == "flag" else 0, _text(element))
    if variable.id in conditions.KEYWORDS:
        reader.problem(element, f"'{variable.id}' is a keyword of conditions", "choose another name")
    raw = element.get("initial")
    if kind == "counter" and raw is not None:
        initial: int | None
        try:
            initial = int(raw)
        except ValueError:
            initial = None
        if initial is None or abs(initial) > conditions.MAX_NUMBER:
            reader.problem(
                element,
                f'initial="{raw}" is not a whole number',
                f'write a number between -{conditions.MAX_NUMBER} and {conditions.MAX_NUMBER}, e.g. initial="0"',
            )
            initial = 0
        variable.initial = initial
    return variable


def _number(reader: _Reader, element: Any, name: str, default: _Number, kind: type[_Number]) -> _Number:
    raw = element.get(name)
    if raw is None:
        return default
    value: _Number | None
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or value < 0:
        reader.problem(
            element,
            f'{name}="{raw}" is not a number of zero or more',
            f'write {name}="{default}" or another {"whole " if kind is int else ""}number',
        )
        return default
    return value


def _scene(reader: _Reader, element: Any, lines: dict[int, object]) -> Scene:
    ending = element.tag == "ending"
    children = ("narration", "line") + (("debrief",) if ending else ("choice",))
    reader.allowed(element, ("id", "title") + (("tier", "if") if ending else ()), children)
    scene = Scene(id=reader.identifier(element), title=reader.attribute(element, "title"), ending=ending)
    if ending:
        scene.condition = element.get("if", "")
        scene.tier = element.get("tier", "").strip()
        if scene.tier and scene.tier not in TIERS:
            reader.problem(element, f'tier="{scene.tier}" is not a tier', f"use one of: {', '.join(reversed(TIERS))}")
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "narration":
            reader.allowed(child, ("lang", "if"), ())
            beat = Line(reader.nonempty(child, _text(child), "narration"), lang=reader.language(child, "lang"))
            beat.condition = child.get("if", "")
            scene.beats.append(beat)
            lines[id(beat)] = child
        elif child.tag == "line":
            beat = _line(reader, child)
            scene.beats.append(beat)
            lines[id(beat)] = child
        elif child.tag == "choice":
            choice = _choice(reader, child)
            scene.choices.append(choice)
            lines[id(choice)] = child
        elif child.tag == "debrief":
            reader.allowed(child, (), ())
            if scene.debrief:
                reader.problem(child, f"ending '{scene.id}' has a second <debrief>", "merge them into one")
            scene.debrief = reader.nonempty(child, _text(child), "debrief")
    if ending and not scene.debrief:
        reader.problem(
            element,
            f"ending '{scene.id}' has no <debrief>",
            "add <debrief> saying what this ending shows about the learner's choices",
        )
    return scene


def _line(reader: _Reader, element: Any) -> Line:
    reader.allowed(element, ("speaker", "lang", "if"), ("translation",), text=True)
    translation = element.find("translation")
    line = Line(
        text=reader.nonempty(element, _text(element), "spoken line"),
        speaker=reader.identifier(element, "speaker"),
        lang=reader.language(element, "lang"),
        condition=element.get("if", ""),
    )
    if len(element.findall("translation")) > 1:
        reader.problem(element.findall("translation")[1], "a line has a second <translation>", "keep one")
    if translation is not None:
        reader.allowed(translation, ("by", "lang"), ())
        line.translation = reader.nonempty(translation, _text(translation), "translation")
        line.translation_by = translation.get("by")
        line.translation_lang = reader.language(translation, "lang")
        if (translation.tail or "").strip():
            reader.problem(translation, "text after <translation>", "put the spoken words before <translation>")
    return line


def _choice(reader: _Reader, element: Any) -> Choice:
    reader.allowed(element, ("id", "next", "points", "if", "set"), ("text", "feedback", "branch"))
    text_element, feedback_element = element.find("text"), element.find("feedback")
    branches = []
    for branch in element.findall("branch"):
        reader.allowed(branch, ("to", "if"), ())
        branches.append(Branch(reader.attribute(branch, "to"), branch.get("if", "")))
        reader.lines[id(branches[-1])] = branch
    choice = Choice(
        id=reader.identifier(element),
        next=reader.attribute(element, "next", required=not branches),
        text=_text(text_element),
        feedback=_text(feedback_element),
        condition=element.get("if", ""),
        effects=element.get("set", ""),
        branches=branches,
    )
    if text_element is None:
        reader.problem(element, f"choice '{choice.id}' has no <text>", "add <text> with what the learner does or says")
    else:
        reader.allowed(text_element, (), ())
        reader.nonempty(text_element, choice.text, f"text of choice '{choice.id}'")
    if feedback_element is None:
        reader.problem(element, f"choice '{choice.id}' has no <feedback>", "add <feedback> explaining the consequence")
    else:
        reader.allowed(feedback_element, (), ())
        reader.nonempty(feedback_element, choice.feedback, f"feedback of choice '{choice.id}'")
    for item in (element.get("points") or "").split():
        match = _POINTS_ITEM.match(item)
        if not match:
            reader.problem(
                element,
                f"points item '{item}' is not dimension:number",
                'write points like points="equity:2 respect:-1"',
            )
            continue
        dimension, value = match.group(1), int(match.group(2))
        if dimension in choice.points:
            reader.problem(
                element, f"choice '{choice.id}' gives points to '{dimension}' twice", "add them up into one item"
            )
        choice.points[dimension] = value
    return choice


def _validate(reader: _Reader, root: Any, scenario: Scenario, lines: dict[int, object]) -> None:
    def at(obj: object) -> Any:
        return lines.get(id(obj), root)

    _unique(reader, scenario.dimensions, "dimension", at)
    _unique(reader, scenario.personas, "persona", at)
    _unique(reader, scenario.variables, "flag or counter", at)
    _unique(reader, scenario.scenes, "scene or ending", at)
    _unique(reader, [c for s in scenario.scenes for c in s.choices], "choice", at)
    if not scenario.dimensions:
        reader.problem(root, "the scenario has no <dimension>", "add at least one <dimension id=... label=...>")
    if not any(s.ending for s in scenario.scenes):
        reader.problem(root, "the scenario has no <ending>", "add at least one <ending> with a <debrief>")
    dimensions = {d.id for d in scenario.dimensions}
    personas = {p.id for p in scenario.personas}
    scenes = {s.id: s for s in scenario.scenes}
    if scenario.start and scenario.start not in scenes:
        reader.problem(root, f'start="{scenario.start}" names no scene', f"use one of: {_some(scenes)}")
    for scene in scenario.scenes:
        for beat in scene.beats:
            if beat.speaker and beat.speaker not in personas:
                reader.problem(
                    at(beat),
                    f"speaker '{beat.speaker}' is not a persona",
                    f'declare <persona id="{beat.speaker}" .../> or use one of: {_some(sorted(personas))}',
                )
            if beat.translation_by and beat.translation_by not in personas:
                reader.problem(
                    at(beat),
                    f"translation by '{beat.translation_by}' is not a persona",
                    f'declare <persona id="{beat.translation_by}" .../>',
                )
        if not scene.ending and not scene.choices:
            reader.problem(
                at(scene),
                f"scene '{scene.id}' has no choices and is not an ending",
                "add a <choice>, or make it an <ending> with a <debrief>",
            )
        for choice in scene.choices:
            for branch, target in [(b, b.to) for b in choice.branches] + [(choice, choice.next)]:
                if target and target not in scenes:
                    reader.problem(
                        at(branch),
                        f"choice '{choice.id}' leads to unknown scene '{target}'",
                        f"use one of: {_some(scenes)}",
                    )
            for dimension in choice.points:
                if dimension not in dimensions:
                    reader.problem(
                        at(choice),
                        f"choice '{choice.id}' gives points to unknown dimension '{dimension}'",
                        f"use one of: {_some(sorted(dimensions))}",
                    )
    _check_conditions(reader, scenario, at)
    if scenario.start not in scenes:
        return
    reachable = _reachable(scenario, scenario.start)
    for scene in scenario.scenes:
        if scene.id not in reachable:
            reader.problem(
                at(scene),
                f"scene '{scene.id}' cannot be reached from the start scene '{scenario.start}'",
                "add a choice leading to it, or remove it",
            )
    endings = {s.id for s in scenario.scenes if s.ending}
    can_end = _can_reach(scenario, endings)
    for scene in scenario.scenes:
        if scene.id in reachable and scene.id not in can_end:
            reader.problem(
                at(scene),
                f"no ending can be reached from scene '{scene.id}'",
                "give it (or a scene after it) a choice that leads towards an <ending>",
            )
    if reader.problems:
        return
    _check_states(reader, scenario, at)
    if reader.problems:
        return
    bests = _route_bests(scenario)
    if bests is not None and bests[1] <= 0:
        reader.problem(
            root,
            "no route to an ending earns any points overall",
            "give positive points to the choices a skilled partner would make",
        )
    if bests is None:
        reader.problem(
            root,
            f"the scenario's loops are too tangled to score: finding its best routes takes more than "
            f"{scoring.MAX_STEPS} steps",
            "split it into smaller scenarios, or make fewer choices lead back to earlier scenes",
        )
        return
    for declared in scenario.dimensions:
        if bests[0].get(declared.id, 0) <= 0:
            reader.problem(
                at(declared),
                f"no route earns points for dimension '{declared.id}'",
                "give positive points for it to a choice on a route to an ending",
            )


def _check_conditions(reader: _Reader, scenario: Scenario, at: Locate) -> None:
    """Every condition and effect parses against the declared variables; a variable set but never
    read is a warning."""
    kinds = {v.id: v.kind for v in scenario.variables}
    read: set[str] = set()
    written: set[str] = set()
    fix = "write it like: interpreter and not rushed, trust >= 2 (declare each name as <flag> or <counter>)"

    def condition(owner: Guarded, what: str) -> None:
        text = owner.condition
        if not text:
            return
        try:
            read.update(conditions.names(conditions.parse(text, kinds)))
        except conditions.ConditionError as error:
            reader.problem(at(owner), f'{what} if="{text}": {error.message} (at character {error.position + 1})', fix)

    for scene in scenario.scenes:
        condition(scene, f"ending '{scene.id}'")
        for beat in scene.beats:
            condition(beat, f"a {'line' if beat.speaker else 'narration'} of '{scene.id}'")
        for choice in scene.choices:
            condition(choice, f"choice '{choice.id}'")
            for branch in choice.branches:
                condition(branch, f"a branch of choice '{choice.id}'")
            if choice.effects:
                try:
                    written.update(name for name, _op, _value in conditions.parse_effects(choice.effects, kinds))
                except conditions.ConditionError as error:
                    reader.problem(
                        at(choice),
                        f"choice '{choice.id}' set=\"{choice.effects}\": {error.message} "
                        f"(at character {error.position + 1})",
                        'write it like: set="interpreter=true trust+=1" (declare each name as <flag> or <counter>)',
                    )
    for variable in scenario.variables:
        if variable.id in written and variable.id not in read:
            scenario.warnings.append(
                located(
                    reader.source,
                    at(variable),
                    f"{variable.kind} '{variable.id}' is set but no condition reads it",
                    'use it in an if="...", or remove it',
                )
            )
        elif variable.id not in written and variable.id not in read:
            scenario.warnings.append(
                located(reader.source, at(variable), f"{variable.kind} '{variable.id}' is never used", "remove it")
            )


def _check_states(reader: _Reader, scenario: Scenario, at: Locate) -> None:
    """With the conditions applied: endings and scenes no route reaches, states where no choice is
    offered, conditions that never hold where they are asked, and the coherence of ending tiers."""
    bests = _search_route_bests(scenario)
    if bests is None:
        return  # reported as too tangled by the scoring check
    read = _read_variables(scenario)
    seen_scenes = set()
    held: set[int] = set()  # id() of conditions found true in some reached state
    asked: set[int] = set()
    for scene_id, key in bests.reached:
        values = dict(zip(read, key, strict=True))
        scene = scenario.known_scene(scene_id)
        seen_scenes.add(scene_id)
        for beat in scene.beats:
            _ask(beat, values, asked, held)
        if scene.ending:
            continue
        any_offered = False
        for choice in scene.choices:
            if not _ask(choice, values, asked, held):
                continue
            after = conditions.apply_effects(_effects(choice.effects), values)
            for branch in choice.branches:
                if _ask(branch, after, asked, held):
                    ending = scenario.known_scene(branch.to)
                    if not ending.ending or _ask(ending, after, asked, held):
                        break
            else:
                last = scenario.scene(choice.next) if choice.next else None
                if last is not None and last.ending:
                    _ask(last, after, asked, held)
            any_offered = any_offered or target(scenario, choice, after) is not None
        if not any_offered:
            reader.problem(
                at(scene),
                f"in scene '{scene.id}', when {_describe(values, scenario)}, no choice is offered",
                "add a choice without a condition, or one whose condition holds then",
            )
    for scene in scenario.scenes:
        if scene.id not in seen_scenes:
            kind = "ending" if scene.ending else "scene"
            reader.problem(
                at(scene),
                f"{kind} '{scene.id}' is never reached: the conditions on the way to it never hold together",
                'check the if="..." of the choices and branches that lead to it, and what sets their variables',
            )
    owners: list[tuple[Guarded, str]] = [(o, f"a line of '{s.id}'") for s in scenario.scenes for o in s.beats]
    owners += [(s, f"ending '{s.id}'") for s in scenario.scenes if s.ending]
    owners += [(c, f"choice '{c.id}'") for s in scenario.scenes for c in s.choices]
    owners += [(b, f"a branch of choice '{c.id}'") for s in scenario.scenes for c in s.choices for b in c.branches]
    for owner, what in owners:
        if owner.condition and id(owner) in asked and id(owner) not in held:
            reader.problem(
                at(owner),
                f'{what}: if="{owner.condition}" never holds on any route',
                "change the condition, or set its variables on a route that leads here",
            )
    _check_tiers(reader, scenario, bests, at)


def _ask(owner: Guarded, values: Values, asked: set[int], held: set[int]) -> bool:
    """Whether `owner`'s condition holds, noting that it was asked and (if so) that it held."""
    if not owner.condition:
        return True
    asked.add(id(owner))
    result = conditions.holds(_tree(owner.condition), values)
    if result:
        held.add(id(owner))
    return result


def _describe(values: Values, scenario: Scenario) -> str:
    if not values:
        return "the route has set nothing"
    return " and ".join(
        f"{name} is {str(value).lower() if isinstance(value, bool) else value}" for name, value in values.items()
    )


def _check_tiers(reader: _Reader, scenario: Scenario, bests: scoring.Bests[SearchState], at: Locate) -> None:
    """A route into a higher tier never scores less than a route into a lower one. Each ending is
    compared with the best-scoring ending of each lower tier only, so the work grows with the
    number of endings (one problem per ending and lower tier at most)."""
    tiered = [s for s in scenario.scenes if s.ending and s.tier and s.id in bests.endings]
    top: dict[str, Scene] = {}  # tier -> its ending with the highest-scoring route
    for ending in tiered:
        if ending.tier not in top or bests.endings[ending.id][1] > bests.endings[top[ending.tier].id][1]:
            top[ending.tier] = ending
    for higher in tiered:
        for lower in top.values():
            if TIERS.index(higher.tier) <= TIERS.index(lower.tier):
                continue
            low = max(0, bests.endings[higher.id][0])
            high = max(0, bests.endings[lower.id][1])
            if low < high:
                reader.problem(
                    at(higher),
                    f"a route into '{higher.id}' (tier {higher.tier}) can score {low} while a route into "
                    f"'{lower.id}' (tier {lower.tier}) can score {high}",
                    "guard the endings with conditions on what the learner did, or change the points, so that "
                    "a higher tier always earns at least as much",
                )


def _some(names: Iterable[str], shown: int = 12) -> str:
    """Names to suggest in a fix: the first few, so a message stays short however large the scenario."""
    listed = list(names)
    if not listed:
        return "(none)"
    more = f", ... ({len(listed) - shown} more)" if len(listed) > shown else ""
    return ", ".join(listed[:shown]) + more


def _unique(
    reader: _Reader, items: Iterable[Dimension | Persona | Variable | Scene | Choice], what: str, at: Locate
) -> None:
    seen: set[str] = set()
    for item in items:
        if item.id and item.id in seen:
            reader.problem(at(item), f"duplicate {what} id '{item.id}'", "give each one its own id")
        seen.add(item.id)


def _reachable(scenario: Scenario, start: str) -> set[str]:
    seen: set[str] = set()
    frontier = [start]
    while frontier:
        scene = scenario.scene(frontier.pop())
        if scene is None or scene.id in seen:
            continue
        seen.add(scene.id)
        frontier += [target for c in scene.choices for target in c.targets]
    return seen


def _can_reach(scenario: Scenario, targets: set[str]) -> set[str]:
    """Scenes from which one of `targets` can be reached (a search backwards from them, so the work
    grows with the number of choices, not with its square)."""
    sources: dict[str, set[str]] = {}
    for scene in scenario.scenes:
        for choice in scene.choices:
            for target in choice.targets:
                sources.setdefault(target, set()).add(scene.id)
    found, frontier = set(targets), list(targets)
    while frontier:
        for source in sources.get(frontier.pop(), ()):
            if source not in found:
                found.add(source)
                frontier.append(source)
    return found


# ---------------------------------------------------------------------------------------------
# Scoring


def _route_bests(scenario: Scenario) -> tuple[dict[str, int], int] | None:
    """(best per dimension, best total) over every loop-free route from the start to an ending,
    or None when the scenario is too tangled to score; computed once per parsed scenario."""
    if "_bests" not in scenario.__dict__:
        bests = _search_route_bests(scenario)
        scenario.__dict__["_bests"] = None if bests is None else (bests.dimensions, bests.possible)
    found: tuple[dict[str, int], int] | None = scenario.__dict__["_bests"]
    return found


def _scored_bests(scenario: Scenario) -> tuple[dict[str, int], int]:
    """_route_bests of a scenario that validated (validation refuses one too tangled to score)."""
    bests = _route_bests(scenario)
    assert bests is not None, "a scenario that validated can be scored"
    return bests


def _search_route_bests(scenario: Scenario) -> scoring.Bests[SearchState] | None:
    """The scores over the scenario's state graph: a state is a scene and the values of the
    variables some condition reads (see scoring.py: no route is enumerated); searched once per
    parsed scenario (validation and scoring share it)."""
    if "_search" not in scenario.__dict__:
        scenario.__dict__["_search"] = _search(scenario)
    found: scoring.Bests[SearchState] | None = scenario.__dict__["_search"]
    return found


# A state of the search: a scene and the values of the variables some condition reads, in order.
SearchState = tuple[str, tuple[Any, ...]]


def _search(scenario: Scenario) -> scoring.Bests[SearchState] | None:
    read = _read_variables(scenario)
    per_state = 1 + len(read) // 4  # building a state's values and keys costs with their number

    def key(values: Values) -> tuple[Any, ...]:
        return tuple(values.get(name) for name in read)

    def moves(state: SearchState) -> list[scoring.Move[SearchState]]:
        scene_id, values = state[0], dict(zip(read, state[1], strict=True))
        return [((to, key(after)), choice.points) for choice, after, to in offered(scenario, scene_id, values)]

    try:
        return scoring.best_scores(
            (scenario.start, key(initial_values(scenario))),
            scene_of=lambda state: state[0],
            moves=moves,
            ending_of=lambda state: state[0] if scenario.known_scene(state[0]).ending else None,
            dimensions=[d.id for d in scenario.dimensions],
            scene_graph={scene.id: [t for c in scene.choices for t in c.targets] for scene in scenario.scenes},
            cost=lambda state: per_state + _scene_cost(scenario, state[0]),
        )
    except scoring.TooTangled:
        return None


def _scene_cost(scenario: Scenario, scene_id: str) -> int:
    """Search steps to ask a scene for its moves: a step per choice and branch, and one more per
    ten characters of the conditions and effects evaluated (computed once per scene)."""
    costs: dict[str, int] = scenario.__dict__.setdefault("_costs", {})
    if scene_id not in costs:
        total = 1
        for choice in scenario.known_scene(scene_id).choices:
            total += 1 + (len(choice.condition) + len(choice.effects)) // 10
            total += sum(1 + len(b.condition) // 10 for b in choice.branches)
        costs[scene_id] = total
    return costs[scene_id]


def _read_variables(scenario: Scenario) -> list[str]:
    """The variables some condition reads, in declaration order: the only ones a state needs."""
    texts = [s.condition for s in scenario.scenes] + [b.condition for s in scenario.scenes for b in s.beats]
    for scene in scenario.scenes:
        for choice in scene.choices:
            texts += [choice.condition] + [b.condition for b in choice.branches]
    names = set[str]().union(*(conditions.names(_tree(t)) for t in texts if t))
    return [v.id for v in scenario.variables if v.id in names]


# ---------------------------------------------------------------------------------------------
# Conditions at play


@functools.lru_cache(maxsize=4096)
def _tree(text: str) -> conditions.Tree:
    return conditions.parse(text)


@functools.lru_cache(maxsize=4096)
def _effects_cached(text: str) -> tuple[tuple[Any, ...], ...]:
    return tuple(tuple(e) for e in conditions.parse_effects(text))


def _effects(text: str) -> list[conditions.Effect]:
    return [list(e) for e in _effects_cached(text)] if text else []


def holds(condition: str, values: Values) -> bool:
    """Does an (already validated) condition hold? An empty condition always does."""
    return not condition or conditions.holds(_tree(condition), values)


def initial_values(scenario: Scenario) -> Values:
    return {v.id: v.initial for v in scenario.variables}


def target(scenario: Scenario, choice: Choice, values: Values) -> str | None:
    """Where a choice leads, given the values after its effects: the first branch whose condition
    holds and, when it leads to an ending, whose ending's condition holds too; then `next`."""
    ways = [(b.to, b.condition) for b in choice.branches] + ([(choice.next, "")] if choice.next else [])
    for to, condition in ways:
        scene = scenario.scene(to)
        if scene is not None and holds(condition, values) and (not scene.ending or holds(scene.condition, values)):
            return to
    return None


def offered(scenario: Scenario, scene_id: str, values: Values) -> list[tuple[Choice, Values, str]]:
    """The choices offered in a scene with these values: (choice, values after it, where it leads)."""
    found = []
    for choice in scenario.known_scene(scene_id).choices:
        if holds(choice.condition, values):
            after = conditions.apply_effects(_effects(choice.effects), values)
            to = target(scenario, choice, after)
            if to is not None:
                found.append((choice, after, to))
    return found


def trace(scenario: Scenario, route: list[str]) -> list[tuple[str, Values]]:
    """(scene, values) at each step of a valid route, the start first."""
    steps = [(scenario.start, initial_values(scenario))]
    for choice_id in route:
        choice = scenario.known_choice(choice_id)
        after = conditions.apply_effects(_effects(choice.effects), steps[-1][1])
        to = target(scenario, choice, after)
        assert to is not None, "every choice of a valid route leads on"
        steps.append((to, after))
    return steps


def route_scenes(scenario: Scenario, route: list[str]) -> list[str]:
    """The scenes a valid route passes through, the start first."""
    return [scene for scene, _values in trace(scenario, route)]


def route_totals(scenario: Scenario, route: list[str]) -> dict[str, int]:
    totals = {d.id: 0 for d in scenario.dimensions}
    for choice_id in route:
        for dimension, value in scenario.known_choice(choice_id).points.items():
            totals[dimension] += value
    return totals


def earned(totals: dict[str, int]) -> int:
    """A route's score: its points on every dimension together, never below zero."""
    return max(0, sum(totals.values()))


# ---------------------------------------------------------------------------------------------
# Content for the script


def view_content(scenario: Scenario) -> dict[str, Any]:
    """Everything the template and script need, learner-independent and JSON-safe. Portraits are
    file names; the template turns them into URLs with the runtime's `asset_url`."""
    bests, possible = _scored_bests(scenario)
    personas = {p.id: p for p in scenario.personas}

    def beat(line: Line) -> dict[str, Any]:
        speaker = personas.get(line.speaker) if line.speaker else None
        return {
            "speaker": line.speaker,
            "text": line.text,
            "lang": line.lang or (speaker.lang if speaker else scenario.lang),
            "translation": line.translation,
            "translation_by": line.translation_by,
            "translation_lang": line.translation_lang or scenario.lang,
            "if": line.condition,
        }

    return {
        "title": scenario.display_name,
        "lang": scenario.lang,
        "start": scenario.start,
        "keep": scenario.keep,
        "max_attempts": scenario.max_attempts,
        "possible": possible,
        "variables": [{"id": v.id, "kind": v.kind, "initial": v.initial} for v in scenario.variables],
        "dimensions": [
            {"id": d.id, "label": d.label, "description": d.description, "best": bests[d.id]}
            for d in scenario.dimensions
        ],
        "personas": [
            {
                "id": p.id,
                "name": p.name,
                "role": p.role,
                "lang": p.lang,
                "portrait": p.portrait,
                "portrait_alt": p.portrait_alt,
            }
            for p in scenario.personas
        ],
        "scenes": [
            {
                "id": s.id,
                "title": s.title,
                "ending": s.ending,
                "debrief": s.debrief,
                "if": s.condition,
                "tier": s.tier,
                "beats": [beat(b) for b in s.beats],
                "choices": [
                    {
                        "id": c.id,
                        "text": c.text,
                        "next": c.next,
                        "points": dict(c.points),
                        "feedback": c.feedback,
                        "if": c.condition,
                        "set": c.effects,
                        "branches": [{"to": b.to, "if": b.condition} for b in c.branches],
                    }
                    for c in s.choices
                ],
            }
            for s in scenario.scenes
        ],
    }


def rules_content(scenario: Scenario) -> Scenario:
    """What restore, apply and report read: the parsed scenario itself, whose route search is cached on
    it (the script's rules read view_content, which carries the search's results)."""
    return scenario


def static_files(scenario: Scenario) -> list[str]:
    return sorted({p.portrait for p in scenario.personas if p.portrait})


# ---------------------------------------------------------------------------------------------
# Writing back


def serialize(scenario: Scenario) -> etree._Element:
    root = etree.Element(TAG)
    root.set("display_name", scenario.display_name)
    root.set("start", scenario.start)
    if scenario.lang != "en":
        root.set("lang", scenario.lang)
    if scenario.weight != 1.0:
        root.set("weight", _number_text(scenario.weight))
    if scenario.max_attempts:
        root.set("max_attempts", str(scenario.max_attempts))
    if scenario.keep != "best":
        root.set("keep", scenario.keep)
    for dimension in scenario.dimensions:
        etree.SubElement(root, "dimension", id=dimension.id, label=dimension.label).text = dimension.description or None
    for variable in scenario.variables:
        element = etree.SubElement(root, variable.kind, id=variable.id)
        if variable.kind == "counter" and variable.initial:
            element.set("initial", str(variable.initial))
        element.text = variable.description or None
    for persona in scenario.personas:
        element = etree.SubElement(root, "persona", id=persona.id, name=persona.name)
        for name in ("role", "portrait", "portrait_alt"):
            if getattr(persona, name):
                element.set(name, getattr(persona, name))
        if persona.lang != scenario.lang:
            element.set("lang", persona.lang)
    for scene in scenario.scenes:
        element = etree.SubElement(root, "ending" if scene.ending else "scene", id=scene.id, title=scene.title)
        if scene.tier:
            element.set("tier", scene.tier)
        if scene.condition:
            element.set("if", scene.condition)
        for beat in scene.beats:
            if beat.speaker is None:
                child = etree.SubElement(element, "narration")
            else:
                child = etree.SubElement(element, "line", speaker=beat.speaker)
            if beat.lang:
                child.set("lang", beat.lang)
            if beat.condition:
                child.set("if", beat.condition)
            child.text = beat.text
            if beat.translation:
                translation = etree.SubElement(child, "translation")
                if beat.translation_by:
                    translation.set("by", beat.translation_by)
                if beat.translation_lang:
                    translation.set("lang", beat.translation_lang)
                translation.text = beat.translation
        for choice in scene.choices:
            child = etree.SubElement(element, "choice", id=choice.id)
            for name, value in (("next", choice.next), ("if", choice.condition), ("set", choice.effects)):
                if value:
                    child.set(name, value)
            if choice.points:
                child.set("points", " ".join(f"{k}:{v}" for k, v in choice.points.items()))
            etree.SubElement(child, "text").text = choice.text
            etree.SubElement(child, "feedback").text = choice.feedback
            for branch in choice.branches:
                way = etree.SubElement(child, "branch", to=branch.to)
                if branch.condition:
                    way.set("if", branch.condition)
        if scene.ending:
            etree.SubElement(element, "debrief").text = scene.debrief
    return root


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def parse_text(text: str, source: str) -> tuple[Scenario | None, list[Problem]]:
    """Parse XML text (the studio editor, the workbench); a syntax error is a located problem too."""
    parser = etree.XMLParser(remove_blank_text=False, resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(text.encode("utf-8") if isinstance(text, str) else text, parser)
    except etree.XMLSyntaxError as error:
        line = error.lineno if error.lineno else None
        return None, [
            Problem(
                source,
                line,
                f"the XML is not well-formed: {error.msg}",
                "close every element and escape & and < in text as &amp; and &lt;",
            )
        ]
    return parse(root, source)


# ---------------------------------------------------------------------------------------------
# Learner rules: the Python twin of `P2PRoleplay.rules` in static/roleplay.js.
#
# The saved state is compact (it shares SCORM 1.2's 4,096-character suspend_data with other
# blocks) and holds ids only (RoleplayState). The route is the only list: the SCORM player
# records each choice as an interaction when it is reported, so a route that Replay empties
# needs no copy.

ScorePair = list[int]  # a finished attempt's score: [earned, possible], 0 <= earned <= possible


class RoleplayState(TypedDict):
    """A learner's state for one role-play (the same JSON in roleplay.js and in SCORM suspend_data)."""

    r: list[str]  # the route: choice ids from the start scene
    v: str | None  # the choice that led here when it is not the route's last (it closed a loop), else None
    n: int  # finished attempts (endings reached)
    b: ScorePair | None  # the best finished attempt's score (None: no attempt finished)
    l: ScorePair | None  # noqa: E741 (the saved key) the last finished attempt's score
    f: ScorePair | None  # the first finished attempt's score (keep="first" grades it)


def empty_state() -> RoleplayState:
    return {"r": [], "v": None, "n": 0, "b": None, "l": None, "f": None}


def _walk(scenario: Scenario, route: object) -> list[str]:
    """The longest prefix of `route` that is still playable in this scenario, loops cut."""
    steps = [(scenario.start, initial_values(scenario))]
    kept: list[str] = []
    for choice_id in route if isinstance(route, list) else []:
        here, values = steps[-1]
        if scenario.known_scene(here).ending or not isinstance(choice_id, str):
            break
        move = next(((after, to) for c, after, to in offered(scenario, here, values) if c.id == choice_id), None)
        if move is None:
            break
        scenes = [scene for scene, _values in steps]
        if move[1] in scenes:
            cut = scenes.index(move[1])
            steps, kept = steps[: cut + 1], kept[:cut]
        else:
            steps.append((move[1], move[0]))
            kept.append(choice_id)
    return kept


def _score_pair(value: object) -> ScorePair | None:
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(type(x) is int for x in value)
        and value[0] >= 0
        and value[1] > 0
        and value[0] <= value[1]
    ):
        return list(value)
    return None


def restore(saved: object, scenario: Scenario) -> RoleplayState:
    """A saved state (or None) made valid for this version of the scenario.

    The route keeps its longest prefix that can still be played (a removed scene or choice ends
    it: the learner resumes at the last scene that still exists on their way); finished
    attempts and scores are kept as earned; unknown choice ids are dropped.
    """
    state = empty_state()
    if not isinstance(saved, dict):
        return state
    state["r"] = _walk(scenario, saved.get("r"))
    here = route_scenes(scenario, state["r"])[-1]
    via = saved.get("v")
    choice = scenario.choice(via) if isinstance(via, str) else None
    route_last = state["r"][-1] if state["r"] else None
    state["v"] = (
        via if isinstance(via, str) and choice is not None and here in choice.targets and via != route_last else None
    )
    attempts = saved.get("n")
    state["n"] = attempts if type(attempts) is int and attempts >= 0 else 0
    state["b"] = _score_pair(saved.get("b"))
    state["l"] = _score_pair(saved.get("l"))
    state["f"] = _score_pair(saved.get("f"))
    if state["f"] is None and state["n"] and state["l"]:
        # Saved before the first score was kept: after one attempt it is the last one; after more,
        # the lower of best and last, so a replayed attempt can never stand in for the first.
        worse = state["b"] if state["b"] and _better(state["l"], state["b"]) else state["l"]
        state["f"] = state["l"] if state["n"] == 1 else worse
    return state


def view(state: RoleplayState, scenario: Scenario) -> dict[str, Any]:
    """What the `state` handler answers: the learner's view state."""
    here, values = trace(scenario, state["r"])[-1]
    scene = scenario.known_scene(here)
    totals = route_totals(scenario, state["r"])
    left = None if not scenario.max_attempts else max(0, scenario.max_attempts - state["n"])
    return {
        "scene": scene.id,
        "route": list(state["r"]),
        "via": _via(state),
        "values": values,
        "offered": [] if scene.ending else [c.id for c, _after, _to in offered(scenario, here, values)],
        "ending": scene.ending,
        "totals": totals,
        "earned": earned(totals),
        "attempts": state["n"],
        "attempts_left": left,
        "can_back": bool(state["r"]) and not scene.ending,
        "can_restart": left is None or left > 0,
        "best": _score_dict(state["b"]),
        "last": _score_dict(state["l"]),
        "first": _score_dict(state["f"]),
        "score": _score_dict(kept_score(state, scenario)),
    }


def _via(state: RoleplayState) -> str | None:
    """The choice whose feedback the learner sees: the one that led to the current scene."""
    return state["v"] or (state["r"][-1] if state["r"] else None)


def _score_dict(pair: ScorePair | None) -> dict[str, int] | None:
    return {"earned": pair[0], "possible": pair[1]} if pair else None


def kept_score(state: RoleplayState, scenario: Scenario) -> ScorePair | None:
    """The grade: the best, the last or the first finished attempt's score (`keep`)."""
    return {"best": state["b"], "last": state["l"], "first": state["f"]}[scenario.keep]


def _better(a: ScorePair, b: ScorePair | None) -> bool:
    """Is score pair a better than b (as fractions)?"""
    return b is None or a[0] * b[1] > b[0] * a[1]


def apply(
    handler: str, state: RoleplayState, payload: object, scenario: Scenario, ctx: Context | None = None
) -> tuple[RoleplayState, dict[str, Any]]:
    """Apply a learner request; returns (new state, response). Raises Refused and leaves `state` alone.
    No role-play rule reads the context."""
    rule = HANDLERS.get(handler)
    if rule is None:
        raise Refused(f"unknown request '{handler}'")
    if not isinstance(payload, dict):
        raise Refused("the request must be a JSON object")
    new_state = rule(copy.deepcopy(state), payload, scenario)
    return new_state, view(new_state, scenario)


def _state(state: RoleplayState, payload: dict[str, Any], scenario: Scenario) -> RoleplayState:
    return state


def _choose(state: RoleplayState, payload: dict[str, Any], scenario: Scenario) -> RoleplayState:
    choice_id = payload.get("choice")
    steps = trace(scenario, state["r"])
    scenes = [scene for scene, _values in steps]
    here = scenario.known_scene(scenes[-1])
    if here.ending:
        raise Refused("this conversation has ended: start over to play it again")
    moves = offered(scenario, here.id, steps[-1][1]) if isinstance(choice_id, str) else []
    to = next((to for c, _after, to in moves if c.id == choice_id), None)
    if to is None or not isinstance(choice_id, str):  # a choice id that is not a string is never offered
        raise Refused(f"choice '{choice_id}' is not offered in scene '{here.id}'")
    if to in scenes:
        state["r"] = state["r"][: scenes.index(to)]
        state["v"] = choice_id
    else:
        state["r"].append(choice_id)
        state["v"] = None
    if scenario.known_scene(to).ending:
        _finish(state, scenario)
    return state


def _finish(state: RoleplayState, scenario: Scenario) -> None:
    """An ending reached: count the attempt (if one is left) and keep its score."""
    if scenario.max_attempts and state["n"] >= scenario.max_attempts:
        return
    _, possible = _scored_bests(scenario)
    score = [min(possible, earned(route_totals(scenario, state["r"]))), possible]
    state["n"] += 1
    state["l"] = score
    if state["f"] is None:
        state["f"] = score
    if _better(score, state["b"]):
        state["b"] = score


def _back(state: RoleplayState, payload: dict[str, Any], scenario: Scenario) -> RoleplayState:
    here = scenario.known_scene(route_scenes(scenario, state["r"])[-1])
    if not state["r"]:
        raise Refused("there is no step to go back to: this is the first scene")
    if here.ending:
        raise Refused("this conversation has ended: start over to play it again")
    state["r"].pop()
    state["v"] = None
    return state


def _restart(state: RoleplayState, payload: dict[str, Any], scenario: Scenario) -> RoleplayState:
    if scenario.max_attempts and state["n"] >= scenario.max_attempts:
        raise Refused(f"all {scenario.max_attempts} attempts have been used")
    state["r"] = []
    state["v"] = None
    return state


HANDLERS: dict[str, Callable[[RoleplayState, dict[str, Any], Scenario], RoleplayState]] = {
    "state": _state,
    "choose": _choose,
    "back": _back,
    "restart": _restart,
}


def report(state: RoleplayState, scenario: Scenario, block_id: str = "") -> dict[str, Any]:
    """Completion, kept score and one `choice` interaction per choice on the learner's current
    route, for the SCORM runtime (which records each interaction once, when it first appears).
    `choices` lists the scene's choice ids in order, so a runtime can name the response by its
    position (SCORM 1.2 wants one character)."""
    route = state["r"]
    prefix = f"{block_id}-" if block_id else ""
    interactions = []
    for (here, values), choice_id in zip(trace(scenario, route), route):
        choice = scenario.known_choice(choice_id)
        scene = scenario.known_scene(here)
        result = _result(scenario, here, values, choice)
        interactions.append(
            {
                "id": prefix + choice_id,
                "type": "choice",
                "description": f"{scene.title}: {choice.text}",
                "response": choice_id,
                "result": result,
                "choices": [c.id for c in scene.choices],
            }
        )
    return {
        "completed": state["n"] > 0,
        "score": _score_dict(kept_score(state, scenario)),
        "interactions": interactions,
    }


def _result(scenario: Scenario, here: str, values: Values, choice: Choice) -> str:
    """`correct` when the choice earns the most points of those offered then, `incorrect` when it
    loses points, else `neutral` (SCORM's interaction result, and the tracking events')."""
    top = max(c.total for c, _after, _to in offered(scenario, here, values))
    return "correct" if choice.total == top else ("incorrect" if choice.total < 0 else "neutral")


# ---------------------------------------------------------------------------------------------
# Tracking events (Open edX): what a request did, for analytics

EVENT_PREFIX = "xblock.scenario_roleplay."


def tracking_events(
    name: str,
    before: RoleplayState,
    after: RoleplayState,
    payload: dict[str, Any],
    scenario: Scenario,
    block_id: str,
) -> list[tuple[str, dict[str, Any]]]:
    """[(event type, data)] for an accepted request: a choice (and the ending it reached), a step
    back, a restart. `interaction_id` is the id the SCORM report gives the same choice."""
    steps = trace(scenario, before["r"])
    here, values = steps[-1]
    there = route_scenes(scenario, after["r"])[-1]
    if name == "choose":
        choice = scenario.known_choice(payload["choice"])
        events = [
            (
                EVENT_PREFIX + "choice_made",
                {
                    "scene": here,
                    "choice": choice.id,
                    "interaction_id": f"{block_id}-{choice.id}",
                    "result": _result(scenario, here, values, choice),
                    "points": dict(choice.points),
                    "next_scene": there,
                    "loop": len(after["r"]) <= len(before["r"]),
                    "route": list(after["r"]),
                },
            )
        ]
        ending = scenario.known_scene(there)
        if ending.ending:
            totals = route_totals(scenario, after["r"])
            events.append(
                (
                    EVENT_PREFIX + "ending_reached",
                    {
                        "ending": ending.id,
                        "tier": ending.tier or None,
                        "earned": earned(totals),
                        "possible": _scored_bests(scenario)[1],
                        "totals": totals,
                        "scored": after["n"] > before["n"],
                        "attempt": after["n"],
                        "route": list(after["r"]),
                    },
                )
            )
        return events
    if name == "back":
        return [
            (
                EVENT_PREFIX + "stepped_back",
                {"from_scene": here, "to_scene": there, "choice": before["r"][-1], "route": list(after["r"])},
            )
        ]
    if name == "restart":
        return [
            (
                EVENT_PREFIX + "restarted",
                {"from_scene": here, "ended": scenario.known_scene(here).ending, "attempts": after["n"]},
            )
        ]
    return []
