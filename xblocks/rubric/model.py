"""facilitation_rubric: the authoring format, its validation, and the scoring and agreement rules.

    <facilitation_rubric url_name="meeting_self_check" display_name="..." mode="self">
      <prompt>What the learner rates and why.</prompt>
      <level id="emerging" label="Emerging" points="1"/>           (two or more, points increasing)
      <criterion id="agenda" label="Agenda and agreements" weight="1.5">
        <description>What this criterion looks at.</description>
        <descriptor level="emerging">What performance at this level looks like.</descriptor>
      </criterion>
      <pass min_total="12"><require criterion="neutrality" level="proficient"/></pass>
      <!-- calibration only: -->
      <agreement min_exact="60" min_adjacent="100"/>
      <sample id="annual_review" label="...">
        <transcript><line speaker="Facilitator">...</line></transcript>   (or <html>...</html>)
        <expert criterion="agenda" level="proficient">Why the expert chose this level.</expert>
      </sample>
    </facilitation_rubric>

The learner rules (`restore`, `HANDLERS`, `apply`) work on `view_content(model)`, exactly as the
script's `P2PRubric.rules` do; tests/vectors/rubric/ holds them equal. Points and weights are kept
in hundredths (integers) so Python and JavaScript add them up identically.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape as html_escape
from typing import Any, TypedDict, cast

from lxml import etree

from xblocks.common.problems import Problem, located
from xblocks.common.rules import Context, Refused
from xblocks.common.sanitize import Policy, sanitize

TAG = "facilitation_rubric"
MODES = ("self", "calibration", "trainer")
NOTE_LIMIT = 2000
URL_LIMIT = 500
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_DECIMAL = re.compile(r"^\d+(\.\d{1,2})?$")
SAMPLE_HTML_TAGS = ("p", "br", "em", "strong", "b", "i", "ul", "ol", "li", "blockquote", "q", "h4", "h5", "span")
SAMPLE_HTML = Policy("rubric sample", tags=frozenset(SAMPLE_HTML_TAGS))
ROOT_CHILDREN = ("prompt", "level", "criterion", "pass", "agreement", "sample")


def _(text: str) -> str:
    """Marks an interface string; the block translates it when it answers (model.py stays lxml-only)."""
    return text


Content = dict[str, Any]  # view_content's JSON: what the rules read, in Python and in the script


@dataclass(frozen=True)
class Level:
    id: str
    label: str
    points: int


@dataclass(frozen=True)
class Criterion:
    id: str
    label: str
    description: str
    descriptors: tuple[str, ...]  # one per level, in level order
    weight_h: int = 100  # weight in hundredths


@dataclass(frozen=True)
class PassRule:
    min_total_h: int
    require: tuple[tuple[str, str], ...] = ()  # (criterion id, minimum level id)


@dataclass(frozen=True)
class Agreement:
    min_exact: int  # percent of ratings equal to the expert's
    min_adjacent: int  # percent of ratings within one level of the expert's


@dataclass(frozen=True)
class ExpertRating:
    criterion: str
    level: str
    rationale: str


@dataclass(frozen=True)
class Sample:
    id: str
    label: str
    kind: str  # "html" or "transcript"
    html: str = ""
    lines: tuple[tuple[str, str], ...] = ()  # (speaker, words)
    key: tuple[ExpertRating, ...] = ()
    practice: bool = False  # rated for practice only; the other samples are graded on their first submission


@dataclass(frozen=True)
class Rubric:
    mode: str
    levels: tuple[Level, ...]
    criteria: tuple[Criterion, ...]
    url_name: str = ""
    display_name: str = "Facilitation rubric"
    prompt: str = ""
    pass_rule: PassRule | None = None
    agreement: Agreement | None = None
    samples: tuple[Sample, ...] = ()
    lang: str = "en"  # the language the author wrote in; pages mark it, so screen readers switch voice


LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")  # as the role-play's and the journal's lang


# ---------------------------------------------------------------- parsing and validation


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def _hundredths(text: str) -> int | None:
    text = (text or "").strip()
    if not _DECIMAL.match(text):
        return None
    whole, _dot, frac = text.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def _show_hundredths(value: int) -> int | float:
    return value // 100 if value % 100 == 0 else value / 100


class _Checker:
    def __init__(self, source: str):
        self.source = source
        self.problems: list[Problem] = []

    def add(self, element: Any, message: str, fix: str) -> None:
        self.problems.append(located(self.source, element, message, fix))

    def ident(self, element: Any, what: str, attribute: str = "id") -> str:
        value = (element.get(attribute) or "").strip()
        if not value:
            self.add(element, f"{what} has no {attribute}", f'add {attribute}="..." (letters, digits, _ - .)')
        elif not ID_PATTERN.match(value):
            self.add(
                element,
                f"{what} {attribute} {value!r} is not a valid id",
                "use up to 64 letters, digits, '_', '-' or '.', starting with a letter or digit",
            )
        return value

    def required_text(self, element: Any, attribute: str, what: str) -> str:
        value = " ".join((element.get(attribute) or "").split())
        if not value:
            self.add(element, f"{what} has no {attribute}", f'add {attribute}="..."')
        return value


def _sample_html(checker: _Checker, element: Any) -> str:
    for node in element.iterdescendants():
        if not isinstance(node.tag, str):
            continue
        if node.tag not in SAMPLE_HTML_TAGS:
            checker.add(
                node,
                f"<{node.tag}> is not allowed in a sample",
                "use only " + ", ".join(f"<{t}>" for t in SAMPLE_HTML_TAGS),
            )
        elif node.attrib:
            checker.add(
                node,
                f"<{node.tag}> in a sample has attributes ({', '.join(node.attrib)})",
                "remove the attributes: samples are shown as plain formatted text",
            )
    # Comments and processing instructions go, at any depth, the author's text after them stays: an
    # HTML parser reads '<?x >' as a comment that ends at the first '>', so what follows would be markup.
    body = copy.deepcopy(element)
    for node in list(body.iter(etree.Comment, etree.ProcessingInstruction)):
        _drop_keeping_tail(node)
    # body.text is unescaped text; tostring() escapes the children and their tails itself.
    inner = html_escape(body.text or "", quote=False) + "".join(
        etree.tostring(child, encoding="unicode", with_tail=True) for child in body
    )
    # What is shown is what the sanitizer lets through, whatever the checks above missed.
    return sanitize(inner.strip(), SAMPLE_HTML)


def _drop_keeping_tail(node: Any) -> None:
    parent, tail = node.getparent(), node.tail or ""
    previous = node.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(node)


def _parse_sample(checker: _Checker, element: Any, criteria: list[str], level_ids: list[str]) -> Sample:
    sample_id = checker.ident(element, "<sample>")
    label = checker.required_text(element, "label", f"<sample id={sample_id!r}>")
    practice = (element.get("practice") or "false").strip()
    if practice not in ("true", "false"):
        checker.add(
            element,
            f'<sample id={sample_id!r}> has practice="{practice}"',
            'use practice="true" for a practice sample, or leave it out for a graded one',
        )
    bodies = [child for child in element if child.tag in ("html", "transcript")]
    kind, html, lines = "html", "", []
    if len(bodies) != 1:
        checker.add(
            element,
            f"<sample id={sample_id!r}> needs exactly one <html> or <transcript> (found {len(bodies)})",
            "describe the performance to rate in one <html> or one <transcript> element",
        )
    else:
        body = bodies[0]
        kind = body.tag
        if kind == "html":
            html = _sample_html(checker, body)
            if not html:
                checker.add(body, f"<sample id={sample_id!r}> has an empty <html>", "write the sample performance")
        else:
            for line in body:
                if not isinstance(line.tag, str):
                    continue
                if line.tag != "line":
                    checker.add(
                        line,
                        f"<{line.tag}> is not allowed in a <transcript>",
                        '<transcript> holds <line speaker="...">words</line> elements',
                    )
                    continue
                speaker = checker.required_text(line, "speaker", "<line>")
                words = _text(line)
                if not words:
                    checker.add(line, "a transcript <line> has no words", "write what the speaker says")
                lines.append((speaker, words))
            if not lines:
                checker.add(
                    body,
                    f"<sample id={sample_id!r}> has an empty <transcript>",
                    'add <line speaker="...">words</line> elements',
                )
    key: dict[str, ExpertRating] = {}
    named = set()  # criteria an <expert> names, valid or not: a bad one is reported once, not also as missing
    for child in element:
        if not isinstance(child.tag, str) or child.tag in ("html", "transcript"):
            continue
        if child.tag != "expert":
            checker.add(
                child,
                f"<{child.tag}> is not allowed in a <sample>",
                "a sample holds one <html> or <transcript> and one <expert> per criterion",
            )
            continue
        criterion = (child.get("criterion") or "").strip()
        level = (child.get("level") or "").strip()
        if criterion not in criteria:
            checker.add(
                child,
                f"expert rating for unknown criterion {criterion!r} in sample {sample_id!r}",
                "use one of: " + ", ".join(criteria),
            )
            continue
        if criterion in named:
            checker.add(
                child, f"sample {sample_id!r} rates criterion {criterion!r} twice", "keep one <expert> per criterion"
            )
            continue
        named.add(criterion)
        if level not in level_ids:
            checker.add(
                child,
                f"expert rating of {criterion!r} in sample {sample_id!r} names unknown level {level!r}",
                "use one of: " + ", ".join(level_ids),
            )
            continue
        rationale = _text(child)
        if not rationale:
            checker.add(
                child,
                f"expert rating of {criterion!r} in sample {sample_id!r} has no rationale",
                "explain in the element's text why the expert chose this level",
            )
        key[criterion] = ExpertRating(criterion, level, rationale)
    missing = [c for c in criteria if c not in named]
    if missing:
        checker.add(
            element,
            f"sample {sample_id!r} has no expert rating for: {', '.join(missing)}",
            'add <expert criterion="..." level="...">rationale</expert> for every criterion',
        )
    ordered = tuple(key[c] for c in criteria if c in key)
    return Sample(sample_id, label, kind, html, tuple(lines), ordered, practice == "true")


def parse(element: Any, source: str) -> tuple[Rubric | None, list[Problem]]:
    """Parse and validate a <facilitation_rubric> element: (Rubric or None, [Problem])."""
    checker = _Checker(source)
    if element.tag != TAG:
        checker.add(element, f"expected <{TAG}>, found <{element.tag}>", f"use the <{TAG}> tag")
        return None, checker.problems
    lang = element.get("lang") or "en"
    if not LANGUAGE.match(lang):
        checker.add(element, f"lang={lang!r} is not a language code", "use a code such as en, es or es-MX")
    mode = (element.get("mode") or "").strip()
    if mode not in MODES:
        checker.add(
            element,
            f"mode {mode!r} is not one of {', '.join(MODES)}" if mode else "the rubric has no mode",
            'set mode="self", mode="calibration" or mode="trainer"',
        )
    prompt, levels, criteria_elements, pass_elements, agreement_elements, sample_elements = "", [], [], [], [], []
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "prompt":
            prompt = _text(child)
        elif child.tag == "level":
            levels.append(child)
        elif child.tag == "criterion":
            criteria_elements.append(child)
        elif child.tag == "pass":
            pass_elements.append(child)
        elif child.tag == "agreement":
            agreement_elements.append(child)
        elif child.tag == "sample":
            sample_elements.append(child)
        else:
            checker.add(
                child, f"<{child.tag}> is not allowed in <{TAG}>", "use " + ", ".join(f"<{t}>" for t in ROOT_CHILDREN)
            )

    parsed_levels: list[Level] = []
    for level in levels:
        level_id = checker.ident(level, "<level>")
        label = checker.required_text(level, "label", f"<level id={level_id!r}>")
        points_text = (level.get("points") or "").strip()
        if any(lv.id == level_id for lv in parsed_levels):
            checker.add(level, f"level id {level_id!r} is used twice", "give every level its own id")
            continue
        if not re.match(r"^\d+$", points_text):
            checker.add(
                level,
                f"level {level_id!r} points {points_text!r} is not a whole number",
                'set points="0" or more, e.g. points="3"',
            )
            # keep the level, so descriptors naming it are not reported too
            parsed_levels.append(Level(level_id, label, parsed_levels[-1].points + 1 if parsed_levels else 0))
            continue
        points = int(points_text)
        if parsed_levels and points <= parsed_levels[-1].points:
            checker.add(
                level,
                f"level {level_id!r} has {points} points, not more than {parsed_levels[-1].id!r} "
                f"({parsed_levels[-1].points})",
                "list levels from lowest to highest, each worth more points than the one before",
            )
        parsed_levels.append(Level(level_id, label, points))
    if len(levels) < 2:
        checker.add(
            element,
            f"the rubric has {len(levels)} level(s)",
            'add at least two <level id="..." label="..." points="..."/> elements',
        )
    level_ids = [lv.id for lv in parsed_levels]

    parsed_criteria: list[Criterion] = []
    for criterion in criteria_elements:
        criterion_id = checker.ident(criterion, "<criterion>")
        label = checker.required_text(criterion, "label", f"<criterion id={criterion_id!r}>")
        if any(c.id == criterion_id for c in parsed_criteria):
            checker.add(criterion, f"criterion id {criterion_id!r} is used twice", "give every criterion its own id")
            continue
        weight_text = criterion.get("weight")
        weight_h = 100 if weight_text is None else _hundredths(weight_text)
        if weight_h is None or weight_h <= 0:
            checker.add(
                criterion,
                f"criterion {criterion_id!r} weight {weight_text!r} is not a positive number",
                'use a number above 0 with at most two decimals, e.g. weight="1.5"',
            )
            weight_h = 100
        description, descriptors = "", {}
        for child in criterion:
            if not isinstance(child.tag, str):
                continue
            if child.tag == "description":
                description = _text(child)
            elif child.tag == "descriptor":
                level_id = (child.get("level") or "").strip()
                if level_id not in level_ids:
                    checker.add(
                        child,
                        f"criterion {criterion_id!r} has a descriptor for unknown level {level_id!r}",
                        "use one of: " + ", ".join(level_ids),
                    )
                elif level_id in descriptors:
                    checker.add(
                        child,
                        f"criterion {criterion_id!r} describes level {level_id!r} twice",
                        "keep one <descriptor> per level",
                    )
                elif not _text(child):
                    checker.add(
                        child,
                        f"criterion {criterion_id!r} descriptor for {level_id!r} is empty",
                        "describe what performance at this level looks like",
                    )
                else:
                    descriptors[level_id] = _text(child)
            else:
                checker.add(
                    child,
                    f"<{child.tag}> is not allowed in a <criterion>",
                    "a criterion holds one <description> and one <descriptor> per level",
                )
        missing = [level_id for level_id in level_ids if level_id not in descriptors]
        if missing and parsed_levels:
            checker.add(
                criterion,
                f"criterion {criterion_id!r} has no descriptor for level(s): {', '.join(missing)}",
                'add <descriptor level="...">...</descriptor> for every level',
            )
        parsed_criteria.append(
            Criterion(
                criterion_id,
                label,
                description,
                tuple(descriptors.get(level_id, "") for level_id in level_ids),
                weight_h,
            )
        )
    if not criteria_elements:
        checker.add(element, "the rubric has no criteria", 'add <criterion id="..." label="..."> elements')
    criterion_ids = [c.id for c in parsed_criteria]

    pass_rule = None
    if len(pass_elements) > 1:
        checker.add(pass_elements[1], "the rubric has more than one <pass> rule", "keep one <pass> element")
    if pass_elements:
        pass_element = pass_elements[0]
        if mode == "calibration":
            checker.add(
                pass_element,
                "a calibration rubric passes on agreement, not on a <pass> rule",
                'remove <pass> and use <agreement min_exact="..." min_adjacent="..."/>',
            )
        min_text = pass_element.get("min_total", "0")
        min_total_h = _hundredths(min_text)
        if min_total_h is None:
            checker.add(
                pass_element,
                f"min_total {min_text!r} is not a number",
                'use a number with at most two decimals, e.g. min_total="12"',
            )
            min_total_h = 0
        require: list[tuple[str, str]] = []
        for child in pass_element:
            if not isinstance(child.tag, str):
                continue
            if child.tag != "require":
                checker.add(
                    child,
                    f"<{child.tag}> is not allowed in <pass>",
                    '<pass> holds <require criterion="..." level="..."/> elements',
                )
                continue
            criterion_id, level_id = (child.get("criterion") or "").strip(), (child.get("level") or "").strip()
            if criterion_id not in criterion_ids:
                checker.add(
                    child,
                    f"the pass rule requires unknown criterion {criterion_id!r}",
                    "use one of: " + ", ".join(criterion_ids),
                )
            elif level_id not in level_ids:
                checker.add(
                    child,
                    f"the pass rule requires unknown level {level_id!r} on {criterion_id!r}",
                    "use one of: " + ", ".join(level_ids),
                )
            elif any(r[0] == criterion_id for r in require):
                checker.add(
                    child, f"the pass rule names criterion {criterion_id!r} twice", "keep one <require> per criterion"
                )
            else:
                require.append((criterion_id, level_id))
        if parsed_levels and parsed_criteria:
            top = parsed_levels[-1].points
            max_h = sum(top * c.weight_h for c in parsed_criteria)
            if min_total_h > max_h:
                checker.add(
                    pass_element,
                    f"min_total {min_text} cannot be reached: the highest possible total is {_show_hundredths(max_h)}",
                    f"lower min_total to {_show_hundredths(max_h)} or less",
                )
        pass_rule = PassRule(min_total_h, tuple(require))
    elif mode == "trainer":
        checker.add(
            element,
            "a trainer rubric has no <pass> rule, so certification cannot be decided",
            'add <pass min_total="..."/> (and <require criterion="..." level="..."/> if a criterion must reach a level)',
        )

    agreement = None
    if mode == "calibration":
        if len(agreement_elements) != 1:
            checker.add(
                agreement_elements[1] if agreement_elements else element,
                f"a calibration rubric needs one <agreement> (found {len(agreement_elements)})",
                'add one <agreement min_exact="60" min_adjacent="100"/> (percent of ratings)',
            )
        if agreement_elements:
            values = []
            for name in ("min_exact", "min_adjacent"):
                text = (agreement_elements[0].get(name) or "").strip()
                if not re.match(r"^\d{1,3}$", text) or int(text) > 100:
                    checker.add(
                        agreement_elements[0],
                        f"{name} {text!r} is not a percentage",
                        f'set {name}="0" to "100" (a whole number)',
                    )
                    values.append(0)
                else:
                    values.append(int(text))
            agreement = Agreement(*values)
        if not sample_elements:
            checker.add(
                element,
                "a calibration rubric has no sample to rate",
                'add <sample id="..." label="..."> with a <transcript> or <html> and expert ratings',
            )
    else:
        for stray in agreement_elements + sample_elements:
            checker.add(
                stray, f"<{stray.tag}> is only used in calibration mode", 'remove it, or set mode="calibration"'
            )

    samples: list[Sample] = []
    if mode == "calibration":
        for sample in sample_elements:
            parsed = _parse_sample(checker, sample, criterion_ids, level_ids)
            if any(s.id == parsed.id for s in samples):
                checker.add(sample, f"sample id {parsed.id!r} is used twice", "give every sample its own id")
                continue
            samples.append(parsed)
        if samples and all(s.practice for s in samples):
            checker.add(
                sample_elements[-1],
                "every sample is a practice sample, so nothing is graded",
                'remove practice="true" from the sample whose first ratings should count',
            )

    if checker.problems:
        return None, sorted(checker.problems, key=lambda p: p.line or 0)
    return Rubric(
        mode=mode,
        levels=tuple(parsed_levels),
        criteria=tuple(parsed_criteria),
        url_name=(element.get("url_name") or "").strip(),
        display_name=(element.get("display_name") or "").strip() or "Facilitation rubric",
        prompt=prompt,
        pass_rule=pass_rule,
        agreement=agreement,
        samples=tuple(samples),
        lang=lang,
    ), []


def _sub(parent: Any, tag: str, text: str | None = None, **attributes: str | None) -> Any:
    child = etree.SubElement(parent, tag, {k: v for k, v in attributes.items() if v is not None})
    if text:
        child.text = text
    return child


# The attributes of <facilitation_rubric> itself (others on the element are the platform's).
ROOT_ATTRIBUTES = ("url_name", "display_name", "mode", "lang")


def serialize(model: Rubric) -> Any:
    """The element `parse` reads back into an equal Rubric."""
    root = etree.Element(TAG)
    if model.url_name:
        root.set("url_name", model.url_name)
    root.set("display_name", model.display_name)
    root.set("mode", model.mode)
    if model.lang != "en":
        root.set("lang", model.lang)
    if model.prompt:
        _sub(root, "prompt", model.prompt)
    for level in model.levels:
        _sub(root, "level", id=level.id, label=level.label, points=str(level.points))
    for criterion in model.criteria:
        weight = None if criterion.weight_h == 100 else str(_show_hundredths(criterion.weight_h))
        node = _sub(root, "criterion", id=criterion.id, label=criterion.label, weight=weight)
        if criterion.description:
            _sub(node, "description", criterion.description)
        for level, text in zip(model.levels, criterion.descriptors):
            _sub(node, "descriptor", text, level=level.id)
    if model.pass_rule:
        node = _sub(root, "pass", min_total=str(_show_hundredths(model.pass_rule.min_total_h)))
        for criterion_id, level_id in model.pass_rule.require:
            _sub(node, "require", criterion=criterion_id, level=level_id)
    if model.agreement:
        _sub(
            root, "agreement", min_exact=str(model.agreement.min_exact), min_adjacent=str(model.agreement.min_adjacent)
        )
    for sample in model.samples:
        node = _sub(root, "sample", id=sample.id, label=sample.label, practice="true" if sample.practice else None)
        if sample.kind == "html":
            node.append(etree.fromstring(f"<html>{sample.html}</html>"))
        else:
            transcript = _sub(node, "transcript")
            for speaker, words in sample.lines:
                _sub(transcript, "line", words, speaker=speaker)
        for rating in sample.key:
            _sub(node, "expert", rating.rationale, criterion=rating.criterion, level=rating.level)
    return root


def max_total_h(model: Rubric) -> int:
    return sum(model.levels[-1].points * c.weight_h for c in model.criteria)


def view_content(model: Rubric) -> Content:
    """Everything the script and the rules need. Calibration samples carry the expert key (the SCORM
    package needs it offline); in Open edX the block hands the script `learner_content` instead."""
    return {
        "id": model.url_name,
        "title": model.display_name,
        "lang": model.lang,
        "mode": model.mode,
        "prompt": model.prompt,
        "levels": [{"id": lv.id, "label": lv.label, "points": lv.points} for lv in model.levels],
        "criteria": [
            {
                "id": c.id,
                "label": c.label,
                "description": c.description,
                "weight": _show_hundredths(c.weight_h),
                "descriptors": list(c.descriptors),
            }
            for c in model.criteria
        ],
        "max_total": _show_hundredths(max_total_h(model)),
        "pass": None
        if model.pass_rule is None
        else {
            "min_total": _show_hundredths(model.pass_rule.min_total_h),
            "require": dict(model.pass_rule.require),
        },
        "agreement": None
        if model.agreement is None
        else {"min_exact": model.agreement.min_exact, "min_adjacent": model.agreement.min_adjacent},
        "samples": [
            {
                "id": s.id,
                "label": s.label,
                "kind": s.kind,
                "html": s.html,
                "lines": [{"speaker": sp, "text": tx} for sp, tx in s.lines],
                "key": {r.criterion: {"level": r.level, "rationale": r.rationale} for r in s.key},
                "practice": s.practice,
            }
            for s in model.samples
        ],
    }


def learner_content(content: Content) -> Content:
    """The content without the expert key: what a learner's browser gets from an Open edX server."""
    return {**content, "samples": [{k: v for k, v in s.items() if k != "key"} for s in content["samples"]]}


