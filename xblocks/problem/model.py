"""problem: Open edX's own problem format (capa), the subset both runtimes play, and its grading rules.

A problem is not one of our XBlocks: Open edX renders `<problem>` itself (its ProblemBlock). This
module lets the builder read, check and play the same OLX offline (the twin of problem.js):

    <problem display_name="Check your understanding" max_attempts="2" weight="1" showanswer="finished">
      <multiplechoiceresponse>
        <label>A parent asks to bring an advocate. What do you do?</label>
        <description>Choose the best first step.</description>
        <choicegroup type="MultipleChoice">
          <choice correct="false">Postpone the meeting<choicehint>Delay costs the family...</choicehint></choice>
          <choice correct="true">Welcome the advocate<choicehint>Yes: ...</choicehint></choice>
        </choicegroup>
      </multiplechoiceresponse>
      <solution><p>Why...</p></solution>
      <demandhint><hint>Think about who the meeting serves.</hint></demandhint>
    </problem>

The subset (docs/problems.md): multiplechoiceresponse (single choice, partial_credit="points"),
choiceresponse with a checkboxgroup (all-or-nothing, "EDC", "halves"), optionresponse (<option>
elements), stringresponse (exact, type="ci", additional_answer, type="regexp"), numericalresponse
(a number with an absolute or percent tolerance, additional_answer). Other response types (custom
Python graders, formularesponse, JavaScript input...) and `rerandomize` are kept for the OLX target and
refused for SCORM with a located message (`scorm_refusal`).

Grading follows Open edX's capa (xmodule/capa/responsetypes.py, xmodule/capa/util.py,
openedx/core/lib/grade_utils.py, lms/djangoapps/grades/scores.py): each response is worth one raw
point; the problem's score is the sum, scaled to `weight` when a weight is set; the score is the
latest submission's, as in Open edX.

A learner's state (the same JSON in Python, in problem.js and in SCORM suspend_data):

    {"attempts": 1, "answers": {"p1": "choice_1", "p2": ["choice_0", "choice_2"], "p3": "text"},
     "hints": 0}            # demand hints shown so far
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape as html_escape
from typing import Any, TypedDict

from lxml import etree

from xblocks.common.problems import Problem, located
from xblocks.common.rules import Context, Refused
from xblocks.common.sanitize import sanitize

TAG = "problem"
# The response types of the subset, and the ones Open edX knows that we keep for the OLX target only.
SUPPORTED_RESPONSES = (
    "multiplechoiceresponse",
    "choiceresponse",
    "optionresponse",
    "stringresponse",
    "numericalresponse",
)
OPEN_EDX_ONLY_RESPONSES = (
    "customresponse",
    "formularesponse",
    "symbolicresponse",
    "schematicresponse",
    "imageresponse",
    "coderesponse",
    "externalresponse",
    "javascriptresponse",
    "annotationresponse",
    "choicetextresponse",
    "truefalseresponse",
    "jsinputresponse",
)
# showanswer values (xmodule/capa_block.py SHOWANSWER); the ones that need a due date or a count of
# attempts before the button have no meaning offline and are refused for SCORM.
SHOWANSWER_OFFLINE = (
    "always",
    "answered",
    "attempted",
    "attempted_no_past_due",
    "closed",
    "finished",
    "never",
    "after_all_attempts",
    "after_all_attempts_or_correct",
    "correct_or_past_due",
)
SHOWANSWER_OPEN_EDX_ONLY = ("past_due", "after_attempts")
DEFAULT_SHOWANSWER = "finished"  # Open edX's default when neither the problem nor the course says
PROBLEM_ATTRIBUTES = (
    "url_name",
    "display_name",
    "max_attempts",
    "weight",
    "showanswer",
    "rerandomize",
    "markdown",
    "show_reset_button",
    "submission_wait_seconds",
    "attempts_before_showanswer_button",
    "show_correctness",
    "use_latex_compiler",
    "due",
    "graceperiod",
    "audience",  # read by the builder (pathway levels)
)
# Markup allowed around and inside the questions (the same as an html component's common tags).
HTML_TAGS = frozenset(
    [
        "p",
        "div",
        "span",
        "strong",
        "em",
        "b",
        "i",
        "u",
        "br",
        "ul",
        "ol",
        "li",
        "a",
        "img",
        "code",
        "pre",
        "blockquote",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "caption",
        "sup",
        "sub",
        "small",
        "abbr",
        "cite",
        "q",
    ]
)
DEFAULT_TOLERANCE = "0.001%"  # xmodule/capa/util.py default_tolerance
NUMBER = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$")
# Regular-expression syntax that Python and JavaScript read differently; refused so both graders agree.
REGEXP_DIFFERENCES = (
    (re.compile(r"\(\?P"), "named groups (?P<...>)"),
    (re.compile(r"\(\?<[=!]"), "look-behind (?<= ...)"),
    (re.compile(r"\(\?[aiLmsux]"), "inline flags such as (?i)"),
    (re.compile(r"\\[AZdDwWsSbB]"), r"the classes \d \w \s \b (Unicode in Python, ASCII in JavaScript) and \A \Z"),
)


Content = dict[str, Any]  # view_content's JSON: what the rules read, in Python and in the script
Part = dict[str, Any]  # one question of the content (an item with a "kind")
Refusal = tuple[int | None, str, str]  # why SCORM cannot play something: (line, message, fix)


@dataclass(frozen=True)
class Model:
    """A parsed <problem>: its OLX as written (what Open edX imports) and the content both runtimes play."""

    url_name: str
    display_name: str
    xml: str  # the element as the author wrote it, pointers inlined by the loader; the OLX target writes it
    content: Content = field(compare=False)  # JSON-safe; see view_content
    # Why SCORM cannot play it (outside the subset), located: [(line, message, fix)]
    scorm_refusals: tuple[Refusal, ...] = field(default=(), compare=False)


# ---------------------------------------------------------------- parse


def _inner_html(element: Any) -> str:
    """The element's content as HTML, hint and structure children left out, whitespace kept; XML text
    escaped, and only what the course HTML policy allows (xblocks.common.sanitize)."""
    parts = [html_escape(element.text or "", quote=False)]
    for child in element:
        if not isinstance(child.tag, str) or child.tag in HINT_TAGS:  # comments, PIs: the author's notes
            parts.append(html_escape(child.tail or "", quote=False))
            continue
        parts.append(etree.tostring(child, encoding="unicode", with_tail=True))
    return sanitize("".join(parts).strip())


HINT_TAGS = ("choicehint", "optionhint", "correcthint")


def _check_markup(element: Any, source: str, problems: list[Problem]) -> None:
    """Only plain HTML in the text, no script; a hint inside the element is checked when it is read."""
    for node in element:
        if not isinstance(node.tag, str) or node.tag in HINT_TAGS:
            continue
        if node.tag not in HTML_TAGS:
            problems.append(
                located(
                    source,
                    node,
                    f"<{node.tag}> is not allowed in a problem's text",
                    "use plain HTML (p, strong, em, ul, li, a, img, code...)",
                )
            )
        _check_attributes(node, source, problems)
        _check_markup(node, source, problems)


def _check_attributes(node: Any, source: str, problems: list[Problem]) -> None:
    for name, value in node.attrib.items():
        if name.startswith("on") or value.strip().lower().startswith("javascript:"):
            problems.append(located(source, node, f'<{node.tag} {name}="..."> runs script', "remove the attribute"))


def _html(element: Any, source: str, problems: list[Problem]) -> str:
    if element is None:
        return ""
    _check_markup(element, source, problems)
    return _inner_html(element)


def _plain(element: Any) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _hint(element: Any, tag: str, source: str, problems: list[Problem], **match: str) -> str:
    for child in element.findall(tag):
        if all((child.get(k) or "").strip().lower() == v for k, v in match.items()):
            return _html(child, source, problems)
    return ""


def _label(response: Any, source: str, problems: list[Problem], where: Any) -> tuple[str, str]:
    label = response.find("label")
    description = response.find("description")
    if label is None or not _plain(label):
        problems.append(
            located(
                source,
                where,
                f"<{response.tag}> has no <label>",
                "add <label>the question</label> as its first child: screen readers announce it with the input",
            )
        )
    return _html(label, source, problems), _html(description, source, problems)


def _correct(value: str | None) -> str:
    return (value or "false").strip().lower()


def _single_choice(response: Any, source: str, problems: list[Problem], part: Part) -> None:
    mode = _credit_modes(response, source, problems, ("false", "points"))
    groups = response.findall("choicegroup")
    if len(groups) != 1:
        problems.append(
            located(
                source, response, "<multiplechoiceresponse> needs one <choicegroup>", "put the <choice> in one group"
            )
        )
        return
    choices = []
    for index, choice in enumerate(groups[0].findall("choice")):
        correct = _correct(choice.get("correct"))
        if correct not in ("true", "false", "partial"):
            problems.append(
                located(source, choice, f'correct="{choice.get("correct")}"', 'write correct="true" or "false"')
            )
        point_value = 0.5  # responsetypes.py: default partial credit for a correct="partial" choice
        if correct == "partial":
            try:
                point_value = float(choice.get("point_value", "0.5"))
            except ValueError:
                problems.append(located(source, choice, "point_value is not a number", 'write e.g. point_value="0.5"'))
            if mode != "points":
                problems.append(
                    located(
                        source,
                        choice,
                        'correct="partial" counts only with partial_credit="points"',
                        'add partial_credit="points" to <multiplechoiceresponse> or mark the choice true or false',
                    )
                )
        html = _html(choice, source, problems)
        if not html:
            problems.append(located(source, choice, "a <choice> has no text", "write the choice's text"))
        choices.append(
            {
                "id": f"choice_{index}",
                "html": html,
                "correct": correct,
                "points": point_value if correct == "partial" else (1.0 if correct == "true" else 0.0),
                "hint": _hint(choice, "choicehint", source, problems),
            }
        )
    right = [c for c in choices if c["correct"] == "true"]
    if not right:
        problems.append(located(source, groups[0], "no choice is correct", 'mark the right choice with correct="true"'))
    elif len(right) > 1:
        problems.append(
            located(
                source,
                groups[0],
                f"{len(right)} choices are correct in a single-choice question",
                'mark one choice correct="true", or use <choiceresponse> with a <checkboxgroup> for several',
            )
        )
    part.update(kind="single", partial_credit=mode, choices=choices)


def _multiple_choice(response: Any, source: str, problems: list[Problem], part: Part) -> None:
    mode = _credit_modes(response, source, problems, ("false", "edc", "halves"))
    groups = response.findall("checkboxgroup") + response.findall("radiogroup")
    if len(groups) != 1 or groups[0].tag != "checkboxgroup":
        problems.append(
            located(
                source,
                response,
                "<choiceresponse> needs one <checkboxgroup>",
                "put the <choice> elements in one <checkboxgroup> (for one answer, use <multiplechoiceresponse>)",
            )
        )
        return
    if groups[0].find("compoundhint") is not None:
        problems.append(
            located(
                source,
                groups[0].find("compoundhint"),
                "<compoundhint> is not in the subset both runtimes play",
                "give each <choice> its own <choicehint selected=...> instead",
            )
        )
    choices = []
    for index, choice in enumerate(groups[0].findall("choice")):
        correct = _correct(choice.get("correct"))
        if correct not in ("true", "false"):
            problems.append(
                located(source, choice, f'correct="{choice.get("correct")}"', 'write correct="true" or "false"')
            )
        html = _html(choice, source, problems)
        if not html:
            problems.append(located(source, choice, "a <choice> has no text", "write the choice's text"))
        choices.append(
            {
                "id": f"choice_{index}",
                "html": html,
                "correct": correct,
                "hint_selected": _hint(choice, "choicehint", source, problems, selected="true"),
                "hint_unselected": _hint(choice, "choicehint", source, problems, selected="false"),
            }
        )
    if len(choices) < 2:
        problems.append(located(source, groups[0], "a checkbox group needs two choices or more", "add choices"))
    if not any(c["correct"] == "true" for c in choices):
        problems.append(
            located(
                source,
                groups[0],
                "no choice is correct: Open edX marks an empty answer wrong, so nobody could get it right",
                'mark at least one choice correct="true" (add a "None of these" choice if needed)',
            )
        )
    part.update(kind="multiple", partial_credit=mode, choices=choices)


def _dropdown(response: Any, source: str, problems: list[Problem], part: Part) -> None:
    inputs = response.findall("optioninput")
    if len(inputs) != 1:
        problems.append(located(source, response, "<optionresponse> needs one <optioninput>", "add one"))
        return
    if inputs[0].get("options") is not None:
        problems.append(
            located(
                source,
                inputs[0],
                'the old options="(...)" form is not in the subset both runtimes play',
                'write each option as <option correct="True|False">text</option>',
            )
        )
        return
    options = []
    for option in inputs[0].findall("option"):
        text = " ".join((option.text or "").split())
        if not text:
            problems.append(located(source, option, "an <option> has no text", "write the option's text"))
        correct = _correct(option.get("correct"))
        if correct not in ("true", "false"):
            problems.append(
                located(source, option, f'correct="{option.get("correct")}"', 'write correct="True" or "False"')
            )
        options.append({"text": text, "correct": correct, "hint": _hint(option, "optionhint", source, problems)})
    right = [o for o in options if o["correct"] == "true"]
    if len(right) != 1:
        problems.append(
            located(
                source,
                inputs[0],
                f"a dropdown needs exactly one correct option, found {len(right)}",
                'mark one <option correct="True">',
            )
        )
    texts = [o["text"] for o in options]
    if len(set(texts)) != len(texts):
        problems.append(located(source, inputs[0], "two options have the same text", "make each option distinct"))
    part.update(kind="dropdown", options=options)


def _regexp_problems(pattern: str, source: str, where: Any, problems: list[Problem]) -> None:
    try:
        re.compile(pattern)
    except re.error as error:
        problems.append(located(source, where, f"the regular expression {pattern!r} is invalid ({error})", "fix it"))
        return
    for construct, what in REGEXP_DIFFERENCES:
        if construct.search(pattern):
            problems.append(
                located(
                    source,
                    where,
                    f"the regular expression {pattern!r} uses {what}, which browsers read differently",
                    "write it with plain characters, [0-9], [A-Za-z] and |",
                )
            )
            return


def _text_input(response: Any, source: str, problems: list[Problem], part: Part) -> None:
    answer = response.get("answer")
    if answer is None or not answer.strip():
        problems.append(located(source, response, "<stringresponse> has no answer", 'add answer="..."'))
        return
    flags = (response.get("type") or "").lower().split()
    unknown = [f for f in flags if f not in ("ci", "cs", "regexp")]
    if unknown:
        problems.append(
            located(
                source, response, f'type="{response.get("type")}" is not known', 'use "ci", "regexp" or "ci regexp"'
            )
        )
    if "_or_" in answer.lower():
        problems.append(
            located(
                source,
                response,
                'the old answer="a_or_b" form is not in the subset both runtimes play',
                "give each further answer its own <additional_answer answer=...>",
            )
        )
    answers = [answer.strip()]
    hints = {answer.strip(): _hint(response, "correcthint", source, problems)}
    for extra in response.findall("additional_answer"):
        value = (extra.get("answer") or "").strip()
        if not value:
            problems.append(located(source, extra, "<additional_answer> has no answer attribute", 'write answer="..."'))
            continue
        answers.append(value)
        hints[value] = _hint(extra, "correcthint", source, problems)
    wrong = []
    for node in response.findall("stringequalhint"):
        value = (node.get("answer") or "").strip()
        if value:
            wrong.append({"answer": value, "hint": _html(node, source, problems)})
    regexp = "regexp" in flags
    if regexp:
        for value in answers:
            _regexp_problems(value, source, response, problems)
    part.update(
        kind="text",
        answers=answers,
        case_insensitive="ci" in flags,
        regexp=regexp,
        correct_hints=[hints[a] for a in answers],
        wrong_hints=wrong,
    )


def _tolerance(value: str, source: str, where: Any, problems: list[Problem]) -> str:
    text = value.strip()
    number = text[:-1] if text.endswith("%") else text
    if not NUMBER.match(number) or float(number) < 0:
        problems.append(
            located(source, where, f'tolerance "{value}" is not a number or a percentage', 'write e.g. "0.5" or "5%"')
        )
        return DEFAULT_TOLERANCE
    return text


def _numeric(response: Any, source: str, problems: list[Problem], part: Part) -> None:
    answer = (response.get("answer") or "").strip()
    if answer[:1] in "[(" and answer[-1:] in "])" and answer:
        problems.append(
            located(
                source,
                response,
                f'the range answer "{answer}" is not in the subset both runtimes play',
                "give the middle value as answer with a tolerance",
            )
        )
        return
    if not NUMBER.match(answer):
        problems.append(
            located(
                source,
                response,
                f'<numericalresponse> answer="{answer}" is not a number',
                'write a decimal number, e.g. answer="30"',
            )
        )
        return
    if (response.get("partial_credit") or "false").strip().lower() != "false":
        problems.append(
            located(
                source,
                response,
                "partial credit on numeric answers is not in the subset both runtimes play",
                "remove partial_credit",
            )
        )
    tolerance = DEFAULT_TOLERANCE
    params = response.findall("responseparam")
    for param in params:
        if param.get("type") == "tolerance":
            tolerance = _tolerance(param.get("default") or "", source, param, problems)
    extras = []
    for extra in response.findall("additional_answer"):
        value = (extra.get("answer") or "").strip()
        if not NUMBER.match(value):
            problems.append(located(source, extra, f'additional answer "{value}" is not a number', "write a number"))
            continue
        extras.append(value)
    part.update(
        kind="numeric",
        answer=answer,
        tolerance=tolerance,
        additional_answers=extras,
        correct_hint=_hint(response, "correcthint", source, problems),
    )


PART_READERS = {
    "multiplechoiceresponse": _single_choice,
    "choiceresponse": _multiple_choice,
    "optionresponse": _dropdown,
    "stringresponse": _text_input,
    "numericalresponse": _numeric,
}
PART_CHILDREN = {
    "label",
    "description",
    "choicegroup",
    "checkboxgroup",
    "radiogroup",
    "optioninput",
    "textline",
    "formulaequationinput",
    "responseparam",
    "additional_answer",
    "correcthint",
    "stringequalhint",
    "solution",
}


def _credit_modes(response: Any, source: str, problems: list[Problem], allowed: tuple[str, ...]) -> str:
    value = (response.get("partial_credit") or "false").strip().lower()
    if value not in allowed:
        problems.append(
            located(
                source,
                response,
                f'partial_credit="{response.get("partial_credit")}" is not one of {", ".join(allowed)}',
                f'use partial_credit="{allowed[-1]}" or leave it out (all or nothing)',
            )
        )
        return "false"
    return value


def _whole(value: str | None, source: str, where: Any, name: str, problems: list[Problem]) -> int | None:
    if value is None or value.strip() in ("", "null"):
        return None
    if re.fullmatch(r"[0-9]{1,4}", value.strip()) and int(value) >= 1:
        return int(value)
    problems.append(
        located(source, where, f'{name}="{value}" is not a whole number of 1 or more', f'write e.g. {name}="2"')
    )
    return None


def parse(element: Any, source: str) -> tuple[Model | None, list[Problem]]:
    """An lxml element -> (Model or None, [Problem]); every problem says where and how to fix it."""
    problems: list[Problem] = []
    refusals: list[Refusal] = []
    if element.tag != TAG:
        return None, [located(source, element, f"expected <{TAG}>, found <{element.tag}>", f"use <{TAG}>")]
    for name in element.attrib:
        if name not in PROBLEM_ATTRIBUTES:
            problems.append(
                located(
                    source,
                    element,
                    f'<problem> has an unknown attribute "{name}"',
                    "use only: " + ", ".join(PROBLEM_ATTRIBUTES),
                )
            )
    max_attempts = _whole(element.get("max_attempts"), source, element, "max_attempts", problems)
    weight = None
    raw_weight = element.get("weight")
    if raw_weight is not None and raw_weight.strip() not in ("", "null"):
        if NUMBER.match(raw_weight.strip()) and float(raw_weight) >= 0:
            weight = float(raw_weight)
        else:
            problems.append(
                located(source, element, f'weight="{raw_weight}" is not a number of 0 or more', 'write e.g. weight="1"')
            )
    showanswer = (element.get("showanswer") or DEFAULT_SHOWANSWER).strip()
    if showanswer in SHOWANSWER_OPEN_EDX_ONLY:
        refusals.append(
            (
                element.sourceline,
                f'showanswer="{showanswer}" needs Open edX (a due date or a count of attempts it keeps)',
                'use showanswer="finished", "attempted", "after_all_attempts" or "never"',
            )
        )
    elif showanswer not in SHOWANSWER_OFFLINE:
        problems.append(
            located(
                source,
                element,
                f'showanswer="{showanswer}" is not an Open edX value',
                "use one of: " + ", ".join(SHOWANSWER_OFFLINE + SHOWANSWER_OPEN_EDX_ONLY),
            )
        )
    rerandomize = (element.get("rerandomize") or "never").strip()
    if rerandomize not in ("never", "false", "per_student"):
        refusals.append(
            (
                element.sourceline,
                f'rerandomize="{rerandomize}" draws new values in Open edX, which a SCORM package cannot do',
                'remove rerandomize or write rerandomize="never"',
            )
        )
    items: list[dict[str, Any]] = []  # in document order: {"html": ...} or a part
    solution = ""
    hints: list[str] = []
    for child in element:
        if not isinstance(child.tag, str):
            continue
        tag = child.tag
        if tag in PART_READERS:
            part = {"id": f"p{sum(1 for i in items if 'kind' in i) + 1}", "line": child.sourceline}
            # ids by position, as Open edX numbers a problem's inputs (<location>_2_1, _3_1...)
            for grandchild in child:
                if isinstance(grandchild.tag, str) and grandchild.tag not in PART_CHILDREN:
                    problems.append(
                        located(
                            source,
                            grandchild,
                            f"<{grandchild.tag}> is not expected inside <{tag}>",
                            "keep <label>, <description>, the input and its hints inside the response",
                        )
                    )
            part["label"], part["description"] = _label(child, source, problems, child)
            PART_READERS[tag](child, source, problems, part)
            part.pop("line")
            if "kind" in part:
                items.append(part)
            if child.find("solution") is not None:
                solution = _html(child.find("solution"), source, problems)
        elif tag in OPEN_EDX_ONLY_RESPONSES or tag in ("script", "jsinput"):
            what = "a <script> (Python run by the server)" if tag == "script" else f"<{tag}>"
            refusals.append(
                (
                    child.sourceline,
                    f"{what} is graded by Open edX's server, which a SCORM package does not have",
                    "use one of the subset (multiplechoiceresponse, choiceresponse, optionresponse, "
                    "stringresponse, numericalresponse) or keep this problem out of SCORM builds",
                )
            )
        elif tag.endswith("response"):
            problems.append(
                located(
                    source,
                    child,
                    f"<{tag}> is not an Open edX response type",
                    "use multiplechoiceresponse, choiceresponse, optionresponse, stringresponse or numericalresponse",
                )
            )
        elif tag == "solution":
            solution = _html(child, source, problems)
        elif tag == "demandhint":
            for hint in child.findall("hint"):
                hints.append(_html(hint, source, problems))
        elif tag in HTML_TAGS or tag in ("label", "description"):
            if tag in ("label", "description"):
                problems.append(
                    located(
                        source,
                        child,
                        f"<{tag}> outside a response is not tied to an input",
                        "move it inside the response it belongs to, as its first child",
                    )
                )
            _check_attributes(child, source, problems)
            _check_markup(child, source, problems)
            items.append({"html": etree.tostring(child, encoding="unicode", with_tail=False).strip()})
        else:
            problems.append(
                located(source, child, f"<{tag}> is not expected in a <problem>", "use HTML and the response types")
            )
    parts = [item for item in items if "kind" in item]
    if not parts and not refusals:
        problems.append(
            located(
                source,
                element,
                "the problem has no question",
                "add a response, e.g. <multiplechoiceresponse> with a <label> and a <choicegroup>",
            )
        )
    url_name = element.get("url_name", "")
    display_name = " ".join((element.get("display_name") or "").split())
    copy = etree.fromstring(etree.tostring(element))
    copy.tail = None
    content = {
        "display_name": display_name,
        "max_attempts": max_attempts,
        "weight": weight,
        "showanswer": showanswer,
        "items": items,
        "solution": solution,
        "demand_hints": hints,
    }
    if problems:
        return None, sorted(set(problems), key=lambda p: (p.line or 0, p.message))
    return (
        Model(url_name, display_name, etree.tostring(copy, encoding="unicode"), content, tuple(refusals)),
        [],
    )


def serialize(model: Model) -> Any:
    """The problem as the author wrote it (Open edX reads the whole capa format, not only our subset)."""
    return etree.fromstring(model.xml)


def view_content(model: Model) -> Content:
    """What problem.js needs to draw and grade offline. The keys are in it: a SCORM package grades in the
    learner's browser (no server of ours). In Open edX the platform renders <problem>, never this."""
    return model.content


