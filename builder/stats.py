"""Item statistics for course teams (`p2p stats REPORT`): which assessment items do not work.

One reader per report format turns an LMS export into the same table — for each learner, each
item's score from 0 to 1 on their first response — and `item_statistics` computes, per item, the
difficulty (p-value: the mean score) and the discrimination (the item-rest point-biserial
correlation, and the upper-lower 27 % index), and flags items that do not work.

Formats (docs/item-statistics.md says how to export each):
- `openedx`: the instructor dashboard's "Problem Responses" report (CSV), with the columns the
  platform's ProblemResponses task writes (lms/djangoapps/instructor_task/tasks_helper/grades.py):
  username, title, location, the keys of ProblemBlock.generate_report_data (Answer, Answer ID,
  Correct Answer, Question), block_key, state (the learner's problem state as JSON).
- `moodle`: a SCORM activity's Interactions report downloaded in text format (tab-separated;
  mod/scorm/report/interactions/classes/report.php): the learner's name and identity fields,
  Attempt, Started on, Last accessed on, Score, one column per SCO, then per interaction N
  "Question N", "Response N", "Right answer N", "Result N" (as the report options choose).
- `scormcloud`: the JSON of SCORM Cloud's API v2 `GET /registrations` (or one registration) read
  with includeChildResults, includeInteractionsAndObjectives and includeRuntime: registrations with
  learner.id and activityDetails (children, runtime.runtimeInteractions).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from xblocks.common.problems import Problem

FORMATS = ("openedx", "moodle", "scormcloud")

# Conventional thresholds of classical item analysis (Ebel's bands for discrimination: below 0.20 an
# item separates stronger from weaker learners poorly; below 0 it favours the weaker ones, which
# usually means a wrong key or an ambiguous item).
TOO_HARD = 0.20  # difficulty (p) below this
TOO_EASY = 0.90  # difficulty (p) above this
WEAK_DISCRIMINATION = 0.20  # item-rest correlation (or, without one, the 27 % index) below this
MIN_RESPONSES = 20  # fewer responses than this: the figures are shown but are unstable
UPPER_LOWER = 0.27  # share of learners in each of the upper and lower groups


class ReportError(Exception):
    """A report that cannot be read, with every problem found, located."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class Responses:
    """What a report says: each learner's score on each item (first response, 0 to 1)."""

    format: str
    items: dict[str, str] = field(default_factory=dict)  # id -> label, in order of first appearance
    scores: dict[str, dict[str, float]] = field(default_factory=dict)  # learner -> item -> score
    not_scored: int = 0  # responses with no score (neutral, unanticipated, not submitted, other blocks)

    def add(self, learner: str, item: str, label: str, score: float) -> None:
        self.items.setdefault(item, label)
        self.scores.setdefault(learner, {}).setdefault(item, score)  # the first response counts


# ---------------------------------------------------------------- reading