def rules_content(model: Rubric) -> Content:
    """What restore, apply and report read: the JSON content, as the script's rules read it (view_content)."""
    return view_content(model)


def static_files(model: Rubric) -> list[str]:
    return []


def scorm_refusal(model: Rubric) -> str | None:
    """Why this rubric cannot go into a SCORM package, or None. A trainer assessment needs a server
    that knows trainers and candidates and grades one person on another's action."""
    if model.mode == "trainer":
        return (
            "a trainer-mode facilitation_rubric needs Open edX: a trainer grades another learner "
            'there, which a SCORM package cannot do; use mode="self" or mode="calibration" in a '
            "course built as SCORM, and keep certification in the Open edX course"
        )
    return None


# ---------------------------------------------------------------- scoring and agreement (on content)


def _level_index(content: Content) -> dict[str, int]:
    return {level["id"]: index for index, level in enumerate(content["levels"])}


def _weight_h(criterion: dict[str, Any]) -> int:
    weight: float = criterion["weight"]
    return round(weight * 100)


def score(content: Content, ratings: Ratings) -> dict[str, Any]:
    """Weighted total and pass/fail of complete ratings {criterion id: level id}."""
    index = _level_index(content)
    total_h, rows = 0, list[dict[str, Any]]()
    rule = content["pass"]
    for criterion in content["criteria"]:
        level = ratings[criterion["id"]]
        points = content["levels"][index[level]]["points"]
        earned_h = points * _weight_h(criterion)
        total_h += earned_h
        required = rule["require"].get(criterion["id"]) if rule else None
        rows.append(
            {
                "id": criterion["id"],
                "level": level,
                "points": points,
                "score": _show_hundredths(earned_h),
                "required": required,
                "meets": None if required is None else index[level] >= index[required],
            }
        )
    max_h = round(content["max_total"] * 100)
    passed = None
    if rule:
        passed = total_h >= round(rule["min_total"] * 100) and all(row["meets"] is not False for row in rows)
    return {
        "total": _show_hundredths(total_h),
        "max_total": _show_hundredths(max_h),
        "passed": passed,
        "criteria": rows,
    }


