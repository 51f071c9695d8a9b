"""The facilitation_rubric XBlock (Open edX and the xblock-sdk workbench).

Self and calibration modes run the rules of `model.py` (twin of `P2PRubric.rules` in rubric.js).
Trainer mode is server-only: candidates request certification through edx-submissions, trainers
(course staff) assess them, and the score is set on the candidate's submission, so the grade lands
on the candidate, the way staff-graded blocks such as edx-sga do it.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

from xblock.core import XBlock
from xblock.fields import Dict, Integer, List, Scope, String

from xblocks.common import platform
from xblocks.common.base import P2PBlock, _, json_handler, rule_handler
from xblocks.common.handlers import csv_response, utc_now
from xblocks.common.kind import BlockKind
from xblocks.common.platform import anonymous_user_id, course_key, student_item, username
from xblocks.common.rendering import XBLOCKS_DIR
from xblocks.common.rules import Refused

from . import model

SCENARIOS = Path(__file__).resolve().parent / "templates" / "scenarios"
MAX_REQUEST_BYTES = 100_000  # every note at its limit, as escaped JSON, fits with room to spare
# An anonymous user id as edx-submissions stores it (student_id: at most 255 characters, no NUL).
CANDIDATE_ID = re.compile(r"[^\x00-\x1f\x7f]{1,255}")
ASSESSMENT_TYPE = f"{model.TAG}_assessment"  # edx-submissions item_type of trainers' assessments
ONLY_TRAINERS = _("Only trainers (course staff) can see and assess candidates.")


def _grade_points(total, max_total) -> tuple[int, int]:
    """Whole points for edx-submissions (it stores integers): hundredths when a weight has decimals."""
    total_h, max_h = round(total * 100), round(max_total * 100)
    if total_h % 100 == 0 and max_h % 100 == 0:
        return total_h // 100, max_h // 100
    return total_h, max_h


@XBlock.wants("completion")  # the LMS's: completion for the assessed candidate
class FacilitationRubricBlock(P2PBlock):
    """A rubric for facilitated IEP meetings: self-assessment, rater calibration, trainer certification."""

    block_kind = BlockKind(
        tag=model.TAG,
        model=model,
        folder=XBLOCKS_DIR / "rubric",
        name="rubric",
        global_name="P2PRubric",
        scorm_refusal=model.scorm_refusal,
        lms_only_scripts=("rubric-certification.js",),
    )
    content_field = "definition"
    model_attributes = model.ROOT_ATTRIBUTES
    editor_source = "rubric (Studio editor)"
    # A block added in Studio starts from the self-check example, ready to edit.
    starter = (SCENARIOS / "self_check.xml").read_text(encoding="utf-8")
    studio_label = _("Rubric (OLX)")
    studio_help = _(
        "Levels, criteria with a descriptor for every level, the pass rule and, for calibration, samples with expert ratings. It is saved only when it has no problems."
    )
    not_saved = _("The rubric was not saved:")
    max_request_bytes = MAX_REQUEST_BYTES

    display_name = String(display_name=_("Display name"), default="Facilitation rubric", scope=Scope.settings)
    definition = String(
        default="",
        scope=Scope.content,
        help=_("The rubric's OLX: levels, criteria, pass rule, samples (see docs/rubric.md)."),
    )

    # Learner state in self and calibration modes, the model's {r, n, s, a} (self) or {r, a, f, p} (calibration).
    ratings = Dict(default={}, scope=Scope.user_state)
    notes = Dict(default={}, scope=Scope.user_state)
    submitted = Integer(default=0, scope=Scope.user_state)
    attempts = Integer(default=0, scope=Scope.user_state)
    first_ratings = Dict(default={}, scope=Scope.user_state)  # calibration: what is graded, never replaced
    submitted_samples = List(default=[], scope=Scope.user_state)  # calibration: shown with the key now

    # Trainer mode, before assessments became edx-submissions rows: {candidate student id: [assessment,
    # ...]}, one value read-modify-written by every trainer (two at once kept only the later). Read, never
    # written: each assessment is now its own submission (_assessment_item), which no trainer can overwrite.
    certification_records = Dict(default={}, scope=Scope.user_state_summary)

    has_score = True
    has_custom_completion = True
    icon_class = "problem"

    def model(self) -> model.Rubric:
        return self.content_model()

    def max_score(self):
        found = self.parsed().model
        return model.max_score(model.view_content(found)) if found else None

    # ------------------------------------------------------------ identity and state

    def _content(self) -> dict:
        return self.view_content(self.content_model())

    def _student_item(self, student_id: str) -> dict:
        return student_item(self, student_id, model.TAG)

    def _state(self, content: dict) -> dict:
        saved = {"r": self.ratings, "n": self.notes, "s": self.submitted, "a": self.attempts}
        if self.first_ratings or self.submitted_samples:
            saved.update(f=self.first_ratings, p=self.submitted_samples)
        return model.restore(saved, content)

    def _store(self, state: dict) -> None:
        self.ratings, self.attempts = state["r"], state["a"]
        if "f" in state:  # calibration
            self.first_ratings, self.submitted_samples, self.submitted = state["f"], state["p"], 0
        else:
            self.notes, self.submitted = state["n"], state["s"]

    # ------------------------------------------------------------ view

    def template_content(self, content: dict) -> dict:
        return model.learner_content(content)  # no expert ratings or answer keys in the page

    def view_data(self, found, content: dict) -> dict:
        data = {"state": self._view_state(content)}
        if content["mode"] == "trainer" and self.is_staff():
            data["csv_url"] = self.runtime.handler_url(self, "certification_csv")
        return data

    def _view_state(self, content: dict) -> dict:
        if content["mode"] == "trainer":
            return self._trainer_state(content)
        return model.view(self._state(content), content)

    # ------------------------------------------------------------ requests

    def run_rule(self, handler: str, payload) -> dict:
        content = self._content()
        if content["mode"] == "trainer" and handler == "state":
            return self._trainer_state(content)
        state = self._state(content)
        new_state, response = model.apply(handler, state, payload, content, self.rule_context())
        if new_state != state:
            self._store(new_state)
        if handler == "submit":
            self._publish_result(response)
        return response

    def _publish_result(self, response: dict) -> None:
        if response["mode"] == "calibration":
            # Only the first submission of each graded sample counts; practice leaves the grade as it was.
            if response["grade"] is None:
                return
            earned, possible = response["grade"]["exact"], response["grade"]["ratings"]
        else:
            earned, possible = response["result"]["total"], response["result"]["max_total"]
        self.publish("grade", {"value": earned, "max_value": possible})
        self.publish("completion", {"completion": 1.0})

    state = rule_handler("state")
    save_draft = rule_handler("save_draft")
    submit = rule_handler("submit")
    revise = rule_handler("revise")

    # ------------------------------------------------------------ trainer mode: candidates

    def _assessment_item(self, student_id: str) -> dict:
        """Where a candidate's assessments are kept: a student item of their own beside the request, one
        submission per assessment (edx-submissions inserts a row each time, so concurrent trainers both
        keep theirs). Its own item id too: edx-submissions keeps one student item per (course, student,
        item id) whatever the type, and the request's queue must never list assessments."""
        return dict(student_item(self, student_id, ASSESSMENT_TYPE), item_id=f"{self.scope_ids.usage_id}#assessments")

    def _records(self, student_id: str) -> list[dict]:
        """Every assessment of this candidate, oldest first."""
        from submissions import api as submissions

        stored = submissions.get_submissions(self._assessment_item(student_id))  # newest first
        return list(self.certification_records.get(student_id) or []) + [s["answer"] for s in reversed(stored)]

    def _candidate_view(self, student_id: str, content: dict) -> dict:
        from submissions import api as submissions

        latest = next(iter(submissions.get_submissions(self._student_item(student_id), limit=1)), None)
        records = self._records(student_id)
        request = None
        if latest is not None:
            answer = latest["answer"] if isinstance(latest["answer"], dict) else {}
            request = {
                "submission": str(latest["uuid"]),
                "notes": answer.get("notes", ""),
                "recording_url": answer.get("recording_url", ""),
                "candidate": answer.get("candidate", ""),
                "requested_at": _iso(latest["submitted_at"]),
            }
        assessed = request is not None and any(r["submission"] == request["submission"] for r in records)
        score = submissions.get_score(self._student_item(student_id)) if latest is not None else None
        return {
            "candidate_id": student_id,
            "request": request,
            "status": "none" if request is None else "assessed" if assessed else "waiting",
            "assessments": records,
            "score": None if not score else {"earned": score["points_earned"], "possible": score["points_possible"]},
        }

    def _trainer_state(self, content: dict) -> dict:
        if self.is_staff():
            return {"mode": "trainer", "role": "trainer"}
        return {"mode": "trainer", "role": "candidate", **self._candidate_view(anonymous_user_id(self), content)}

    def _trainer_content(self) -> dict:
        content = self._content()
        if content["mode"] != "trainer":
            raise Refused(_("Certification requests belong to trainer-mode rubrics."))
        return content

    @json_handler()
    def request_certification(self, payload, request):
        """A candidate asks to be certified, with evidence notes and an optional recording link."""
        from submissions import api as submissions

        content = self._trainer_content()
        if self.in_preview:
            raise Refused(_("This is Studio preview: candidates request certification in the course itself."), 409)
        if self.is_staff():
            raise Refused(_("Trainers assess candidates; a trainer account cannot request certification here."), 403)
        student_id = anonymous_user_id(self)
        if self._candidate_view(student_id, content)["status"] == "waiting":
            raise Refused(_("Your request is waiting for a trainer; you can send a new one after it is assessed."), 409)
        evidence = model.checked_request(payload)
        submissions.create_submission(self._student_item(student_id), {**evidence, "candidate": username(self)})
        return self._trainer_state(content)

    # ------------------------------------------------------------ trainer mode: trainers

    def _queue(self, content: dict) -> list[dict]:
        from submissions import api as submissions

        candidates = []
        for submission in submissions.get_all_submissions(
            course_key(self), str(self.scope_ids.usage_id), model.TAG, read_replica=False
        ):
            candidates.append(self._candidate_view(submission["student_id"], content))
        order = {"waiting": 0, "assessed": 1}
        return sorted(candidates, key=lambda c: (order.get(c["status"], 2), c["request"]["requested_at"]))

    @json_handler(requires="staff", refusal=ONLY_TRAINERS)
    def queue(self, payload, request):
        return {"candidates": self._queue(self._trainer_content())}

    @json_handler(requires="staff", refusal=ONLY_TRAINERS)
    def assess(self, payload, request):
        """A trainer's assessment of one candidate's latest request: levels and feedback per criterion.
        It is added to the candidate's records (never replacing one) and scored on their submission."""
        from submissions import api as submissions

        content = self._trainer_content()
        payload = payload if isinstance(payload, dict) else {}
        candidate_id = payload.get("candidate_id")
        if not isinstance(candidate_id, str) or not CANDIDATE_ID.fullmatch(candidate_id):
            raise Refused(_("Choose a candidate to assess."))
        candidate = self._candidate_view(candidate_id, content)
        if candidate["request"] is None:
            raise Refused(_("This person has not requested certification."))
        if payload.get("submission") != candidate["request"]["submission"]:
            raise Refused(_("The candidate sent a newer request; reload the queue and assess that one."), 409)
        if candidate_id == anonymous_user_id(self):
            raise Refused(_("You cannot assess your own request."), 403)
        assessment = model.checked_assessment(payload, content)
        result = assessment["result"]
        record = {
            "submission": candidate["request"]["submission"],
            "candidate": candidate["request"]["candidate"],
            "trainer": username(self),
            "date": utc_now(),
            "levels": assessment["levels"],
            "feedback": assessment["feedback"],
            "total": result["total"],
            "max_total": result["max_total"],
            "passed": result["passed"],
            "criteria": result["criteria"],
        }
        from submissions.models import Submission

        if len(json.dumps(record)) > Submission.MAXSIZE:  # edx-submissions' own measure of an answer
            raise Refused(_("The feedback is too long altogether; shorten it."), 400)
        submissions.create_submission(self._assessment_item(candidate_id), record)
        earned, possible = _grade_points(result["total"], result["max_total"])
        submissions.set_score(candidate["request"]["submission"], earned, possible)
        self._complete_for(candidate_id)
        return {"candidate": self._candidate_view(candidate_id, content)}

    def _complete_for(self, candidate_id: str) -> None:
        """The assessed unit is complete for the candidate, not the trainer: the LMS's completion service
        takes completion for other learners (edx-completion, submit_group_completion). Runtimes without
        it (the workbench) have no completion to keep."""
        completion = self.runtime.service(self, "completion") if platform.has_service(self, "completion") else None
        if completion is None or not hasattr(completion, "submit_group_completion") or self.in_preview:
            return
        candidate = platform.user_by_anonymous_id(self, candidate_id)
        if candidate is not None:
            completion.submit_group_completion(self.scope_ids.usage_id, 1.0, user_ids=[candidate.id])

    def _csv_rows(self, content: dict):
        from submissions import api as submissions

        labels = {level["id"]: level["label"] for level in content["levels"]}
        requested = submissions.get_all_submissions(
            course_key(self), str(self.scope_ids.usage_id), model.TAG, read_replica=False
        )
        candidates = set(self.certification_records) | {s["student_id"] for s in requested}
        records = [r for candidate in sorted(candidates) for r in self._records(candidate)]
        for record in sorted(records, key=lambda r: (r["date"], r["candidate"])):
            yield (
                [record["candidate"], record["trainer"], record["date"]]
                + [labels.get(record["levels"].get(c["id"]), "") for c in content["criteria"]]
                + [record["total"], record["max_total"], self.translate(_("yes") if record["passed"] else _("no"))]
            )

    @json_handler(requires="staff", refusal=ONLY_TRAINERS, methods=("GET", "POST"))
    def certification_csv(self, payload, request):
        """Every assessment of every candidate, one row each, for the trainers' records."""
        content = self._trainer_content()
        header = (
            [self.translate(t) for t in (_("candidate"), _("trainer"), _("date"))]
            + [c["label"] for c in content["criteria"]]
            + [self.translate(t) for t in (_("total"), _("possible"), _("passed"))]
        )
        return csv_response(header, self._csv_rows(content), f"{content['id']}-certifications.csv")

    @staticmethod
    def workbench_scenarios():
        return [
            (title, (SCENARIOS / name).read_text(encoding="utf-8"))
            for title, name in (
                ("Facilitation rubric: self-check", "self_check.xml"),
                ("Facilitation rubric: calibration", "calibration.xml"),
                ("Facilitation rubric: certification", "certification.xml"),
            )
        ]


def _iso(value) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)