def rules_content(model: Model) -> Content:
    """What restore, apply and report read: the JSON content, as the script's rules read it (view_content)."""
    return view_content(model)


def static_files(model: Model) -> list[str]:
    return sorted(set(re.findall(r"""["']/static/([^"'?#]+)""", model.xml)))


def scorm_refusal(model: Model, source: str = "") -> str | None:
    """Why SCORM cannot play this problem (the first reason, with its line), or None."""
    if not model.scorm_refusals:
        return None
    line, message, fix = model.scorm_refusals[0]
    return f"{message} (line {line}); {fix}" if line else f"{message}; {fix}"


# ---------------------------------------------------------------- grading (the twin of problem.js)


def round_away_from_zero(number: float, digits: int = 0) -> float:
    """openedx/core/lib/grade_utils.py: halves round away from zero, not to even."""
    p = 10.0**digits
    if number >= 0:
        return float(math.floor((number * p) + 0.5)) / p
    return float(math.ceil((number * p) - 0.5)) / p


def _result(correctness: str, npoints: float | None = None) -> dict[str, Any]:
    # capa's CorrectMap.get_npoints: the points given, else 1 when correct, else 0
    points = npoints if npoints is not None else (1.0 if correctness == "correct" else 0.0)
    return {"correctness": correctness, "points": float(points)}