def _percent(part: int, whole: int) -> int:
    return part * 100 // whole if whole else 0


def agreement(content: Content, ratings: dict[str, Ratings]) -> dict[str, Any]:
    """Exact and adjacent (within one level, exact included) agreement of calibration ratings
    {sample id: {criterion id: level id}} with the expert key, overall and per criterion. Each
    sample given is rated completely; samples not given are left out."""
    index = _level_index(content)
    per = {c["id"]: {"exact": 0, "adjacent": 0, "ratings": 0} for c in content["criteria"]}
    exact = adjacent = count = 0
    samples: list[dict[str, Any]] = []
    for sample in content["samples"]:
        if sample["id"] not in ratings:
            continue
        rows: list[dict[str, Any]] = []
        for criterion in content["criteria"]:
            mine = ratings[sample["id"]][criterion["id"]]
            key = sample["key"][criterion["id"]]
            distance = abs(index[mine] - index[key["level"]])
            match = "exact" if distance == 0 else "adjacent" if distance == 1 else "off"
            counts = per[criterion["id"]]
            counts["ratings"] += 1
            count += 1
            if distance == 0:
                counts["exact"] += 1
                exact += 1
            if distance <= 1:
                counts["adjacent"] += 1
                adjacent += 1
            rows.append(
                {
                    "id": criterion["id"],
                    "rating": mine,
                    "expert": key["level"],
                    "rationale": key["rationale"],
                    "match": match,
                }
            )
        samples.append({"id": sample["id"], "criteria": rows})
    for counts in per.values():
        counts["exact_percent"] = _percent(counts["exact"], counts["ratings"])
        counts["adjacent_percent"] = _percent(counts["adjacent"], counts["ratings"])
    rule = content["agreement"]
    passed = exact * 100 >= rule["min_exact"] * count and adjacent * 100 >= rule["min_adjacent"] * count
    return {
        "exact": exact,
        "adjacent": adjacent,
        "ratings": count,
        "exact_percent": _percent(exact, count),
        "adjacent_percent": _percent(adjacent, count),
        "criteria": per,
        "samples": samples,
        "passed": passed,
    }