def read_report(path: Path) -> Responses:
    """The responses in an LMS report, whatever its format; ReportError if it cannot be read."""
    file = str(path)
    data = path.read_bytes()
    if data[:2] == b"PK" or data[:4] == b"\xd0\xcf\x11\xe0":
        raise ReportError(
            [
                Problem(
                    file,
                    1,
                    "this is a spreadsheet (Excel or ODS), not a text report",
                    "download the report as CSV or text (Moodle: 'Download in text format')",
                )
            ]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ReportError([Problem(file, line, "the report is not UTF-8 text", "export it again as UTF-8")]) from None
    if not text.strip():
        raise ReportError([Problem(file, 1, "the report is empty", "export the report again, after learners answered")])
    first = text.lstrip()[:1]
    header = text.split("\n", 1)[0]
    if first in "{[":
        responses = _scorm_cloud(text, file)
    elif "\t" in header and "Attempt" in header.split("\t"):
        responses = _moodle(text, file)
    elif "block_key" in header and "state" in header:
        responses = _open_edx(text, file)
    else:
        raise ReportError(
            [
                Problem(
                    file,
                    1,
                    "this is not a report p2p stats reads (its first line is no known header)",
                    "export Open edX's Problem Responses report (CSV), Moodle's SCORM Interactions report "
                    "in text format, or SCORM Cloud's registrations as JSON (docs/item-statistics.md)",
                )
            ]
        )
    if not responses.items:
        raise ReportError(
            [
                Problem(
                    file,
                    None,
                    "the report holds no scored response",
                    "export it after learners have answered; only correct/incorrect (or numeric) results are scored",
                )
            ]
        )
    return responses


def _rows(text: str, delimiter: str):
    """(line where the row starts, row) for each record of a CSV text (quoted fields may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    for row in reader:
        yield start, row
        start = reader.line_num + 1


def _records(rows, header: list[str], file: str, problems: list[Problem]):
    """The non-empty rows after the header that have as many fields as it; a problem for each other."""
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            message = f"the row has {len(row)} fields, the header {len(header)}"
            problems.append(Problem(file, line, message, "export the report again"))
            continue
        yield line, row


def _open_edx(text: str, file: str) -> Responses:
    responses = Responses("openedx")
    rows = _rows(text, ",")
    _line, header = next(rows)
    needed = ("username", "Answer ID", "block_key", "state")
    missing = [name for name in needed if name not in header]
    if missing:
        raise ReportError(
            [
                Problem(
                    file,
                    1,
                    f"the header lacks the column(s) {', '.join(missing)}",
                    "export the Problem Responses report from the instructor dashboard (Data Download), unchanged",
                )
            ]
        )
    at = {name: header.index(name) for name in header}
    problems = []
    for line, row in _records(rows, header, file, problems):
        answer_id = row[at["Answer ID"]]
        if not answer_id or answer_id == "Python Error":  # another kind of block, or a problem the LMS could not read
            responses.not_scored += 1
            continue
        try:
            state = json.loads(row[at["state"]])
        except ValueError as error:
            problems.append(Problem(file, line, f"the state column is not JSON ({error})", "export the report again"))
            continue
        entry = _first_correctness(state, answer_id)
        if entry is None:  # saved but never submitted
            responses.not_scored += 1
            continue
        score = _correctness_score(entry)
        if score is None:
            problems.append(
                Problem(
                    file,
                    line,
                    f"answer {answer_id} has correctness {entry.get('correctness')!r}",
                    "expected correct, partially-correct or incorrect: export the report again",
                )
            )
            continue
        title = row[at["title"]] if "title" in at else row[at["block_key"]]
        question = row[at["Question"]] if "Question" in at else ""
        label = f"{title}: {question}" if question and question != title else title
        responses.add(row[at["username"]], answer_id, " ".join(label.split()), score)
    if problems:
        raise ReportError(problems)
    return responses


def _first_correctness(state, answer_id: str):
    """The grading of the learner's first submission of one input: correct_map_history[0] when the
    platform keeps the history, else the latest correct_map (older releases keep only that)."""
    if not isinstance(state, dict):
        return None
    history = state.get("correct_map_history")
    if isinstance(history, list) and history and isinstance(history[0], dict) and answer_id in history[0]:
        entry = history[0][answer_id]
    else:
        current = state.get("correct_map")
        entry = current.get(answer_id) if isinstance(current, dict) else None
    return entry if isinstance(entry, dict) else None


def _correctness_score(entry: dict) -> float | None:
    correctness = entry.get("correctness")
    if correctness == "correct":
        return 1.0
    if correctness == "incorrect":
        return 0.0
    if correctness == "partially-correct":
        points = entry.get("npoints")
        return min(1.0, float(points)) if isinstance(points, (int, float)) and points > 0 else 0.5
    return None


_MOODLE_COLUMN = re.compile(r"^(Question|Response|Right answer|Result) (\d+)$")


def _moodle(text: str, file: str) -> Responses:
    responses = Responses("moodle")
    rows = _rows(text, "\t")
    _line, header = next(rows)
    attempt_at = header.index("Attempt")
    columns: dict[str, dict[int, int]] = {"Question": {}, "Result": {}}
    for index, name in enumerate(header):
        match = _MOODLE_COLUMN.match(name.strip())
        if match and match.group(1) in columns:
            columns[match.group(1)][int(match.group(2))] = index
    lacking = [f"'{kind} N'" for kind in ("Question", "Result") if not columns[kind]]
    if lacking:
        raise ReportError(
            [
                Problem(
                    file,
                    1,
                    f"the report has no {' or '.join(lacking)} columns, so items cannot be told apart and scored",
                    "in Moodle's Interactions report options tick 'Summary of question' and 'Summary of result', "
                    "then download it in text format",
                )
            ]
        )
    first_attempt: dict[str, tuple[int, int, list[str]]] = {}  # learner -> (attempt, line, row)
    problems: list[Problem] = []
    for line, row in _records(rows, header, file, problems):
        attempt = row[attempt_at].strip()
        if attempt in ("", "-"):  # a learner with no attempt
            continue
        if not attempt.isdigit():
            problems.append(Problem(file, line, f"Attempt is {attempt!r}, not a number", "download the report again"))
            continue
        learner = " / ".join(cell.strip() for cell in row[:attempt_at])
        if learner not in first_attempt or int(attempt) < first_attempt[learner][0]:
            first_attempt[learner] = (int(attempt), line, row)
    for learner, (_attempt, line, row) in first_attempt.items():
        for number in sorted(columns["Question"]):
            item = row[columns["Question"][number]].strip()
            result = row[columns["Result"][number]].strip() if number in columns["Result"] else ""
            if not item:
                continue
            score = _result_score(result)
            if score == "unreadable":
                problems.append(
                    Problem(
                        file,
                        line,
                        f"Result {number} of {item} is {result!r}",
                        "a SCORM result is correct, wrong/incorrect, neutral, unanticipated or a number from 0 to 1",
                    )
                )
            elif score is None:
                responses.not_scored += 1
            else:
                responses.add(learner, item, item, score)
    listed = any(row[index].strip() for _a, _l, row in first_attempt.values() for index in columns["Question"].values())
    if first_attempt and not listed and not problems:
        # Moodle's report reads the interactions under SCORM 1.2's names (cmi.interactions_N.id,
        # .student_response); a 2004 activity stores cmi.interactions.N.*, so its attempts come with
        # one empty Question column (seen in Moodle 5.1.3).
        problems.append(
            Problem(
                file,
                1,
                f"{len(first_attempt)} learner(s) have an attempt but the report lists no interaction: Moodle's "
                "Interactions report shows the interactions of SCORM 1.2 activities only, and a SCORM 2004 "
                "activity's are left out",
                "for item statistics in Moodle give learners the course's SCORM 1.2 package "
                "(p2p build --target scorm12), then download this report again",
            )
        )
    if problems:
        raise ReportError(sorted(problems, key=lambda p: p.line or 0))
    return responses


def _result_score(result: str):
    """A SCORM interaction result as a score: 1, 0, a number from 0 to 1, None (not scored) or "unreadable"."""
    word = result.lower()
    if word == "correct":
        return 1.0
    if word in ("wrong", "incorrect"):  # SCORM 1.2 says wrong, 2004 incorrect
        return 0.0
    if word in ("", "neutral", "unanticipated", "unknown"):
        return None
    try:
        value = float(result)
    except ValueError:
        return "unreadable"
    return value if 0 <= value <= 1 and math.isfinite(value) else "unreadable"


def _line_of(text: str, needle: str) -> int | None:
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else None


def _scorm_cloud(text: str, file: str) -> Responses:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ReportError([Problem(file, error.lineno, f"not valid JSON: {error.msg}", "export it again")]) from None
    if isinstance(document, dict) and isinstance(document.get("registrations"), list):
        registrations = document["registrations"]
    elif isinstance(document, list):
        registrations = document
    elif isinstance(document, dict) and "activityDetails" in document:
        registrations = [document]
    else:
        raise ReportError(
            [
                Problem(
                    file,
                    1,
                    "this JSON is not SCORM Cloud registrations (no 'registrations' list or 'activityDetails')",
                    "save the answer of GET /registrations?courseId=...&includeChildResults=true"
                    "&includeInteractionsAndObjectives=true&includeRuntime=true",
                )
            ]
        )
    responses = Responses("scormcloud")
    problems = []
    first: dict[str, tuple[int, dict]] = {}  # learner -> (instance, registration): their first registration
    found_runtime = False
    for number, registration in enumerate(registrations, 1):
        where = f"registration {number}"
        learner = registration.get("learner") if isinstance(registration, dict) else None
        learner_id = learner.get("id") if isinstance(learner, dict) else None
        if not isinstance(learner_id, str) or not learner_id:
            line = _line_of(text, json.dumps(registration.get("id"))) if isinstance(registration, dict) else None
            problems.append(Problem(file, line or 1, f"{where} has no learner.id", "export the registrations again"))
            continue
        instance = registration.get("instance") if isinstance(registration.get("instance"), int) else 0
        if learner_id not in first or instance < first[learner_id][0]:
            first[learner_id] = (instance, registration)
    for learner_id, (_instance, registration) in first.items():
        for interaction in _interactions(registration.get("activityDetails")):
            found_runtime = True
            item = interaction.get("id")
            if not isinstance(item, str) or not item:
                continue
            score = _result_score(str(interaction.get("result") or ""))
            if score == "unreadable":
                line = _line_of(text, json.dumps(item)) or 1
                problems.append(
                    Problem(
                        file,
                        line,
                        f"interaction {item} of learner {learner_id} has result {interaction.get('result')!r}",
                        "a SCORM result is correct, incorrect, neutral, unanticipated or a number from 0 to 1",
                    )
                )
            elif score is None:
                responses.not_scored += 1
            else:
                label = " ".join(str(interaction.get("description") or item).split())
                responses.add(learner_id, item, label, score)
    if problems:
        raise ReportError(problems)
    if registrations and not found_runtime:
        raise ReportError(
            [
                Problem(
                    file,
                    1,
                    "the registrations carry no runtime interactions",
                    "read them with includeRuntime=true and includeInteractionsAndObjectives=true "
                    "(and includeChildResults=true for a package of several SCOs)",
                )
            ]
        )
    return responses


def _interactions(activity):
    """Every runtime interaction of an activity and its children, in order."""
    if not isinstance(activity, dict):
        return
    runtime = activity.get("runtime")
    if isinstance(runtime, dict) and isinstance(runtime.get("runtimeInteractions"), list):
        yield from (i for i in runtime["runtimeInteractions"] if isinstance(i, dict))
    for child in activity.get("children") or []:
        yield from _interactions(child)


# ---------------------------------------------------------------- statistics


def _correlation(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / math.sqrt(sxx * syy)


def _upper_lower(answered: list[str], scores: dict, rest: dict) -> float | None:
    """Mean item score of the upper 27 % by rest score minus that of the lower 27 % (ties by name)."""
    if len(answered) < 2:
        return None
    ranked = sorted(answered, key=lambda learner: (-rest[learner], learner))
    group = max(1, round(UPPER_LOWER * len(ranked)))
    top, bottom = ranked[:group], ranked[-group:]
    return sum(scores[learner] for learner in top) / group - sum(scores[learner] for learner in bottom) / group


def item_statistics(responses: Responses) -> list[dict]:
    """Per item: responses, difficulty, discrimination and flags.

    - difficulty: the mean score (for right/wrong items, the share who got it right);
    - item_rest: the correlation of the item's score with the learner's score on every other item
      (the point-biserial, corrected so the item does not correlate with itself);
    - upper_lower: among those who answered it, the mean item score of the top 27 % of learners
      (ranked by their score on the other items, as item_rest is) minus that of the bottom 27 %.
    A learner's total counts an item they did not answer as 0. Both discrimination figures leave the
    item out of the score it is compared with: on a short test, an item counted in the total
    correlates with it by construction.
    """
    learners = sorted(responses.scores)
    totals = {learner: sum(responses.scores[learner].values()) for learner in learners}
    results = []
    for item, label in responses.items.items():
        answered = [learner for learner in learners if item in responses.scores[learner]]
        scores = {learner: responses.scores[learner][item] for learner in answered}
        rest = {learner: totals[learner] - scores[learner] for learner in answered}
        difficulty = sum(scores.values()) / len(scores)
        item_rest = _correlation([scores[learner] for learner in answered], [rest[learner] for learner in answered])
        upper_lower = _upper_lower(answered, scores, rest)
        flags = []
        if len(scores) < MIN_RESPONSES:
            flags.append("few responses")
        if difficulty < TOO_HARD:
            flags.append("too hard")
        elif difficulty > TOO_EASY:
            flags.append("too easy")
        # When every answer scores the same there is nothing to discriminate with (difficulty says why).
        discrimination = item_rest if item_rest is not None or not 0 < difficulty < 1 else upper_lower
        if discrimination is None:
            if 0 < difficulty < 1:
                flags.append("no discrimination to measure")
        elif discrimination < 0:
            flags.append("negative discrimination: check the key")
        elif discrimination < WEAK_DISCRIMINATION:
            flags.append("weak discrimination")
        results.append(
            {
                "item": item,
                "label": label,
                "responses": len(scores),
                "difficulty": round(difficulty, 3),
                "item_rest": None if item_rest is None else round(item_rest, 3),
                "upper_lower": None if upper_lower is None else round(upper_lower, 3),
                "flags": flags,
                "works": not [f for f in flags if f != "few responses"],
            }
        )
    return results


def summary(path: Path, responses: Responses, items: list[dict]) -> dict:
    """The whole result as one JSON-ready document."""
    return {
        "report": str(path),
        "format": responses.format,
        "learners": len(responses.scores),
        "not_scored": responses.not_scored,
        "thresholds": {
            "too_hard_below": TOO_HARD,
            "too_easy_above": TOO_EASY,
            "weak_discrimination_below": WEAK_DISCRIMINATION,
            "few_responses_below": MIN_RESPONSES,
            "upper_lower_share": UPPER_LOWER,
        },
        "items": items,
    }


def text_table(document: dict) -> str:
    """The result for people: one line per item, flagged items marked."""

    def figure(value) -> str:
        return "—" if value is None else f"{value:.2f}"

    rows = [("item", "n", "difficulty", "item-rest r", "upper-lower D", "flags")]
    for item in document["items"]:
        name = item["item"] if item["label"] == item["item"] else f"{item['item']} ({item['label'][:50]})"
        rows.append(
            (
                name,
                str(item["responses"]),
                figure(item["difficulty"]),
                figure(item["item_rest"]),
                figure(item["upper_lower"]),
                "; ".join(item["flags"]) or "ok",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        f"{document['report']}: {document['format']} report, {document['learners']} learners, "
        f"{len(document['items'])} items ({document['not_scored']} responses not scored)"
    ]
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    flagged = sum(1 for item in document["items"] if not item["works"])
    lines.append(f"{flagged} of {len(document['items'])} items flagged as not working.")
    return "\n".join(lines)