def _grade_single(part: Part, answer: Any) -> dict[str, Any]:
    chosen = next((c for c in part["choices"] if c["id"] == answer), None)
    if chosen is not None and chosen["correct"] == "true":
        return _result("correct")
    if chosen is not None and chosen["correct"] == "partial" and part["partial_credit"] == "points":
        return _result("partially-correct", chosen["points"])
    return _result("incorrect")


def _grade_multiple(part: Part, answer: Any) -> dict[str, Any]:
    """ChoiceResponse.get_score: an empty answer is wrong; then all-or-nothing, EDC or halves."""
    correct = {c["id"] for c in part["choices"] if c["correct"] == "true"}
    incorrect = {c["id"] for c in part["choices"] if c["correct"] == "false"}
    all_choices = correct | incorrect
    chosen = set(answer or [])
    if not chosen:
        return _result("incorrect")
    non_answers = all_choices - chosen
    mode = part["partial_credit"]
    if mode == "edc":
        current = sum(1 for a in chosen if a in correct) + sum(1 for b in non_answers if b in incorrect)
        grade = round_away_from_zero(1 * float(current) / float(len(all_choices)), 2)
        if current == len(all_choices):
            return _result("correct")
        if current > 0:
            return _result("partially-correct", grade)
        return _result("incorrect", 0)
    if mode == "halves":
        errors = sum(1 for a in chosen if a in incorrect) + sum(1 for b in non_answers if b in correct)
        if errors == 0:
            return _result("correct", 1)
        if errors == 1 and len(all_choices) > 2:
            return _result("partially-correct", round_away_from_zero(1 / 2.0, 2))
        if errors == 2 and len(all_choices) > 4:
            return _result("partially-correct", round_away_from_zero(1 / 4.0, 2))
        return _result("incorrect")
    return _result("correct" if chosen == correct else "incorrect")