# ---------------------------------------------------------------- learner rules (twin of P2PRubric.rules)

Ratings = dict[str, str]  # criterion id -> level id


class SelfState(TypedDict):
    """A learner's state for a self-assessment (mode self; the same JSON in rubric.js and SCORM suspend_data)."""

    r: Ratings  # the ratings so far
    n: dict[str, str]  # evidence notes, criterion id -> text (none empty)
    s: int  # 1: submitted, 0: not (a draft, or revised)
    a: int  # submissions so far


class CalibrationState(TypedDict):
    """A learner's state for a calibration rubric: ratings of the samples, compared with the expert key."""

    r: dict[str, Ratings]  # ratings per sample id: the open samples' drafts and the submitted ones
    a: int  # submissions so far
    f: dict[str, Ratings]  # each sample's first submitted ratings: what is graded, never replaced
    p: list[str]  # the samples submitted now, shown with the expert key


RubricState = SelfState | CalibrationState  # which one: the content's mode (a trainer rubric keeps a SelfState)


def _self_state(state: RubricState) -> SelfState:
    """The state of a rubric whose mode is not calibration."""
    return cast(SelfState, state)


def _calibration_state(state: RubricState) -> CalibrationState:
    """The state of a calibration rubric."""
    return cast(CalibrationState, state)


