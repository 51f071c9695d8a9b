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
import re
from dataclasses import dataclass, field

from lxml import etree

from xblocks.common.problems import Problem, located

from . import scoring

TAG = "scenario_roleplay"
KEEP_CHOICES = ("best", "last")
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


@dataclass
class Choice:
    id: str
    text: str
    next: str
    points: dict[str, int] = field(default_factory=dict)
    feedback: str = ""

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

    def scene(self, scene_id: str) -> Scene | None:
        return next((s for s in self.scenes if s.id == scene_id), None)

    def choice(self, choice_id: str) -> Choice | None:
        return next((c for s in self.scenes for c in s.choices if c.id == choice_id), None)

    def persona(self, persona_id: str) -> Persona | None:
        return next((p for p in self.personas if p.id == persona_id), None)


class Refused(Exception):
    """A learner request the scenario does not allow; the JSON handlers answer it with a 400."""


# ---------------------------------------------------------------------------------------------
# Parsing and validation


def _text(element) -> str:
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

    def problem(self, element, message: str, fix: str = "") -> None:
        self.problems.append(located(self.source, element, message, fix))

    def attribute(self, element, name: str, required: bool = True, default: str = "") -> str:
        value = element.get(name)
        if value is None or not value.strip():
            if required:
                self.problem(element, f"<{element.tag}> has no {name}", f'add {name}="..."')
            return default
        return _SPACE.sub(" ", value).strip()

    def allowed(
        self, element, attributes: tuple[str, ...], children: tuple[str, ...], text: bool | None = None
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

    def nonempty(self, element, value: str, what: str) -> str:
        if not value:
            self.problem(element, f"{what} is empty", "write the text")
        return value

    def identifier(self, element, name: str = "id") -> str:
        value = self.attribute(element, name)
        if value and not _ID.match(value):
            self.problem(
                element,
                f"{name} '{value}' is not a valid identifier",
                "start with a letter; use letters, digits, '-' or '_' (at most 64)",
            )
        return value

    def language(self, element, name: str) -> str | None:
        value = element.get(name)
        if value is None:
            return None
        if not _LANG.match(value):
            self.problem(element, f'{name}="{value}" is not a language code', "use a code such as en, es or es-MX")
        return value


ROOT_ATTRIBUTES = ("display_name", "start", "lang", "weight", "max_attempts", "keep", "url_name", "xblock-family")


def parse(element, source: str) -> tuple[Scenario | None, list[Problem]]:
    """Parse and validate a <scenario_roleplay> element; every problem located by file and line."""
    reader = _Reader(source)
    if element is None or element.tag != TAG:
        tag = getattr(element, "tag", None)
        reader.problem(element, f"expected <{TAG}>, found <{tag}>", f"make <{TAG}> the root element")
        return None, reader.problems
    reader.allowed(element, ROOT_ATTRIBUTES, ("dimension", "persona", "scene", "ending"))
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
        reader.problem(element, f'keep="{scenario.keep}" is not allowed', 'use keep="best" or keep="last"')
    lines: dict[int, object] = {}  # id(model object) -> element, for located problems later
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


def _number(reader, element, name, default, kind):
    raw = element.get(name)
    if raw is None:
        return default
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


def _scene(reader: _Reader, element, lines) -> Scene:
    ending = element.tag == "ending"
    children = ("narration", "line") + (("debrief",) if ending else ("choice",))
    reader.allowed(element, ("id", "title"), children)
    scene = Scene(id=reader.identifier(element), title=reader.attribute(element, "title"), ending=ending)
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "narration":
            reader.allowed(child, ("lang",), ())
            beat = Line(reader.nonempty(child, _text(child), "narration"), lang=reader.language(child, "lang"))
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


def _line(reader: _Reader, element) -> Line:
    reader.allowed(element, ("speaker", "lang"), ("translation",), text=True)
    translation = element.find("translation")
    line = Line(
        text=reader.nonempty(element, _text(element), "spoken line"),
        speaker=reader.identifier(element, "speaker"),
        lang=reader.language(element, "lang"),
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


def _choice(reader: _Reader, element) -> Choice:
    reader.allowed(element, ("id", "next", "points"), ("text", "feedback"))
    text_element, feedback_element = element.find("text"), element.find("feedback")
    choice = Choice(
        id=reader.identifier(element),
        next=reader.attribute(element, "next"),
        text=_text(text_element),
        feedback=_text(feedback_element),
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


def _validate(reader: _Reader, root, scenario: Scenario, lines) -> None:
    def at(obj):
        return lines.get(id(obj), root)

    _unique(reader, scenario.dimensions, "dimension", at)
    _unique(reader, scenario.personas, "persona", at)
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
        reader.problem(root, f'start="{scenario.start}" names no scene', f"use one of: {', '.join(scenes) or '(none)'}")
    for scene in scenario.scenes:
        for beat in scene.beats:
            if beat.speaker and beat.speaker not in personas:
                reader.problem(
                    at(beat),
                    f"speaker '{beat.speaker}' is not a persona",
                    f'declare <persona id="{beat.speaker}" .../> or use one of: {", ".join(sorted(personas)) or "(none)"}',
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
            if choice.next and choice.next not in scenes:
                reader.problem(
                    at(choice),
                    f"choice '{choice.id}' leads to unknown scene '{choice.next}'",
                    f"use one of: {', '.join(scenes)}",
                )
            for dimension in choice.points:
                if dimension not in dimensions:
                    reader.problem(
                        at(choice),
                        f"choice '{choice.id}' gives points to unknown dimension '{dimension}'",
                        f"use one of: {', '.join(sorted(dimensions)) or '(none)'}",
                    )
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
    for dimension in scenario.dimensions:
        if bests[0].get(dimension.id, 0) <= 0:
            reader.problem(
                at(dimension),
                f"no route earns points for dimension '{dimension.id}'",
                "give positive points for it to a choice on a route to an ending",
            )


def _unique(reader: _Reader, items, what: str, at) -> None:
    seen: set[str] = set()
    for item in items:
        if item.id and item.id in seen:
            reader.problem(at(item), f"duplicate {what} id '{item.id}'", "give each one its own id")
        seen.add(item.id)


def _reachable(scenario: Scenario, start: str) -> set[str]:
    seen, frontier = set(), [start]
    while frontier:
        scene = scenario.scene(frontier.pop())
        if scene is None or scene.id in seen:
            continue
        seen.add(scene.id)
        frontier += [c.next for c in scene.choices]
    return seen


def _can_reach(scenario: Scenario, targets: set[str]) -> set[str]:
    """Scenes from which one of `targets` can be reached."""
    found = set(targets)
    changed = True
    while changed:
        changed = False
        for scene in scenario.scenes:
            if scene.id not in found and any(c.next in found for c in scene.choices):
                found.add(scene.id)
                changed = True
    return found


# ---------------------------------------------------------------------------------------------
# Scoring


def _route_bests(scenario: Scenario) -> tuple[dict[str, int], int] | None:
    """(best per dimension, best total) over every loop-free route from the start to an ending,
    or None when the scenario is too tangled to score; computed once per parsed scenario."""
    if "_bests" not in scenario.__dict__:
        bests = _search_route_bests(scenario)
        scenario.__dict__["_bests"] = None if bests is None else (bests.dimensions, bests.possible)
    return scenario.__dict__["_bests"]


def _search_route_bests(scenario: Scenario) -> scoring.Bests | None:
    """The scores over the scenario's state graph (see scoring.py: no route is enumerated)."""
    scenes = {s.id: s for s in scenario.scenes}
    try:
        return scoring.best_scores(
            scenario.start,
            scene_of=lambda scene_id: scene_id,
            moves=lambda scene_id: [(c.next, c.points) for c in scenes[scene_id].choices],
            ending_of=lambda scene_id: scene_id if scenes[scene_id].ending else None,
            dimensions=[d.id for d in scenario.dimensions],
        )
    except scoring.TooTangled:
        return None


def route_scenes(scenario: Scenario, route: list[str]) -> list[str]:
    """The scenes a valid route passes through, the start first."""
    scenes = [scenario.start]
    for choice_id in route:
        scenes.append(scenario.choice(choice_id).next)
    return scenes


def route_totals(scenario: Scenario, route: list[str]) -> dict[str, int]:
    totals = {d.id: 0 for d in scenario.dimensions}
    for choice_id in route:
        for dimension, value in scenario.choice(choice_id).points.items():
            totals[dimension] += value
    return totals


def earned(totals: dict[str, int]) -> int:
    """A route's score: its points on every dimension together, never below zero."""
    return max(0, sum(totals.values()))


# ---------------------------------------------------------------------------------------------
# Content for the script


def view_content(scenario: Scenario) -> dict:
    """Everything the template and script need, learner-independent and JSON-safe. Portraits are
    file names; the template turns them into URLs with the runtime's `asset_url`."""
    bests, possible = _route_bests(scenario)
    personas = {p.id: p for p in scenario.personas}

    def beat(line: Line) -> dict:
        speaker = personas.get(line.speaker) if line.speaker else None
        return {
            "speaker": line.speaker,
            "text": line.text,
            "lang": line.lang or (speaker.lang if speaker else scenario.lang),
            "translation": line.translation,
            "translation_by": line.translation_by,
            "translation_lang": line.translation_lang or scenario.lang,
        }

    return {
        "title": scenario.display_name,
        "lang": scenario.lang,
        "start": scenario.start,
        "keep": scenario.keep,
        "max_attempts": scenario.max_attempts,
        "possible": possible,
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
                "beats": [beat(b) for b in s.beats],
                "choices": [
                    {"id": c.id, "text": c.text, "next": c.next, "points": dict(c.points), "feedback": c.feedback}
                    for c in s.choices
                ],
            }
            for s in scenario.scenes
        ],
    }


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
    for persona in scenario.personas:
        element = etree.SubElement(root, "persona", id=persona.id, name=persona.name)
        for name in ("role", "portrait", "portrait_alt"):
            if getattr(persona, name):
                element.set(name, getattr(persona, name))
        if persona.lang != scenario.lang:
            element.set("lang", persona.lang)
    for scene in scenario.scenes:
        element = etree.SubElement(root, "ending" if scene.ending else "scene", id=scene.id, title=scene.title)
        for beat in scene.beats:
            if beat.speaker is None:
                child = etree.SubElement(element, "narration")
            else:
                child = etree.SubElement(element, "line", speaker=beat.speaker)
            if beat.lang:
                child.set("lang", beat.lang)
            child.text = beat.text
            if beat.translation:
                translation = etree.SubElement(child, "translation")
                if beat.translation_by:
                    translation.set("by", beat.translation_by)
                if beat.translation_lang:
                    translation.set("lang", beat.translation_lang)
                translation.text = beat.translation
        for choice in scene.choices:
            child = etree.SubElement(element, "choice", id=choice.id, next=choice.next)
            if choice.points:
                child.set("points", " ".join(f"{k}:{v}" for k, v in choice.points.items()))
            etree.SubElement(child, "text").text = choice.text
            etree.SubElement(child, "feedback").text = choice.feedback
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
# blocks) and holds ids only:
#   r: the route, choice ids from the start scene
#   v: the choice that led here when it is not the route's last (it closed a loop), else null
#   n: finished attempts (endings reached)              b, l: best and last score as [earned, possible]
# The route is the only list: the SCORM player records each choice as an interaction when it
# is reported, so a route that Replay empties needs no copy.


def empty_state() -> dict:
    return {"r": [], "v": None, "n": 0, "b": None, "l": None}


def _walk(scenario: Scenario, route) -> list[str]:
    """The longest prefix of `route` that is still playable in this scenario, loops cut."""
    scenes = [scenario.start]
    kept: list[str] = []
    for choice_id in route if isinstance(route, list) else []:
        here = scenario.scene(scenes[-1])
        choice = next((c for c in here.choices if c.id == choice_id), None) if isinstance(choice_id, str) else None
        if here.ending or choice is None:
            break
        if choice.next in scenes:
            cut = scenes.index(choice.next)
            scenes, kept = scenes[: cut + 1], kept[:cut]
        else:
            scenes.append(choice.next)
            kept.append(choice_id)
    return kept


def _score_pair(value) -> list[int] | None:
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


def restore(saved, scenario: Scenario) -> dict:
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
    state["v"] = via if choice is not None and choice.next == here and via != route_last else None
    attempts = saved.get("n")
    state["n"] = attempts if type(attempts) is int and attempts >= 0 else 0
    state["b"] = _score_pair(saved.get("b"))
    state["l"] = _score_pair(saved.get("l"))
    return state


def view(state: dict, scenario: Scenario) -> dict:
    """What the `state` handler answers: the learner's view state."""
    scene = scenario.scene(route_scenes(scenario, state["r"])[-1])
    totals = route_totals(scenario, state["r"])
    left = None if not scenario.max_attempts else max(0, scenario.max_attempts - state["n"])
    return {
        "scene": scene.id,
        "route": list(state["r"]),
        "via": _via(state),
        "ending": scene.ending,
        "totals": totals,
        "earned": earned(totals),
        "attempts": state["n"],
        "attempts_left": left,
        "can_back": bool(state["r"]) and not scene.ending,
        "can_restart": left is None or left > 0,
        "best": _score_dict(state["b"]),
        "last": _score_dict(state["l"]),
        "score": _score_dict(kept_score(state, scenario)),
    }


def _via(state: dict) -> str | None:
    """The choice whose feedback the learner sees: the one that led to the current scene."""
    return state["v"] or (state["r"][-1] if state["r"] else None)


def _score_dict(pair):
    return {"earned": pair[0], "possible": pair[1]} if pair else None


def kept_score(state: dict, scenario: Scenario) -> list[int] | None:
    return state["b"] if scenario.keep == "best" else state["l"]


def _better(a, b) -> bool:
    """Is score pair a better than b (as fractions)?"""
    return b is None or a[0] * b[1] > b[0] * a[1]


def handle(name: str, state: dict, payload, scenario: Scenario) -> tuple[dict, dict]:
    """Apply a learner request; returns (new state, response). Raises Refused and leaves `state` alone."""
    rule = HANDLERS.get(name)
    if rule is None:
        raise Refused(f"unknown request '{name}'")
    if not isinstance(payload, dict):
        raise Refused("the request must be a JSON object")
    new_state = rule(copy.deepcopy(state), payload, scenario)
    return new_state, view(new_state, scenario)


def _state(state, payload, scenario):
    return state


def _choose(state, payload, scenario):
    choice_id = payload.get("choice")
    scenes = route_scenes(scenario, state["r"])
    here = scenario.scene(scenes[-1])
    if here.ending:
        raise Refused("this conversation has ended: start over to play it again")
    choice = next((c for c in here.choices if c.id == choice_id), None) if isinstance(choice_id, str) else None
    if choice is None:
        raise Refused(f"choice '{choice_id}' is not offered in scene '{here.id}'")
    if choice.next in scenes:
        state["r"] = state["r"][: scenes.index(choice.next)]
        state["v"] = choice.id
    else:
        state["r"].append(choice.id)
        state["v"] = None
    if scenario.scene(choice.next).ending:
        _finish(state, scenario)
    return state


def _finish(state, scenario):
    """An ending reached: count the attempt (if one is left) and keep its score."""
    if scenario.max_attempts and state["n"] >= scenario.max_attempts:
        return
    _, possible = _route_bests(scenario)
    score = [min(possible, earned(route_totals(scenario, state["r"]))), possible]
    state["n"] += 1
    state["l"] = score
    if _better(score, state["b"]):
        state["b"] = score


def _back(state, payload, scenario):
    here = scenario.scene(route_scenes(scenario, state["r"])[-1])
    if not state["r"]:
        raise Refused("there is no step to go back to: this is the first scene")
    if here.ending:
        raise Refused("this conversation has ended: start over to play it again")
    state["r"].pop()
    state["v"] = None
    return state


def _restart(state, payload, scenario):
    if scenario.max_attempts and state["n"] >= scenario.max_attempts:
        raise Refused(f"all {scenario.max_attempts} attempts have been used")
    state["r"] = []
    state["v"] = None
    return state


HANDLERS = {"state": _state, "choose": _choose, "back": _back, "restart": _restart}


def report(state: dict, scenario: Scenario, block_id: str = "") -> dict:
    """Completion, kept score and one `choice` interaction per choice on the learner's current
    route, for the SCORM runtime (which records each interaction once, when it first appears).
    `choices` lists the scene's choice ids in order, so a runtime can name the response by its
    position (SCORM 1.2 wants one character)."""
    route = state["r"]
    prefix = f"{block_id}-" if block_id else ""
    interactions = []
    for choice_id in route:
        choice = scenario.choice(choice_id)
        scene = next(s for s in scenario.scenes if choice in s.choices)
        top = max(c.total for c in scene.choices)
        result = "correct" if choice.total == top else ("incorrect" if choice.total < 0 else "neutral")
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