def _grade_dropdown(part: Part, answer: Any) -> dict[str, Any]:
    right = next(o["text"] for o in part["options"] if o["correct"] == "true")
    return _result("correct" if answer == right else "incorrect")


def text_matches(part: Part, expected: list[str], given: str) -> bool:
    """StringResponse.check_string: '^' + '|'.join(answers) + '$' for regexps (as capa joins them)."""
    if not given:
        return False
    if part["regexp"]:
        flags = re.IGNORECASE if part["case_insensitive"] else 0
        return re.search("^" + "|".join(expected) + "$", given, flags | re.UNICODE) is not None
    if part["case_insensitive"]:
        return given.lower() in [e.lower() for e in expected]
    return given in expected


def _grade_text(part: Part, answer: Any) -> dict[str, Any]:
    return _result("correct" if text_matches(part, part["answers"], (answer or "").strip()) else "incorrect")


def _tolerance_value(tolerance: str, instructor: float, student: float) -> float:
    """util.compare_with_tolerance's tolerance, computed in the same order (float arithmetic)."""
    relative = tolerance == DEFAULT_TOLERANCE
    if tolerance.endswith("%"):
        value = float(tolerance[:-1]) * 0.01
        if not relative:
            value = value * abs(instructor)
    else:
        value = float(tolerance)
    if relative:
        value = value * max(abs(student), abs(instructor))
    return value


