"""Writes the fixture reports of tests/stats/data/: one set of learner responses (30 learners, ten
post-test items, four with known faults) exported the way each LMS exports it. Run it to regenerate them:

    .venv/bin/python tests/stats/make_reports.py

- openedx_problem_responses.csv: the instructor dashboard's Problem Responses report, columns and
  order as openedx-platform's ProblemResponses task writes them (username, title, location, the
  sorted keys of ProblemBlock.generate_report_data, block_key, state), the state being the problem's
  StudentModule JSON; some learners' states carry correct_map_history (recent releases), others only
  the latest correct_map (older ones); rows of a journal block have no Answer ID.
- moodle_interactions.txt: Moodle's SCORM Interactions report downloaded in text format (tab
  separated, as mod/scorm/report/interactions writes it with every summary option ticked): Name,
  Email address, Attempt, Started on, Last accessed on, Score, the SCO's title, then Question N,
  Response N, Right answer N, Result N. A SCORM 1.2 package: results 'correct'/'wrong'.
- scormcloud_registrations.json: SCORM Cloud API v2 GET /registrations with includeChildResults,
  includeInteractionsAndObjectives and includeRuntime (a RegistrationListSchema).

Each file also holds the traps a reader must get right: a learner's later attempt or registration
that is better than the first, a neutral role-play interaction, a learner without an attempt.
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
COURSE = "Facilitating IEP Meetings"
LEARNERS = 30
# item -> (title, question, right answer text, (discrimination a, difficulty b) of the simulated item)
ITEMS = {
    "fac_post_01": ("Post-test 1", "Who speaks first about the student?", "The parent", (2.0, -1.0)),
    "fac_post_02": ("Post-test 2", "What does the facilitator decide?", "Nothing: the team decides", (1.5, -4.0)),
    "fac_post_03": ("Post-test 3", "Where does a parked issue go?", "A dated follow-up", (-2.0, 0.0)),
    "fac_post_04": ("Post-test 4", "Which reframe keeps the interest?", "You want her safe at lunch", (1.5, 3.0)),
    "fac_post_05": ("Post-test 5", "When are agreements revisited?", "At a tense moment", (0.0, 0.0)),
    "fac_post_06": ("Post-test 6", "What closes the meeting?", "Owners and dates for each action", (2.5, 0.0)),
    "fac_post_07": ("Post-test 7", "Who may the family bring?", "Anyone who knows the child", (2.0, -0.5)),
    "fac_post_08": ("Post-test 8", "What does a neutral summary do?", "States each side's interest", (2.5, 0.5)),
    "fac_post_09": ("Post-test 9", "When is the interpreter briefed?", "Before the meeting", (2.0, 1.0)),
    "fac_post_10": (
        "Post-test 10",
        "What is checked at the close?",
        "That the family knows what comes next",
        (2.0, 0.0),
    ),
}


def first_responses() -> dict[str, dict[str, int]]:
    """learner -> item -> 1/0 on the first attempt: a two-parameter logistic model, abilities spread
    evenly from -2 to 2, so each item behaves as designed (02 too easy, 03 miskeyed, 04 too hard,
    05 unrelated to ability, the others working)."""
    rng = random.Random(7)
    table = {}
    for number in range(LEARNERS):
        ability = -2 + 4 * number / (LEARNERS - 1)
        row = {}
        for item, (_t, _q, _a, (a, b)) in ITEMS.items():
            chance = 1 / (1 + math.exp(-a * (ability - b)))
            row[item] = int(rng.random() < chance)
        table[f"learner{number:02d}"] = row
    return table


def wrong_answer(item: str) -> str:
    return {"fac_post_01": "The facilitator"}.get(item, "Another option")


def state_json(item: str, first: int, later: int | None, history: bool) -> str:
    answer_id = f"{item}_2_1"
    graded = {"correctness": "correct" if (later if later is not None else first) else "incorrect"}
    graded.update(
        {"npoints": None, "msg": "", "hint": "", "hintmode": None, "queuestate": None, "answervariable": None}
    )
    state = {
        "correct_map": {answer_id: graded},
        "input_state": {answer_id: {}},
        "last_submission_time": "2026-11-02T17:21:04Z",
        "attempts": 1 if later is None else 2,
        "seed": 1,
        "done": True,
        "student_answers": {answer_id: "choice_2" if (later if later is not None else first) else "choice_0"},
        "score": {"raw_earned": later if later is not None else first, "raw_possible": 1},
    }
    if history:
        attempts = [first] + ([later] if later is not None else [])
        state["correct_map_history"] = [
            {answer_id: {**graded, "correctness": "correct" if a else "incorrect"}} for a in attempts
        ]
    return json.dumps(state, ensure_ascii=False)


def open_edx(table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header = [
        "username",
        "title",
        "location",
        "Answer",
        "Answer ID",
        "Correct Answer",
        "Question",
        "block_key",
        "state",
    ]
    writer.writerow(header)
    for item, (title, question, right, _model) in ITEMS.items():
        location = f"{COURSE} > After the course > Post-test > {title} > {title}"
        block_key = f"block-v1:P2P+FAC101+2026+type@problem+block@{item}"
        for learner, row in table.items():
            first = row[item]
            # learner05 answered again after a wrong first try (the history keeps the first); learner06's
            # state comes from an older release, which keeps only the latest correctness (one attempt here).
            later = 1 if learner == "learner05" and not first else None
            history = learner != "learner06"
            shown = later if later is not None else first
            writer.writerow(
                [
                    learner,
                    title,
                    location,
                    right if shown else wrong_answer(item),
                    f"{item}_2_1",
                    right,
                    question,
                    block_key,
                    state_json(item, first, later, history),
                ]
            )
        if item == "fac_post_01":  # a learner who saved an answer without submitting it
            state = {"input_state": {f"{item}_2_1": {}}, "student_answers": {f"{item}_2_1": "choice_1"}, "seed": 1}
            state.update({"has_saved_answers": True, "attempts": 0, "done": False})
            writer.writerow(
                ["visitor", title, location, "The parent", f"{item}_2_1", right, question, block_key, json.dumps(state)]
            )
    # a journal block under the same chapter: the report lists its state with no Answer ID
    journal_key = "block-v1:P2P+FAC101+2026+type@reflection_journal+block@fac_reflect_close"
    for learner in list(table)[:2]:
        journal = {"drafts": {}, "entries": {"close": "I will ask the family first."}}
        writer.writerow(
            [
                learner,
                "Closing reflection",
                f"{COURSE} > After the course > Closing reflection",
                "",
                "",
                "",
                "",
                journal_key,
                json.dumps(journal),
            ]
        )
    return out.getvalue()


def moodle(table) -> str:
    rng = random.Random(3)
    per_learner = []
    for number, (learner, row) in enumerate(table.items()):
        order = list(ITEMS)
        rng.shuffle(order)  # interactions are numbered in the order each learner answered
        records = [(f"{item}-p1", row[item]) for item in order]
        records.insert(2, ("fac_rp_conference-conf-double-slot", None))  # a role-play choice: neutral
        if learner == "learner07" and not row["fac_post_04"]:
            records.append(("fac_post_04-p1", 1))  # SCORM 1.2 journaling: a later record of the same item
        per_learner.append((number, learner, records))
    count = max(len(records) for _n, _l, records in per_learner)
    header = ["Name", "Email address", "Attempt", "Started on", "Last accessed on", "Score", COURSE]
    for index in range(count):
        header += [f"Question {index}", f"Response {index}", f"Right answer {index}", f"Result {index}"]
    lines = ["\t".join(header)]

    def row_of(number, learner, attempt, records, score):
        first_name, last_name = f"Learner{number:02d}", "Tester"
        cells = [f"{first_name} {last_name}", f"{learner}@example.org", str(attempt)]
        cells += [
            f"Monday, 2 November 2026, {1 + number % 9}:0{attempt} PM",
            f"Monday, 2 November 2026, {1 + number % 9}:4{attempt} PM",
        ]
        cells += [str(score), f"{score}/100"]
        for item, result in records:
            right = "2" if not item.startswith("fac_rp") else ""
            response = ("2" if result else "0") if result is not None else "b"
            outcome = "neutral" if result is None else "correct" if result else "wrong"
            cells += [item, response, right, outcome]
        cells += [""] * (len(header) - len(cells))
        return "\t".join(cells)

    for number, learner, records in per_learner:
        scored = [r for _i, r in records if r is not None]
        score = round(100 * sum(scored) / len(scored))
        lines.append(row_of(number, learner, 1, records, score))
        if learner == "learner08":  # a second attempt, all correct: the first attempt is the one analysed
            lines.append(row_of(number, learner, 2, [(item, 1 if r is not None else None) for item, r in records], 100))
    lines.append(
        "\t".join(["Nobody Yet", "nobody@example.org", "-", "-", "-", "-", "Not attempted"] + [""] * (len(header) - 7))
    )
    return "\n".join(lines) + "\n"


def interaction(item: str, minute: int, correct: list[str], response: str, result: str, description: str) -> dict:
    """A RuntimeInteractionSchema as SCORM Cloud answers it."""
    when = f"2026-11-02T17:{10 + minute % 50:02d}:00.0Z"
    return {
        "id": item,
        "type": "Choice",
        "objectives": [],
        "timestamp": when,
        "timestampUtc": when,
        "correctResponses": correct,
        "weighting": 1.0,
        "learnerResponse": response,
        "result": result,
        "latency": "PT12S",
        "description": description,
    }


def scorm_cloud(table) -> str:
    registrations = []

    def registration(number, learner, row, instance, better):
        interactions = []
        for index, item in enumerate(ITEMS):
            right = 1 if better else row[item]
            answer = "choice_2" if right else "choice_0"
            result = "correct" if right else "incorrect"
            interactions.append(interaction(f"{item}-p1", index, ["choice_2"], answer, result, ITEMS[item][1]))
            if index == 1:  # a role-play choice on the way: neutral, not scored
                choice = "conf-double-slot"
                described = "Fall conferences: Offer a double slot"
                interactions.append(interaction(f"fac_rp_conference-{choice}", 30, [], choice, "neutral", described))
        scaled = sum(1 for i in interactions if i["result"] == "correct") / len(ITEMS)
        success = "PASSED" if scaled >= 0.7 else "FAILED"

        def activity(activity_id: str) -> dict:  # an ActivityResultSchema's summary fields
            return {
                "id": activity_id,
                "title": COURSE,
                "attempts": 1,
                "activityCompletion": "COMPLETED",
                "activitySuccess": success,
                "score": {"scaled": round(scaled * 100, 2)},
                "timeTracked": "0000:21:00",
                "suspended": False,
            }

        runtime = {
            "completionStatus": "Completed",
            "credit": "Credit",
            "entry": "Resume",
            "exit": "Suspend",
            "location": "fac_u_posttest",
            "mode": "Normal",
            "scoreScaled": f"{scaled:.2f}",
            "scoreRaw": f"{round(scaled * 100)}",
            "scoreMin": "0",
            "scoreMax": "100",
            "totalTime": "0000:21:00",
            "timeTracked": "0000:21:00",
            "runtimeSuccessStatus": success,
            "runtimeInteractions": interactions,
            "runtimeObjectives": [],
        }
        sco = {**activity("p2p-facilitation-sco"), "children": [], "runtime": runtime}
        return {
            "id": f"reg-{learner}-{instance}",
            "instance": instance,
            "xapiRegistrationId": f"7b0c2f0e-0000-4000-8000-{number:06d}{instance:06d}",
            "updated": "2026-11-02T17:30:00.000Z",
            "registrationCompletion": "COMPLETED",
            "registrationCompletionAmount": 1.0,
            "registrationSuccess": success,
            "score": {"scaled": round(scaled * 100, 2)},
            "totalSecondsTracked": 1260.0,
            "firstAccessDate": "2026-11-02T17:00:00.000Z",
            "lastAccessDate": "2026-11-02T17:30:00.000Z",
            "completedDate": "2026-11-02T17:30:00.000Z",
            "createdDate": "2026-11-02T16:59:00.000Z",
            "course": {"id": "facilitation-scorm2004", "title": COURSE, "version": 0},
            "learner": {
                "id": learner,
                "email": f"{learner}@example.org",
                "firstName": f"Learner{number:02d}",
                "lastName": "Tester",
            },
            "activityDetails": {**activity("p2p-facilitation"), "children": [sco]},
        }

    for number, (learner, row) in enumerate(table.items()):
        if learner == "learner09":  # a second registration, all correct, listed first: instance 0 is analysed
            registrations.append(registration(number, learner, row, 1, True))
        registrations.append(registration(number, learner, row, 0, False))
    return json.dumps({"registrations": registrations}, indent=2) + "\n"


def main() -> None:
    table = first_responses()
    DATA.mkdir(exist_ok=True)
    (DATA / "openedx_problem_responses.csv").write_text(open_edx(table), encoding="utf-8", newline="")
    (DATA / "moodle_interactions.txt").write_text(moodle(table), encoding="utf-8")
    (DATA / "scormcloud_registrations.json").write_text(scorm_cloud(table), encoding="utf-8")
    (DATA / "first_responses.json").write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