def _is_str(value: object) -> bool:
    return isinstance(value, str)


def graded_samples(content: Content) -> list[str]:
    """Ids of the samples whose first submitted ratings make the grade (all but the practice ones)."""
    return [s["id"] for s in content["samples"] if not s.get("practice")]


def max_score(content: Content) -> int | float:
    """What the block is graded out of: one point per graded rating in calibration, else the top total."""
    if content["mode"] == "calibration":
        return len(graded_samples(content)) * len(content["criteria"])
    top: int | float = content["max_total"]
    return top


def restore(saved: Any, content: Content) -> RubricState:
    """A saved state made valid for this content: unknown criteria, levels and samples are dropped.

    Self mode: {r: ratings, n: notes, s: submitted 0/1, a: attempts}; a submission that no longer
    covers every criterion is reopened. Calibration: {r: ratings per sample, a: attempts, f: the
    first submitted ratings of each sample (what is graded; never replaced), p: the samples
    submitted now (shown with the key)}; a first rating that no longer covers every criterion is
    dropped. A calibration state saved before first ratings were kept ({s: 1} and no f) counts
    its submitted ratings as the first ones."""
    saved = saved if isinstance(saved, dict) else {}
    levels = set(_level_index(content))
    criteria = [c["id"] for c in content["criteria"]]

    def keep_ratings(given: Any) -> Ratings:
        given = given if isinstance(given, dict) else {}
        return {c: given[c] for c in criteria if _is_str(given.get(c)) and given[c] in levels}

    def keep_sheets(given: Any) -> dict[str, Ratings]:
        given = given if isinstance(given, dict) else {}
        sheets = {s["id"]: keep_ratings(given.get(s["id"])) for s in content["samples"]}
        return {k: v for k, v in sheets.items() if v}

    attempts = saved.get("a")
    attempts = attempts if isinstance(attempts, int) and not isinstance(attempts, bool) and attempts > 0 else 0
    if content["mode"] == "calibration":
        ratings = keep_sheets(saved.get("r"))
        if "f" not in saved and saved.get("s") == 1:
            first = {k: v for k, v in ratings.items() if len(v) == len(criteria)}
            shown = list(first)
        else:
            first = {k: v for k, v in keep_sheets(saved.get("f")).items() if len(v) == len(criteria)}
            given = saved.get("p") if isinstance(saved.get("p"), list) else []
            shown = [s["id"] for s in content["samples"] if s["id"] in given]
        # A sample shown with the key holds complete ratings and has a first submission.
        shown = [s for s in shown if s in first and len(ratings.get(s, {})) == len(criteria)]
        return {"r": ratings, "a": attempts, "f": first, "p": shown}
    raw_notes = saved.get("n") if isinstance(saved.get("n"), dict) else {}
    notes = {c: raw_notes[c] for c in criteria if _is_str(raw_notes.get(c)) and raw_notes[c]}
    state: SelfState = {
        "r": keep_ratings(saved.get("r")),
        "n": notes,
        "s": 1 if saved.get("s") == 1 else 0,
        "a": attempts,
    }
    if state["s"] and not _complete(state["r"], content):
        state["s"] = 0
    return state