def within_tolerance(student: float, instructor: float, tolerance: str) -> bool:
    """util.compare_with_tolerance for real numbers: Decimal(str(x)) differences, so 0.1 + 0.2 style errors
    never decide a grade; problem.js does the same with exact decimal arithmetic."""
    value = _tolerance_value(tolerance, instructor, student)
    if math.isinf(student) or math.isinf(instructor):
        return student == instructor
    if math.isnan(student) or math.isnan(instructor):
        return False
    return abs(Decimal(repr(student)) - Decimal(repr(instructor))) <= Decimal(repr(value))


def parse_number(text: str) -> float | None:
    """A learner's decimal number, or None. Open edX also evaluates formulas (2*15); offline we take numbers."""
    text = (text or "").strip()
    return float(text) if NUMBER.match(text) else None


def _grade_numeric(part: Part, answer: Any) -> dict[str, Any]:
    student = parse_number(answer)
    if student is None:
        return _result("incorrect")
    if within_tolerance(student, float(part["answer"]), part["tolerance"]):
        return _result("correct")
    if any(student == float(extra) for extra in part["additional_answers"]):
        return _result("correct")
    return _result("incorrect")


GRADERS: dict[str, Callable[[Part, Any], dict[str, Any]]] = {
    "single": _grade_single,
    "multiple": _grade_multiple,
    "dropdown": _grade_dropdown,
    "text": _grade_text,
    "numeric": _grade_numeric,
}


