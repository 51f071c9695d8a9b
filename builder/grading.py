"""The course grade, computed the way Open edX computes it, for the runtimes that have no Open edX.

Open edX grades a learner from the course's `grading_policy.json` and the subsections' `format` and
`graded` attributes; a SCORM package must send the LMS that same grade, not a sum of points. This
module is the Python half of one grader; `builder/player/static/grader.js` is the JavaScript half the
player runs, and the shared vectors in `tests/vectors/grader/` hold the two equal.

What is matched, as Open edX does it (openedx-platform: `xmodule/graders.py`,
`lms/djangoapps/grades/scores.py`, `subsection_grade.py`, `course_grade.py`):

- A scored block counts with its raw points, or rescaled to its `weight` when it has one
  (earned * weight / possible, out of weight). A block not attempted counts 0 of its possible.
- A subsection's percent is its blocks' earned over possible, rounded to 4 decimals (half to even).
- Only subsections with `graded="true"` whose blocks can score (possible > 0) enter the grade, under
  their `format` (the assignment type). Ungraded subsections never count, whatever they hold.
- Each assignment type averages max(min_count, subsections of that type) entries: missing ones count
  0 ("placeholders"); the lowest `drop_count` are dropped (the later of equal ones).
- The course percent is the sum of type averages times their weights, rounded to whole percent the
  way Open edX rounds it (away from zero, after adding 0.05 percent); the letter is the highest cutoff
  reached, and the learner passes at the lowest cutoff above 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from builder.course import Chapter, Component, Course
from xblocks.common.kind import kind

JSON = dict[str, Any]  # a JSON object: a grading policy, a subsection, a score, a result


def course_grade(policy: JSON, subsections: list[JSON]) -> JSON:
    """The course grade for `subsections` under `policy` (a grading_policy.json document).

    A subsection: {"id", "title", "format", "graded", "scores": [{"earned": number or None (not
    attempted), "possible": raw points, "weight": number or None}]}. The answer lists every
    assignment type with what counts, what was dropped and what is missing (see the module doc).
    """
    by_format: dict[str, list[JSON]] = {}
    for subsection in subsections:
        earned, possible, attempted = _subsection_total(subsection.get("scores") or [])
        if subsection.get("graded") and possible > 0:
            by_format.setdefault(subsection.get("format") or "", []).append(
                {
                    "id": subsection.get("id"),
                    "title": subsection.get("title"),
                    "earned": earned,
                    "possible": possible,
                    "percent": _round_half_even(earned / possible, 4),
                    "attempted": attempted,
                }
            )
    total = 0.0
    types = []
    for entry in policy.get("GRADER") or []:
        kind = entry.get("type")
        weight = entry.get("weight", 0)
        average, items = _assignment_type(by_format.get(kind, []), entry)
        contribution = average * weight
        total += contribution
        types.append(
            {
                "type": kind,
                "weight": weight,
                "min_count": int(float(entry.get("min_count", 0))),
                "drop_count": int(entry.get("drop_count", 0)),
                "percent": average,
                "contribution": contribution,
                "items": items,
            }
        )
    percent = _round_away_from_zero(total * 100 + 0.05) / 100
    cutoffs = policy.get("GRADE_CUTOFFS") or {}
    letter = None
    for name in sorted(cutoffs, key=lambda name: cutoffs[name], reverse=True):
        if percent >= cutoffs[name]:
            letter = name
            break
    passing = [value for value in cutoffs.values() if value > 0]
    pass_mark = min(passing) if passing else None
    return {
        "percent": percent,
        "letter": letter,
        "passed": pass_mark is not None and percent >= pass_mark,
        "pass_mark": pass_mark,
        "types": types,
    }


def compare(subsections: list[JSON]) -> list[JSON]:
    """Each pre-test beside its post-test, question by question, for the learner's result page.

    A pre-test is a subsection with `pretest_for` naming its post-test (checked by `p2p validate`:
    same number of questions, question n of each about the same idea). The subsections are
    `course_grade`'s, scores in question order. A side: {id, title, earned, possible, percent (None
    when nothing was answered), attempted}; a question: {"pre", "post"}, each the fraction of its
    points earned, or None when not answered. Pairs whose post-test is missing are left out.
    """
    by_id = {subsection.get("id"): subsection for subsection in subsections}
    pairs = []
    for pre in subsections:
        post = by_id.get(pre.get("pretest_for") or "")
        if post is None:
            continue

        def side(subsection: JSON) -> JSON:
            earned, possible, attempted = _subsection_total(subsection.get("scores") or [])
            return {
                "id": subsection.get("id"),
                "title": subsection.get("title"),
                "earned": earned,
                "possible": possible,
                "percent": _round_half_even(earned / possible, 4) if attempted and possible > 0 else None,
                "attempted": attempted,
            }

        def fraction(score: JSON | None) -> float | None:
            if score is None or score.get("earned") is None or not float(score["possible"]):
                return None
            return _round_half_even(float(score["earned"]) / float(score["possible"]), 4)

        before, after = pre.get("scores") or [], post.get("scores") or []
        questions = [
            {
                "pre": fraction(before[n] if n < len(before) else None),
                "post": fraction(after[n] if n < len(after) else None),
            }
            for n in range(max(len(before), len(after)))
        ]
        pairs.append({"pre": side(pre), "post": side(post), "questions": questions})
    return pairs


def pretest_problems(course: Course) -> list[tuple[str, int, str, str]]:
    """What is wrong with the course's `pretest_for` pairings: (file, line, message, fix) each."""
    subsections = {s.url_name: s for chapter in course.chapters for s in chapter.subsections}
    found = []
    for pre in subsections.values():
        target = pre.attrs.get("pretest_for")
        if target is None:
            continue
        post = subsections.get(target)
        questions = [sum(1 for u in s.units for c in u.components if c.category == "problem") for s in (pre, post) if s]
        if post is None or post is pre:
            found.append(
                (pre.file, pre.line, f'pretest_for="{target}" names no other subsection of this course',
                 "write the url_name of the post-test's <sequential>")
            )  # fmt: skip
        elif post.attrs.get("graded", "false").lower() != "true" or pre.attrs.get("graded", "false").lower() == "true":
            found.append(
                (pre.file, pre.line, "a pre-test is ungraded and its post-test graded",
                 f'remove graded from this <sequential> and give "{target}" graded="true" and a format')
            )  # fmt: skip
        elif questions[0] != questions[1] or not questions[0]:
            found.append(
                (pre.file, pre.line,
                 f'the pre-test holds {questions[0]} problems and its post-test "{target}" {questions[1]}',
                 "write parallel forms: the same number of problems, question n of each about the same idea")
            )  # fmt: skip
    return found