def _complete(ratings: dict[str, Any], content: Content) -> bool:
    return all(c["id"] in ratings for c in content["criteria"])


def sample_status(state: CalibrationState, content: Content) -> dict[str, str]:
    """Each calibration sample's status: "submitted" (shown with the expert key), "open" (to rate)
    or "held" (a graded sample held back until every practice sample has been submitted once)."""
    practice_done = all(s["id"] in state["f"] for s in content["samples"] if s.get("practice"))
    status: dict[str, str] = {}
    for sample in content["samples"]:
        if sample["id"] in state["p"]:
            status[sample["id"]] = "submitted"
        elif sample.get("practice") or practice_done:
            status[sample["id"]] = "open"
        else:
            status[sample["id"]] = "held"
    return status


def grade(state: CalibrationState, content: Content) -> dict[str, Any] | None:
    """The calibration grade: agreement of the first submitted ratings of the graded samples, once
    every graded sample has one. Later submissions are practice and never change it."""
    graded = graded_samples(content)
    if not all(s in state["f"] for s in graded):
        return None
    result = agreement(content, {s: state["f"][s] for s in graded})
    return {k: result[k] for k in ("exact", "adjacent", "ratings", "exact_percent", "adjacent_percent", "passed")}


def view(state: RubricState, content: Content) -> dict[str, Any]:
    """What the `state` handler answers: the learner's ratings and notes, and results once submitted.
    In calibration, `result` compares the samples submitted now with the key, `samples` gives each
    sample's status, `first` says which samples already had their graded (or first practice)
    submission, and `grade` is the graded agreement (null until every graded sample is submitted)."""
    if content["mode"] != "calibration":
        state = _self_state(state)
        return {
            "mode": content["mode"],
            "ratings": state["r"],
            "notes": state["n"],
            "submitted": bool(state["s"]),
            "attempts": state["a"],
            "result": score(content, state["r"]) if state["s"] else None,
        }
    state = _calibration_state(state)
    status = sample_status(state, content)
    return {
        "mode": "calibration",
        "ratings": state["r"],
        "notes": {},
        "submitted": "open" not in status.values(),
        "attempts": state["a"],
        "result": agreement(content, {s: state["r"][s] for s in state["p"]}) if state["p"] else None,
        "samples": status,
        "first": [s["id"] for s in content["samples"] if s["id"] in state["f"]],
        "grade": grade(state, content),
    }