def parts(content: Content) -> list[Part]:
    return [item for item in content["items"] if "kind" in item]


def feedback(part: Part, answer: Any, result: dict[str, Any]) -> list[str]:
    """The hints Open edX shows after a submission (choicehint, optionhint, correcthint, stringequalhint)."""
    kind = part["kind"]
    if kind == "single":
        chosen = next((c for c in part["choices"] if c["id"] == answer), None)
        return [chosen["hint"]] if chosen and chosen["hint"] else []
    if kind == "multiple":
        chosen = set(answer or [])
        found = [c["hint_selected"] if c["id"] in chosen else c["hint_unselected"] for c in part["choices"]]
        return [hint for hint in found if hint]
    if kind == "dropdown":
        option = next((o for o in part["options"] if o["text"] == answer), None)
        return [option["hint"]] if option and option["hint"] else []
    if kind == "text":
        given = (answer or "").strip()
        for expected, hint in zip(part["answers"], part["correct_hints"], strict=True):
            if text_matches(part, [expected], given):
                return [hint] if hint else []
        for wrong in part["wrong_hints"]:
            same = wrong["answer"].lower() == given.lower() if part["case_insensitive"] else wrong["answer"] == given
            if same:
                return [wrong["hint"]]
        return []
    return [part["correct_hint"]] if result["correctness"] == "correct" and part["correct_hint"] else []