def _subsection_total(scores: list[JSON]) -> tuple[float, float, bool]:
    earned = possible = 0.0
    attempted = False
    for score in scores:
        raw_possible = float(score["possible"])
        raw_earned = 0.0 if score.get("earned") is None else float(score["earned"])
        attempted = attempted or score.get("earned") is not None
        weight = score.get("weight")
        if weight is not None and raw_possible != 0:  # the author's weight is the block's possible
            raw_earned, raw_possible = raw_earned * weight / raw_possible, float(weight)
        earned += raw_earned
        possible += raw_possible
    return earned, possible, attempted


def _assignment_type(found: list[JSON], entry: JSON) -> tuple[float, list[JSON]]:
    count = max(int(float(entry.get("min_count", 0))), len(found))
    items = []
    for index in range(count):
        if index < len(found):
            items.append(dict(found[index], placeholder=False, dropped=False))
        else:  # fewer subsections of this type than the policy expects: each missing one counts 0
            items.append(
                {
                    "id": None,
                    "title": None,
                    "earned": 0.0,
                    "possible": 0.0,
                    "percent": 0.0,
                    "attempted": False,
                    "placeholder": True,
                    "dropped": False,
                }
            )
    drop = int(entry.get("drop_count", 0))
    ranked = sorted(range(count), key=lambda index: -items[index]["percent"])  # stable, as Open edX's
    dropped = ranked[-drop:] if drop > 0 else []
    total = 0.0
    for index, item in enumerate(items):
        if index in dropped:
            item["dropped"] = True
        else:
            total += item["percent"]
    if count - drop > 0:
        total /= count - drop
    return total, items


def _round_half_even(value: float, digits: int) -> float:
    scale: float = 10**digits
    return round(value * scale) / scale  # Python's round is half to even, as numpy's around


def _round_away_from_zero(value: float) -> float:
    return float(math.floor(value + 0.5)) if value > 0 else float(math.ceil(value - 0.5))


# ------------------------------------------------------------------ what a course gives the grader


def block_score(component: Component) -> JSON | None:
    """{"possible", "weight"} of one of our blocks as Open edX scores it, or None if it has no score.

    possible is the block's max_score; weight the author's weight when the block has one (role-play).
    """
    block_kind = kind(component.category) if component.block is not None else None
    module = block_kind.model if block_kind else None
    if module is None:
        return None
    content = module.view_content(component.block)
    if component.category == "reflection_journal":
        possible, weight = content.get("points") or 0, None
    elif component.category == "scenario_roleplay":
        possible, weight = content.get("possible") or 0, getattr(component.block, "weight", None)
    elif component.category == "facilitation_rubric":
        possible, weight = module.max_score(content), None
    elif component.category == "problem":  # one raw point a question, rescaled to its weight (capa)
        possible, weight = module.max_score(content)["possible"], content["weight"]
    else:
        return None
    return {"possible": possible, "weight": weight} if possible else None


def grading_outline(course: Course, chapters: Iterable[Chapter] | None = None) -> list[JSON]:
    """The subsections of `chapters` (default: all) as the grader reads them: id, title, format,
    graded, and the ids of the scored blocks in them with their possible points and weight."""
    outline = []
    for chapter in course.chapters if chapters is None else chapters:
        for subsection in chapter.subsections:
            blocks = []
            for unit in subsection.units:
                for component in unit.components:
                    score = block_score(component)
                    if score:
                        blocks.append({"id": component.url_name, **score})
            entry = {
                "id": subsection.url_name,
                "title": subsection.display_name,
                "format": subsection.attrs.get("format", ""),
                "graded": subsection.attrs.get("graded", "false").lower() == "true",
                "blocks": blocks,
            }
            if subsection.attrs.get("pretest_for"):
                entry["pretest_for"] = subsection.attrs["pretest_for"]
            outline.append(entry)
    return outline


def grading_policy(course: Course) -> JSON:
    """The parts of grading_policy.json the grader reads (validated by `p2p validate`)."""
    policy = course.grading_policy or {}
    return {"GRADER": policy.get("GRADER") or [], "GRADE_CUTOFFS": policy.get("GRADE_CUTOFFS") or {}}