def _checked_ratings(given: object, content: Content, complete: bool) -> Ratings:
    levels = set(_level_index(content))
    criteria = {c["id"] for c in content["criteria"]}

    def one_sheet(sheet: object) -> Ratings:
        if not isinstance(sheet, dict):
            raise Refused(_("Ratings must map each criterion to a level."))
        for criterion, level in sheet.items():
            if criterion not in criteria:
                raise Refused(_("This rubric has no such criterion."), 400, criterion)
            if not _is_str(level) or level not in levels:
                raise Refused(_("This rubric has no such level."), 400, criterion)
        return dict(sheet)

    ratings = one_sheet(given)
    if complete and not _complete(ratings, content):
        raise Refused(_("Rate every criterion before you submit."))
    return ratings


def _checked_sample_ratings(
    given: object, state: CalibrationState, content: Content, complete: bool
) -> dict[str, Ratings]:
    """Calibration ratings {sample: sheet} for the open samples only; on submit, every open sample
    rated on every criterion."""
    if not isinstance(given, dict):
        raise Refused(_("Ratings must map each criterion to a level."))
    status = sample_status(state, content)
    for sample, sheet in given.items():
        if sample not in status:
            raise Refused(_("This rubric has no such sample."), 400, sample)
        if status[sample] == "submitted" and sheet not in (None, {}):
            raise Refused(_("This sample is submitted; choose Rate again to practise it."), 400, sample)
        if status[sample] == "held" and sheet not in (None, {}):
            raise Refused(_("This sample opens after you submit the practice samples."), 400, sample)
    ratings = {
        s: _checked_ratings(sheet, content, False) for s, sheet in given.items() if sheet is not None and sheet != {}
    }
    if complete:
        criteria = [c["id"] for c in content["criteria"]]
        for sample, current in status.items():
            if current == "open" and not all(c in ratings.get(sample, {}) for c in criteria):
                raise Refused(_("Rate every criterion before you submit."))
    return ratings


def _checked_notes(given: object, content: Content) -> dict[str, str]:
    if given is None:
        return {}
    if not isinstance(given, dict):
        raise Refused(_("Notes must map each criterion to text."))
    criteria = {c["id"] for c in content["criteria"]}
    for criterion, text in given.items():
        if criterion not in criteria:
            raise Refused(_("This rubric has no such criterion."), 400, criterion)
        if not _is_str(text):
            raise Refused(_("Notes must map each criterion to text."))
        if len(text) > NOTE_LIMIT:
            raise Refused(_("A note is longer than 2000 characters; shorten it."), 400, criterion)
    if content["mode"] == "calibration" and any(given.values()):
        raise Refused(_("Calibration ratings take no evidence notes."))
    return {c: t for c, t in given.items() if t}


def _learner_mode(content: Content) -> None:
    if content["mode"] == "trainer":
        raise Refused(_("In a certification rubric, trainers do the rating."))


def read_state(state: RubricState, payload: object, content: Content) -> Answer:
    return state, view(state, content)


def _checked_sheet(
    state: RubricState, payload: object, content: Content, complete: bool
) -> tuple[dict[str, Any], dict[str, str]]:
    """(ratings, notes) of a save or submit, refused when the rubric is submitted or the input is bad."""
    _learner_mode(content)
    # Anything but the sheet the script sends is refused: read as an empty sheet, it erased the draft.
    if not isinstance(payload, dict) or not payload or set(payload) - {"ratings", "notes"}:
        raise Refused(_("Send the sheet as {ratings, notes}."))
    if content["mode"] == "calibration":
        calibration = _calibration_state(state)
        if "open" not in sample_status(calibration, content).values():
            raise Refused(_("This rubric is submitted; choose Revise to change it."))
        notes = _checked_notes(payload.get("notes"), content)
        return _checked_sample_ratings(payload.get("ratings", {}), calibration, content, complete), notes
    if _self_state(state)["s"]:
        raise Refused(_("This rubric is submitted; choose Revise to change it."))
    return (
        _checked_ratings(payload.get("ratings", {}), content, complete),
        _checked_notes(payload.get("notes"), content),
    )


def save_draft(state: RubricState, payload: object, content: Content) -> Answer:
    """Keep a draft: ratings and notes as they are, nothing submitted (in calibration, the open
    samples' drafts; submitted samples keep their ratings)."""
    ratings, notes = _checked_sheet(state, payload, content, False)
    new: RubricState
    if content["mode"] == "calibration":
        state = _calibration_state(state)
        kept = {s: state["r"][s] for s in state["p"]}
        new = {**state, "r": {**kept, **ratings}}
    else:
        new = {**_self_state(state), "r": ratings, "n": notes}
    return new, view(new, content)


def submit(state: RubricState, payload: object, content: Content) -> Answer:
    """Submit the ratings. In calibration every open sample is submitted together: a sample's first
    submission is kept for the grade, and the key is shown only from then on."""
    ratings, notes = _checked_sheet(state, payload, content, True)
    new: RubricState
    if content["mode"] == "calibration":
        state = _calibration_state(state)
        status = sample_status(state, content)
        opened = [s for s, current in status.items() if current == "open"]
        first = {**state["f"], **{s: ratings[s] for s in opened if s not in state["f"]}}
        shown = [s["id"] for s in content["samples"] if s["id"] in state["p"] or s["id"] in opened]
        new = {"r": {**state["r"], **{s: ratings[s] for s in opened}}, "a": state["a"] + 1, "f": first, "p": shown}
    else:
        new = {"r": ratings, "n": notes, "s": 1, "a": state["a"] + 1}
    return new, view(new, content)