def grade(content: Content, answers: dict[str, Any]) -> dict[str, Any]:
    """Every part's correctness and points, the hints to show, and the problem's score (weighted)."""
    results: dict[str, dict[str, Any]] = {}
    earned = 0.0
    for part in parts(content):
        answer = answers.get(part["id"])
        result = GRADERS[part["kind"]](part, answer)
        result["hints"] = feedback(part, answer, result)
        results[part["id"]] = result
        earned += result["points"]
    possible = float(len(results))
    weight = content["weight"]
    if weight is not None and possible > 0:  # lms/djangoapps/grades/scores.py weighted_score
        earned, possible = earned * weight / possible, float(weight)
    return {"parts": results, "earned": earned, "possible": possible}


# ---------------------------------------------------------------- rules: state, submit, hint


class ProblemState(TypedDict):
    """A learner's state for one problem (the same JSON in problem.js and in SCORM suspend_data)."""

    attempts: int  # submissions so far
    # The latest submission, part id -> answer: a choice id (single), choice ids (multiple), the option's
    # text (dropdown), the text typed (text, numeric). Restored as saved: the graders read any value.
    answers: dict[str, Any]
    hints: int  # demand hints shown so far


def restore(saved: object, content: Content) -> ProblemState:
    """A saved state made valid for this content: answers to parts that no longer exist are dropped."""
    state = saved if isinstance(saved, dict) else {}
    ids = {part["id"] for part in parts(content)}
    given = state.get("answers")
    answers: dict[str, Any] = given if isinstance(given, dict) else {}
    attempts = state.get("attempts")
    hints = state.get("hints")
    return {
        "attempts": attempts if isinstance(attempts, int) and attempts >= 0 else 0,
        "answers": {key: value for key, value in answers.items() if key in ids},
        "hints": hints if isinstance(hints, int) and 0 <= hints <= len(content["demand_hints"]) else 0,
    }


def _closed(state: ProblemState, content: Content) -> bool:
    limit: int | None = content["max_attempts"]
    return limit is not None and state["attempts"] >= limit


def answer_available(state: ProblemState, content: Content, graded: dict[str, Any] | None) -> bool:
    """capa_block.answer_available without due dates (a SCORM package has none)."""
    show = content["showanswer"]
    attempted = state["attempts"] > 0
    correct = graded is not None and attempted and graded["earned"] == graded["possible"]
    closed = _closed(state, content)
    shown_when: dict[str, bool] = {
        "always": True,
        "answered": correct,
        "attempted": attempted,
        "attempted_no_past_due": attempted,
        "closed": closed,
        "finished": closed or correct,
        "correct_or_past_due": correct,
        "after_all_attempts": closed,
        "after_all_attempts_or_correct": closed or correct,
    }
    return shown_when.get(show, False)


def _correct_answers(content: Content) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in parts(content):
        kind = part["kind"]
        if kind in ("single", "multiple"):
            right = [c["id"] for c in part["choices"] if c["correct"] == "true"]
            out[part["id"]] = right[0] if kind == "single" else right
        elif kind == "dropdown":
            out[part["id"]] = next(o["text"] for o in part["options"] if o["correct"] == "true")
        elif kind == "text":
            out[part["id"]] = part["answers"][0] if not part["regexp"] else None
        else:
            out[part["id"]] = part["answer"]
    return out


def view(state: ProblemState, content: Content) -> dict[str, Any]:
    """What the learner sees: their answers, the latest grading, attempts left, hints, the answer when due."""
    graded = grade(content, state["answers"]) if state["attempts"] > 0 else None
    limit = content["max_attempts"]
    available = answer_available(state, content, graded)
    return {
        "attempts": state["attempts"],
        "attempts_left": None if limit is None else max(0, limit - state["attempts"]),
        "answers": state["answers"],
        "results": graded["parts"] if graded else None,
        "score": {"earned": graded["earned"], "possible": graded["possible"]} if graded else None,
        "hints": content["demand_hints"][: state["hints"]],
        "answer": _correct_answers(content) if available else None,
        "solution": content["solution"] if available else "",
    }


def _checked_answers(payload: object, content: Content) -> dict[str, Any]:
    answers = payload.get("answers") if isinstance(payload, dict) else None
    if not isinstance(answers, dict):
        raise Refused("Answer every question before you submit.")
    checked: dict[str, Any] = {}
    for part in parts(content):
        value = answers.get(part["id"])
        kind = part["kind"]
        if kind == "multiple":
            ids = {c["id"] for c in part["choices"]}
            if not isinstance(value, list) or not value or not all(v in ids for v in value):
                raise Refused("Select at least one option in each question.", detail=part["id"])
            checked[part["id"]] = sorted(set(value), key=lambda v: int(v.split("_")[1]))
        elif kind == "single":
            if value not in {c["id"] for c in part["choices"]}:
                raise Refused("Choose an answer in each question.", detail=part["id"])
            checked[part["id"]] = value
        elif kind == "dropdown":
            if value not in {o["text"] for o in part["options"]}:
                raise Refused("Choose an answer in each question.", detail=part["id"])
            checked[part["id"]] = value
        else:
            if not isinstance(value, str) or not value.strip() or len(value) > 500:
                raise Refused("Type an answer in each question.", detail=part["id"])
            if kind == "numeric" and parse_number(value) is None:
                # Open edX answers "Could not interpret ... as a number" and uses no attempt either.
                raise Refused("Write a number, such as 30 or 2.5.", detail=part["id"])
            checked[part["id"]] = value.strip()
    return checked


def apply(
    handler: str, saved: object, payload: object, content: Content, ctx: Context | None = None
) -> tuple[ProblemState, dict[str, Any]]:
    """One learner request -> (new state, response). Refused leaves the state as it was."""
    state = restore(saved, content)
    if handler == "state":
        return state, view(state, content)
    if handler == "submit":
        if _closed(state, content):
            raise Refused("You have used every attempt for this problem.", status=409)
        answers = _checked_answers(payload, content)
        state = {**state, "attempts": state["attempts"] + 1, "answers": answers}
        return state, view(state, content)
    if handler == "hint":
        if state["hints"] >= len(content["demand_hints"]):
            raise Refused("There are no more hints.", status=409)
        state = {**state, "hints": state["hints"] + 1}
        return state, view(state, content)
    raise Refused(f"unknown handler {handler}", status=404)


def report(saved: object, content: Content, block_id: str = "") -> dict[str, Any]:
    """For the SCORM runtime: completed once submitted; the latest submission's raw score (one point a
    question; the course grader applies `weight`, as Open edX's grader does), null before any
    submission; one interaction per question (choice, fill-in for text and dropdowns, numeric)."""
    state = restore(saved, content)
    if state["attempts"] == 0:
        return {"completed": False, "score": None, "interactions": []}
    graded = grade(content, state["answers"])
    interactions = []
    earned = 0.0
    for part in parts(content):
        result = graded["parts"][part["id"]]
        earned += result["points"]
        answer = state["answers"].get(part["id"])
        kind = part["kind"]
        response: Any  # as the interaction records it: a list of choice ids, a number's text or a text
        if kind in ("single", "multiple"):
            itype, response = "choice", answer if isinstance(answer, list) else [answer]
        elif kind == "numeric":
            itype, response = "numeric", answer
        else:
            itype, response = "fill-in", answer
        interactions.append(
            {
                "id": f"{block_id}-{part['id']}" if block_id else part["id"],
                "type": itype,
                "description": " ".join(re.sub(r"<[^>]+>", " ", part["label"]).split()),
                "response": response,
                "result": "correct"
                if result["correctness"] == "correct"
                else ("incorrect" if result["points"] == 0 else "neutral"),
                "weighting": 1,
            }
        )
    return {
        "completed": True,
        "score": {"earned": earned, "possible": float(len(interactions))},
        "interactions": interactions,
    }


def max_score(content: Content) -> dict[str, Any]:
    """What the course grader needs: raw points possible (one a question) and the author's weight."""
    return {"possible": len(parts(content)), "weight": content["weight"]}