def revise(state: RubricState, payload: object, content: Content) -> Answer:
    """Open a submitted rubric again. A self-assessment keeps its ratings and notes; a calibration
    reopens its submitted samples with blank ratings, for practice: the learner has seen the key,
    and the first submission stays the graded one."""
    _learner_mode(content)
    if content["mode"] == "calibration":
        calibration = _calibration_state(state)
        if not calibration["p"]:
            raise Refused(_("There is no submitted rubric to revise."))
        reopened: CalibrationState = {
            **calibration,
            "p": [],
            "r": {s: v for s, v in calibration["r"].items() if s not in calibration["p"]},
        }
        return reopened, view(reopened, content)
    own = _self_state(state)
    if not own["s"]:
        raise Refused(_("There is no submitted rubric to revise."))
    new: SelfState = {**own, "s": 0}
    return new, view(new, content)


# (new state, response): what every rule answers
Answer = tuple[RubricState, dict[str, Any]]

HANDLERS: dict[str, Callable[[RubricState, object, Content], Answer]] = {
    "state": read_state,
    "save_draft": save_draft,
    "submit": submit,
    "revise": revise,
}


def report(state: RubricState, content: Content, block_id: str = "") -> dict[str, Any]:
    """What the SCORM player reports: one interaction per rating (ids <block>-<criterion>, or
    <block>-<sample>-<criterion> in calibration, where each sample's first submission is reported:
    the graded one), the score, and whether the learner passed. A trainer-mode rubric reports nothing
    (certification happens in Open edX)."""
    prefix = block_id or content["id"]
    if content["mode"] == "trainer":
        return {"completed": False, "score": None, "passed": None, "interactions": []}
    shown = view(state, content)
    if content["mode"] == "calibration":
        labels = {c["id"]: c["label"] for c in content["criteria"]}
        sample_labels = {s["id"]: s["label"] for s in content["samples"]}
        interactions = [
            {
                "id": f"{prefix}-{sample['id']}-{row['id']}",
                "type": "choice",
                "description": f"{sample_labels[sample['id']]}: {labels[row['id']]}",
                "response": row["rating"],
                "result": "correct" if row["match"] == "exact" else "incorrect",
                "weighting": 1,
            }
            for sample in agreement(content, _calibration_state(state)["f"])["samples"]
            for row in sample["criteria"]
        ]
        graded = shown["grade"]
        return {
            "completed": graded is not None,
            "score": graded and {"earned": graded["exact"], "possible": graded["ratings"]},
            "passed": graded and graded["passed"],
            "interactions": interactions,
        }
    if not shown["submitted"]:
        return {"completed": False, "score": None, "passed": None, "interactions": []}
    result = shown["result"]
    ratings = _self_state(state)["r"]
    return {
        "completed": True,
        "score": {"earned": result["total"], "possible": result["max_total"]},
        "passed": result["passed"],
        "interactions": [
            {
                "id": f"{prefix}-{c['id']}",
                "type": "likert",
                "description": c["label"],
                "response": ratings[c["id"]],
                "result": "neutral",
                "weighting": c["weight"],
            }
            for c in content["criteria"]
        ],
    }


def apply(handler: str, state: RubricState, payload: object, content: Content, ctx: Context | None = None) -> Answer:
    """Run one rule: (new state, response), or raise Refused. The given state is never mutated; no
    rubric rule reads the context."""
    if handler not in HANDLERS:
        raise Refused(f"unknown handler {handler}", 404)
    return HANDLERS[handler](state, payload, content)


# ---------------------------------------------------------------- trainer certification


def checked_request(payload: Any, limit: int = NOTE_LIMIT) -> dict[str, str]:
    """A candidate's certification request: evidence notes (required) and a recording link (optional,
    http or https)."""
    payload = payload if isinstance(payload, dict) else {}
    notes, url = payload.get("notes", ""), payload.get("recording_url", "")
    if not _is_str(notes) or not notes.strip():
        raise Refused(_("Describe the meeting you facilitated in your evidence notes."))
    if len(notes) > limit:
        raise Refused(_("Your evidence notes are longer than 2000 characters; shorten them."))
    if not _is_str(url):
        raise Refused(_("The recording link must be an http or https address."))
    url = url.strip()
    if url and (len(url) > URL_LIMIT or not re.match(r"^https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$", url, re.I)):
        raise Refused(_("The recording link must be an http or https address."))
    return {"notes": notes, "recording_url": url}


def checked_assessment(payload: Any, content: Content) -> dict[str, Any]:
    """A trainer's assessment of a candidate: a level for every criterion and optional feedback."""
    payload = payload if isinstance(payload, dict) else {}
    levels = payload.get("levels")
    learner_like = {**content, "mode": "self"}
    ratings = _checked_ratings(levels if levels is not None else {}, learner_like, True)
    feedback = payload.get("feedback")
    if feedback is not None and not isinstance(feedback, dict):
        raise Refused(_("Feedback must map each criterion to text."))
    feedback = feedback or {}
    criteria = {c["id"] for c in content["criteria"]}
    for criterion, text in feedback.items():
        if criterion not in criteria:
            raise Refused(_("This rubric has no such criterion."), 400, criterion)
        if not _is_str(text):
            raise Refused(_("Feedback must map each criterion to text."))
        if len(text) > NOTE_LIMIT:
            raise Refused(_("Feedback is longer than 2000 characters; shorten it."), 400, criterion)
    return {
        "levels": ratings,
        "feedback": {c: t for c, t in feedback.items() if t.strip()},
        "result": score(content, ratings),
    }
